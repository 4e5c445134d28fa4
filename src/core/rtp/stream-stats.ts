/**
 * Per-stream RTP figures (one SSRC from one source to one destination): RFC 3550 A.1 sequence
 * accounting (16-bit wrap, duplicates, reordering), A.3 expected/lost and A.8 interarrival
 * jitter. Counters only; the packets stay in the capture.
 *
 * Jitter and the maximum arrival gap follow Wireshark's RTP analysis (ui/tap-rtp-analysis.c)
 * so that figures agree with `tshark -z rtp,streams`:
 * - jitter is A.8 against the previous packet whose timestamp did not go backwards, computed in
 *   ms with the clock rate of the packet's payload type (J += (|D| - J) / 16);
 * - RFC 4733 telephone-event packets take no part in jitter at all: their timestamp stays at the
 *   event's start (§2.3.1), so they are neither measured nor used as the reference for the next
 *   packet. (Wireshark lets them be the reference, in two different ways across versions, which
 *   turns every DTMF digit into a jitter spike of several ms: tshark 4.0 and 4.2+ disagree with
 *   each other there, and both with the network. This is the one place we differ on purpose.)
 * - the maxima skip "irregular" packets: the first, marker-bit packets (a talkspurt starts after
 *   silence, RFC 3551 §4.1), comfort noise and the packet after it, and timestamps that went back.
 */
import type { PacketTime } from '../correlate/types.js';
import type { RtcpReportSummary, RtpStreamSummary } from './types.js';
import type { RtpHeader } from './rtp.js';
import { TelephoneEventCounter } from './telephone-event.js';

/** RFC 3550 A.1: a forward jump below this is loss; above it a possible restart. */
export const MAX_DROPOUT = 3000;
/** RFC 3550 A.1: a packet this far behind the highest is reordering (or a duplicate). */
export const MAX_MISORDER = 100;
/**
 * Sequence numbers remembered behind the highest to tell duplicates from late packets
 * (> MAX_MISORDER: only those are ever asked about). Four 30-bit words: small integers on
 * every V8 build (31-bit Smis with pointer compression), never heap numbers.
 */
export const SEQ_WINDOW = 120;
/** Bits per duplicate-window word. */
const WORD_BITS = 30;
const WORD_MASK = (1 << WORD_BITS) - 1;

// Booleans of a stream, packed in one small integer (one field instead of four).
const F_IPV6 = 1;
const F_HAS_JITTER_REF = 2;
const F_PREV_WAS_COMFORT_NOISE = 4;
const F_PROVISIONAL_CODEC = 8;
const F_SRTP_SET = 16;
const F_SRTP = 32;
const F_MATCHED_BY_DST = 64;
const F_MATCHED_BY_SRC = 128;

/** What few streams have (a 4th payload type, RTCP reports, telephone events): one field for all. */
interface RareStreamParts {
  morePayloadTypes?: number[];
  reports?: RtcpReportSummary[];
  telephoneEvents?: TelephoneEventCounter;
}
/** Distinct payload types listed per stream; more is garbage or an attack. */
export const MAX_PAYLOAD_TYPES_PER_STREAM = 16;
/** RTCP report blocks kept per stream (one every ~5 s: > 1 h of call); older ones are dropped. */
export const MAX_RTCP_REPORTS_PER_STREAM = 1000;

/** How the registry resolved this packet's payload type. */
export interface PacketFormat {
  /** Codec label (`PCMU/8000`), or the PT number as text when unknown. */
  readonly codec: string;
  /** 0 when unknown: no jitter. */
  readonly clockRate: number;
  /** RFC 4733 telephone-event PT (from the SDP). */
  readonly isEvent: boolean;
  /** Comfort noise (RFC 3389, PT 13, or the old 19). */
  readonly isComfortNoise: boolean;
}

export interface StreamKey {
  readonly ssrc: number;
  readonly srcIp: string;
  readonly srcPort: number;
  readonly dstIp: string;
  readonly dstPort: number;
  readonly ipVersion: 4 | 6;
}

