/** Classic pcap reader on byte literals built here. */
import { describe, expect, it } from 'vitest';
import { MAX_RECORD_BYTES } from '../../src/core/capture/chunk-carry.js';
import { PcapReader } from '../../src/core/capture/pcap.js';
import type { CaptureRecord } from '../../src/core/capture/record.js';
import { bytes, collector, pcapHeader, pcapRec, readChunked, readWhole, u32 } from './helpers.js';

const everySize = (input: Buffer, check: (r: ReturnType<typeof readWhole>, size: number) => void): void => {
  for (let size = 1; size <= input.length; size++) check(readChunked(input, size), size);
};

describe('pcap reader', () => {
  it('reads big-endian microsecond pcap', () => {
    const input = Buffer.concat([
      pcapHeader({ le: false, linkType: 113, snaplen: 100 }),
      pcapRec(1_700_000_000, 123456, bytes(40), { le: false }),
      pcapRec(1_700_000_001, 999999, bytes(100), { le: false, origLen: 1500 }),
    ]);
    everySize(input, (r) => {
      expect(r.fatals).toEqual([]);
      expect(r.infos).toEqual([{ format: 'pcap', bigEndian: true, linkTypes: [113], snapLen: 100 }]);
      expect(r.records.map((x) => [x.frame, x.tsSec, x.tsNsec, x.linkType, x.data.length / 2, x.origLen, x.truncated, x.fileOffset, x.interfaceId])).toEqual([
        [1, 1_700_000_000, 123_456_000, 113, 40, 40, false, 40, 0],
        [2, 1_700_000_001, 999_999_000, 113, 100, 1500, true, 40 + 40 + 16, 0],
      ]);
      expect(r.offsetsMatch).toBe(true);
    });
  });

  it('reads nanosecond pcap in both byte orders', () => {
    for (const le of [true, false]) {
      const input = Buffer.concat([pcapHeader({ le, ns: true }), pcapRec(5, 999_999_999, bytes(3), { le })]);
      const r = readWhole(input);
      expect(r.infos[0]!.format).toBe('pcap-ns');
      expect(r.records[0]).toMatchObject({ tsSec: 5, tsNsec: 999_999_999, data: bytes(3).toString('hex') });
    }
  });

  it('masks FCS bits out of the link type field', () => {
    const r = readWhole(Buffer.concat([pcapHeader({ linkType: 0x14000001 }), pcapRec(1, 0, bytes(2))]));
    expect(r.records[0]!.linkType).toBe(1);
  });

  it('carries an overflowing microsecond fraction into seconds, with a diagnostic', () => {
    const r = readWhole(Buffer.concat([pcapHeader(), pcapRec(10, 2_500_000, bytes(2))]));
    expect(r.records[0]).toMatchObject({ tsSec: 12, tsNsec: 500_000_000 });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['PCAP_BAD_TIMESTAMP_FRACTION']);
  });

  it('delivers everything before a truncated last record and reports it', () => {
    const good = pcapRec(1, 0, bytes(20));
    const cut = pcapRec(2, 0, bytes(50)).subarray(0, 30);
    const input = Buffer.concat([pcapHeader(), good, cut]);
    everySize(input, (r) => {
      expect(r.records).toHaveLength(1);
      expect(r.fatals).toEqual([]);
      expect(r.diagnostics).toHaveLength(1);
      expect(r.diagnostics[0]).toMatchObject({ code: 'CAPTURE_TRUNCATED_RECORD', frame: 2 });
    });
  });

  it('stops at a record claiming 4 GB, after delivering the records before it', () => {
    const huge = Buffer.concat([u32(3), u32(0), u32(0xffffffff), u32(0xffffffff), bytes(64)]);
    const input = Buffer.concat([pcapHeader(), pcapRec(1, 0, bytes(20)), huge, pcapRec(4, 0, bytes(20))]);
    everySize(input, (r) => {
      expect(r.records).toHaveLength(1);
      expect(r.fatals).toEqual([]);
      expect(r.diagnostics.map((d) => d.code)).toEqual(['CAPTURE_RECORD_TOO_LARGE']);
    });
    expect(0xffffffff).toBeGreaterThan(MAX_RECORD_BYTES);
  });

  it('a first record over the limit is a fatal (nothing readable)', () => {
    const r = readWhole(Buffer.concat([pcapHeader(), u32(1), u32(0), u32(MAX_RECORD_BYTES + 1), u32(10)]));
    expect(r.records).toEqual([]);
    expect(r.fatals.map((f) => f.code)).toEqual(['CAPTURE_RECORD_TOO_LARGE']);
  });

  it('empty input and a cut file header are fatals at end()', () => {
    expect(readChunked(Buffer.alloc(0), 1, (e) => new PcapReader(e)).fatals.map((f) => f.code)).toEqual(['EMPTY_CAPTURE']);
    const cut = readChunked(pcapHeader().subarray(0, 10), 3, (e) => new PcapReader(e));
    expect(cut.fatals.map((f) => f.code)).toEqual(['CAPTURE_DAMAGED']);
  });

  it('header only: no records, no error', () => {
    const r = readWhole(pcapHeader());
    expect(r.records).toEqual([]);
    expect(r.fatals).toEqual([]);
    expect(r.diagnostics).toEqual([]);
  });

  it('hands out views into the chunk, and one copy only for records cut by a chunk boundary', () => {
    // Buffer.alloc: unpooled, so each chunk has its own ArrayBuffer
    const own = (b: Buffer): Buffer => { const o = Buffer.alloc(b.length); b.copy(o); return o; };
    const chunk1 = own(Buffer.concat([pcapHeader(), pcapRec(1, 0, bytes(20)), pcapRec(2, 0, bytes(30)).subarray(0, 25)]));
    const chunk2 = own(pcapRec(2, 0, bytes(30)).subarray(25));
    const seen: CaptureRecord[] = [];
    const buffers: ArrayBufferLike[] = [];
    const { events } = collector();
    const reader = new PcapReader({ ...events, onRecord: (r) => { seen.push(r); buffers.push(r.data.buffer); } });
    reader.push(chunk1);
    reader.push(chunk2);
    reader.end();
    expect(seen).toHaveLength(2);
    expect(buffers[0]).toBe(chunk1.buffer);
    expect(buffers[1]).not.toBe(chunk1.buffer);
    expect(buffers[1]).not.toBe(chunk2.buffer);
    expect(seen[1]!.data.equals(bytes(30))).toBe(true);
    expect(reader.frames).toBe(2);
  });

  it('ignores pushes after a fatal', () => {
    const { events, result } = collector();
    const reader = new PcapReader(events);
    reader.push(Buffer.from('not a capture at all, really'));
    expect(reader.failed).toBe(true);
    reader.push(Buffer.concat([pcapHeader(), pcapRec(1, 0, bytes(4))]));
    reader.end();
    expect(result.records).toEqual([]);
    expect(result.fatals.map((f) => f.code)).toEqual(['NOT_A_CAPTURE']);
  });
});
