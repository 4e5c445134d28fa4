/**
 * TCP stream reassembly, one byte stream per DIRECTION (RFC 9293 §3.4 sequence space).
 *
 * Segments go in in capture order; ordered bytes come out through callbacks, each chunk
 * labelled with the frame that carried it. Out-of-order segments wait until the gap fills;
 * bytes already delivered (retransmissions, keep-alive probes, overlaps) are dropped; a gap
 * that never fills is skipped after a named limit (bytes buffered beyond it, or packet time)
 * and reported as `TCP_GAP` so the consumer (the SIP framer) resynchronises. All timeouts run
 * on packet time. Nothing buffered is dropped silently: `flush()` delivers it at end of input.
 */
import type { Diagnostic, DiagnosticSink } from '../diagnostics.js';
import { TCP_FIN, TCP_RST, TCP_SYN, type TransportSegment } from '../net/segment.js';

/** Reassembled bytes and where they came from. `data` is a VIEW: copy what you keep. */
export interface StreamChunk {
  readonly data: Buffer;
  /** Frame that carried these bytes. */
  readonly frame: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  /** Capture offset of the record that carried these bytes. */
  readonly fileOffset: number;
  /**
   * Frame being processed when these bytes were delivered, when later than `frame`: held
   * out-of-order bytes are delivered by the segment that fills the hole before them, and a
   * message they end is completed in that frame (as tshark counts it).
   */
  readonly deliveredFrame?: number;
  readonly deliveredTsSec?: number;
  readonly deliveredTsNsec?: number;
}

/** One direction of one TCP connection. `id` is unique per reassembler and never reused. */
export interface TcpStreamInfo {
  readonly id: number;
  readonly ipVersion: 4 | 6;
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
}

/** Bytes that never arrived and were skipped. */
export interface TcpGap {
  readonly missingBytes: number;
  /** Frame whose arrival (or whose timestamp) made us give up waiting. */
  readonly frame: number;
}

/** Why a stream ended: FIN reached, RST, idle expiry, evicted by the flow limit, end of input,
 * or a new connection (SYN with another ISN) reusing the same addresses. */
export type TcpEndReason = 'fin' | 'rst' | 'idle' | 'evicted' | 'flush' | 'restart';

export interface TcpStreamEvents {
  /** Ordered bytes. The chunk's data is only valid during the call. */
  onData(stream: TcpStreamInfo, chunk: StreamChunk): void;
  /** Bytes were lost before the next onData: the consumer must resynchronise. */
  onGap?(stream: TcpStreamInfo, gap: TcpGap): void;
  /** No more bytes will come for this stream id. */
  onEnd?(stream: TcpStreamInfo, reason: TcpEndReason): void;
  onDiagnostic?: DiagnosticSink;
}

/** Bytes buffered beyond a gap before we stop waiting for it: a real sender's window is
 * rarely above this, so a hole older than a window's worth of later data is lost. */
export const TCP_MAX_BUFFERED_BYTES_PER_FLOW = 256 * 1024;
/** Out-of-order segments held per flow: bounds bookkeeping for 1-byte segment floods. */
export const TCP_MAX_PENDING_SEGMENTS_PER_FLOW = 4096;
/** Packet time a gap may stay open: RTO backoff retransmits well before this (RFC 6298). */
export const TCP_GAP_TIMEOUT_SEC = 10;
/** Packet time after which a silent flow is flushed and forgotten (a later segment starts a
 * new mid-stream reassembly, and the SIP framer resynchronises on a start line). */
export const TCP_IDLE_TIMEOUT_SEC = 300;
/** Flows tracked at once (both directions count); the least recently seen is evicted. */
export const TCP_MAX_FLOWS = 100_000;
/** How often (packet time) idle flows and open gaps are swept. */
const SWEEP_INTERVAL_SEC = 1;

export interface TcpLimits {
  maxBufferedBytes: number;
  maxPendingSegments: number;
  gapTimeoutSec: number;
  idleTimeoutSec: number;
  maxFlows: number;
}