function label(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Shared by every stream without RTCP reports (most of them): no array per stream. */
const NO_REPORTS: readonly RtcpReportSummary[] = Object.freeze([]);

/**
 * Memory: a long capture holds ~100k of these, so a stream is one object of small numbers.
 * Whatever is rare (telephone events, RTCP reports, a 4th payload type) is allocated on first
 * use; whatever a view reads seldom (`src`, `dst`, `firstTs`, `lastTs`, `payloadTypes`) is
 * built on read. The A.1 duplicate window is four 30-bit fields (small integers stored in
 * place, no typed array and its buffer); booleans share one field; arrival times are kept as
 * the integer (seconds, nanoseconds) they are computed from, not as boxed doubles.
 */
export class RtpStreamStats implements RtpStreamSummary {
  callIndex?: number;
  /** The SSRC as a signed 32-bit value: a small integer, where values ≥ 2^31 would be heap numbers. */
  private readonly ssrc32: number;
  readonly srcIp: string;
  readonly srcPort: number;
  readonly dstIp: string;
  readonly dstPort: number;
  payloadType = -1;
  codec = '';
  clockRate = 0;
  private readonly firstSec: number;
  private readonly firstNsec: number;
  /** Seconds since firstSec (a small integer, where the epoch seconds would need a heap number). */
  private lastSecDelta = 0;
  private lastNsec: number;
  firstFrame: number;
  lastFrame: number;
  packets = 0;
  outOfOrder = 0;
  duplicates = 0;
  maxDeltaMs = 0;
  jitterMs = 0;
  maxJitterMs = 0;

  /** Payload types seen, first three packed 8 bits each as pt + 1 (0 = none); more in `morePayloadTypes`. */
  private packedPayloadTypes = 0;
  private rare: RareStreamParts | undefined = undefined;

  // RFC 3550 A.1 state, in extended (cycle-including) sequence numbers.
  private baseExt = 0;
  private maxExt = 0;
  private badSeq = -1;
  /** Expected counts of sequence runs before a restart (A.1 resync after a big jump). */
  private priorExpected = 0;
  /** Bit i of w<k> set: sequence maxExt - (30k + i) was received (30k + i < SEQ_WINDOW). */
  private w0 = 0;
  private w1 = 0;
  private w2 = 0;
  private w3 = 0;
  /** F_* bits. */
  private flags = 0;

  // Timing state (ms relative to the first packet, so doubles keep sub-µs precision).
  /**
   * Arrival of the last packet whose timestamp did not go back (the arrival-gap reference), as
   * seconds since firstSec and nanoseconds: `arrivalMs` of these gives the very same double.
   */
  private refSecDelta = 0;
  private refNsec = 0;
  /** Extended timestamp of that packet (tells a timestamp that went back). */
  private refExtTs = 0;
  /** The jitter reference: last in-order packet with a clock rate that is not an event. */
  private jitterRefExtTs = 0;
  private jitterRefSecDelta = 0;
  private jitterRefNsec = 0;
  /** The last RTP timestamp as a signed 32-bit value (a small integer field, never a boxed double). */
  private lastTs32 = 0;
  /**
   * Extended timestamps are counted from the first packet's (0): only their differences are
   * used, and relative values stay small integers where absolute ones (up to 2^32) would be
   * boxed doubles in every stream.
   */
  private lastExtTs = 0;

  constructor(
    readonly id: number,
    key: StreamKey,
    ts: PacketTime,
    frame: number,
  ) {
    this.ssrc32 = key.ssrc | 0;
    this.srcIp = key.srcIp;
    this.srcPort = key.srcPort;
    this.dstIp = key.dstIp;
    this.dstPort = key.dstPort;
    if (key.ipVersion === 6) this.flags = F_IPV6;
    this.firstSec = ts.tsSec;
    this.firstNsec = ts.tsNsec;
    this.lastNsec = ts.tsNsec;
    this.firstFrame = frame;
    this.lastFrame = frame;
  }

  get ssrc(): number {
    return this.ssrc32 >>> 0;
  }
  get srtp(): boolean | undefined {
    return (this.flags & F_SRTP_SET) === 0 ? undefined : (this.flags & F_SRTP) !== 0;
  }
  set srtp(v: boolean | undefined) {
    this.flags = (this.flags & ~(F_SRTP_SET | F_SRTP)) | (v === undefined ? 0 : v ? F_SRTP_SET | F_SRTP : F_SRTP_SET);
  }
  get matchedBy(): 'dst' | 'src' | undefined {
    return (this.flags & F_MATCHED_BY_DST) !== 0 ? 'dst' : (this.flags & F_MATCHED_BY_SRC) !== 0 ? 'src' : undefined;
  }
  set matchedBy(v: 'dst' | 'src' | undefined) {
    this.flags = (this.flags & ~(F_MATCHED_BY_DST | F_MATCHED_BY_SRC)) | (v === 'dst' ? F_MATCHED_BY_DST : v === 'src' ? F_MATCHED_BY_SRC : 0);
  }
  get ipVersion(): 4 | 6 {
    return (this.flags & F_IPV6) !== 0 ? 6 : 4;
  }
  private get hasJitterRef(): boolean {
    return (this.flags & F_HAS_JITTER_REF) !== 0;
  }
  private get prevWasComfortNoise(): boolean {
    return (this.flags & F_PREV_WAS_COMFORT_NOISE) !== 0;
  }
  private set prevWasComfortNoise(v: boolean) {
    this.flags = v ? this.flags | F_PREV_WAS_COMFORT_NOISE : this.flags & ~F_PREV_WAS_COMFORT_NOISE;
  }
  /** The codec so far came from an event or comfort-noise packet: the first audio packet replaces it. */
  private get provisionalCodec(): boolean {
    return (this.flags & F_PROVISIONAL_CODEC) !== 0;
  }
  private set provisionalCodec(v: boolean) {
    this.flags = v ? this.flags | F_PROVISIONAL_CODEC : this.flags & ~F_PROVISIONAL_CODEC;
  }

  /** Arrival in ms relative to the first packet (the one formula every arrival time goes through). */
  private arrivalMs(secDelta: number, tsNsec: number): number {
    return secDelta * 1000 + (tsNsec - this.firstNsec) / 1e6;
  }

  /** `ip:port` (IPv6 in brackets), built on read. */
  get src(): string {
    return label(this.srcIp, this.srcPort);
  }

  get dst(): string {
    return label(this.dstIp, this.dstPort);
  }

  /** Built on read: the hot path only stores numbers. */
  get firstTs(): PacketTime {
    return { tsSec: this.firstSec, tsNsec: this.firstNsec };
  }

  get lastTs(): PacketTime {
    return { tsSec: this.firstSec + this.lastSecDelta, tsNsec: this.lastNsec };
  }

  get expected(): number {
    return this.packets === 0 ? 0 : this.priorExpected + (this.maxExt - this.baseExt + 1);
  }

  get lost(): number {
    return this.expected - this.packets;
  }

  get events(): string {
    return this.rare?.telephoneEvents?.digits ?? '';
  }

  get eventCount(): number {
    return this.rare?.telephoneEvents?.count ?? 0;
  }

  get rtcp(): readonly RtcpReportSummary[] {
    return this.rare?.reports ?? NO_REPORTS;
  }

  /** Every payload type seen, in first-seen order (a new array per read). */
  get payloadTypes(): number[] {
    const out: number[] = [];
    for (let packed = this.packedPayloadTypes; packed !== 0; packed >>>= 8) out.push((packed & 0xff) - 1);
    const more = this.rare?.morePayloadTypes;
    if (more) out.push(...more);
    return out;
  }

  /** Same 5-tuple and SSRC. */
  matches(ssrc: number, srcIp: string, srcPort: number, dstIp: string, dstPort: number): boolean {
    return this.ssrc32 === (ssrc | 0) && this.srcPort === srcPort && this.dstPort === dstPort && this.srcIp === srcIp && this.dstIp === dstIp;
  }

  /** One RTP packet of this stream, in capture order. `payload` is the whole UDP payload. */
  add(h: RtpHeader, payload: Buffer, tsSec: number, tsNsec: number, frame: number, fmt: PacketFormat): void {
    const secDelta = tsSec - this.firstSec;
    const arrivalMs = this.arrivalMs(secDelta, tsNsec);
    this.lastSecDelta = secDelta;
    this.lastNsec = tsNsec;
    this.lastFrame = frame;
    if (h.payloadType !== this.payloadType || this.provisionalCodec) this.notePayloadType(h.payloadType, fmt);
    if (fmt.isEvent) ((this.rare ??= {}).telephoneEvents ??= new TelephoneEventCounter()).push(payload, h.payloadOffset, h.payloadLength, h.timestamp);

    if (this.packets === 0) {
      this.packets = 1;
      this.baseExt = this.maxExt = h.sequence;
      this.w0 = 1; // markSeen(0)
      this.lastTs32 = h.timestamp | 0;
      this.lastExtTs = this.refExtTs = 0;
      this.refSecDelta = secDelta;
      this.refNsec = tsNsec;
      this.setJitterRef(fmt, 0, secDelta, tsNsec);
      this.prevWasComfortNoise = fmt.isComfortNoise;
      return;
    }
    this.packets++;
    this.sequence(h.sequence);

    // Extended timestamp: nearest to the previous packet's (32-bit wrap, RFC 3550 §5.1).
    const extTs = this.lastExtTs + ((h.timestamp - this.lastTs32) | 0);
    this.lastTs32 = h.timestamp | 0;
    this.lastExtTs = extTs;
    const inTimeOrder = extTs >= this.refExtTs;
    const deltaMs = arrivalMs - this.arrivalMs(this.refSecDelta, this.refNsec);
    const measured = fmt.clockRate > 0 && !fmt.isEvent;
    if (measured && this.hasJitterRef && extTs >= this.jitterRefExtTs) {
      // A.8: D = (Rj - Ri) - (Sj - Si), in ms.
      const nominalMs = ((extTs - this.jitterRefExtTs) * 1000) / fmt.clockRate;
      const d = Math.abs(arrivalMs - this.arrivalMs(this.jitterRefSecDelta, this.jitterRefNsec) - nominalMs);
      this.jitterMs += (d - this.jitterMs) / 16;
    }
    const regular = !h.marker && !fmt.isComfortNoise && !this.prevWasComfortNoise && inTimeOrder;
    if (regular) {
      if (deltaMs > this.maxDeltaMs) this.maxDeltaMs = deltaMs;
      if (measured && this.jitterMs > this.maxJitterMs) this.maxJitterMs = this.jitterMs;
    }
    if (inTimeOrder) {
      this.refExtTs = extTs;
      this.refSecDelta = secDelta;
      this.refNsec = tsNsec;
    }
    if (!this.hasJitterRef || extTs >= this.jitterRefExtTs) this.setJitterRef(fmt, extTs, secDelta, tsNsec);
    this.prevWasComfortNoise = fmt.isComfortNoise;
  }

  private setJitterRef(fmt: PacketFormat, extTs: number, secDelta: number, tsNsec: number): void {
    if (fmt.clockRate <= 0 || fmt.isEvent) return;
    this.jitterRefExtTs = extTs;
    this.jitterRefSecDelta = secDelta;
    this.jitterRefNsec = tsNsec;
    this.flags |= F_HAS_JITTER_REF;
  }

  /** An RTCP report block about this stream's SSRC. */
  addReport(r: RtcpReportSummary): void {
    const reports = ((this.rare ??= {}).reports ??= []);
    if (reports.length >= MAX_RTCP_REPORTS_PER_STREAM) reports.shift();
    reports.push(r);
  }

  /** Called when the PT differs from the stream's codec PT (or that codec is provisional). */
  private notePayloadType(pt: number, fmt: PacketFormat): void {
    this.listPayloadType(pt);
    // The stream's codec is its first media payload; events and comfort noise only until one comes.
    const provisional = this.payloadType < 0 || this.provisionalCodec;
    if (provisional && (this.payloadType < 0 || (!fmt.isEvent && !fmt.isComfortNoise))) {
      this.payloadType = pt;
      this.codec = fmt.codec;
      this.clockRate = fmt.clockRate;
      this.provisionalCodec = fmt.isEvent || fmt.isComfortNoise;
    }
  }

  /** Appends pt to the first-seen list unless there (at most MAX_PAYLOAD_TYPES_PER_STREAM). */
  private listPayloadType(pt: number): void {
    let packed = this.packedPayloadTypes;
    let n = 0;
    for (; packed !== 0; packed >>>= 8, n++) if ((packed & 0xff) === pt + 1) return;
    if (n < 3) {
      this.packedPayloadTypes |= (pt + 1) << (8 * n);
      return;
    }
    const more = ((this.rare ??= {}).morePayloadTypes ??= []);
    if (!more.includes(pt) && 3 + more.length < MAX_PAYLOAD_TYPES_PER_STREAM) more.push(pt);
  }

  /** RFC 3550 A.1 update_seq without probation, with duplicates told apart from late packets. */
  private sequence(seq: number): void {
    const delta = ((seq - (this.maxExt & 0xffff)) << 16) >> 16; // signed 16-bit distance from the highest
    if (delta > 0 && delta < MAX_DROPOUT) {
      this.advance(delta);
      this.badSeq = -1;
      return;
    }
    if (delta <= 0 && delta >= -MAX_MISORDER) {
      if (this.wasSeen(-delta)) this.duplicates++;
      else {
        this.outOfOrder++;
        this.markSeen(-delta);
      }
      return;
    }
    // A big jump: the source restarted (or a stray packet). A.1 resyncs when the next packet
    // follows this one; the previous run's expected count is kept so `lost` stays meaningful.
    if (seq === this.badSeq) {
      this.priorExpected += this.maxExt - this.baseExt + 1;
      this.maxExt = this.maxExt + 0x20000 + delta; // a fresh extended space, only differences matter
      this.baseExt = this.maxExt - 1;
      this.w0 = 3; // markSeen(0) and markSeen(1)
      this.w1 = this.w2 = this.w3 = 0;
      this.badSeq = -1;
      // the stray that set badSeq was counted out of order; it now belongs to the new run
      if (this.outOfOrder > 0) this.outOfOrder--;
      return;
    }
    this.badSeq = (seq + 1) & 0xffff;
    this.outOfOrder++;
  }

  /** maxExt moves `by` forward: every bit moves `by` places towards older sequence numbers. */
  private advance(by: number): void {
    this.maxExt += by;
    if (by >= SEQ_WINDOW) {
      this.w0 = 1;
      this.w1 = this.w2 = this.w3 = 0;
      return;
    }
    let words = Math.floor(by / WORD_BITS);
    const b = by - words * WORD_BITS;
    for (; words > 0; words--) {
      this.w3 = this.w2;
      this.w2 = this.w1;
      this.w1 = this.w0;
      this.w0 = 0;
    }
    if (b !== 0) {
      const c = WORD_BITS - b;
      this.w3 = ((this.w3 << b) | (this.w2 >>> c)) & WORD_MASK;
      this.w2 = ((this.w2 << b) | (this.w1 >>> c)) & WORD_MASK;
      this.w1 = ((this.w1 << b) | (this.w0 >>> c)) & WORD_MASK;
      this.w0 = (this.w0 << b) & WORD_MASK;
    }
    this.w0 |= 1; // markSeen(0)
  }

  private markSeen(back: number): void {
    if (back >= SEQ_WINDOW) return;
    const k = Math.floor(back / WORD_BITS);
    const bit = 1 << (back - k * WORD_BITS);
    switch (k) {
      case 0:
        this.w0 |= bit;
        break;
      case 1:
        this.w1 |= bit;
        break;
      case 2:
        this.w2 |= bit;
        break;
      default:
        this.w3 |= bit;
    }
  }

  private wasSeen(back: number): boolean {
    if (back >= SEQ_WINDOW) return false;
    const k = Math.floor(back / WORD_BITS);
    return (this.word(k) & (1 << (back - k * WORD_BITS))) !== 0;
  }

  private word(k: number): number {
    switch (k) {
      case 0:
        return this.w0;
      case 1:
        return this.w1;
      case 2:
        return this.w2;
      default:
        return this.w3;
    }
  }
}
