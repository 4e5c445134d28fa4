/**
 * Pure writers for `siptrace save`: bytes for classic pcap (little-endian, microsecond
 * magic unless nanoseconds are asked for; draft-ietf-opsawg-pcap) and for pcapng when a
 * saved set mixes link types, which classic pcap cannot hold (one link type per file).
 * Nothing here touches the file system: callers write the returned buffers.
 */
import { PCAP_MAGIC_NSEC_LE, PCAP_MAGIC_USEC_LE } from './pcap.js';
import { PCAPNG_BYTE_ORDER_MAGIC, PCAPNG_EPB, PCAPNG_IDB, PCAPNG_SHB } from './pcapng.js';

/** What a writer needs from a record (CaptureRecord satisfies it). */
export interface WritableRecord {
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly data: Buffer;
  readonly origLen: number;
  readonly linkType?: number;
  readonly comments?: readonly string[];
}

/** Snap length written when the caller has none: libpcap's default maximum. */
export const DEFAULT_SNAPLEN = 262144;

/** The 24-byte pcap file header. */
export function pcapGlobalHeader(linkType: number, snaplen: number = DEFAULT_SNAPLEN, nanosecond = false): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(nanosecond ? PCAP_MAGIC_NSEC_LE : PCAP_MAGIC_USEC_LE, 0);
  b.writeUInt16LE(2, 4); // version 2.4
  b.writeUInt16LE(4, 6);
  b.writeInt32LE(0, 8); // thiszone: timestamps are UTC
  b.writeUInt32LE(0, 12); // sigfigs
  b.writeUInt32LE(snaplen >>> 0, 16);
  b.writeUInt32LE(linkType >>> 0, 20);
  return b;
}

/** The 16-byte pcap record header for `rec` (microsecond fraction unless `nanosecond`). */
export function pcapRecordHeader(rec: WritableRecord, nanosecond = false): Buffer {
  const b = Buffer.alloc(16);
  // pcap seconds are unsigned 32-bit: clocks before 1970 or after 2106 wrap, as in libpcap
  b.writeUInt32LE(rec.tsSec >>> 0, 0);
  b.writeUInt32LE(nanosecond ? rec.tsNsec : Math.floor(rec.tsNsec / 1000), 4);
  b.writeUInt32LE(rec.data.length, 8);
  b.writeUInt32LE(Math.max(rec.origLen, rec.data.length) >>> 0, 12);
  return b;
}

/** Record header + captured bytes, one buffer. */
export function pcapRecord(rec: WritableRecord, nanosecond = false): Buffer {
  return Buffer.concat([pcapRecordHeader(rec, nanosecond), rec.data]);
}

// ---- pcapng (draft-ietf-opsawg-pcapng) ----------------------------------------------------

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** Encodes options (code, value) + opt_endofopt; empty buffer when there are none. */
function options(list: ReadonlyArray<readonly [number, Buffer]>): Buffer {
  if (list.length === 0) return Buffer.alloc(0);
  let size = 4;
  for (const [, v] of list) size += 4 + pad4(v.length);
  const b = Buffer.alloc(size);
  let p = 0;
  for (const [code, v] of list) {
    b.writeUInt16LE(code, p);
    b.writeUInt16LE(v.length, p + 2);
    v.copy(b, p + 4);
    p += 4 + pad4(v.length);
  }
  return b; // the last 4 zero bytes are opt_endofopt
}

function block(type: number, body: Buffer[]): Buffer {
  let bodyLen = 0;
  for (const part of body) bodyLen += part.length;
  const total = 12 + pad4(bodyLen);
  const b = Buffer.alloc(total);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(total, 4);
  let p = 8;
  for (const part of body) {
    part.copy(b, p);
    p += part.length;
  }
  b.writeUInt32LE(total, total - 4);
  return b;
}

/** Section Header Block (little-endian, version 1.0, section length unknown). */
export function pcapngSectionHeader(): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt32LE(PCAPNG_BYTE_ORDER_MAGIC, 0);
  body.writeUInt16LE(1, 4);
  body.writeUInt16LE(0, 6);
  body.writeBigInt64LE(-1n, 8);
  return block(PCAPNG_SHB, [body]);
}

/** Interface Description Block with if_tsresol = 9 (nanoseconds). */
export function pcapngInterface(linkType: number, snaplen: number = DEFAULT_SNAPLEN): Buffer {
  const fixed = Buffer.alloc(8);
  fixed.writeUInt16LE(linkType, 0);
  fixed.writeUInt32LE(snaplen >>> 0, 4);
  return block(PCAPNG_IDB, [fixed, options([[9, Buffer.from([9])]])]);
}

/** Enhanced Packet Block for an interface written with pcapngInterface() (ns resolution). */
export function pcapngEnhancedPacket(interfaceId: number, rec: WritableRecord): Buffer {
  const fixed = Buffer.alloc(20);
  const ts = BigInt(rec.tsSec) * 1_000_000_000n + BigInt(rec.tsNsec);
  fixed.writeUInt32LE(interfaceId, 0);
  fixed.writeUInt32LE(Number((ts >> 32n) & 0xffffffffn), 4);
  fixed.writeUInt32LE(Number(ts & 0xffffffffn), 8);
  fixed.writeUInt32LE(rec.data.length, 12);
  fixed.writeUInt32LE(Math.max(rec.origLen, rec.data.length) >>> 0, 16);
  const padded = Buffer.alloc(pad4(rec.data.length));
  rec.data.copy(padded);
  const opts = options((rec.comments ?? []).map((c) => [1, Buffer.from(c, 'utf8')] as const));
  return block(PCAPNG_EPB, [fixed, padded, opts]);
}

/**
 * Writes records of any link types as one pcapng section: an IDB the first time each link
 * type is met, then EPBs. Returns the buffers to append for each record.
 */
export class PcapngWriter {
  private readonly interfaceOf = new Map<number, number>();
  private started = false;

  constructor(private readonly snaplen: number = DEFAULT_SNAPLEN) {}

  /** Buffers to write for `rec` (SHB and IDB first when needed). */
  record(rec: WritableRecord & { readonly linkType: number }): Buffer[] {
    const out: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      out.push(pcapngSectionHeader());
    }
    let id = this.interfaceOf.get(rec.linkType);
    if (id === undefined) {
      id = this.interfaceOf.size;
      this.interfaceOf.set(rec.linkType, id);
      out.push(pcapngInterface(rec.linkType, this.snaplen));
    }
    out.push(pcapngEnhancedPacket(id, rec));
    return out;
  }

  /** Bytes for an empty but valid file when no record was written. */
  finish(): Buffer[] {
    return this.started ? [] : [pcapngSectionHeader()];
  }
}