export const DEFAULT_TCP_LIMITS: TcpLimits = {
  maxBufferedBytes: TCP_MAX_BUFFERED_BYTES_PER_FLOW,
  maxPendingSegments: TCP_MAX_PENDING_SEGMENTS_PER_FLOW,
  gapTimeoutSec: TCP_GAP_TIMEOUT_SEC,
  idleTimeoutSec: TCP_IDLE_TIMEOUT_SEC,
  maxFlows: TCP_MAX_FLOWS,
};

/** RFC 9293 §3.4: sequence numbers compare modulo 2^32; signed distance `a - b`. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** `seq + n` modulo 2^32. */
export function seqAdd(seq: number, n: number): number {
  return (seq + n) >>> 0;
}

export interface TcpStats {
  segments: number;
  bytesDelivered: number;
  retransmittedSegments: number;
  outOfOrderSegments: number;
  gaps: number;
  gapBytes: number;
  flowsEvicted: number;
  flowsExpired: number;
}

interface PendingSegment {
  readonly seq: number;
  /** Owned copy (the segment's payload view dies with its record). */
  readonly data: Buffer;
  readonly frame: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly fileOffset: number;
  readonly arrivedSec: number;
}

function packetTime(tsSec: number, tsNsec: number): number {
  return tsSec + tsNsec / 1e9;
}

/** Reassembles one direction of one connection. Usually driven by `TcpReassembler`. */
export class TcpDirectionStream {
  private nextSeq = 0;
  private started = false;
  private isn: number | undefined;
  private finSeq: number | undefined;
  private pending: PendingSegment[] = [];
  private pendingBytes = 0;
  /** The last in-order segment was cut by the snap length: the hole after it is known lost. */
  private lostAfterTruncated = false;
  ended = false;
  lastSeenSec = 0;
  /** The segment being processed (delivery frame of held bytes it releases). */
  private curFrame = 0;
  private curTsSec = 0;
  private curTsNsec = 0;

  constructor(
    readonly info: TcpStreamInfo,
    private readonly events: TcpStreamEvents,
    private readonly stats: TcpStats,
    private readonly limits: TcpLimits = DEFAULT_TCP_LIMITS,
  ) {}

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /**
   * True when data on an ended stream is not a late retransmission: it starts at or beyond the
   * end (a FIN consumes the sequence number after the last byte), so it belongs to a new
   * connection on the same addresses whose SYN was not captured.
   */
  isDataAfterEnd(seq: number, length: number): boolean {
    return this.ended && this.started && length > 0 && seqDiff(seq, this.nextSeq) >= 0;
  }

  /** True when a SYN with this sequence number opens a different connection. */
  isNewConnection(syn: number): boolean {
    if (!this.started) return false;
    if (this.isn !== undefined) return syn >>> 0 !== this.isn;
    // started mid-stream: a SYN far from where we are is a new connection
    const d = seqDiff(seqAdd(syn, 1), this.nextSeq);
    return d !== 0;
  }

  push(seg: TransportSegment): void {
    const tcp = seg.tcp;
    if (!tcp) return;
    const now = packetTime(seg.tsSec, seg.tsNsec);
    this.lastSeenSec = now;
    this.curFrame = seg.frame;
    this.curTsSec = seg.tsSec;
    this.curTsNsec = seg.tsNsec;
    if (this.ended) return; // late retransmissions and ACKs after FIN/RST
    let seq = tcp.seq >>> 0;
    const data = seg.payload;
    if (tcp.flags & TCP_SYN) {
      if (!this.started) {
        this.isn = seq;
        this.nextSeq = seqAdd(seq, 1);
        this.started = true;
      }
      seq = seqAdd(seq, 1); // data on a SYN (TFO) starts after the SYN's sequence number
    }
    const control = tcp.flags & (TCP_FIN | TCP_RST);
    if (data.length === 0 && !control) return; // pure ACK / window update
    if (!this.started) {
      // capture started mid-connection: the first segment we see defines the stream start
      this.nextSeq = seq;
      this.started = true;
    }
    if (data.length > 0) this.accept(seq, data, seg, now);
    if (tcp.flags & TCP_FIN && this.finSeq === undefined) this.finSeq = seqAdd(seq, data.length);
    if (tcp.flags & TCP_RST) {
      this.finish('rst', seg.frame);
      return;
    }
    this.drain();
    this.enforceLimits(now, seg.frame);
  }

