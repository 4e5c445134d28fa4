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

// Booleans of a stream, packed in one integer column.
const F_IPV6 = 1;
const F_HAS_JITTER_REF = 2;
const F_PREV_WAS_COMFORT_NOISE = 4;
const F_PROVISIONAL_CODEC = 8;
const F_SRTP_SET = 16;
const F_SRTP = 32;
const F_MATCHED_BY_DST = 64;
const F_MATCHED_BY_SRC = 128;

// A stream's numbers are one row of two interleaved typed columns (one row's fields are
// adjacent: one packet touches a cache line or two). Float64: doubles, and integers that may
// leave the 32-bit range on a long or hostile stream (extended sequence numbers and
// timestamps, epoch seconds). Int32: the rest.
const D_CALL = 0; // call index, NaN: none
const D_FIRST_SEC = 1;
const D_LAST_SEC = 2;
const D_CLOCK_RATE = 3;
const D_JITTER = 4;
const D_MAX_DELTA = 5;
const D_MAX_JITTER = 6;
// RFC 3550 A.1 state, in extended (cycle-including) sequence numbers.
const D_BASE_EXT = 7;
const D_MAX_EXT = 8;
/** Expected counts of sequence runs before a restart (A.1 resync after a big jump). */
const D_PRIOR_EXPECTED = 9;
/**
 * Extended timestamps are counted from the first packet's (0): only their differences are
 * used. The reference of the arrival gap (last packet whose timestamp did not go back), the
 * jitter reference (last in-order packet with a clock rate that is not an event), the last.
 */
const D_REF_EXT_TS = 10;
const D_JITTER_REF_EXT_TS = 11;
const D_LAST_EXT_TS = 12;
/** Arrivals of those references, ms after the first packet (the very double computed then). */
const D_REF_MS = 13;
const D_JITTER_REF_MS = 14;
const DOUBLES = 15;

const N_ID = 0;
/** The SSRC as a signed 32-bit value (read back unsigned). */
const N_SSRC = 1;
const N_SRC_PORT = 2;
const N_DST_PORT = 3;
const N_PAYLOAD_TYPE = 4;
const N_FIRST_NSEC = 5;
const N_LAST_NSEC = 6;
/** Frame numbers and counters read back unsigned (>>> 0). */
const N_FIRST_FRAME = 7;
const N_LAST_FRAME = 8;
const N_PACKETS = 9;
const N_OUT_OF_ORDER = 10;
const N_DUPLICATES = 11;
/** Payload types seen, first three packed 8 bits each as pt + 1 (0 = none); more in `rare`. */
const N_PACKED_PTS = 12;
const N_BAD_SEQ = 13;
/** Bit i of word k set: sequence maxExt - (30k + i) was received (30k + i < SEQ_WINDOW). */
const N_W0 = 14;
const N_W1 = 15;
const N_W2 = 16;
const N_W3 = 17;
const N_FLAGS = 18;
/** The last RTP timestamp as a signed 32-bit value. */
const N_LAST_TS32 = 19;
const INTS = 20;

/** Rows per block of a shared stream table: blocks are allocated whole, growth copies nothing. */
export const STREAM_ROWS_PER_BLOCK = 1024;
const BLOCK_SHIFT = 10; // log2(STREAM_ROWS_PER_BLOCK)

/** Rows of stream numbers (`index` -1: a block of its own, for a stream outside any table). */
class StreamBlock {
  readonly d: Float64Array;
  readonly n: Int32Array;
  constructor(
    rows: number,
    readonly index: number,
  ) {
    this.d = new Float64Array(rows * DOUBLES);
    this.n = new Int32Array(rows * INTS);
  }
}

/**
 * The streams of a registry: their numbers live here, ~200 bytes a row with no boxed doubles,
 * instead of ~40 fields of an object each. A stream leaving the table (its call forgotten)
 * keeps a copy of its figures in a block of its own, so a view holding it still reads them,
 * and its row is reused.
 */
export class RtpStreamTable {
  private readonly blocks: StreamBlock[] = [];
  private rowsUsed = 0;
  private readonly freeRows: number[] = [];

  create(id: number, key: StreamKey, ts: PacketTime, frame: number): RtpStreamStats {
    const row = this.freeRows.pop() ?? this.rowsUsed++;
    const bi = row >>> BLOCK_SHIFT;
    let b = this.blocks[bi];
    if (b === undefined) {
      b = new StreamBlock(STREAM_ROWS_PER_BLOCK, bi);
      this.blocks.push(b);
    }
    return new RtpStreamStats(id, key, ts, frame, b, row & (STREAM_ROWS_PER_BLOCK - 1));
  }

