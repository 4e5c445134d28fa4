/**
 * Figures the statistics screen charts, read from the store: calls started over capture
 * time, response codes, and the RTP streams' loss and jitter. Computed once per store
 * version (a walk over the calls and their messages).
 */
import { epochMs } from '../core/store/format.js';
import type { CallStore } from '../core/store/call-store.js';
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

function quality(s: RtpStreamSummary): StreamQuality {
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
  const streams: StreamQuality[] = [];
  for (const row of store.rows()) {
    starts.push(epochMs(row.call.startTs));
    for (const e of row.call.messages) {
      const code = e.message.statusCode;
      if (!e.message.isRequest && !e.retransmission && code !== undefined) codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    for (const s of row.streams) streams.push(quality(s));
  }
  streams.sort((a, b) => a.id - b.id);
  const data: StatsData = { rate: callRate(starts), codes: [...codes].sort((a, b) => a[0] - b[0]), streams };
  memo.set(store, { version: store.version, at: now, data });
  return data;
}