  private accept(seq: number, data: Buffer, seg: TransportSegment, now: number): void {
    this.stats.segments++;
    const d = seqDiff(seq, this.nextSeq);
    if (d + data.length <= 0) {
      // everything already delivered: retransmission or keep-alive probe (seq = next-1, 1 byte)
      this.stats.retransmittedSegments++;
      return;
    }
    if (d <= 0) {
      this.deliver(data.subarray(-d), seg.frame, seg.tsSec, seg.tsNsec, seg.fileOffset);
      this.nextSeq = seqAdd(seq, data.length);
      this.lostAfterTruncated = seg.truncated === true;
      return;
    }
    this.stats.outOfOrderSegments++;
    this.insertPending({
      seq,
      data: Buffer.from(data),
      frame: seg.frame,
      tsSec: seg.tsSec,
      tsNsec: seg.tsNsec,
      fileOffset: seg.fileOffset,
      arrivedSec: now,
    });
  }

  private insertPending(p: PendingSegment): void {
    const list = this.pending;
    let i = list.length;
    while (i > 0 && seqDiff(list[i - 1]!.seq, p.seq) > 0) i--;
    const prev = list[i - 1];
    // an exact duplicate of a held segment adds nothing
    if (prev && prev.seq === p.seq && prev.data.length >= p.data.length) {
      this.stats.retransmittedSegments++;
      return;
    }
    list.splice(i, 0, p);
    this.pendingBytes += p.data.length;
  }

  /** Delivers held segments that are now in order. */
  private drain(): void {
    const list = this.pending;
    while (list.length > 0) {
      const p = list[0]!;
      const d = seqDiff(p.seq, this.nextSeq);
      if (d > 0) break;
      list.shift();
      this.pendingBytes -= p.data.length;
      if (d + p.data.length <= 0) {
        this.stats.retransmittedSegments++;
        continue;
      }
      this.deliver(p.data.subarray(-d), p.frame, p.tsSec, p.tsNsec, p.fileOffset);
      this.nextSeq = seqAdd(p.seq, p.data.length);
      this.lostAfterTruncated = false;
    }
    if (this.finSeq !== undefined && seqDiff(this.nextSeq, this.finSeq) >= 0) {
      if (list.length > 0) {
        this.report('TCP_DATA_AFTER_FIN', list[0]!.frame, `${this.pendingBytes} bytes`);
        list.length = 0;
        this.pendingBytes = 0;
      }
      this.end('fin');
    }
  }

  private enforceLimits(now: number, frame: number): void {
    while (this.pending.length > 0 && !this.ended) {
      const over =
        this.lostAfterTruncated ||
        this.pendingBytes > this.limits.maxBufferedBytes ||
        this.pending.length > this.limits.maxPendingSegments ||
        now - this.oldestPendingSec() > this.limits.gapTimeoutSec;
      if (!over) return;
      this.skipGap(frame);
    }
  }

  /** Checks the gap timeout against packet time `now` (called by the reassembler's sweep). */
  checkTimeout(now: number, frame: number): void {
    this.enforceLimits(now, frame);
  }

  private oldestPendingSec(): number {
    let t = Infinity;
    for (const p of this.pending) if (p.arrivedSec < t) t = p.arrivedSec;
    return t;
  }

  /** Gives up on the first hole: tells the consumer, then delivers what follows it. */
  private skipGap(frame: number): void {
    const first = this.pending[0];
    if (!first) return;
    const missing = seqDiff(first.seq, this.nextSeq) >>> 0;
    this.stats.gaps++;
    this.stats.gapBytes += missing;
    this.report('TCP_GAP', frame, `${missing} bytes never captured`);
    this.events.onGap?.(this.info, { missingBytes: missing, frame });
    this.nextSeq = first.seq;
    this.lostAfterTruncated = false;
    this.drain();
  }

