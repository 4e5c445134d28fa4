/** Test helpers for the capture readers: run a reader over bytes split into chunks, byte builders. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { createCaptureReader } from '../../src/core/capture/open-reader.js';
import type { CaptureFatal, CaptureInfo, CaptureReader, CaptureReaderEvents, CaptureRecord } from '../../src/core/capture/record.js';

export const CAPTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/captures');

export function requireCaptures(): string {
  if (!existsSync(CAPTURES)) throw new Error(`shared captures missing at ${CAPTURES}`);
  return CAPTURES;
}

/** A record with its data copied (views die at the next push) and plain fields for toEqual. */
export interface OwnedRecord {
  frame: number;
  tsSec: number;
  tsNsec: number;
  linkType: number;
  data: string; // hex
  origLen: number;
  truncated: boolean;
  fileOffset: number;
  interfaceId: number;
  comments?: readonly string[];
}

export interface ReadResult {
  records: OwnedRecord[];
  diagnostics: Diagnostic[];
  fatals: CaptureFatal[];
  infos: CaptureInfo[];
  /** data views checked against the input at fileOffset (true when every one matched). */
  offsetsMatch: boolean;
}

export function collector(input?: Buffer): { events: CaptureReaderEvents; result: ReadResult } {
  const result: ReadResult = { records: [], diagnostics: [], fatals: [], infos: [], offsetsMatch: true };
  const events: CaptureReaderEvents = {
    onRecord(r: CaptureRecord) {
      if (input && !input.subarray(r.fileOffset, r.fileOffset + r.data.length).equals(r.data)) result.offsetsMatch = false;
      const o: OwnedRecord = {
        frame: r.frame,
        tsSec: r.tsSec,
        tsNsec: r.tsNsec,
        linkType: r.linkType,
        data: r.data.toString('hex'),
        origLen: r.origLen,
        truncated: r.truncated,
        fileOffset: r.fileOffset,
        interfaceId: r.interfaceId,
      };
      if (r.comments) o.comments = [...r.comments];
      result.records.push(o);
    },
    onDiagnostic: (d) => result.diagnostics.push(d),
    onFatal: (f) => result.fatals.push(f),
    onInfo: (i) => result.infos.push(i),
  };
  return { events, result };
}

/** Feeds `input` to a fresh reader in chunks of `chunkSize` (or at the given cut points). */
export function readChunked(
  input: Buffer,
  chunkSize: number | number[],
  make: (e: CaptureReaderEvents) => CaptureReader = (e) => createCaptureReader(e),
): ReadResult {
  const { events, result } = collector(input);
  const reader = make(events);
  if (Array.isArray(chunkSize)) {
    let prev = 0;
    for (const cut of [...chunkSize, input.length]) {
      // each chunk a fresh copy: proves nothing relies on the chunks being one buffer
      reader.push(Buffer.from(input.subarray(prev, cut)));
      prev = cut;
    }
  } else {
    for (let p = 0; p < input.length; p += chunkSize) reader.push(Buffer.from(input.subarray(p, p + chunkSize)));
  }
  reader.end();
  return result;
}

export function readWhole(input: Buffer): ReadResult {
  return readChunked(input, Math.max(1, input.length));
}

// ---- byte builders ----------------------------------------------------------------------

export function u32(v: number, le = true): Buffer {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
}
export function u16(v: number, le = true): Buffer {
  const b = Buffer.alloc(2);
  if (le) b.writeUInt16LE(v);
  else b.writeUInt16BE(v);
  return b;
}

export function pcapHeader(opts: { le?: boolean; ns?: boolean; linkType?: number; snaplen?: number } = {}): Buffer {
  const le = opts.le ?? true;
  return Buffer.concat([
    u32(opts.ns ? 0xa1b23c4d : 0xa1b2c3d4, le),
    u16(2, le),
    u16(4, le),
    u32(0, le),
    u32(0, le),
    u32(opts.snaplen ?? 65535, le),
    u32(opts.linkType ?? 1, le),
  ]);
}

export function pcapRec(sec: number, frac: number, data: Buffer, opts: { le?: boolean; origLen?: number; inclLen?: number } = {}): Buffer {
  const le = opts.le ?? true;
  return Buffer.concat([u32(sec, le), u32(frac, le), u32(opts.inclLen ?? data.length, le), u32(opts.origLen ?? data.length, le), data]);
}

function pad4(b: Buffer): Buffer {
  const n = (4 - (b.length % 4)) % 4;
  return n ? Buffer.concat([b, Buffer.alloc(n)]) : b;
}

export function ngOption(code: number, value: Buffer, le = true): Buffer {
  return Buffer.concat([u16(code, le), u16(value.length, le), pad4(value)]);
}
export function ngOptions(list: Buffer[], le = true): Buffer {
  return list.length ? Buffer.concat([...list, u16(0, le), u16(0, le)]) : Buffer.alloc(0);
}

export function ngBlock(type: number, body: Buffer, le = true): Buffer {
  const padded = pad4(body);
  const total = 12 + padded.length;
  return Buffer.concat([u32(type, le), u32(total, le), padded, u32(total, le)]);
}

export function ngShb(le = true): Buffer {
  const body = Buffer.concat([u32(0x1a2b3c4d, le), u16(1, le), u16(0, le), Buffer.alloc(8, 0xff)]);
  return ngBlock(0x0a0d0d0a, body, le);
}

export function ngIdb(linkType: number, opts: { le?: boolean; snaplen?: number; options?: Buffer[] } = {}): Buffer {
  const le = opts.le ?? true;
  const body = Buffer.concat([u16(linkType, le), u16(0, le), u32(opts.snaplen ?? 0, le), ngOptions(opts.options ?? [], le)]);
  return ngBlock(1, body, le);
}

export function ngEpb(iface: number, tsHigh: number, tsLow: number, data: Buffer, opts: { le?: boolean; origLen?: number; options?: Buffer[] } = {}): Buffer {
  const le = opts.le ?? true;
  const body = Buffer.concat([
    u32(iface, le), u32(tsHigh, le), u32(tsLow, le), u32(data.length, le), u32(opts.origLen ?? data.length, le),
    pad4(data), ngOptions(opts.options ?? [], le),
  ]);
  return ngBlock(6, body, le);
}

export function ngSpb(origLen: number, data: Buffer, le = true): Buffer {
  return ngBlock(3, Buffer.concat([u32(origLen, le), pad4(data)]), le);
}

export function ngPb(iface: number, tsHigh: number, tsLow: number, data: Buffer, opts: { le?: boolean; origLen?: number; options?: Buffer[] } = {}): Buffer {
  const le = opts.le ?? true;
  const body = Buffer.concat([
    u16(iface, le), u16(0, le), u32(tsHigh, le), u32(tsLow, le), u32(data.length, le), u32(opts.origLen ?? data.length, le),
    pad4(data), ngOptions(opts.options ?? [], le),
  ]);
  return ngBlock(2, body, le);
}

export function bytes(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7) & 0xff;
  return b;
}
