/**
 * The call list: header (input, counts, sort, filter, progress while loading), the display
 * filter line, column titles, the visible rows only (store.query with offset/limit), footer.
 * Columns, sort and filter all come from the one attribute table (attributes.ts).
 */
import { attribute, type CallAttribute } from '../../core/store/attributes.js';
import { sanitizeField } from '../../core/text/sanitize.js';
import { ADDRESS_ATTRIBUTES, aliasAddress } from '../../view/aliases.js';
import { listQueries } from '../list-query.js';
import { currentScreen, keepVisible, type UiState } from '../ui-state.js';
import type { ScreenContext, LoadInfo } from './context.js';
import { cellLength, fitRight, fitText, FrameBuilder, MIN_HEIGHT, MIN_WIDTH, tooSmallFrame, type Frame } from './frame.js';

/** Lines above the rows (header, filter line, column titles) and below (footer). */
export const LIST_TOP_LINES = 3;
export const LIST_BOTTOM_LINES = 1;
/** Columns that shrink first when the terminal is narrow, down to this width. */
const SHRINK_MIN = 12;

export function listPageRows(height: number): number {
  return Math.max(1, height - LIST_TOP_LINES - LIST_BOTTOM_LINES);
}

/**
 * Column widths for the terminal width: wide text columns shrink, columns past the edge drop.
 * A width from the config (`chosen`) is kept as asked (the title is cut to it).
 */
export function fitColumns(ids: readonly string[], width: number, chosen: Readonly<Record<string, number>> = {}): { attr: CallAttribute; width: number }[] {
  const attrs = ids.map((id) => attribute(id));
  const widths = attrs.map((a) => chosen[a.id] ?? Math.max(a.width, a.title.length));
  const avail = width - 2; // selection mark and a space
  const total = (): number => widths.reduce((s, w) => s + w + 1, 0) - 1;
  let over = total() - avail;
  // shrink the widest shrinkable columns one cell at a time
  while (over > 0) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (attrs[i]!.type === 'string' && chosen[attrs[i]!.id] === undefined && w > SHRINK_MIN && (widest < 0 || w > widths[widest]!)) widest = i;
    });
    if (widest < 0) break;
    widths[widest]!--;
    over--;
  }
  const out: { attr: CallAttribute; width: number }[] = [];
  let used = 0;
  attrs.forEach((a, i) => {
    const w = widths[i]!;
    if (used + w > avail) return;
    out.push({ attr: a, width: w });
    used += w + 1;
  });
  return out;
}

