/**
 * Figures the statistics screen charts, read from the store: calls started over capture
 * time, response codes, and the RTP streams' loss and jitter. Computed once per store
 * version (a walk over the calls and their messages).
 */
import { epochMs } from '../core/store/format.js';
import type { CallStore, CallStoreStats } from '../core/store/call-store.js';
import { LIVE_WORST_STREAMS, LiveStats } from './live-stats.js';
import { listQueries } from './list-query.js';
import type { RtpStreamSummary } from '../core/rtp/types.js';

/** Points of the calls-per-second chart at most: a terminal chart shows no more. */
export const RATE_MAX_POINTS = 60;
/** Bucket sizes (s) the rate chart picks from: the smallest giving at most RATE_MAX_POINTS. */
export const RATE_BUCKETS_SEC: readonly number[] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];

export interface CallRate {
  /** Seconds per bucket. */
  readonly bucketSec: number;
  /** Epoch ms where the first bucket starts (the first call, floored to the bucket). */
  readonly startMs: number;
  /** Calls started in each bucket. */
  readonly counts: readonly number[];
}

export interface StreamQuality {
  readonly id: number;
  readonly callIndex: number | undefined;
  readonly src: string;
  readonly dst: string;
  readonly codec: string;
  readonly packets: number;
  /** Lost / expected, % (RFC 3550 A.3); 0 when nothing was expected. */
  readonly lossPct: number;
  readonly jitterMs: number;
  readonly maxJitterMs: number;
}

export interface StatsData {
  readonly rate: CallRate | undefined;
  /** Final and provisional response codes of first transmissions, by code ascending. */
  readonly codes: readonly (readonly [number, number])[];
  readonly streams: readonly StreamQuality[];
  /** Set when `streams` lists only some of the streams (while loading): how many there are. */
  readonly streamTotal?: number;
}

export function callRate(startsMs: readonly number[]): CallRate | undefined {
  if (startsMs.length === 0) return undefined;
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of startsMs) {
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  const bucketSec = RATE_BUCKETS_SEC.find((b) => Math.floor(hi / 1000 / b) - Math.floor(lo / 1000 / b) + 1 <= RATE_MAX_POINTS) ?? RATE_BUCKETS_SEC[RATE_BUCKETS_SEC.length - 1]!;
  const ms = bucketSec * 1000;
  const first = Math.floor(lo / ms);
  const counts = new Array<number>(Math.floor(hi / ms) - first + 1).fill(0);
  for (const t of startsMs) counts[Math.floor(t / ms) - first]!++;
  return { bucketSec, startMs: first * ms, counts };
}

/**
 * The `k` streams with the highest max jitter (ties: lower id first), by id. One pass keeping
 * a small sorted list: sorting 100 000+ streams to keep a few dozen took ~100 ms.
 */
export function worstByJitter<T extends { readonly id: number; readonly maxJitterMs: number }>(streams: Iterable<T>, k: number): T[] {
  const top: T[] = [];
  if (k <= 0) return top;
  const worse = (a: T, b: T): boolean => a.maxJitterMs > b.maxJitterMs || (a.maxJitterMs === b.maxJitterMs && a.id < b.id);
  for (const st of streams) {
    if (top.length === k && !worse(st, top[k - 1]!)) continue;
    let at = top.length;
    while (at > 0 && worse(st, top[at - 1]!)) at--;
    top.splice(at, 0, st);
    if (top.length > k) top.pop();
  }
  return top.sort((a, b) => a.id - b.id);
}

/** Streams ordered by id: ids are small distinct integers, so placed by id (no comparator sort). */
export function byId<T extends { readonly id: number }>(streams: readonly T[]): T[] {
  let max = 0;
  for (const st of streams) if (st.id > max) max = st.id;
  if (max > 4 * streams.length + 1024) return [...streams].sort((a, b) => a.id - b.id);
  const slots = new Array<T | undefined>(max + 1);
  const dup: T[] = [];
  for (const st of streams) {
    if (st.id >= 0 && Number.isInteger(st.id) && slots[st.id] === undefined) slots[st.id] = st;
    else dup.push(st);
  }
  if (dup.length > 0) return [...streams].sort((a, b) => a.id - b.id);
  const out: T[] = [];
  for (const st of slots) if (st !== undefined) out.push(st);
  return out;
}