  /** Delivers everything held (skipping gaps), then ends the stream. */
  finish(reason: TcpEndReason, frame: number): void {
    if (this.ended) return;
    while (this.pending.length > 0 && !this.ended) this.skipGap(frame);
    this.end(reason);
  }

  private end(reason: TcpEndReason): void {
    if (this.ended) return;
    this.ended = true;
    this.events.onEnd?.(this.info, reason);
  }

  private deliver(data: Buffer, frame: number, tsSec: number, tsNsec: number, fileOffset: number): void {
    if (data.length === 0) return;
    this.stats.bytesDelivered += data.length;
    if (this.curFrame > frame) {
      this.events.onData(this.info, { data, frame, tsSec, tsNsec, fileOffset, deliveredFrame: this.curFrame, deliveredTsSec: this.curTsSec, deliveredTsNsec: this.curTsNsec });
    } else {
      this.events.onData(this.info, { data, frame, tsSec, tsNsec, fileOffset });
    }
  }

  private report(code: string, frame: number, detail: string): void {
    const d: Diagnostic = { code, frame, detail };
    this.events.onDiagnostic?.(d);
  }
}

function flowKey(seg: TransportSegment): string {
  return `${seg.src}|${seg.srcPort}|${seg.dst}|${seg.dstPort}`;
}

/** Slots of FlowKeyCache: a power of two; flows that collide just rebuild their key. */
const FLOW_KEY_CACHE_SLOTS = 256;

/**
 * Remembers the key string of recently seen flows, direct-mapped by ports. Building the key
 * (a new string, hashed again by every Map call) cost more than the rest of a segment's
 * bookkeeping; a remembered key is the same string object, hash already computed.
 */
class FlowKeyCache {
  private readonly src: string[] = new Array<string>(FLOW_KEY_CACHE_SLOTS).fill('');
  private readonly dst: string[] = new Array<string>(FLOW_KEY_CACHE_SLOTS).fill('');
  /** srcPort * 65536 + dstPort (never negative), -1 for an empty slot. */
  private readonly ports: number[] = new Array<number>(FLOW_KEY_CACHE_SLOTS).fill(-1);
  private readonly keys: string[] = new Array<string>(FLOW_KEY_CACHE_SLOTS).fill('');

  key(seg: TransportSegment): string {
    const ports = seg.srcPort * 65536 + seg.dstPort;
    const slot = (seg.srcPort ^ (seg.dstPort * 31)) & (FLOW_KEY_CACHE_SLOTS - 1);
    if (this.ports[slot] === ports && this.src[slot] === seg.src && this.dst[slot] === seg.dst) return this.keys[slot]!;
    const key = flowKey(seg);
    this.ports[slot] = ports;
    this.src[slot] = seg.src;
    this.dst[slot] = seg.dst;
    this.keys[slot] = key;
    return key;
  }
}

function reverseKey(seg: TransportSegment): string {
  return `${seg.dst}|${seg.dstPort}|${seg.src}|${seg.srcPort}`;
}

/**
 * Reassembles every TCP flow in a capture. Flows are keyed by direction
 * (src, sport, dst, dport); each direction is its own stream with its own id.
 */
export class TcpReassembler {
  /** Map iteration order = least recently seen first (entries are re-inserted on use). */
  private readonly flows = new Map<string, TcpDirectionStream>();
  private readonly withPending = new Set<TcpDirectionStream>();
  /** The flow set last: the last entry of `flows` while it is still there. */
  private mostRecent: TcpDirectionStream | undefined;
  private readonly keyCache = new FlowKeyCache();
  private nextId = 1;
  private nextSweepSec = -Infinity;
  private lastFrame = 0;
  readonly stats: TcpStats = {
    segments: 0,
    bytesDelivered: 0,
    retransmittedSegments: 0,
    outOfOrderSegments: 0,
    gaps: 0,
    gapBytes: 0,
    flowsEvicted: 0,
    flowsExpired: 0,
  };
  private readonly limits: TcpLimits;

