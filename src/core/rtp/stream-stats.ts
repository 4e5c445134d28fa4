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
/** Sequence numbers remembered behind the highest to tell duplicates from late packets (≥ MAX_MISORDER). */
export const SEQ_WINDOW = 128;
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

export class RtpStreamStats implements RtpStreamSummary {
  callIndex?: number;
  readonly ssrc: number;
  readonly src: string;
  readonly dst: string;
  readonly srcIp: string;
  readonly srcPort: number;
  readonly dstIp: string;
  readonly dstPort: number;
  readonly ipVersion: 4 | 6;
  payloadType = -1;
  codec = '';
  clockRate = 0;
  readonly firstTs: PacketTime;
  private lastSec: number;
  private lastNsec: number;
  firstFrame: number;
  lastFrame: number;
  packets = 0;
  outOfOrder = 0;
  duplicates = 0;
  maxDeltaMs = 0;
  jitterMs = 0;
  maxJitterMs = 0;
  readonly rtcp: RtcpReportSummary[] = [];
  readonly payloadTypes: number[] = [];
  srtp?: boolean;
  matchedBy?: 'dst' | 'src';

  // RFC 3550 A.1 state, in extended (cycle-including) sequence numbers.
  private baseExt = 0;
  private maxExt = 0;
  private badSeq = -1;
  /** Expected counts of sequence runs before a restart (A.1 resync after a big jump). */
  private priorExpected = 0;
  /** Bit i set: sequence maxExt - i was received (i < SEQ_WINDOW). */
  private readonly seen = new Uint32Array(SEQ_WINDOW / 32);

  // Timing state (ms relative to the first packet, so doubles keep sub-µs precision).
  /** Arrival of the last packet whose timestamp did not go back (the arrival-gap reference). */
  private refArrivalMs = 0;
  /** Extended timestamp of that packet (tells a timestamp that went back). */
  private refExtTs = 0;
  /** The jitter reference: last in-order packet with a clock rate that is not an event. */
  private jitterRefExtTs = 0;
  private jitterRefArrivalMs = 0;
  private hasJitterRef = false;
  private lastTs32 = 0;
  private lastExtTs = 0;
  private prevWasComfortNoise = false;
  /** The codec so far came from an event or comfort-noise packet: the first audio packet replaces it. */
  private provisionalCodec = false;
  private readonly telephoneEvents = new TelephoneEventCounter();

  constructor(
    readonly id: number,
    key: StreamKey,
    ts: PacketTime,
    frame: number,
  ) {
    this.ssrc = key.ssrc;
    this.srcIp = key.srcIp;
    this.srcPort = key.srcPort;
    this.dstIp = key.dstIp;
    this.dstPort = key.dstPort;
    this.ipVersion = key.ipVersion;
    this.src = label(key.srcIp, key.srcPort);
    this.dst = label(key.dstIp, key.dstPort);
    this.firstTs = { tsSec: ts.tsSec, tsNsec: ts.tsNsec };
    this.lastSec = ts.tsSec;
    this.lastNsec = ts.tsNsec;
    this.firstFrame = frame;
    this.lastFrame = frame;
  }

  /** Built on read: the hot path only stores two numbers. */
  get lastTs(): PacketTime {
    return { tsSec: this.lastSec, tsNsec: this.lastNsec };
  }

  get expected(): number {
    return this.packets === 0 ? 0 : this.priorExpected + (this.maxExt - this.baseExt + 1);
  }

  get lost(): number {
    return this.expected - this.packets;
  }

  get events(): string {
    return this.telephoneEvents.digits;
  }

  get eventCount(): number {
    return this.telephoneEvents.count;
  }

  /** Same 5-tuple and SSRC. */
  matches(ssrc: number, srcIp: string, srcPort: number, dstIp: string, dstPort: number): boolean {
    return this.ssrc === ssrc && this.srcPort === srcPort && this.dstPort === dstPort && this.srcIp === srcIp && this.dstIp === dstIp;
  }

