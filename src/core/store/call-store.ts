/**
 * CallStore: the read-only query API the views use (DESIGN.md "The store"). It reads the
 * correlator's calls and a media source's streams; it never decodes anything itself.
 *
 * - `version` bumps when the calls or the media changed (checked on read and on `notify()`);
 *   the loader calls `notify()` after each batch, which tells subscribers.
 * - Ids are stable: a call is its index, a message its correlator seq. Sorting is stable with
 *   the index as tie-breaker; missing values sort last in both directions.
 * - Sorted orders are cached per (version, attribute, direction) and the last few filtered
 *   results per (version, filter, sort), so scrolling a 120 000-call list re-sorts nothing.
 */
import { CALL_STATES } from '../correlate/call-state.js';
import type { MessageTable } from '../correlate/message-table.js';
import type { CallRecord, MessageEntry } from '../correlate/types.js';
import type { RtpStreamSummary } from '../rtp/types.js';
import { attribute, callRow, compareStrings, type AttrValue, type CallAttribute, type CallRow } from './attributes.js';
import { compileFilterExpression, type CallPredicate } from './filter-compile.js';
import { epochMs } from './format.js';

/** What the store reads calls from (CallCorrelator satisfies it). */
export interface CallSource {
  readonly version: number;
  calls(): readonly CallRecord[];
  /** Message by seq, made on demand. */
  entry(seq: number): MessageEntry | undefined;
  /** The message rows (seq 1..count), read for the per-method counters. */
  readonly table: Pick<MessageTable, 'count' | 'isRequest' | 'method' | 'statusCode'>;
}

/** What the store reads media from. Without `version`, every `notify()` counts as a change. */
export interface MediaSource {
  streamsOfCall(index: number): readonly RtpStreamSummary[];
  readonly version?: number;
}

export interface CallSort {
  /** Attribute id (attributes.ts). */
  readonly attr: string;
  readonly desc?: boolean;
}

export interface CallQuery {
  /** A predicate, or a filter expression (compiled and cached; FilterSyntaxError when bad). */
  readonly filter?: CallPredicate | string;
  readonly sort?: CallSort;
  readonly offset?: number;
  readonly limit?: number;
}

export interface CallQueryResult {
  /** Store version the result was computed at. */
  readonly version: number;
  /** Calls matching the filter (before paging). */
  readonly total: number;
  /** Call indexes of the page, in order. */
  readonly ids: readonly number[];
  readonly rows: readonly CallRow[];
}

export interface CallStoreStats {
  readonly calls: number;
  readonly messages: number;
  /** Calls per state, in CALL_STATES order; states with no call are left out. */
  readonly callsByState: Readonly<Record<string, number>>;
  /** Calls per first method. */
  readonly callsByMethod: Readonly<Record<string, number>>;
  /** Request messages per method (resends included). */
  readonly requestsByMethod: Readonly<Record<string, number>>;
  /** Response messages per class `1xx`..`6xx` (resends included). */
  readonly responsesByClass: Readonly<Record<string, number>>;
  readonly retransmissions: number;
  readonly streams: number;
}

/** Filter expressions compiled and kept (a UI re-runs the same few while the user scrolls). */
export const COMPILED_FILTER_CACHE_SIZE = 16;
/** Filtered results kept per version: list and detail views may query with different filters. */
export const RESULT_CACHE_SIZE = 4;

interface ResultEntry {
  readonly filter: CallPredicate | string | undefined;
  readonly sortKey: string;
  readonly ids: readonly number[];
}

function sortedCounts(counts: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...counts.keys()].sort()) out[k] = counts.get(k)!;
  return out;
}

/** Fills ranks[index-1] for every present call (strings and enums); returns the number of ranks. */
function rankValues(attr: CallAttribute, vals: readonly AttrValue[], present: readonly number[], ranks: Int32Array): number {
  if (attr.type === 'enum' && attr.values !== undefined) {
    const byValue = new Map(attr.values.map((v, i) => [v, i] as const));
    const unknown = attr.values.length;
    for (const i of present) ranks[i - 1] = byValue.get(vals[i - 1] as string) ?? unknown;
    return unknown + 1;
  }
  {
    const distinct = [...new Set(present.map((i) => vals[i - 1] as string))];
    if (attr.compare === compareStrings) distinct.sort();
    else distinct.sort(attr.compare);
    const byValue = new Map(distinct.map((v, r) => [v, r] as const));
    for (const i of present) ranks[i - 1] = byValue.get(vals[i - 1] as string)!;
    return distinct.length;
  }
}

/** Counting sort of ascending call indexes by rank: stable, so ties keep index order either way. */
function bucketOrder(present: readonly number[], ranks: Int32Array, buckets: number, desc: boolean): number[] {
  const next = new Int32Array(buckets);
  for (const i of present) next[ranks[i - 1]!]!++;
  let pos = 0;
  for (let k = 0; k < buckets; k++) {
    const r = desc ? buckets - 1 - k : k;
    const count = next[r]!;
    next[r] = pos;
    pos += count;
  }
  const out = new Array<number>(present.length);
  for (const i of present) out[next[ranks[i - 1]!]!++] = i;
  return out;
}