  constructor(
    private readonly events: TcpStreamEvents,
    limits: Partial<TcpLimits> = {},
  ) {
    this.limits = { ...DEFAULT_TCP_LIMITS, ...limits };
  }

  /** Number of direction streams currently tracked. */
  get flowCount(): number {
    return this.flows.size;
  }

  /** Feeds one TCP segment (others are ignored). */
  push(seg: TransportSegment): void {
    const tcp = seg.tcp;
    if (seg.transport !== 'tcp' || !tcp) return;
    this.lastFrame = seg.frame;
    const now = packetTime(seg.tsSec, seg.tsNsec);
    this.sweep(now, seg.frame); // first: idle flows go before the flow limit evicts a live one
    const key = this.keyCache.key(seg);
    let stream = this.flows.get(key);
    if (stream) {
      const syn = (tcp.flags & TCP_SYN) !== 0;
      const restart = syn ? stream.ended || stream.isNewConnection(tcp.seq) : stream.isDataAfterEnd(tcp.seq, seg.payload.length);
      // re-inserted below to keep LRU order; the most recent flow is last already
      if (restart || stream !== this.mostRecent) this.flows.delete(key);
      if (restart) {
        stream.finish('restart', seg.frame);
        this.withPending.delete(stream);
        stream = undefined;
      }
    }
    if (!stream) {
      if (seg.payload.length === 0 && !(tcp.flags & (TCP_SYN | TCP_FIN | TCP_RST))) {
        return; // a pure ACK of a flow we do not track opens nothing
      }
      stream = this.openStream(seg);
    }
    this.flows.set(key, stream);
    this.mostRecent = stream;
    stream.push(seg);
    if (stream.hasPending) this.withPending.add(stream);
    else this.withPending.delete(stream);
    if (tcp.flags & TCP_RST) {
      // RFC 9293 §3.5.2: a reset aborts the connection in both directions
      const back = this.flows.get(reverseKey(seg));
      if (back && !back.ended) {
        back.finish('rst', seg.frame);
        this.withPending.delete(back);
      }
    }
  }

  private openStream(seg: TransportSegment): TcpDirectionStream {
    while (this.flows.size >= this.limits.maxFlows) {
      const oldest = this.flows.entries().next().value;
      if (!oldest) break;
      const [k, s] = oldest;
      this.flows.delete(k);
      this.withPending.delete(s);
      this.stats.flowsEvicted++;
      if (!s.ended) {
        this.events.onDiagnostic?.({ code: 'TCP_FLOW_EVICTED', frame: seg.frame, detail: `flow limit ${this.limits.maxFlows}` });
        s.finish('evicted', seg.frame);
      }
    }
    const info: TcpStreamInfo = {
      id: this.nextId++,
      ipVersion: seg.ipVersion,
      src: seg.src,
      srcPort: seg.srcPort,
      dst: seg.dst,
      dstPort: seg.dstPort,
    };
    return new TcpDirectionStream(info, this.events, this.stats, this.limits);
  }

  /** Packet-time housekeeping: gap timeouts of flows waiting on a hole, idle expiry. */
  private sweep(now: number, frame: number): void {
    if (now < this.nextSweepSec) return;
    this.nextSweepSec = now + SWEEP_INTERVAL_SEC;
    for (const s of [...this.withPending]) {
      s.checkTimeout(now, frame);
      if (!s.hasPending) this.withPending.delete(s);
    }
    for (const [k, s] of this.flows) {
      if (now - s.lastSeenSec <= this.limits.idleTimeoutSec) break; // LRU order: the rest is newer
      this.flows.delete(k);
      this.withPending.delete(s);
      if (!s.ended) {
        this.stats.flowsExpired++;
        s.finish('idle', frame);
      }
    }
  }

  /** End of input: delivers everything still held (after gaps) and ends every stream. */
  flush(): void {
    for (const s of this.flows.values()) s.finish('flush', this.lastFrame);
    this.flows.clear();
    this.withPending.clear();
    this.mostRecent = undefined;
  }
}