  /** The stream is no longer kept: it takes its figures along, its row is free. */
  release(s: RtpStreamStats): void {
    const row = s.detach();
    if (row >= 0) this.freeRows.push(row);
  }
}

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
 * One stream: a handle on its row of a RtpStreamTable (or of a block of its own when made
 * alone), with the few strings and rare parts a row cannot hold. Whatever a view reads seldom
 * (`src`, `dst`, `firstTs`, `lastTs`, `payloadTypes`) is built on read. The object stays the
 * same for the stream's whole life (views compare streams by identity).
 */
export class RtpStreamStats implements RtpStreamSummary {
  private b: StreamBlock;
  private k: number;
  readonly srcIp: string;
  readonly dstIp: string;
  codec = '';
  private rare: RareStreamParts | undefined = undefined;
  /** The next older stream of the same call (the registry's chain; a call keeps no array). */
  olderInCall: RtpStreamStats | undefined = undefined;

  constructor(id: number, key: StreamKey, ts: PacketTime, frame: number, block: StreamBlock = new StreamBlock(1, -1), slot = 0) {
    this.b = block;
    this.k = slot;
    this.srcIp = key.srcIp;
    this.dstIp = key.dstIp;
    const d = block.d;
    const n = block.n;
    const dr = slot * DOUBLES;
    const nr = slot * INTS;
    d.fill(0, dr, dr + DOUBLES);
    n.fill(0, nr, nr + INTS);
    d[dr + D_CALL] = NaN;
    d[dr + D_FIRST_SEC] = ts.tsSec;
    d[dr + D_LAST_SEC] = ts.tsSec;
    n[nr + N_ID] = id;
    n[nr + N_SSRC] = key.ssrc | 0;
    n[nr + N_SRC_PORT] = key.srcPort;
    n[nr + N_DST_PORT] = key.dstPort;
    n[nr + N_PAYLOAD_TYPE] = -1;
    n[nr + N_FIRST_NSEC] = ts.tsNsec;
    n[nr + N_LAST_NSEC] = ts.tsNsec;
    n[nr + N_FIRST_FRAME] = frame;
    n[nr + N_LAST_FRAME] = frame;
    n[nr + N_BAD_SEQ] = -1;
    if (key.ipVersion === 6) n[nr + N_FLAGS] = F_IPV6;
  }

  /** Moves the figures to a block of their own; returns the table row given up (-1: none). */
  detach(): number {
    const b = this.b;
    if (b.index < 0) return -1;
    const own = new StreamBlock(1, -1);
    own.d.set(b.d.subarray(this.k * DOUBLES, (this.k + 1) * DOUBLES));
    own.n.set(b.n.subarray(this.k * INTS, (this.k + 1) * INTS));
    const row = b.index * STREAM_ROWS_PER_BLOCK + this.k;
    this.b = own;
    this.k = 0;
    return row;
  }

  private dbl(col: number): number {
    return this.b.d[this.k * DOUBLES + col]!;
  }
  private int(col: number): number {
    return this.b.n[this.k * INTS + col]!;
  }
  private setInt(col: number, v: number): void {
    this.b.n[this.k * INTS + col] = v;
  }

