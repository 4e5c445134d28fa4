/** pcapng reader on byte literals built here, each case also fed at every chunk size. */
import { describe, expect, it } from 'vitest';
import { PcapngReader } from '../../src/core/capture/pcapng.js';
import { type SecNsec, toSecNsec, unitsPerSecondFromTsresol } from '../../src/core/capture/pcapng-time.js';
import {
  bytes, ngBlock, ngEpb, ngIdb, ngOption, ngPb, ngShb, ngSpb, readChunked, readWhole, type ReadResult, u32, u16,
} from './helpers.js';

/** Reads at every chunk size, asserts all equal the whole read, returns the whole read. */
function readAllWays(input: Buffer): ReadResult {
  const whole = readWhole(input);
  for (let size = 1; size < input.length; size++) {
    const r = readChunked(input, size);
    expect(r.records, `chunk size ${size}`).toEqual(whole.records);
    expect(r.diagnostics.map((d) => d.code), `chunk size ${size}`).toEqual(whole.diagnostics.map((d) => d.code));
    expect(r.fatals, `chunk size ${size}`).toEqual(whole.fatals);
    expect(r.offsetsMatch).toBe(true);
  }
  expect(whole.offsetsMatch).toBe(true);
  return whole;
}

const ts64 = (v: bigint): [number, number] => [Number(v >> 32n), Number(v & 0xffffffffn)];

