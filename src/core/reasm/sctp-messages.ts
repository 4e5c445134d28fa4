/**
 * SCTP user-message reassembly (RFC 9260 §6.9): a message larger than the path MTU is sent as
 * several DATA chunks with consecutive TSNs, the first flagged B and the last E. A chunk with
 * both flags is a whole message. Retransmitted chunks (same TSN) are dropped.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import { SCTP_FLAG_BEGIN, SCTP_FLAG_END, type TransportSegment } from '../net/segment.js';

/** Fragments held per association direction: bounds memory when an E chunk never comes. */
export const SCTP_MAX_PENDING_FRAGMENTS = 256;
/** TSNs remembered per direction to recognise retransmissions of delivered chunks. */
const SCTP_RECENT_TSNS = 64;

interface FlowState {
  pending: Map<number, { seg: TransportSegment; data: Buffer }>;
  recent: number[];
}

export class SctpMessageAssembler {
  private readonly flows = new Map<string, FlowState>();

  constructor(
    private readonly onMessage: (payload: Buffer, last: TransportSegment, frames: readonly number[]) => void,
    private readonly report?: DiagnosticSink,
  ) {}

  push(seg: TransportSegment): void {
    const info = seg.sctp;
    if (!info) return;
    const key = `${seg.src}|${seg.srcPort}|${seg.dst}|${seg.dstPort}`;
    let flow = this.flows.get(key);
    if (!flow) this.flows.set(key, (flow = { pending: new Map(), recent: [] }));
    if (flow.recent.includes(info.tsn) || flow.pending.has(info.tsn)) {
      this.report?.({ code: 'SCTP_RETRANSMITTED_DATA', frame: seg.frame });
      return;
    }
    const whole = (info.flags & (SCTP_FLAG_BEGIN | SCTP_FLAG_END)) === (SCTP_FLAG_BEGIN | SCTP_FLAG_END);
    if (whole) {
      this.remember(flow, info.tsn);
      this.onMessage(seg.payload, seg, [seg.frame]);
      return;
    }
    if (flow.pending.size >= SCTP_MAX_PENDING_FRAGMENTS) {
      this.report?.({ code: 'SCTP_FRAGMENTS_DROPPED', frame: seg.frame, detail: `${flow.pending.size} fragments` });
      flow.pending.clear();
    }
    flow.pending.set(info.tsn, { seg, data: Buffer.from(seg.payload) });
    this.tryComplete(flow, info.tsn);
  }

  /** End of input: fragments of messages never completed are reported. */
  flush(): void {
    for (const flow of this.flows.values()) {
      if (flow.pending.size > 0) this.report?.({ code: 'SCTP_FRAGMENTS_INCOMPLETE', detail: `${flow.pending.size} fragments` });
    }
    this.flows.clear();
  }

  private remember(flow: FlowState, tsn: number): void {
    flow.recent.push(tsn);
    if (flow.recent.length > SCTP_RECENT_TSNS) flow.recent.shift();
  }

  /** Looks for a B..E run of consecutive TSNs through `tsn`. */
  private tryComplete(flow: FlowState, tsn: number): void {
    let first = tsn;
    while (true) {
      const f = flow.pending.get(first);
      if (!f) return;
      if (f.seg.sctp!.flags & SCTP_FLAG_BEGIN) break;
      first = (first - 1) >>> 0;
    }
    let last = tsn;
    while (true) {
      const f = flow.pending.get(last);
      if (!f) return;
      if (f.seg.sctp!.flags & SCTP_FLAG_END) break;
      last = (last + 1) >>> 0;
    }
    const parts: Buffer[] = [];
    const frames: number[] = [];
    let lastSeg: TransportSegment | undefined;
    for (let t = first; ; t = (t + 1) >>> 0) {
      const f = flow.pending.get(t)!;
      flow.pending.delete(t);
      this.remember(flow, t);
      parts.push(f.data);
      if (!frames.includes(f.seg.frame)) frames.push(f.seg.frame);
      if (!lastSeg || f.seg.frame >= lastSeg.frame) lastSeg = f.seg;
      if (t === last) break;
    }
    this.onMessage(Buffer.concat(parts), lastSeg!, frames);
  }
}
