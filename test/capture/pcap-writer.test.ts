/** The writers produce files our readers (and tshark) read back record for record. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pcapGlobalHeader, pcapRecord, PcapngWriter } from '../../src/core/capture/pcap-writer.js';
import { readWhole, requireCaptures } from './helpers.js';

const dir = requireCaptures();
const tmp = mkdtempSync(path.join(tmpdir(), 'siptrace-writer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const strip = (r: { frame: number; tsSec: number; tsNsec: number; linkType: number; data: string; origLen: number; comments?: readonly string[] }) =>
  [r.frame, r.tsSec, r.tsNsec, r.linkType, r.data, r.origLen, r.comments];

describe('pcap writer', () => {
  it('pcapGlobalHeader + pcapRecord round-trip a real capture (µs and ns)', () => {
    const input = readFileSync(path.join(dir, 'derived-nsec-pkts-sipp-udp.pcap'));
    const src = readWhole(input).records;
    for (const ns of [false, true]) {
      const out = Buffer.concat([
        pcapGlobalHeader(src[0]!.linkType, 65535, ns),
        ...src.map((r) => pcapRecord({ ...r, data: Buffer.from(r.data, 'hex') }, ns)),
      ]);
      const back = readWhole(out);
      expect(back.infos[0]).toMatchObject({ format: ns ? 'pcap-ns' : 'pcap', linkTypes: [src[0]!.linkType], snapLen: 65535 });
      expect(back.records.map(strip)).toEqual(src.map((r) => strip({ ...r, tsNsec: ns ? r.tsNsec : Math.floor(r.tsNsec / 1000) * 1000 })));
    }
  });

  it('PcapngWriter keeps mixed link types and comments, and tshark reads the result', () => {
    const a = readWhole(readFileSync(path.join(dir, 'pkts-sipp-udp.pcap'))).records;
    const b = readWhole(readFileSync(path.join(dir, 'pkts-sipp-sll.pcap'))).records;
    const mixed = [a[0]!, b[0]!, { ...a[1]!, comments: ['saved by siptrace'] }, b[1]!];
    const w = new PcapngWriter();
    const out = Buffer.concat([...mixed.flatMap((r) => w.record({ ...r, data: Buffer.from(r.data, 'hex') })), ...w.finish()]);
    const back = readWhole(out);
    expect(back.diagnostics).toEqual([]);
    expect(back.records.map((r) => [r.linkType, r.interfaceId, r.tsSec, r.tsNsec, r.data, r.comments])).toEqual(
      mixed.map((r, i) => [r.linkType, i % 2, r.tsSec, r.tsNsec, r.data, r.comments]),
    );
    const file = path.join(tmp, 'mixed.pcapng');
    writeFileSync(file, out);
    const lines = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.interface_id', '-e', 'frame.cap_len'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim()
      .split('\n');
    expect(lines).toEqual(mixed.map((r, i) => `${i % 2}\t${r.data.length / 2}`));
    expect(new PcapngWriter().finish()).toHaveLength(1);
  });
});
