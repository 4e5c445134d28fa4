/** Sniffing by magic: pcap either order, pcapng, gzip and anything else. */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createCaptureReader, isGzip, sniffCaptureFormat } from '../../src/core/capture/open-reader.js';
import { bytes, collector, ngEpb, ngIdb, ngShb, pcapHeader, pcapRec, readChunked } from './helpers.js';

describe('createCaptureReader', () => {
  it('picks the format by magic at every split of the first bytes', () => {
    const pcap = Buffer.concat([pcapHeader({ le: false }), pcapRec(1, 2, bytes(5), { le: false })]);
    const ng = Buffer.concat([ngShb(false), ngIdb(1, { le: false }), ngEpb(0, 0, 1, bytes(5), { le: false })]);
    for (const [input, format] of [[pcap, 'pcap'], [ng, 'pcapng']] as const) {
      for (let a = 0; a <= 5; a++) {
        for (let b = a; b <= 6; b++) {
          const r = readChunked(input, [a, b]);
          expect(r.fatals).toEqual([]);
          expect(r.infos[0]!.format).toBe(format);
          expect(r.records).toHaveLength(1);
          expect(r.records[0]!.data).toBe(bytes(5).toString('hex'));
        }
      }
    }
    expect(sniffCaptureFormat(pcapHeader({ ns: true }))).toBe('pcap');
    expect(sniffCaptureFormat(ngShb())).toBe('pcapng');
  });

  it('not a capture: one fatal NOT_A_CAPTURE with the first bytes, nothing else', () => {
    const r = readChunked(Buffer.from('<html><body>hello</body></html>'), 3);
    expect(r.fatals).toHaveLength(1);
    expect(r.fatals[0]!.code).toBe('NOT_A_CAPTURE');
    expect(r.fatals[0]!.message).toContain('3c 68 74 6d');
    expect(r.records).toEqual([]);
  });

  it('gzip that reached the reader says so', () => {
    const gz = gzipSync(Buffer.concat([pcapHeader(), pcapRec(1, 0, bytes(4))]));
    expect(isGzip(gz)).toBe(true);
    expect(isGzip(Buffer.from([0x1f]))).toBe(false);
    const r = readChunked(gz, 1);
    expect(r.fatals.map((f) => f.code)).toEqual(['NOT_A_CAPTURE']);
    expect(r.fatals[0]!.message).toMatch(/gzip/);
  });

  it('empty input: EMPTY_CAPTURE at end(); 1-3 bytes: NOT_A_CAPTURE', () => {
    expect(readChunked(Buffer.alloc(0), 1).fatals.map((f) => f.code)).toEqual(['EMPTY_CAPTURE']);
    expect(readChunked(Buffer.from([0xd4, 0xc3]), 1).fatals.map((f) => f.code)).toEqual(['NOT_A_CAPTURE']);
    const { events, result } = collector();
    const reader = createCaptureReader(events);
    reader.end();
    reader.end();
    expect(result.fatals).toHaveLength(1);
    expect(reader.failed).toBe(true);
  });
});
