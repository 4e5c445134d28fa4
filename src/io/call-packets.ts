/**
 * Which capture records belong to a set of calls: the selection both `siptrace save` and the
 * UI's save screen write (a second read of the capture, nothing held in memory for it).
 */
import type { CaptureRecord } from '../core/capture/record.js';
import { NetDecoder } from '../core/net/net-decoder.js';
import type { TransportSegment } from '../core/net/segment.js';
import type { CallStore } from '../core/store/call-store.js';

/** Frame numbers of every message of the calls (a message over several frames gives them all). */
export function framesOfCalls(store: CallStore, calls: readonly number[]): Set<number> {
  const frames = new Set<number>();
  for (const id of calls) {
    for (const e of store.call(id)?.messages ?? []) {
      for (const f of e.message.frames ?? [e.message.frame]) frames.add(f);
    }
  }
  return frames;
}

const flowKey = (a: string, ap: number, b: string, bp: number): string => `${a}|${ap}|${b}|${bp}`;

/**
 * Which capture records belong to the calls: their SIP frames, and with `rtp` the UDP packets
 * of their RTP streams (RTCP on the next port, RFC 3550 §11) within each stream's frame range,
 * run to the call's last message since a final RTCP report may trail the last RTP packet.
 * The same selection as `siptrace save --rtp`.
 */
export function callPacketFilter(store: CallStore, calls: readonly number[], rtp: boolean): (rec: CaptureRecord) => boolean {
  const frames = framesOfCalls(store, calls);
  const windows: { first: number; last: number; keys: Set<string> }[] = [];
  if (rtp) {
    for (const id of calls) {
      const call = store.call(id);
      if (call === undefined) continue;
      let callLast = 0;
      for (const e of call.messages) callLast = Math.max(callLast, e.message.frame);
      for (const s of store.streams(id)) {
        if (s.srcIp === undefined || s.dstIp === undefined || s.srcPort === undefined || s.dstPort === undefined) continue;
        const keys = new Set([flowKey(s.srcIp, s.srcPort, s.dstIp, s.dstPort), flowKey(s.srcIp, s.srcPort + 1, s.dstIp, s.dstPort + 1)]);
        windows.push({ first: s.firstFrame, last: Math.max(s.lastFrame, callLast), keys });
      }
    }
  }
  if (windows.length === 0) return (rec) => frames.has(rec.frame);
  const net = new NetDecoder();
  let hit = false;
  const onSeg = (seg: TransportSegment): void => {
    if (seg.transport !== 'udp') return;
    const k = flowKey(seg.src, seg.srcPort, seg.dst, seg.dstPort);
    for (const w of windows) {
      if (seg.frame >= w.first && seg.frame <= w.last && w.keys.has(k)) {
        hit = true;
        return;
      }
    }
  };
  return (rec) => {
    if (frames.has(rec.frame)) return true;
    hit = false;
    net.decode(rec, onSeg);
    return hit;
  };
}

