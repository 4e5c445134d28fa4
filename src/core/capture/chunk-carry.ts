/**
 * Shared pieces of the chunk-fed capture readers: the carry buffer that holds a record
 * cut by a chunk boundary, the record-size limit and the diagnostic codes both formats use.
 */

/**
 * Largest record (pcap record data or pcapng block) a reader accepts. Real link layers stay
 * far below this (libpcap's own cap is 256 KiB, jumbo/TSO captures reach a few hundred KiB);
 * anything bigger is a damaged length field (e.g. a byte-order mix-up that reads 0x00002302
 * as 0x23020000) and would otherwise make the reader buffer gigabytes waiting for it.
 */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

/** Codes reported through onFatal / onDiagnostic by the capture readers. */
export const CAPTURE_CODES = {
  /** Fatal: no bytes at all. */
  EMPTY_CAPTURE: 'EMPTY_CAPTURE',
  /** Fatal: the first bytes are no pcap or pcapng magic. */
  NOT_A_CAPTURE: 'NOT_A_CAPTURE',
  /** Fatal: the file header (pcap global header, first pcapng SHB) is cut or invalid. */
  CAPTURE_DAMAGED: 'CAPTURE_DAMAGED',
  /** A record claims more than MAX_RECORD_BYTES (fatal when it is the first record). */
  CAPTURE_RECORD_TOO_LARGE: 'CAPTURE_RECORD_TOO_LARGE',
  /** The input ended inside a record: everything before it was delivered. */
  CAPTURE_TRUNCATED_RECORD: 'CAPTURE_TRUNCATED_RECORD',
} as const;

const EMPTY = Buffer.alloc(0);

/**
 * Bytes of one unit (record or block) that started in an earlier chunk. Owned memory: a
 * record completed here is handed out with `detach()`, so the next carry never overwrites
 * data a consumer may still be looking at during the same push().
 */
export class ByteCarry {
  private buf: Buffer = EMPTY;
  /** Valid bytes in buf. */
  length = 0;
  /** Stream offset of buf[0]. */
  offset = 0;

  get bytes(): Buffer {
    return this.buf;
  }

  /** Starts a new unit at stream offset `offset` (drops what was held). */
  start(offset: number): void {
    this.length = 0;
    this.offset = offset;
  }

  /** Makes room for `total` bytes, growing geometrically so byte-by-byte feeding stays linear. */
  reserve(total: number): void {
    if (total <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(total, Math.min(this.buf.length * 2, MAX_RECORD_BYTES), 64));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  append(src: Buffer, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    this.reserve(this.length + n);
    src.copy(this.buf, this.length, from, to);
    this.length += n;
  }

  /** Drops the first `n` bytes (used while scanning for a resynchronisation point). */
  consume(n: number): void {
    if (n <= 0) return;
    if (n >= this.length) {
      this.offset += this.length;
      this.length = 0;
      return;
    }
    this.buf.copy(this.buf, 0, n, this.length);
    this.length -= n;
    this.offset += n;
  }

  /** Hands the held bytes out as an owned buffer and forgets them. */
  detach(): Buffer {
    const out = this.buf.subarray(0, this.length);
    this.buf = EMPTY;
    this.length = 0;
    return out;
  }
}

// Integer reads for the per-record hot path. Buffer#readUInt32LE and friends validate their
// argument through a stack-hiding wrapper that costs more than the read itself (it showed in
// profiles at ~1.5% of a whole decode). Callers have checked the bounds.

/** Little-endian unsigned 32-bit at `at`. */
export function u32le(buf: Uint8Array, at: number): number {
  return (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) >>> 0;
}

/** Big-endian unsigned 32-bit at `at`. */
export function u32be(buf: Uint8Array, at: number): number {
  return ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0;
}

/** Little-endian unsigned 16-bit at `at`. */
export function u16le(buf: Uint8Array, at: number): number {
  return buf[at]! | (buf[at + 1]! << 8);
}

/** Big-endian unsigned 16-bit at `at`. */
export function u16be(buf: Uint8Array, at: number): number {
  return (buf[at]! << 8) | buf[at + 1]!;
}
