/**
 * The statistics screen's figures counted on while a capture loads. store.stats() and
 * statsData() re-read every call and message at each store version (~600 ms at 120 000 calls
 * and 1.4 M messages): far too long to hold a key while the store changes ten times a second.
 * Here what never changes once seen is counted once: a message's method, code and resend flag
 * (set when it is added), a call's first method and start. Only what a call can still change
 * (its state, its resends, its RTP streams) is walked again, straight from the call records.
 * The figures equal store.stats() and statsData() at the same calls and messages (tested),
 * except that only the worst RTP streams are listed while loading.
 */
import { CALL_STATES } from '../core/correlate/call-state.js';
import type { CallStore, CallStoreStats } from '../core/store/call-store.js';
import { epochMs } from '../core/store/format.js';
import type { RtpStreamSummary } from '../core/rtp/types.js';
import { byId, callRate, quality, worstByJitter, type StatsData, type StatsFigures } from './stats-data.js';

/** Streams a live figure keeps (the worst by max jitter): more bars than a jitter chart shows. */
export const LIVE_WORST_STREAMS = 32;

function bump<K>(m: Map<K, number>, k: K): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

function sortedCounts(counts: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...counts.keys()].sort()) out[k] = counts.get(k)!;
  return out;
}

export class LiveStats {
  private messagesSeen = 0;
  private callsSeen = 0;
  private readonly requestsByMethod = new Map<string, number>();
  private readonly responsesByClass = new Map<string, number>();
  /** First transmissions of responses in calls, by code (statsData's `codes`). */
  private readonly codes = new Map<number, number>();
  private readonly callsByMethod = new Map<string, number>();
  private readonly starts: number[] = [];

  constructor(private readonly store: CallStore) {}

  /**
   * Counts the messages and calls not seen yet (each one once over the whole load). The app
   * calls it at every refresh, so opening the statistics late in a big load finds little to do.
   */
  countOn(calls: number, messages: number): void {
    for (let seq = this.messagesSeen + 1; seq <= messages; seq++) {
      const e = this.store.message(seq);
      if (e === undefined) break;
      this.messagesSeen = seq;
      const m = e.message;
      if (m.isRequest) bump(this.requestsByMethod, m.method ?? '');
      else if (m.statusCode !== undefined) {
        bump(this.responsesByClass, `${Math.floor(m.statusCode / 100)}xx`);
        if (!e.retransmission && e.callIndex > 0) bump(this.codes, m.statusCode);
      }
    }
    for (let i = this.callsSeen + 1; i <= calls; i++) {
      const c = this.store.call(i);
      if (c === undefined) break;
      this.callsSeen = i;
      bump(this.callsByMethod, c.firstMethod);
      this.starts.push(epochMs(c.startTs));
    }
  }

  /**
   * Figures of the first `calls` calls and `messages` messages (both only ever grow). With
   * `streamsListed` 'all', every RTP stream is listed as statsData() does; with a number, only
   * that many, the worst by max jitter (the chart's bars; 100 000+ streams on a big capture
   * would be stale at the next refresh), and `data.streamTotal` says how many there are.
   */
  figures(calls: number, messages: number, streamsListed: number | 'all' = LIVE_WORST_STREAMS): StatsFigures {
    const all = streamsListed === 'all';
    this.countOn(calls, messages);
    const n = this.callsSeen;
    const byState = new Map<string, number>();
    let retransmissions = 0;
    const listed: RtpStreamSummary[] = [];
    for (let i = 1; i <= n; i++) {
      const c = this.store.call(i)!;
      bump(byState, c.state);
      retransmissions += c.retransmissionCount;
      for (const st of this.store.streams(i)) listed.push(st);
    }
    const streamTotal = listed.length;
    const callsByState: Record<string, number> = {};
    for (const st of CALL_STATES) if (byState.has(st)) callsByState[st] = byState.get(st)!;
    const stats: CallStoreStats = {
      calls: n,
      messages: this.messagesSeen,
      callsByState,
      callsByMethod: sortedCounts(this.callsByMethod),
      requestsByMethod: sortedCounts(this.requestsByMethod),
      responsesByClass: sortedCounts(this.responsesByClass),
      retransmissions,
      streams: streamTotal,
    };
    const streams = (all ? byId(listed) : worstByJitter(listed, streamsListed)).map(quality);
    const data: StatsData = { rate: callRate(this.starts), codes: [...this.codes].sort((a, b) => a[0] - b[0]), streams, ...(all ? {} : { streamTotal }) };
    return { stats, data, calls: n };
  }
}
