/** The readers fed real captures split at every chunk size 1..700 give identical records. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PcapReader } from '../../src/core/capture/pcap.js';
import { PcapngReader } from '../../src/core/capture/pcapng.js';
import { readChunked, readWhole, requireCaptures } from './helpers.js';

const dir = requireCaptures();
const MAX_CHUNK = 700;

const cases = [
  { file: 'pkts-sipp-udp.pcap', make: PcapReader, frames: 30 },
  { file: 'derived-nsec-pkts-sipp-udp.pcap', make: PcapReader, frames: 30 },
  { file: 'hep3-compressed-sll.pcapng', make: PcapngReader, frames: 21 },
  { file: 'ndpi-keepalive-register-401.pcapng', make: PcapngReader, frames: 30 },
];

describe('every chunk size gives the same records', () => {
  for (const c of cases) {
    it(`${c.file} (1..${MAX_CHUNK} and whole, through the sniffing reader and the format reader)`, () => {
      const input = readFileSync(path.join(dir, c.file));
      const whole = readWhole(input);
      expect(whole.records).toHaveLength(c.frames);
      expect(whole.diagnostics).toEqual([]);
      expect(whole.offsetsMatch).toBe(true);
      for (let size = 1; size <= MAX_CHUNK; size++) {
        const got = readChunked(input, size);
        if (JSON.stringify(got.records) !== JSON.stringify(whole.records)) {
          expect(got.records, `chunk size ${size}`).toEqual(whole.records);
        }
        expect(got.diagnostics, `chunk size ${size}`).toEqual([]);
        expect(got.offsetsMatch, `chunk size ${size}`).toBe(true);
      }
      const direct = readChunked(input, 7, (e) => new c.make(e));
      expect(direct.records).toEqual(whole.records);
    });
  }
});
