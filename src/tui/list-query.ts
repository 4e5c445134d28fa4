/**
 * The call list's query: filter expression AND quick search, sorted. Predicates are memoised
 * by text so the store's result cache (keyed by predicate identity) hits while scrolling.
 * The search looks at every attribute's text, not only the visible columns.
 *
 * While a capture loads the store changes after every slice, and a store query at a new
 * version re-reads every call (~300 ms at 120 000 calls). So during the load the app
 * `freeze()`s the list: it shows the calls up to a count the app sets at its paced refreshes,
 * keys are answered from that, and the list in capture order (the default) is kept without
 * asking the store at all (call ids are indexes, appended in that order).
 */
import { callRow, CALL_ATTRIBUTES, type CallRow } from '../core/store/attributes.js';
import type { CallQueryResult, CallStore } from '../core/store/call-store.js';
import { compileFilterExpression, type CallPredicate } from '../core/store/filter-compile.js';
import { FilterSyntaxError } from '../core/store/filter-expr.js';
import type { ListState } from './ui-state.js';

/** True when any attribute's text holds `needle` (lower case). */
function rowMatches(row: CallRow, needle: string): boolean {
  for (const a of CALL_ATTRIBUTES) {
    if (a.format(a.get(row)).toLowerCase().includes(needle)) return true;
  }
  return false;
}

/** True for the list by index with nothing filtered: ids 1..n (or n..1), no query needed. */
function isNatural(list: Pick<ListState, 'filter' | 'search' | 'sort'>): boolean {
  return list.sort.attr === 'index' && list.filter.trim() === '' && list.search.trim() === '';
}

export class ListQueries {
  private predKey = '';
  private pred: CallPredicate | undefined;
  private fullKey = '';
  private full: readonly number[] = [];
  private posIndex?: Int32Array;
  /** Calls shown while frozen (undefined: live, every store version is shown). */
  private frozenCalls: number | undefined;
  private epoch = 0;
  /** 1..n, grown as the frozen count grows (shared by every natural-order result). */
  private readonly natural: number[] = [];

  constructor(readonly store: CallStore) {}

  /**
   * Shows the first `calls` calls until the next freeze() or thaw(), whatever the store holds
   * meanwhile (counts only grow: call ids are stable indexes).
   */
  freeze(calls: number): void {
    this.frozenCalls = calls;
    this.epoch++;
  }

  /** Back to showing every store version (the app stays frozen at the final count instead). */
  thaw(): void {
    this.frozenCalls = undefined;
    this.epoch++;
  }

  get frozen(): boolean {
    return this.frozenCalls !== undefined;
  }

  /** Bumps at every freeze() and thaw(): what a frozen screen may cache its figures by. */
  get refreshes(): number {
    return this.epoch;
  }

  private dataKey(): string {
    return this.frozenCalls === undefined ? `v${this.store.version}` : `f${this.epoch}`;
  }

  /** The predicate of a filter + search (undefined when both are empty); throws FilterSyntaxError. */
  predicate(list: Pick<ListState, 'filter' | 'search'>): CallPredicate | undefined {
    const key = `${list.filter}\u0000${list.search}`;
    if (key === this.predKey) return this.pred;
    const expr = list.filter.trim() === '' ? undefined : compileFilterExpression(list.filter);
    const needle = list.search.trim().toLowerCase();
    let pred: CallPredicate | undefined;
    if (expr !== undefined && needle !== '') pred = (r) => expr(r) && rowMatches(r, needle);
    else if (expr !== undefined) pred = expr;
    else if (needle !== '') pred = (r) => rowMatches(r, needle);
    this.predKey = key;
    this.pred = pred;
    return pred;
  }

  /** A page of the list. A bad filter (only possible from a config) shows every call. */
  page(list: ListState, offset: number, limit: number): CallQueryResult {
    if (this.frozenCalls !== undefined) {
      // the rows of the page only: never a store query at a new version
      const all = this.ids(list);
      const from = Math.max(0, Math.floor(offset));
      const ids = all.slice(from, from + Math.max(0, Math.floor(limit)));
      const rows = ids.map((id) => callRow(this.store.call(id)!, this.store.streams(id)));
      return { version: this.epoch, total: all.length, ids, rows };
    }
    return this.storePage(list, offset, limit);
  }

  private storePage(list: ListState, offset: number, limit: number): CallQueryResult {
    let filter: CallPredicate | undefined;
    try {
      filter = this.predicate(list);
    } catch {
      filter = this.predicate({ filter: '', search: list.search });
    }
    return this.store.query({ ...(filter ? { filter } : {}), sort: { attr: list.sort.attr, desc: list.sort.desc }, offset, limit });
  }

  /** Every id of the list, in order (cached per store version and query). */
  ids(list: ListState): readonly number[] {
    const key = `${this.dataKey()}\u0000${list.filter}\u0000${list.search}\u0000${list.sort.attr}\u0000${list.sort.desc}`;
    if (key !== this.fullKey) {
      const n = this.frozenCalls;
      if (n === undefined) this.full = this.storePage(list, 0, Number.MAX_SAFE_INTEGER).ids;
      else if (isNatural(list)) {
        for (let id = this.natural.length + 1; id <= n; id++) this.natural.push(id);
        this.full = this.natural.length === n ? this.natural : this.natural.slice(0, n);
        if (list.sort.desc) this.full = this.full.slice().reverse();
      } else {
        // another order or a filter: one store query per refresh, cut to the calls shown
        const ids = this.storePage(list, 0, Number.MAX_SAFE_INTEGER).ids;
        this.full = ids.filter((id) => id <= n);
      }
      this.fullKey = key;
      this.posIndex = undefined;
    }
    return this.full;
  }

  posOf(list: ListState, id: number): number | undefined {
    const ids = this.ids(list);
    if (ids === this.natural) return id >= 1 && id <= ids.length ? id - 1 : undefined;
    if (this.posIndex === undefined) {
      // position + 1 by id (0: not in the list); a typed array builds far faster than a Map
      let max = 0;
      for (const x of ids) if (x > max) max = x;
      this.posIndex = new Int32Array(max + 1);
      ids.forEach((x, i) => (this.posIndex![x] = i + 1));
    }
    const p = id >= 0 && id < this.posIndex.length ? this.posIndex[id]! : 0;
    return p === 0 ? undefined : p - 1;
  }

  /** Undefined when the expression compiles; else the message and 0-based column. */
  static check(text: string): { message: string; position: number } | undefined {
    if (text.trim() === '') return undefined;
    try {
      compileFilterExpression(text);
      return undefined;
    } catch (e) {
      if (e instanceof FilterSyntaxError) return { message: e.message, position: e.position };
      return { message: String(e), position: 0 };
    }
  }
}

const byStore = new WeakMap<CallStore, ListQueries>();

/** One ListQueries per store (its caches are shared by the screens and the app). */
export function listQueries(store: CallStore): ListQueries {
  let q = byStore.get(store);
  if (q === undefined) {
    q = new ListQueries(store);
    byStore.set(store, q);
  }
  return q;
}