  get id(): number {
    return this.int(N_ID);
  }
  /** Call this stream was matched to (by SDP c=/m=), undefined when unmatched. */
  get callIndex(): number | undefined {
    const v = this.dbl(D_CALL);
    return v === v ? v : undefined;
  }
  set callIndex(v: number | undefined) {
    this.b.d[this.k * DOUBLES + D_CALL] = v ?? NaN;
  }
  get ssrc(): number {
    return this.int(N_SSRC) >>> 0;
  }
  get srcPort(): number {
    return this.int(N_SRC_PORT);
  }
  get dstPort(): number {
    return this.int(N_DST_PORT);
  }
  get payloadType(): number {
    return this.int(N_PAYLOAD_TYPE);
  }
  get clockRate(): number {
    return this.dbl(D_CLOCK_RATE);
  }
  get firstFrame(): number {
    return this.int(N_FIRST_FRAME) >>> 0;
  }
  get lastFrame(): number {
    return this.int(N_LAST_FRAME) >>> 0;
  }
  get packets(): number {
    return this.int(N_PACKETS) >>> 0;
  }
  get outOfOrder(): number {
    return this.int(N_OUT_OF_ORDER) >>> 0;
  }
  get duplicates(): number {
    return this.int(N_DUPLICATES) >>> 0;
  }
  get maxDeltaMs(): number {
    return this.dbl(D_MAX_DELTA);
  }
  get jitterMs(): number {
    return this.dbl(D_JITTER);
  }
  get maxJitterMs(): number {
    return this.dbl(D_MAX_JITTER);
  }
  private get flags(): number {
    return this.int(N_FLAGS);
  }
  private set flags(v: number) {
    this.setInt(N_FLAGS, v);
  }
  get srtp(): boolean | undefined {
    const flags = this.flags;
    return (flags & F_SRTP_SET) === 0 ? undefined : (flags & F_SRTP) !== 0;
  }
  set srtp(v: boolean | undefined) {
    this.flags = (this.flags & ~(F_SRTP_SET | F_SRTP)) | (v === undefined ? 0 : v ? F_SRTP_SET | F_SRTP : F_SRTP_SET);
  }
  get matchedBy(): 'dst' | 'src' | undefined {
    const flags = this.flags;
    return (flags & F_MATCHED_BY_DST) !== 0 ? 'dst' : (flags & F_MATCHED_BY_SRC) !== 0 ? 'src' : undefined;
  }
  set matchedBy(v: 'dst' | 'src' | undefined) {
    this.flags = (this.flags & ~(F_MATCHED_BY_DST | F_MATCHED_BY_SRC)) | (v === 'dst' ? F_MATCHED_BY_DST : v === 'src' ? F_MATCHED_BY_SRC : 0);
  }
  get ipVersion(): 4 | 6 {
    return (this.flags & F_IPV6) !== 0 ? 6 : 4;
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
    return { tsSec: this.dbl(D_FIRST_SEC), tsNsec: this.int(N_FIRST_NSEC) };
  }

  get lastTs(): PacketTime {
    return { tsSec: this.dbl(D_LAST_SEC), tsNsec: this.int(N_LAST_NSEC) };
  }

  get expected(): number {
    return this.packets === 0 ? 0 : this.dbl(D_PRIOR_EXPECTED) + (this.dbl(D_MAX_EXT) - this.dbl(D_BASE_EXT) + 1);
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
    for (let packed = this.int(N_PACKED_PTS); packed !== 0; packed >>>= 8) out.push((packed & 0xff) - 1);
    const more = this.rare?.morePayloadTypes;
    if (more) out.push(...more);
    return out;
  }

  /** Same 5-tuple and SSRC. */
  matches(ssrc: number, srcIp: string, srcPort: number, dstIp: string, dstPort: number): boolean {
    const n = this.b.n;
    const nr = this.k * INTS;
    return n[nr + N_SSRC] === (ssrc | 0) && n[nr + N_SRC_PORT] === srcPort && n[nr + N_DST_PORT] === dstPort && this.srcIp === srcIp && this.dstIp === dstIp;
  }