  /** One RTP packet of this stream, in capture order. `payload` is the whole UDP payload. */
  add(h: RtpHeader, payload: Buffer, tsSec: number, tsNsec: number, frame: number, fmt: PacketFormat): void {
    const arrivalMs = (tsSec - this.firstTs.tsSec) * 1000 + (tsNsec - this.firstTs.tsNsec) / 1e6;
    this.lastSec = tsSec;
    this.lastNsec = tsNsec;
    this.lastFrame = frame;
    this.notePayloadType(h.payloadType, fmt);
    if (fmt.isEvent) this.telephoneEvents.push(payload, h.payloadOffset, h.payloadLength, h.timestamp);

    if (this.packets === 0) {
      this.packets = 1;
      this.baseExt = this.maxExt = h.sequence;
      this.markSeen(0);
      this.lastTs32 = h.timestamp;
      this.lastExtTs = this.refExtTs = h.timestamp;
      this.refArrivalMs = arrivalMs;
      this.setJitterRef(fmt, h.timestamp, arrivalMs);
      this.prevWasComfortNoise = fmt.isComfortNoise;
      return;
    }
    this.packets++;
    this.sequence(h.sequence);

    // Extended timestamp: nearest to the previous packet's (32-bit wrap, RFC 3550 §5.1).
    const extTs = this.lastExtTs + ((h.timestamp - this.lastTs32) | 0);
    this.lastTs32 = h.timestamp;
    this.lastExtTs = extTs;
    const inTimeOrder = extTs >= this.refExtTs;
    const deltaMs = arrivalMs - this.refArrivalMs;
    const measured = fmt.clockRate > 0 && !fmt.isEvent;
    if (measured && this.hasJitterRef && extTs >= this.jitterRefExtTs) {
      // A.8: D = (Rj - Ri) - (Sj - Si), in ms.
      const nominalMs = ((extTs - this.jitterRefExtTs) * 1000) / fmt.clockRate;
      const d = Math.abs(arrivalMs - this.jitterRefArrivalMs - nominalMs);
      this.jitterMs += (d - this.jitterMs) / 16;
    }
    const regular = !h.marker && !fmt.isComfortNoise && !this.prevWasComfortNoise && inTimeOrder;
    if (regular) {
      if (deltaMs > this.maxDeltaMs) this.maxDeltaMs = deltaMs;
      if (measured && this.jitterMs > this.maxJitterMs) this.maxJitterMs = this.jitterMs;
    }
    if (inTimeOrder) {
      this.refExtTs = extTs;
      this.refArrivalMs = arrivalMs;
    }
    if (!this.hasJitterRef || extTs >= this.jitterRefExtTs) this.setJitterRef(fmt, extTs, arrivalMs);
    this.prevWasComfortNoise = fmt.isComfortNoise;
  }

  private setJitterRef(fmt: PacketFormat, extTs: number, arrivalMs: number): void {
    if (fmt.clockRate <= 0 || fmt.isEvent) return;
    this.jitterRefExtTs = extTs;
    this.jitterRefArrivalMs = arrivalMs;
    this.hasJitterRef = true;
  }

  /** An RTCP report block about this stream's SSRC. */
  addReport(r: RtcpReportSummary): void {
    if (this.rtcp.length >= MAX_RTCP_REPORTS_PER_STREAM) this.rtcp.shift();
    this.rtcp.push(r);
  }

  private notePayloadType(pt: number, fmt: PacketFormat): void {
    if (!this.payloadTypes.includes(pt) && this.payloadTypes.length < MAX_PAYLOAD_TYPES_PER_STREAM) this.payloadTypes.push(pt);
    // The stream's codec is its first media payload; events and comfort noise only until one comes.
    const provisional = this.payloadType < 0 || this.provisionalCodec;
    if (provisional && (this.payloadType < 0 || (!fmt.isEvent && !fmt.isComfortNoise))) {
      this.payloadType = pt;
      this.codec = fmt.codec;
      this.clockRate = fmt.clockRate;
      this.provisionalCodec = fmt.isEvent || fmt.isComfortNoise;
    }
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
      this.seen.fill(0);
      this.markSeen(0);
      this.markSeen(1);
      this.badSeq = -1;
      // the stray that set badSeq was counted out of order; it now belongs to the new run
      if (this.outOfOrder > 0) this.outOfOrder--;
      return;
    }
    this.badSeq = (seq + 1) & 0xffff;
    this.outOfOrder++;
  }

  private advance(by: number): void {
    this.maxExt += by;
    shiftWindow(this.seen, by);
    this.markSeen(0);
  }

  private markSeen(back: number): void {
    if (back < SEQ_WINDOW) this.seen[back >> 5]! |= 1 << (back & 31);
  }

  private wasSeen(back: number): boolean {
    return back < SEQ_WINDOW && (this.seen[back >> 5]! & (1 << (back & 31))) !== 0;
  }
}

/** Moves every bit `by` places towards older sequence numbers (higher indexes). */
function shiftWindow(w: Uint32Array, by: number): void {
  if (by >= SEQ_WINDOW) {
    w.fill(0);
    return;
  }
  const words = by >> 5;
  const bits = by & 31;
  for (let i = w.length - 1; i >= 0; i--) {
    const from = i - words;
    let v = from >= 0 ? w[from]! << bits : 0;
    if (bits !== 0 && from - 1 >= 0) v |= w[from - 1]! >>> (32 - bits);
    w[i] = v >>> 0;
  }
}