/** `[#######.......]  42%  12.3/29.1 MB` while loading. */
export function progressText(load: LoadInfo | undefined, barWidth = 20): string {
  if (load === undefined || load.done) return '';
  const total = load.totalBytes;
  if (total === undefined || total <= 0) return `loading ${(load.bytesRead / 1e6).toFixed(1)} MB`;
  const frac = Math.max(0, Math.min(1, load.bytesRead / total));
  const filled = Math.round(frac * barWidth);
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${Math.floor(frac * 100)}%`;
}

function headerText(state: UiState, ctx: ScreenContext, total: number): string {
  const counted = ctx.load?.calls !== undefined && ctx.load.messages !== undefined;
  const st = counted ? { calls: ctx.load!.calls!, messages: ctx.load!.messages! } : ctx.store.stats();
  const sort = `${attribute(state.list.sort.attr).title} ${state.list.sort.desc ? 'desc' : 'asc'}`;
  const parts = [
    `siptrace  ${sanitizeField(ctx.input)}`,
    `Calls: ${total === st.calls ? st.calls : `${total}/${st.calls}`}`,
    `Msgs: ${st.messages}`,
    `Sel: ${state.list.selected.length}`,
    `Sort: ${sort}`,
  ];
  if (state.list.follow) parts.push('[Follow]');
  const progress = progressText(ctx.load);
  if (progress !== '') parts.push(progress);
  if (ctx.load?.error !== undefined) parts.push(`load stopped: ${sanitizeField(ctx.load.error)}`);
  return ' ' + parts.join('   ');
}

const LIST_FOOTER = 'Q Quit  Enter Flow  Space Select  F1 Help  F2 Save  / Search  F6 Raw  F7 Filter  F8 Settings  F10 Columns  < > Sort  z Reverse  i Stats  A Follow';

/** The filter/search line: what is applied, or the prompt being typed. */
function filterLine(state: UiState, b: FrameBuilder): void {
  const screen = currentScreen(state);
  if (screen === 'filter' || screen === 'search') {
    const prompt = screen === 'filter' ? 'Filter expression: ' : 'Search: ';
    const i = b.line(` ${prompt}${sanitizeField(state.input.text)}_`);
    b.mark({ line: i, from: 1, to: 1 + prompt.length, bold: true });
    return;
  }
  const parts: string[] = [];
  parts.push(`Filter: ${state.list.filter === '' ? '(none, F7)' : sanitizeField(state.list.filter)}`);
  parts.push(`Search: ${state.list.search === '' ? '(none, /)' : sanitizeField(state.list.search)}`);
  b.line(' ' + parts.join('   '));
}

export interface CallListView {
  readonly frame: Frame;
  /** Frame line of the first row, the list position it shows, and how many rows are drawn. */
  readonly firstRowLine: number;
  readonly scroll: number;
  readonly rows: number;
}

export function callListFrame(state: UiState, ctx: ScreenContext, width: number, height: number): Frame {
  return callListView(state, ctx, width, height).frame;
}

export function callListView(state: UiState, ctx: ScreenContext, width: number, height: number): CallListView {
  if (width < MIN_WIDTH || height < MIN_HEIGHT) return { frame: tooSmallFrame(width, height), firstRowLine: 0, scroll: 0, rows: 0 };
  const b = new FrameBuilder(width);
  const q = listQueries(ctx.store);
  const page = listPageRows(height);
  const pos = state.list.cursorId === undefined ? 0 : (q.posOf(state.list, state.list.cursorId) ?? 0);
  const first = q.page(state.list, 0, 0);
  const scroll = keepVisible(state.list.scroll, pos, page, first.total);
  const res = q.page(state.list, scroll, page);

  b.line(headerText(state, ctx, res.total), { inverse: true });
  filterLine(state, b);
  const errorAt = currentScreen(state) === 'filter' ? state.input.error : undefined;
  if (errorAt !== undefined) {
    // a caret under the column the parser stopped at, then the message
    const caretAt = Math.min(width - 1, cellLength(' Filter expression: ') + errorAt.position);
    b.line(' '.repeat(caretAt) + '^', { fg: 'red', bold: true });
    b.line(` error at column ${errorAt.position + 1}: ${sanitizeField(errorAt.message)}`, { fg: 'red', bold: true });
  }
  const cols = fitColumns(state.list.columns, width, state.list.columnWidths);
  const titles = cols.map((c) => {
    const t = c.attr.id === state.list.sort.attr ? `${c.attr.title}${state.list.sort.desc ? 'v' : '^'}` : c.attr.title;
    return c.attr.align === 'right' ? fitRight(t, c.width) : fitText(t, c.width, true);
  });
  b.line('  ' + titles.join(' '), { bold: true, inverse: true });

  const cursorId = state.list.cursorId ?? res.ids[0];
  const firstRowLine = b.lines.length;
  res.rows.forEach((row, k) => {
    const id = res.ids[k]!;
    const selected = state.list.selected.includes(id);
    const cells = cols.map((c) => {
      const value = c.attr.format(c.attr.get(row));
      const text = state.aliases && ADDRESS_ATTRIBUTES.has(c.attr.id) ? aliasAddress(value, ctx.aliases) : value;
      return c.attr.align === 'right' ? fitRight(text, c.width) : fitText(text, c.width, true);
    });
    const i = b.line(`${selected ? '*' : ' '} ${cells.join(' ')}`);
    if (id === cursorId) b.mark({ line: i, from: 0, to: width, inverse: true });
    else if (selected) b.mark({ line: i, from: 0, to: width, bold: true, fg: 'cyan' });
  });
  if (res.total === 0) b.line(ctx.load?.done === false ? '  (loading...)' : state.list.filter !== '' || state.list.search !== '' ? '  (no call matches)' : '  (no calls)');
  b.fill(height - 1);
  b.line(ctx.status !== undefined ? ` ${sanitizeField(ctx.status)}` : ` ${LIST_FOOTER}`, { inverse: true });
  return { frame: b.frame(), firstRowLine, scroll, rows: res.rows.length };
}

/** The call list as plain lines (what tests assert; blessed only displays the frame). */
export function renderCallList(state: UiState, ctx: ScreenContext, width: number, height: number): string[] {
  return callListFrame(state, ctx, width, height).lines;
}