describe('pcapng reader', () => {
  it('reads two sections of different byte order; a new section resets interfaces', () => {
    const [h, l] = ts64(1_700_000_000_123_456n);
    const input = Buffer.concat([
      ngShb(true), ngIdb(1), ngEpb(0, h, l, bytes(10)),
      ngShb(false), ngIdb(113, { le: false }), ngEpb(0, h, l + 1, bytes(11), { le: false }),
      ngEpb(1, h, l, bytes(5), { le: false }), // interface 1 existed only in section 1
    ]);
    const r = readAllWays(input);
    expect(r.records.map((x) => [x.frame, x.linkType, x.tsSec, x.tsNsec, x.data.length / 2, x.interfaceId])).toEqual([
      [1, 1, 1_700_000_000, 123_456_000, 10, 0],
      [2, 113, 1_700_000_000, 123_457_000, 11, 0],
    ]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['PCAPNG_UNKNOWN_INTERFACE']);
    expect(r.infos.map((i) => [i.bigEndian, i.linkTypes])).toEqual([[false, [1]], [true, [113]]]);
  });

  it('two interfaces with different link types, if_tsresol 10^-9 and 2^-10, and if_tsoffset', () => {
    const ns = 1_700_000_000_987_654_321n;
    const [nh, nl] = ts64(ns);
    const units2 = 5n * 1024n + 512n; // 5.5 s in 2^-10 units
    const [bh, bl] = ts64(units2);
    const offset = Buffer.alloc(8);
    offset.writeBigInt64LE(1_000_000_000n);
    const input = Buffer.concat([
      ngShb(),
      ngIdb(1, { options: [ngOption(9, Buffer.from([9]))] }),
      ngIdb(101, { options: [ngOption(9, Buffer.from([0x8a])), ngOption(14, offset)] }),
      ngEpb(0, nh, nl, bytes(8)),
      ngEpb(1, bh, bl, bytes(9)),
    ]);
    const r = readAllWays(input);
    expect(r.records.map((x) => [x.linkType, x.interfaceId, x.tsSec, x.tsNsec])).toEqual([
      [1, 0, 1_700_000_000, 987_654_321],
      [101, 1, 1_000_000_005, 500_000_000],
    ]);
    expect(r.infos.at(-1)!.linkTypes).toEqual([1, 101]);
  });

  it('SPB takes interface 0 and its snap length; obsolete PB and comments', () => {
    const input = Buffer.concat([
      ngShb(),
      ngIdb(1, { snaplen: 16 }),
      ngSpb(100, bytes(16)), // cut by snaplen 16: 16 captured of 100
      ngSpb(6, bytes(8)), // block padded: captured = original length 6
      ngPb(0, 0, 2_000_000, bytes(12), { origLen: 60, options: [ngOption(1, Buffer.from('old block'))] }),
      ngEpb(0, 0, 3_000_000, bytes(7), { options: [ngOption(1, Buffer.from('first')), ngOption(2, u32(1)), ngOption(1, Buffer.from('second ü'))] }),
    ]);
    const r = readAllWays(input);
    expect(r.records.map((x) => [x.frame, x.data.length / 2, x.origLen, x.truncated, x.tsSec, x.comments])).toEqual([
      [1, 16, 100, true, 0, undefined],
      [2, 6, 6, false, 0, undefined],
      [3, 12, 60, true, 2, ['old block']],
      [4, 7, 7, false, 3, ['first', 'second ü']],
    ]);
    expect(r.records[1]!.data).toBe(bytes(8).subarray(0, 6).toString('hex'));
    expect(r.diagnostics).toEqual([]);
  });

  it('skips NRB, ISB, DSB, custom and unknown blocks', () => {
    const input = Buffer.concat([
      ngShb(), ngIdb(1),
      ngBlock(4, Buffer.concat([u16(1), u16(8), bytes(8), u32(0)])),
      ngEpb(0, 0, 1, bytes(3)),
      ngBlock(5, bytes(20)),
      ngBlock(10, bytes(12)),
      ngBlock(0xbad, bytes(8)),
      ngBlock(0x77777, bytes(4)),
      ngEpb(0, 0, 2, bytes(4)),
    ]);
    const r = readAllWays(input);
    expect(r.records.map((x) => x.frame)).toEqual([1, 2]);
    expect(r.diagnostics).toEqual([]);
  });

  it('resynchronises after garbage inserted between blocks', () => {
    const input = Buffer.concat([
      ngShb(), ngIdb(1), ngEpb(0, 0, 1, bytes(10)),
      Buffer.from('GARBAGE!garbage bytes that are no block 1234567'), // 47 bytes: breaks 4-alignment too
      ngEpb(0, 0, 2, bytes(20)), ngEpb(0, 0, 3, bytes(30)),
    ]);
    const r = readAllWays(input);
    expect(r.records.map((x) => x.data.length / 2)).toEqual([10, 20, 30]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['PCAPNG_BAD_BLOCK_LENGTH', 'PCAPNG_RESYNC']);
  });

  it('resynchronises after a block whose trailer does not repeat its length', () => {
    const broken = ngEpb(0, 0, 2, bytes(20));
    broken.writeUInt32LE(0xdeadbeef, broken.length - 4);
    const input = Buffer.concat([ngShb(), ngIdb(1), ngEpb(0, 0, 1, bytes(10)), broken, ngEpb(0, 0, 3, bytes(30))]);
    const r = readAllWays(input);
    expect(r.records.map((x) => x.data.length / 2)).toEqual([10, 30]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['PCAPNG_BLOCK_TRAILER_MISMATCH', 'PCAPNG_RESYNC']);
  });

  it('finds blocks hidden by a length field damaged into one that runs past the end', () => {
    const damaged = ngEpb(0, 0, 2, bytes(20));
    damaged.writeUInt32LE(4096, 4); // plausible length, far beyond the file
    const input = Buffer.concat([ngShb(), ngIdb(1), ngEpb(0, 0, 1, bytes(10)), damaged, ngEpb(0, 0, 3, bytes(30)), ngEpb(0, 0, 4, bytes(40))]);
    const r = readAllWays(input);
    expect(r.records.map((x) => x.data.length / 2)).toEqual([10, 30, 40]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['PCAPNG_RESYNC']);
  });

  it('a block claiming 4 GB is reported and skipped by resynchronising', () => {
    const huge = Buffer.concat([u32(6), u32(0xfffffffc), bytes(24)]);
    const input = Buffer.concat([ngShb(), ngIdb(1), ngEpb(0, 0, 1, bytes(10)), huge, ngEpb(0, 0, 2, bytes(20))]);
    const r = readAllWays(input);
    expect(r.records.map((x) => x.data.length / 2)).toEqual([10, 20]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['CAPTURE_RECORD_TOO_LARGE', 'PCAPNG_RESYNC']);
  });

  it('garbage up to the end: everything before delivered, then a failed resync', () => {
    const input = Buffer.concat([ngShb(), ngIdb(1), ngEpb(0, 0, 1, bytes(10)), Buffer.from('\u0001\u0002 trailing junk, no block at all here')]);
    const r = readAllWays(input);
    expect(r.records).toHaveLength(1);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['PCAPNG_BAD_BLOCK_LENGTH', 'PCAPNG_RESYNC_FAILED']);
  });

  it('truncated last block: records before it delivered, one diagnostic', () => {
    const input = Buffer.concat([ngShb(), ngIdb(1), ngEpb(0, 0, 1, bytes(10)), ngEpb(0, 0, 2, bytes(100)).subarray(0, 70)]);
    const r = readAllWays(input);
    expect(r.records).toHaveLength(1);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['CAPTURE_TRUNCATED_RECORD']);
  });

  it('fatals: empty input, cut section header, bad byte-order magic, not pcapng', () => {
    const codes = (b: Buffer): string[] => readChunked(b, 5, (e) => new PcapngReader(e)).fatals.map((f) => f.code);
    expect(codes(Buffer.alloc(0))).toEqual(['EMPTY_CAPTURE']);
    expect(codes(ngShb().subarray(0, 20))).toEqual(['CAPTURE_DAMAGED']);
    const badBom = ngShb();
    badBom.writeUInt32LE(0x11223344, 8);
    expect(codes(badBom)).toEqual(['CAPTURE_DAMAGED']);
    expect(codes(ngIdb(1))).toEqual(['NOT_A_CAPTURE']);
  });

  it('EPB whose captured length exceeds its block is skipped with a diagnostic', () => {
    const bad = ngEpb(0, 0, 1, bytes(8));
    bad.writeUInt32LE(200, 20);
    const r = readAllWays(Buffer.concat([ngShb(), ngIdb(1), bad, ngEpb(0, 0, 2, bytes(4))]));
    expect(r.records.map((x) => x.frame)).toEqual([1]);
    expect(r.records[0]!.data).toBe(bytes(4).toString('hex'));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['PCAPNG_BAD_CAPTURED_LENGTH']);
  });
});