export class CallStore {
  private ownVersion = 0;
  private seenSource = Number.NaN;
  private seenMedia: number | undefined = Number.NaN;
  private notified = 0;
  private readonly listeners = new Set<(version: number) => void>();
  // Caches valid for `cacheVersion`.
  private cacheVersion = -1;
  private rowCache?: CallRow[];
  private readonly valueCache = new Map<string, AttrValue[]>();
  private readonly orderCache = new Map<string, readonly number[]>();
  private results: ResultEntry[] = [];
  private statsCache?: CallStoreStats;
  // Kept across versions: values that depend only on a call's first message.
  private readonly fixedValues = new Map<string, AttrValue[]>();
  private readonly compiled = new Map<string, CallPredicate>();
  // Message counters, grown incrementally (rows are only ever appended).
  private readonly requestCounts = new Map<string, number>();
  private readonly responseCounts = new Map<string, number>();
  private messageTotal = 0;
  private indexedAtSource = Number.NaN;

  constructor(
    private readonly source: CallSource,
    private readonly media?: MediaSource,
  ) {
    this.sync();
    this.notified = this.ownVersion;
  }

  /** Bumps whenever calls or media changed since the last read. */
  get version(): number {
    this.sync();
    return this.ownVersion;
  }

  /** Checks for changes and tells subscribers when there were any. The loader calls it after each batch. */
  notify(): void {
    if (this.media !== undefined && this.media.version === undefined) this.ownVersion++;
    this.sync();
    if (this.ownVersion === this.notified) return;
    this.notified = this.ownVersion;
    for (const l of [...this.listeners]) l(this.ownVersion);
  }

  /** Calls `listener(version)` after each change seen by notify(). Returns the unsubscribe. */
  subscribe(listener: (version: number) => void): () => void {
    const wrapped = (v: number): void => listener(v);
    this.listeners.add(wrapped);
    return () => {
      this.listeners.delete(wrapped);
    };
  }

  /** Calls so far (indexes run 1..callCount). */
  get callCount(): number {
    return this.source.calls().length;
  }

  call(index: number): CallRecord | undefined {
    return this.source.calls()[index - 1];
  }

  /** The row (call + streams + first message) the attributes read. */
  row(index: number): CallRow | undefined {
    return this.rows()[index - 1];
  }

  streams(index: number): readonly RtpStreamSummary[] {
    return this.media?.streamsOfCall(index) ?? [];
  }

  /** Message by its correlator seq (1-based, stable). */
  message(seq: number): MessageEntry | undefined {
    return this.source.entry(seq);
  }

  /** Epoch ms of the first message (what `+10s` in --since/--until counts from). */
  captureStartMs(): number | undefined {
    const first = this.source.calls()[0];
    return first === undefined ? undefined : epochMs(first.startTs);
  }

  stats(): CallStoreStats {
    this.validate();
    if (this.statsCache !== undefined) return this.statsCache;
    this.indexMessages();
    const byState = new Map<string, number>();
    const byMethod = new Map<string, number>();
    let retransmissions = 0;
    let streams = 0;
    for (const row of this.rows()) {
      byState.set(row.call.state, (byState.get(row.call.state) ?? 0) + 1);
      byMethod.set(row.call.firstMethod, (byMethod.get(row.call.firstMethod) ?? 0) + 1);
      retransmissions += row.call.retransmissionCount;
      streams += row.streams.length;
    }
    const callsByState: Record<string, number> = {};
    for (const s of CALL_STATES) if (byState.has(s)) callsByState[s] = byState.get(s)!;
    this.statsCache = {
      calls: this.source.calls().length,
      messages: this.messageTotal,
      callsByState,
      callsByMethod: sortedCounts(byMethod),
      requestsByMethod: sortedCounts(this.requestCounts),
      responsesByClass: sortedCounts(this.responseCounts),
      retransmissions,
      streams,
    };
    return this.statsCache;
  }

  /** Filtered, sorted, paged call ids (and their rows). Throws FilterSyntaxError on a bad expression. */
  query(q: CallQuery = {}): CallQueryResult {
    this.validate();
    const predicate = this.predicateOf(q.filter);
    const sortKey = q.sort === undefined ? '' : `${attribute(q.sort.attr).id}:${q.sort.desc === true ? 'desc' : 'asc'}`;
    let hit = this.results.find((r) => r.filter === q.filter && r.sortKey === sortKey);
    if (hit === undefined) {
      const order = q.sort === undefined ? undefined : this.order(q.sort.attr, q.sort.desc === true);
      const rows = this.rows();
      let ids: number[];
      if (order === undefined) {
        ids = [];
        for (const r of rows) if (predicate === undefined || predicate(r)) ids.push(r.call.index);
      } else {
        ids = predicate === undefined ? (order as number[]) : order.filter((i) => predicate(rows[i - 1]!));
      }
      hit = { filter: q.filter, sortKey, ids };
      this.results = [hit, ...this.results.slice(0, RESULT_CACHE_SIZE - 1)];
    }
    const offset = Math.max(0, Math.floor(q.offset ?? 0));
    const limit = q.limit === undefined ? Infinity : Math.max(0, Math.floor(q.limit));
    const ids = hit.ids.slice(offset, limit === Infinity ? undefined : offset + limit);
    const rows = this.rows();
    return { version: this.ownVersion, total: hit.ids.length, ids, rows: ids.map((i) => rows[i - 1]!) };
  }