export function quality(s: RtpStreamSummary): StreamQuality {
  return {
    id: s.id,
    callIndex: s.callIndex,
    src: s.src,
    dst: s.dst,
    codec: s.codec,
    packets: s.packets,
    lossPct: s.expected > 0 ? (Math.max(0, s.lost) / s.expected) * 100 : 0,
    jitterMs: s.jitterMs,
    maxJitterMs: s.maxJitterMs,
  };
}

/**
 * While a large capture loads the store changes ~10 times a second, and a walk over every
 * message takes a while on millions of them: the figures are refreshed at most this often.
 */
export const STATS_REFRESH_MS = 1000;

const memo = new WeakMap<CallStore, { version: number; at: number; data: StatsData }>();

/**
 * The figures of the store. While `loading`, figures computed less than STATS_REFRESH_MS
 * before `now` (ms, monotonic) are reused even if the store changed since.
 */
export function statsData(store: CallStore, loading = false, now: number = performance.now()): StatsData {
  const hit = memo.get(store);
  if (hit !== undefined && (hit.version === store.version || (loading && now - hit.at < STATS_REFRESH_MS))) return hit.data;
  const starts: number[] = [];
  const codes = new Map<number, number>();
  let streams: StreamQuality[] = [];
  for (const row of store.rows()) {
    starts.push(epochMs(row.call.startTs));
    for (const e of row.call.messages) {
      const code = e.message.statusCode;
      if (!e.message.isRequest && !e.retransmission && code !== undefined) codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    for (const s of row.streams) streams.push(quality(s));
  }
  streams = byId(streams);
  const data: StatsData = { rate: callRate(starts), codes: [...codes].sort((a, b) => a[0] - b[0]), streams };
  memo.set(store, { version: store.version, at: now, data });
  return data;
}

export interface StatsFigures {
  readonly stats: CallStoreStats;
  readonly data: StatsData;
  /** Calls the figures count. */
  readonly calls: number;
}

const figuresMemo = new WeakMap<CallStore, { key: string; figures: StatsFigures }>();

/**
 * The statistics screen's figures. When the app froze the list (ListQueries.freeze) and gives
 * the counts shown, they come from LiveStats, counted on from the last refresh (a walk over
 * the calls, no message twice) and kept until the next refresh; `allStreams` lists every RTP
 * stream (once loaded), else only the worst. Otherwise from the store, once per store version.
 */
export function statsFigures(store: CallStore, shown?: { readonly calls: number; readonly messages: number; readonly allStreams?: boolean }): StatsFigures {
  const q = listQueries(store);
  const live = q.frozen && shown !== undefined;
  const key = live ? `f${q.refreshes}:${shown.calls}:${shown.messages}:${shown.allStreams === true}` : `v${store.version}`;
  const hit = figuresMemo.get(store);
  if (hit !== undefined && hit.key === key) return hit.figures;
  let figures: StatsFigures;
  if (live) figures = liveStats(store).figures(shown.calls, shown.messages, shown.allStreams === true ? 'all' : LIVE_WORST_STREAMS);
  else {
    const stats = store.stats();
    figures = { stats, data: statsData(store), calls: stats.calls };
  }
  figuresMemo.set(store, { key, figures });
  return figures;
}

const liveByStore = new WeakMap<CallStore, LiveStats>();

/** Counts the calls and messages loaded since the last call (see LiveStats.countOn). */
export function countOnLiveStats(store: CallStore, calls: number, messages: number): void {
  liveStats(store).countOn(calls, messages);
}

function liveStats(store: CallStore): LiveStats {
  let l = liveByStore.get(store);
  if (l === undefined) {
    l = new LiveStats(store);
    liveByStore.set(store, l);
  }
  return l;
}