describe('pcapng timestamps', () => {
  it('converts like exact BigInt arithmetic for several resolutions and large values', () => {
    const out: SecNsec = { sec: 0, nsec: 0 };
    const values = [0n, 1n, 999_999_999n, 1_700_000_000_123_456_789n, 0xffff_ffff_ffff_ffffn, (1n << 53n) + 12345n, 123_456_789_012n];
    for (const tsresol of [0, 3, 6, 9, 12, 15, 0x80, 0x8a, 0x94, 0xa0, 0xbc]) {
      const d = BigInt(unitsPerSecondFromTsresol(tsresol)!);
      for (const v of values) {
        toSecNsec(Number(v >> 32n), Number(v & 0xffffffffn), { unitsPerSecond: Number(d), offsetSec: 7 }, out);
        const sec = Number(v / d) + 7;
        const nsec = Number(((v % d) * 1_000_000_000n) / d);
        expect(out.sec, `tsresol ${tsresol} v ${v}`).toBe(sec);
        expect(Math.abs(out.nsec - nsec), `tsresol ${tsresol} v ${v}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('rejects if_tsresol beyond 10^-18 / 2^-60', () => {
    expect(unitsPerSecondFromTsresol(19)).toBeUndefined();
    expect(unitsPerSecondFromTsresol(0x80 | 61)).toBeUndefined();
    expect(unitsPerSecondFromTsresol(6)).toBe(1_000_000);
  });
});