  /** Every row, in index order (for exporters). */
  rows(): readonly CallRow[] {
    this.validate();
    if (this.rowCache === undefined) {
      const calls = this.source.calls();
      const rows = new Array<CallRow>(calls.length);
      for (let i = 0; i < calls.length; i++) rows[i] = callRow(calls[i]!, this.streams(i + 1));
      this.rowCache = rows;
    }
    return this.rowCache;
  }

  /** Values of one attribute for every call (index order), cached per version. */
  values(attr: CallAttribute): readonly AttrValue[] {
    this.validate();
    let vals = this.valueCache.get(attr.id);
    if (vals !== undefined) return vals;
    const rows = this.rows();
    if (attr.fixed) {
      vals = this.fixedValues.get(attr.id) ?? [];
      for (let i = vals.length; i < rows.length; i++) vals.push(attr.get(rows[i]!));
      this.fixedValues.set(attr.id, vals);
    } else {
      vals = rows.map((r) => attr.get(r));
    }
    this.valueCache.set(attr.id, vals);
    return vals;
  }

  private predicateOf(filter: CallPredicate | string | undefined): CallPredicate | undefined {
    if (typeof filter !== 'string') return filter;
    if (filter.trim() === '') return undefined;
    let p = this.compiled.get(filter);
    if (p === undefined) {
      p = compileFilterExpression(filter);
      if (this.compiled.size >= COMPILED_FILTER_CACHE_SIZE) this.compiled.delete(this.compiled.keys().next().value!);
      this.compiled.set(filter, p);
    }
    return p;
  }

  /**
   * Call indexes sorted by one attribute: present values by the attribute's order, ties and
   * missing values by index. The distinct values are sorted natively and ranked, then a
   * counting sort by rank places the calls: stable, and far cheaper than a comparator sort
   * over 100 000+ calls.
   */
  private order(attrId: string, desc: boolean): readonly number[] {
    const attr = attribute(attrId);
    const key = `${attr.id}:${desc ? 'desc' : 'asc'}`;
    const cached = this.orderCache.get(key);
    if (cached !== undefined) return cached;
    const vals = this.values(attr);
    const present: number[] = [];
    const missing: number[] = [];
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i];
      (v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? missing : present).push(i + 1);
    }
    let sorted: number[];
    if (attr.type === 'enum' || attr.type === 'string') {
      const ranks = new Int32Array(vals.length);
      sorted = bucketOrder(present, ranks, rankValues(attr, vals, present, ranks), desc);
    } else {
      // Numbers: a comparator sort over a typed key column measured faster than ranking.
      // Array#sort is stable and `present` is ascending, so ties keep index order.
      const keys = Float64Array.from(vals, (v) => (typeof v === 'number' ? v : 0));
      sorted = present.sort(desc ? (a, b) => keys[b - 1]! - keys[a - 1]! : (a, b) => keys[a - 1]! - keys[b - 1]!);
    }
    const order = sorted.concat(missing);
    this.orderCache.set(key, order);
    return order;
  }

  /** Notes source/media changes as a new version. */
  private sync(): void {
    const s = this.source.version;
    const m = this.media?.version;
    if (s !== this.seenSource || m !== this.seenMedia) {
      this.seenSource = s;
      this.seenMedia = m;
      this.ownVersion++;
    }
  }

  /** Drops the caches of an older version. */
  private validate(): void {
    this.sync();
    if (this.cacheVersion === this.ownVersion) return;
    this.cacheVersion = this.ownVersion;
    this.rowCache = undefined;
    this.valueCache.clear();
    this.orderCache.clear();
    this.results = [];
    this.statsCache = undefined;
  }

  /** Counts messages added since the last call (rows are appended in seq order). */
  private indexMessages(): void {
    if (this.indexedAtSource === this.source.version) return;
    this.indexedAtSource = this.source.version;
    const t = this.source.table;
    for (let seq = this.messageTotal + 1; seq <= t.count; seq++) {
      this.messageTotal = seq;
      if (t.isRequest(seq)) {
        const k = t.method(seq) ?? '';
        this.requestCounts.set(k, (this.requestCounts.get(k) ?? 0) + 1);
      } else {
        const code = t.statusCode(seq);
        if (code === undefined) continue;
        const k = `${Math.floor(code / 100)}xx`;
        this.responseCounts.set(k, (this.responseCounts.get(k) ?? 0) + 1);
      }
    }
  }

}
