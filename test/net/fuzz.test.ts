/** Random and mutated bytes on every supported link type: no throw, no hang. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NetDecoder } from '../../src/core/net/net-decoder.js';
import { FIXTURES } from './fixtures.js';
import { record } from './packet-builders.js';

const LINK_TYPES = [0, 1, 9, 12, 14, 50, 51, 101, 104, 108, 113, 228, 229, 276];

function decodeMany(frames: { linkType: number; data: Uint8Array; ts: number }[]): number {
  let n = 0;
  let diags = 0;
  const dec = new NetDecoder({ onDiagnostic: () => diags++, limits: { maxDatagramsInProgress: 16 } });
  frames.forEach((f, i) => {
    dec.decode(record(f.linkType, Buffer.from(f.data), i + 1, f.ts), (s) => {
      // Touch every field a consumer would.
      n += s.payload.length + s.src.length + s.dst.length + s.srcPort + s.dstPort;
    });
  });
  dec.flush();
  return n + diags;
}

describe('robustness', () => {
  it('random bytes on every supported link type never throw', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            linkType: fc.constantFrom(...LINK_TYPES),
            data: fc.uint8Array({ maxLength: 300 }),
            ts: fc.integer({ min: 0, max: 100 }),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        (frames) => {
          expect(() => decodeMany(frames)).not.toThrow();
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('random bytes behind a plausible IPv4/IPv6 start never throw', () => {
    const ipStart = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 300 }).map((b) => Uint8Array.from([0x45, ...b])),
      fc.uint8Array({ minLength: 0, maxLength: 300 }).map((b) => Uint8Array.from([0x60, ...b])),
    );
    fc.assert(
      fc.property(fc.array(ipStart, { minLength: 1, maxLength: 10 }), (datas) => {
        expect(() => decodeMany(datas.map((data) => ({ linkType: 101, data, ts: 0 })))).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it('valid frames with random byte mutations never throw', () => {
    const fixture = fc.constantFrom(...FIXTURES);
    const mutation = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fixture, mutation), { minLength: 1, maxLength: 8 }), (items) => {
        const frames = items.map(([[, linkType, full], muts]) => {
          const data = Buffer.from(full);
          for (const [at, value] of muts) data[at % data.length] = value;
          return { linkType, data, ts: 0 };
        });
        expect(() => decodeMany(frames)).not.toThrow();
      }),
      { numRuns: 3000 },
    );
  });
});
