/** fast-check: random bytes never throw or hang; random chunking never changes the records. */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PcapReader } from '../../src/core/capture/pcap.js';
import { PcapngReader } from '../../src/core/capture/pcapng.js';
import { bytes, ngEpb, ngIdb, ngShb, pcapHeader, readChunked, readWhole, requireCaptures } from './helpers.js';

const dir = requireCaptures();
const realPcap = readFileSync(path.join(dir, 'pkts-simple-invite.pcap'));
const realNg = readFileSync(path.join(dir, 'ndpi-keepalive-register-401.pcapng'));

/** Random bytes after a valid file start, so the record parsers (not just the sniffer) see them. */
const withPrefix = (prefix: Buffer) => fc.uint8Array({ maxLength: 3000 }).map((u) => Buffer.concat([prefix, Buffer.from(u)]));
const ngPrefix = Buffer.concat([ngShb(), ngIdb(1), ngEpb(0, 0, 1, bytes(9))]);

const cuts = (len: number) => fc.uniqueArray(fc.integer({ min: 0, max: len }), { maxLength: 40 }).map((a) => a.sort((x, y) => x - y));

describe('random input', () => {
  it('never throws and finishes quickly (raw bytes, pcap prefix, pcapng prefix), at random chunking', () => {
    const inputs = fc.oneof(fc.uint8Array({ maxLength: 2000 }).map((u) => Buffer.from(u)), withPrefix(pcapHeader()), withPrefix(ngPrefix));
    fc.assert(
      fc.property(inputs.chain((b) => fc.tuple(fc.constant(b), cuts(b.length))), ([input, cutAt]) => {
        const t0 = performance.now();
        const whole = readWhole(input);
        const split = readChunked(input, cutAt);
        expect(performance.now() - t0).toBeLessThan(2000);
        expect(split.records).toEqual(whole.records);
        expect(split.fatals).toEqual(whole.fatals);
        expect(split.diagnostics.map((d) => d.code)).toEqual(whole.diagnostics.map((d) => d.code));
        expect(whole.offsetsMatch && split.offsetsMatch).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('random byte flips in a real pcapng never throw; records stay identical under random chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: realNg.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
        cuts(realNg.length),
        (flips, cutAt) => {
          const input = Buffer.from(realNg);
          for (const [at, v] of flips) input[at] = v;
          const whole = readChunked(input, input.length, (e) => new PcapngReader(e));
          const split = readChunked(input, cutAt, (e) => new PcapngReader(e));
          expect(split.records).toEqual(whole.records);
          expect(split.diagnostics.map((d) => d.code)).toEqual(whole.diagnostics.map((d) => d.code));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random chunking of real files gives identical records', () => {
    const baseP = readWhole(realPcap).records;
    const baseN = readWhole(realNg).records;
    fc.assert(
      fc.property(cuts(realPcap.length), cuts(realNg.length), (a, b) => {
        expect(readChunked(realPcap, a, (e) => new PcapReader(e)).records).toEqual(baseP);
        expect(readChunked(realNg, b).records).toEqual(baseN);
      }),
      { numRuns: 200 },
    );
  });
});