  /** One RTP packet of this stream, in capture order. `payload` is the whole UDP payload. */
  add(h: RtpHeader, payload: Buffer, tsSec: number, tsNsec: number, frame: number, fmt: PacketFormat): void {
    const d = this.b.d;
    const n = this.b.n;
    const dr = this.k * DOUBLES;
    const nr = this.k * INTS;
    // Arrival in ms relative to the first packet (the one formula every arrival time goes through).
    const arrivalMs = (tsSec - d[dr + D_FIRST_SEC]!) * 1000 + (tsNsec - n[nr + N_FIRST_NSEC]!) / 1e6;
    d[dr + D_LAST_SEC] = tsSec;
    n[nr + N_LAST_NSEC] = tsNsec;
    n[nr + N_LAST_FRAME] = frame;
    if (h.payloadType !== n[nr + N_PAYLOAD_TYPE] || (n[nr + N_FLAGS]! & F_PROVISIONAL_CODEC) !== 0) this.notePayloadType(h.payloadType, fmt);
    if (fmt.isEvent) ((this.rare ??= {}).telephoneEvents ??= new TelephoneEventCounter()).push(payload, h.payloadOffset, h.payloadLength, h.timestamp);
    const measured = fmt.clockRate > 0 && !fmt.isEvent;

    if (n[nr + N_PACKETS] === 0) {
      n[nr + N_PACKETS] = 1;
      d[dr + D_BASE_EXT] = d[dr + D_MAX_EXT] = h.sequence;
      n[nr + N_W0] = 1; // markSeen(0)
      n[nr + N_LAST_TS32] = h.timestamp | 0;
      d[dr + D_LAST_EXT_TS] = d[dr + D_REF_EXT_TS] = 0;
      d[dr + D_REF_MS] = arrivalMs;
      if (measured) this.setJitterRef(d, dr, n, nr, 0, arrivalMs);
      n[nr + N_FLAGS] = fmt.isComfortNoise ? n[nr + N_FLAGS]! | F_PREV_WAS_COMFORT_NOISE : n[nr + N_FLAGS]! & ~F_PREV_WAS_COMFORT_NOISE;
      return;
    }
    n[nr + N_PACKETS]!++;
    this.sequence(d, dr, n, nr, h.sequence);

    // Extended timestamp: nearest to the previous packet's (32-bit wrap, RFC 3550 §5.1).
    const extTs = d[dr + D_LAST_EXT_TS]! + ((h.timestamp - n[nr + N_LAST_TS32]!) | 0);
    n[nr + N_LAST_TS32] = h.timestamp | 0;
    d[dr + D_LAST_EXT_TS] = extTs;
    const inTimeOrder = extTs >= d[dr + D_REF_EXT_TS]!;
    const deltaMs = arrivalMs - d[dr + D_REF_MS]!;
    const flags = n[nr + N_FLAGS]!;
    const hasJitterRef = (flags & F_HAS_JITTER_REF) !== 0;
    const jitterRefExtTs = d[dr + D_JITTER_REF_EXT_TS]!;
    let jitterMs = d[dr + D_JITTER]!;
    if (measured && hasJitterRef && extTs >= jitterRefExtTs) {
      // A.8: D = (Rj - Ri) - (Sj - Si), in ms.
      const nominalMs = ((extTs - jitterRefExtTs) * 1000) / fmt.clockRate;
      const diff = Math.abs(arrivalMs - d[dr + D_JITTER_REF_MS]! - nominalMs);
      jitterMs += (diff - jitterMs) / 16;
      d[dr + D_JITTER] = jitterMs;
    }
    const regular = !h.marker && !fmt.isComfortNoise && (flags & F_PREV_WAS_COMFORT_NOISE) === 0 && inTimeOrder;
    if (regular) {
      if (deltaMs > d[dr + D_MAX_DELTA]!) d[dr + D_MAX_DELTA] = deltaMs;
      if (measured && jitterMs > d[dr + D_MAX_JITTER]!) d[dr + D_MAX_JITTER] = jitterMs;
    }
    if (inTimeOrder) {
      d[dr + D_REF_EXT_TS] = extTs;
      d[dr + D_REF_MS] = arrivalMs;
    }
    if (measured && (!hasJitterRef || extTs >= jitterRefExtTs)) this.setJitterRef(d, dr, n, nr, extTs, arrivalMs);
    n[nr + N_FLAGS] = fmt.isComfortNoise ? n[nr + N_FLAGS]! | F_PREV_WAS_COMFORT_NOISE : n[nr + N_FLAGS]! & ~F_PREV_WAS_COMFORT_NOISE;
  }

  /** The jitter reference: last in-order packet with a clock rate that is not an event. */
  private setJitterRef(d: Float64Array, dr: number, n: Int32Array, nr: number, extTs: number, arrivalMs: number): void {
    d[dr + D_JITTER_REF_EXT_TS] = extTs;
    d[dr + D_JITTER_REF_MS] = arrivalMs;
    n[nr + N_FLAGS]! |= F_HAS_JITTER_REF;
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
    const flags = this.flags;
    const payloadType = this.payloadType;
    const provisional = payloadType < 0 || (flags & F_PROVISIONAL_CODEC) !== 0;
    if (provisional && (payloadType < 0 || (!fmt.isEvent && !fmt.isComfortNoise))) {
      this.setInt(N_PAYLOAD_TYPE, pt);
      this.codec = fmt.codec;
      this.b.d[this.k * DOUBLES + D_CLOCK_RATE] = fmt.clockRate;
      this.flags = fmt.isEvent || fmt.isComfortNoise ? flags | F_PROVISIONAL_CODEC : flags & ~F_PROVISIONAL_CODEC;
    }
  }

