/**
 * Every capture in ../shared/captures read by our reader and by tshark: same number of
 * records, same timestamps (ns), lengths and interface ids. The corrupt file must end in a
 * clean fatal. tshark must be installed (CI installs it via apt); the test fails otherwise.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readWhole, requireCaptures } from './helpers.js';

const run = promisify(execFile);
const dir = requireCaptures();
const CORRUPT = 'pkts-corrupt-bigendian-header.pcap';
const files = readdirSync(dir).filter((f) => /\.(pcap|pcapng|cap)$/.test(f) && f !== CORRUPT).sort();

async function tsharkFrames(file: string): Promise<string[]> {
  const { stdout } = await run(
    'tshark',
    ['-r', file, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len', '-e', 'frame.interface_id'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout.split('\n').filter((l) => l.length > 0);
}

describe('shared captures: records equal tshark', () => {
  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  for (const f of files) {
    it(f, async () => {
      const file = path.join(dir, f);
      const input = readFileSync(file);
      const ours = readWhole(input);
      expect(ours.fatals).toEqual([]);
      expect(ours.diagnostics).toEqual([]);
      expect(ours.offsetsMatch).toBe(true);
      const theirs = await tsharkFrames(file);
      expect(ours.records.length).toBe(theirs.length);
      const mine = ours.records.map(
        (r) => `${r.tsSec}.${String(r.tsNsec).padStart(9, '0')}\t${r.origLen}\t${r.data.length / 2}\t${input.readUInt32LE(0) === 0x0a0d0d0a ? r.interfaceId : ''}`,
      );
      // tshark prints frame.interface_id only for pcapng
      expect(mine).toEqual(theirs);
    }, 300_000); // tshark per file: slow only when the machine is loaded, never wrong
  }

  it(`${CORRUPT}: clean fatal, no exception, nothing delivered`, () => {
    const r = readWhole(readFileSync(path.join(dir, CORRUPT)));
    expect(r.records).toEqual([]);
    expect(r.fatals).toHaveLength(1);
    expect(r.fatals[0]!.code).toBe('CAPTURE_RECORD_TOO_LARGE');
    expect(r.fatals[0]!.message).toContain('587333632');
  });

  it('pcapng named .pcap is read as pcapng', () => {
    const r = readWhole(readFileSync(path.join(dir, 'ndpi-http-on-sip-port-pcapng-named-pcap.pcap')));
    expect(r.infos[0]?.format).toBe('pcapng');
    expect(r.records).toHaveLength(4);
  });
});
