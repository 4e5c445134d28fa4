/**
 * Per-packet decoding state, shared by the layer decoders. One instance lives in a
 * NetDecoder and is reset for every record, so decoding a packet allocates nothing but the
 * segments it emits (and the address strings, which are cached).
 *
 * Layer functions take (state, buf, off, end) instead of subarrays: `end` bounds the layer
 * (IP total length, PPPoE length...), and no view object is made until a payload is emitted.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import type { IpDefragmenter } from '../reasm/ip-defrag.js';
import { formatIpv4, formatIpv6 } from './addr.js';
import type { TcpInfo, TransportName, TransportSegment } from './segment.js';

/**
 * How many IP headers one packet may nest (IP-in-IP, GRE, VXLAN, ERSPAN each add one).
 * Real tunnels stack two or three deep; the bound stops crafted packets from recursing
 * without end.
 */
export const MAX_IP_NESTING = 8;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export type SegmentSink = (seg: TransportSegment) => void;

export class DecodeState {
  frame = 0;
  tsSec = 0;
  tsNsec = 0;
  fileOffset = 0;
  /** The record was cut by the snap length (a short layer is then expected, not damage). */
  recordTruncated = false;
  emit: SegmentSink = () => {};

  /** IP headers entered so far in this packet (see MAX_IP_NESTING). */
  ipDepth = 0;

  // Innermost IP header seen so far. Addresses are formatted lazily, once, on first emit.
  ipVersion: 4 | 6 = 4;
  private addrBuf: Uint8Array | undefined;
  private srcOff = 0;
  private dstOff = 0;
  private srcText: string | undefined;
  private dstText: string | undefined;
  /** The last IPv4 pair formatted (-1: none) and its text. */
  private lastV4Src = -1;
  private lastV4Dst = -1;
  private lastV4SrcText = '';
  private lastV4DstText = '';

  /** Some layer held fewer bytes than its header declared. */
  truncated = false;
  /** Set once the packet's payload came out of IP reassembly. */
  fragmentFrames: readonly number[] | undefined;

  /** Unknown ethertypes / link types already reported (one diagnostic per kind). */
  private readonly reportedKinds = new Set<string>();

  constructor(
    readonly onDiagnostic: DiagnosticSink | undefined,
    readonly defrag: IpDefragmenter,
  ) {}

  reset(frame: number, tsSec: number, tsNsec: number, fileOffset: number, recordTruncated: boolean, emit: SegmentSink): void {
    this.frame = frame;
    this.tsSec = tsSec;
    this.tsNsec = tsNsec;
    this.fileOffset = fileOffset;
    this.recordTruncated = recordTruncated;
    this.emit = emit;
    this.ipDepth = 0;
    this.addrBuf = undefined;
    this.srcText = undefined;
    this.dstText = undefined;
    this.truncated = recordTruncated;
    this.fragmentFrames = undefined;
  }

  diag(code: string, detail?: string): void {
    if (!this.onDiagnostic) return;
    this.onDiagnostic(detail === undefined ? { code, frame: this.frame } : { code, frame: this.frame, detail });
  }

  /** Report `code` only the first time this decoder sees `kind` (unknown link/ethertype). */
  diagOnce(code: string, kind: string): void {
    const key = code + ' ' + kind;
    if (this.reportedKinds.has(key)) return;
    this.reportedKinds.add(key);
    this.diag(code, kind);
  }

  /** Record the addresses of an IP header (bytes at srcOff/dstOff in buf). */
  setIpAddresses(version: 4 | 6, buf: Uint8Array, srcOff: number, dstOff: number): void {
    this.ipVersion = version;
    this.addrBuf = buf;
    this.srcOff = srcOff;
    this.dstOff = dstOff;
    this.srcText = undefined;
    this.dstText = undefined;
  }

  /** Record already-formatted addresses (a reassembled datagram). */
  setIpText(version: 4 | 6, src: string, dst: string): void {
    this.ipVersion = version;
    this.addrBuf = undefined;
    this.srcText = src;
    this.dstText = dst;
  }

  get src(): string {
    if (this.srcText === undefined) this.formatAddresses();
    return this.srcText!;
  }

  get dst(): string {
    if (this.dstText === undefined) this.formatAddresses();
    return this.dstText!;
  }

  private formatAddresses(): void {
    const buf = this.addrBuf;
    if (!buf) {
      this.srcText = this.dstText = '';
      return;
    }
    if (this.ipVersion === 4) {
      // packets of one conversation come in runs: the last pair (either way round) is
      // checked before the address cache, which is a Map lookup per address
      const src = u32(buf, this.srcOff);
      const dst = u32(buf, this.dstOff);
      if (src === this.lastV4Src && dst === this.lastV4Dst) {
        this.srcText = this.lastV4SrcText;
        this.dstText = this.lastV4DstText;
      } else if (src === this.lastV4Dst && dst === this.lastV4Src) {
        this.srcText = this.lastV4DstText;
        this.dstText = this.lastV4SrcText;
      } else {
        this.srcText = this.lastV4SrcText = formatIpv4(buf, this.srcOff);
        this.dstText = this.lastV4DstText = formatIpv4(buf, this.dstOff);
        this.lastV4Src = src;
        this.lastV4Dst = dst;
      }
      return;
    }
    this.srcText = formatIpv6(buf, this.srcOff);
    this.dstText = formatIpv6(buf, this.dstOff);
  }

  emitSegment(
    transport: TransportName,
    srcPort: number,
    dstPort: number,
    payload: Buffer,
    tcp?: TcpInfo,
    sctp?: TransportSegment['sctp'],
    truncated?: boolean,
  ): void {
    const seg: Mutable<TransportSegment> = {
      frame: this.frame,
      tsSec: this.tsSec,
      tsNsec: this.tsNsec,
      ipVersion: this.ipVersion,
      src: this.src,
      dst: this.dst,
      srcPort,
      dstPort,
      transport,
      payload,
      fileOffset: this.fileOffset,
    };
    if (this.fragmentFrames) seg.fragmentFrames = this.fragmentFrames;
    if (tcp) seg.tcp = tcp;
    if (sctp) seg.sctp = sctp;
    if (truncated || this.truncated) seg.truncated = true;
    this.emit(seg);
  }
}

/** Big-endian 16-bit read; the caller has checked the bounds. */
export function u16(buf: Uint8Array, off: number): number {
  return (buf[off]! << 8) | buf[off + 1]!;
}

/** Big-endian 32-bit unsigned read; the caller has checked the bounds. */
export function u32(buf: Uint8Array, off: number): number {
  return ((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0;
}