  /** Appends pt to the first-seen list unless there (at most MAX_PAYLOAD_TYPES_PER_STREAM). */
  private listPayloadType(pt: number): void {
    let packed = this.int(N_PACKED_PTS);
    let count = 0;
    for (; packed !== 0; packed >>>= 8, count++) if ((packed & 0xff) === pt + 1) return;
    if (count < 3) {
      this.setInt(N_PACKED_PTS, this.int(N_PACKED_PTS) | ((pt + 1) << (8 * count)));
      return;
    }
    const more = ((this.rare ??= {}).morePayloadTypes ??= []);
    if (!more.includes(pt) && 3 + more.length < MAX_PAYLOAD_TYPES_PER_STREAM) more.push(pt);
  }

  /** RFC 3550 A.1 update_seq without probation, with duplicates told apart from late packets. */
  private sequence(d: Float64Array, dr: number, n: Int32Array, nr: number, seq: number): void {
    const maxExt = d[dr + D_MAX_EXT]!;
    const delta = ((seq - (maxExt & 0xffff)) << 16) >> 16; // signed 16-bit distance from the highest
    if (delta > 0 && delta < MAX_DROPOUT) {
      advance(d, dr, n, nr, delta);
      n[nr + N_BAD_SEQ] = -1;
      return;
    }
    if (delta <= 0 && delta >= -MAX_MISORDER) {
      if (wasSeen(n, nr, -delta)) n[nr + N_DUPLICATES]!++;
      else {
        n[nr + N_OUT_OF_ORDER]!++;
        markSeen(n, nr, -delta);
      }
      return;
    }
    // A big jump: the source restarted (or a stray packet). A.1 resyncs when the next packet
    // follows this one; the previous run's expected count is kept so `lost` stays meaningful.
    if (seq === n[nr + N_BAD_SEQ]) {
      d[dr + D_PRIOR_EXPECTED] = d[dr + D_PRIOR_EXPECTED]! + (maxExt - d[dr + D_BASE_EXT]! + 1);
      const next = maxExt + 0x20000 + delta; // a fresh extended space, only differences matter
      d[dr + D_MAX_EXT] = next;
      d[dr + D_BASE_EXT] = next - 1;
      n[nr + N_W0] = 3; // markSeen(0) and markSeen(1)
      n[nr + N_W1] = n[nr + N_W2] = n[nr + N_W3] = 0;
      n[nr + N_BAD_SEQ] = -1;
      // the stray that set badSeq was counted out of order; it now belongs to the new run
      if (n[nr + N_OUT_OF_ORDER] !== 0) n[nr + N_OUT_OF_ORDER]!--;
      return;
    }
    n[nr + N_BAD_SEQ] = (seq + 1) & 0xffff;
    n[nr + N_OUT_OF_ORDER]!++;
  }
}

/** maxExt moves `by` forward: every bit moves `by` places towards older sequence numbers. */
function advance(d: Float64Array, dr: number, n: Int32Array, nr: number, by: number): void {
  d[dr + D_MAX_EXT] = d[dr + D_MAX_EXT]! + by;
  if (by >= SEQ_WINDOW) {
    n[nr + N_W0] = 1;
    n[nr + N_W1] = n[nr + N_W2] = n[nr + N_W3] = 0;
    return;
  }
  let w0 = n[nr + N_W0]!;
  let w1 = n[nr + N_W1]!;
  let w2 = n[nr + N_W2]!;
  let w3 = n[nr + N_W3]!;
  let words = Math.floor(by / WORD_BITS);
  const b = by - words * WORD_BITS;
  for (; words > 0; words--) {
    w3 = w2;
    w2 = w1;
    w1 = w0;
    w0 = 0;
  }
  if (b !== 0) {
    const c = WORD_BITS - b;
    w3 = ((w3 << b) | (w2 >>> c)) & WORD_MASK;
    w2 = ((w2 << b) | (w1 >>> c)) & WORD_MASK;
    w1 = ((w1 << b) | (w0 >>> c)) & WORD_MASK;
    w0 = (w0 << b) & WORD_MASK;
  }
  n[nr + N_W0] = w0 | 1; // markSeen(0)
  n[nr + N_W1] = w1;
  n[nr + N_W2] = w2;
  n[nr + N_W3] = w3;
}

function markSeen(n: Int32Array, nr: number, back: number): void {
  if (back >= SEQ_WINDOW) return;
  const k = Math.floor(back / WORD_BITS);
  n[nr + N_W0 + k]! |= 1 << (back - k * WORD_BITS);
}

function wasSeen(n: Int32Array, nr: number, back: number): boolean {
  if (back >= SEQ_WINDOW) return false;
  const k = Math.floor(back / WORD_BITS);
  return (n[nr + N_W0 + k]! & (1 << (back - k * WORD_BITS))) !== 0;
}
