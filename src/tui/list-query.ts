/**
 * The call list's query: filter expression AND quick search, sorted. Predicates are memoised
 * by text so the store's result cache (keyed by predicate identity) hits while scrolling.
 * The search looks at every attribute's text, not only the visible columns.
 */
import { CALL_ATTRIBUTES, type CallRow } from '../core/store/attributes.js';
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

export class ListQueries {
  private predKey = '';
  private pred: CallPredicate | undefined;
  private fullKey = '';
  private full: readonly number[] = [];
  private posIndex?: Map<number, number>;

  constructor(readonly store: CallStore) {}

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
    const key = `${this.store.version}\u0000${list.filter}\u0000${list.search}\u0000${list.sort.attr}\u0000${list.sort.desc}`;
    if (key !== this.fullKey) {
      this.full = this.page(list, 0, Number.MAX_SAFE_INTEGER).ids;
      this.fullKey = key;
      this.posIndex = undefined;
    }
    return this.full;
  }

  posOf(list: ListState, id: number): number | undefined {
    const ids = this.ids(list);
    if (this.posIndex === undefined) this.posIndex = new Map(ids.map((x, i) => [x, i] as const));
    return this.posIndex.get(id);
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
