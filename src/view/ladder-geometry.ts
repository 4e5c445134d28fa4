/**
 * Fits a ladder layout into character cells: where each column bar goes, how headers are
 * shown, and how each label wraps. Shared by the text exporter and the TUI, so the screen
 * and a pasted bug report have the same geometry.
 *
 * The one rule: a label is never cut. Gaps between columns grow until every label fits on
 * one line, as far as the width allows; past that, labels wrap onto extra lines.
 */
import type { LadderLayout, LadderRow } from './ladder.js';

/** Narrowest gap between two column bars: room for `100 Connecting` with its margins. */
export const LADDER_MIN_GAP = 16;
/** Blank cells kept between a label and the bars around it. */
export const LADDER_LABEL_MARGIN = 1;
/** Cells a self arrow's loop needs to the right of its column (`──┐` and one space). */
export const LADDER_SELF_LOOP_WIDTH = 4;
/** Blank cells between two column headers written side by side. */
export const LADDER_HEADER_SPACING = 2;

export type LadderHeaderMode =
  /** Each column's label centred over its bar, all on one line. */
  | 'inline'
  /** Labels do not fit side by side: a legend (`A  address`) and a letter over each bar. */
  | 'legend';

export interface LadderFit {
  /** x (0-based cell) of each column's bar. */
  readonly columnX: readonly number[];
  /** Cells up to the last bar plus the space right of it (labels of self arrows, header ends). */
  readonly lineWidth: number;
  readonly headerMode: LadderHeaderMode;
  /** Header text per column: the label (inline) or its letter (legend). */
  readonly headers: readonly string[];
  /** Start x of each header text. */
  readonly headerX: readonly number[];
  /** Wrapped label lines of each row (one entry when it fits). */
  readonly labelLines: readonly (readonly string[])[];
  /** Start x of each wrapped label line. */
  readonly labelX: readonly (readonly number[])[];
}

export interface LadderFitOptions {
  /** Target line width in cells; exceeded only when even the narrowest gaps do not fit. */
  readonly width: number;
  /** Cells reserved left of the diagram (time gutter). */
  readonly gutterWidth: number;
  /** Label text per row as it will be drawn (see ladderDisplayLabel). */
  readonly labels?: readonly string[];
}

/** Code points, so a wrap never splits a surrogate pair. */
function cells(s: string): string[] {
  return Array.from(s);
}

/** The label as drawn: retransmission copies get `(xN)`, malformed messages `[malformed]`. */
export function ladderDisplayLabel(row: LadderRow): string {
  if (row.kind !== 'message') return row.label;
  let label = row.label;
  if (row.copy > 1) label += ` (x${row.copy})`;
  if (row.malformed) label += ' [malformed]';
  return label;
}

/** Column letters for the legend: A..Z, AA, AB, ... */
export function columnLetter(index: number): string {
  let n = index;
  let out = '';
  do {
    out = String.fromCharCode(65 + (n % 26)) + out;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return out;
}

/**
 * Pieces a label may break between: words (the space before a word is dropped at a break)
 * and, inside a word, after a comma, slash or hyphen (`PCMA,PCMU`, `leg/Transaction`,
 * `telephone-event`).
 */
function breakPieces(text: string): { text: string[]; space: boolean }[] {
  const pieces: { text: string[]; space: boolean }[] = [];
  text.split(' ').forEach((word, w) => {
    const parts = word.split(/(?<=[,/-])/);
    parts.forEach((part, p) => pieces.push({ text: cells(part), space: w > 0 && p === 0 }));
  });
  return pieces;
}

/**
 * Greedy wrap to `width` cells, breaking at spaces, else after `,` `/` `-`, else inside a word.
 * Only the spaces at line breaks are dropped: joining the lines gives back every other character.
 */
export function wrapLabel(text: string, width: number): string[] {
  const w = Math.max(1, Math.floor(width));
  if (cells(text).length <= w) return [text];
  const lines: string[] = [];
  let line: string[] = [];
  for (const piece of breakPieces(text)) {
    const joined = piece.space && line.length > 0 ? [' ', ...piece.text] : piece.text;
    if (line.length + joined.length <= w) {
      line.push(...joined);
      continue;
    }
    if (line.length > 0) lines.push(line.join(''));
    let rest = piece.text;
    while (rest.length > w) {
      lines.push(rest.slice(0, w).join(''));
      rest = rest.slice(w);
    }
    line = [...rest];
  }
  if (line.length > 0 || lines.length === 0) lines.push(line.join(''));
  return lines;
}

/** Gap index range an arrow's label lives in: [lo, hi) gaps, where gap c is right of column c. */
function span(row: LadderRow): { lo: number; hi: number } {
  if (row.from === row.to) return { lo: row.from, hi: row.from + 1 };
  return { lo: Math.min(row.from, row.to), hi: Math.max(row.from, row.to) };
}

/** Cells between bar lo and bar hi (bars in between count as cells). */
function spanCells(gaps: readonly number[], lo: number, hi: number): number {
  let sum = hi - lo - 1;
  for (let g = lo; g < hi; g++) sum += gaps[g]!;
  return sum;
}

/** Gaps (n-1 between columns, plus the tail right of the last) that fit every label on one line. */
function labelDemand(layout: LadderLayout, labels: readonly string[], mins: readonly number[]): number[] {
  const gaps = [...mins];
  const order = layout.rows.map((r, i) => ({ r, i, ...span(r) })).sort((a, b) => a.hi - a.lo - (b.hi - b.lo) || a.i - b.i);
  for (const { r, i, lo, hi } of order) {
    let need = cells(labels[i] ?? r.label).length + 2 * LADDER_LABEL_MARGIN;
    if (r.from === r.to) need = Math.max(need, LADDER_SELF_LOOP_WIDTH);
    const deficit = need - spanCells(gaps, lo, hi);
    if (deficit <= 0) continue;
    const k = hi - lo;
    for (let g = lo; g < hi; g++) gaps[g]! += Math.floor(deficit / k) + (g - lo < deficit % k ? 1 : 0);
  }
  return gaps;
}

/** Largest per-gap cap that keeps the total within budget; never below each gap's minimum. */
function waterfill(desired: readonly number[], mins: readonly number[], budget: number): number[] {
  const at = (cap: number): number[] => desired.map((d, i) => Math.max(mins[i]!, Math.min(d, cap)));
  const total = (g: number[]): number => g.reduce((a, b) => a + b, 0);
  let lo = 0;
  let hi = Math.max(0, ...desired);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (total(at(mid)) <= budget) lo = mid;
    else hi = mid - 1;
  }
  const gaps = at(lo);
  let left = budget - total(gaps);
  for (let i = 0; i < gaps.length && left > 0; i++) {
    if (desired[i]! > gaps[i]!) {
      gaps[i]!++;
      left--;
    }
  }
  return gaps;
}

/**
 * Start x of each header written side by side: centred on its bar where possible, shifted
 * (while still over its bar) to keep clear of its neighbour and within the width;
 * undefined when they cannot all fit that way.
 */
function placeInlineHeaders(columnX: readonly number[], headerLen: readonly number[], width: number): number[] | undefined {
  const starts: number[] = [];
  let free = 0; // first cell a header may use
  for (let c = 0; c < columnX.length; c++) {
    const len = headerLen[c]!;
    const x = columnX[c]!;
    let start = Math.max(free, x - Math.floor(len / 2));
    if (start + len > width) start = Math.max(free, width - len);
    if (start > x || start + len <= x || start + len > width) return undefined;
    starts.push(start);
    free = start + len + LADDER_HEADER_SPACING;
  }
  return starts;
}

/** Places columns, headers and wrapped labels for a target width. */
export function fitLadder(layout: LadderLayout, options: LadderFitOptions): LadderFit {
  const n = layout.columns.length;
  const labels = options.labels ?? layout.rows.map(ladderDisplayLabel);
  const gutter = Math.max(0, options.gutterWidth);
  if (n === 0) return { columnX: [], lineWidth: gutter, headerMode: 'inline', headers: [], headerX: [], labelLines: [], labelX: [] };

  const selfOnLast = layout.rows.some((r) => r.from === r.to && r.from === n - 1);
  const mins = layout.columns.map((_, c) => (c < n - 1 ? LADDER_MIN_GAP : selfOnLast ? LADDER_SELF_LOOP_WIDTH : 0));
  const demand = labelDemand(layout, labels, mins);
  const headerLen = layout.columns.map((c) => cells(c.label).length);
  const half = (len: number): number => Math.floor(len / 2);

  // inline headers: each centred on its bar, LADDER_HEADER_SPACING apart, free to use the gutter
  const inlineGaps = demand.map((d, c) => {
    if (c < n - 1) return Math.max(d, headerLen[c]! - half(headerLen[c]!) + LADDER_HEADER_SPACING + half(headerLen[c + 1]!) - 1);
    return Math.max(d, headerLen[c]! - half(headerLen[c]!) - 1);
  });
  const inlineLead = Math.max(1, half(headerLen[0]!) - gutter);
  const widthOf = (lead: number, gaps: readonly number[]): number => gutter + lead + n + gaps.reduce((a, b) => a + b, 0);

  // first choice: gaps wide enough for every label and header on one line; else labels only
  // (headers may then go to a legend); else squeeze the gaps to the width and wrap labels
  const inlineFits = widthOf(inlineLead, inlineGaps) <= options.width;
  const lead = inlineFits ? inlineLead : 1;
  const gaps = inlineFits ? inlineGaps : widthOf(lead, demand) <= options.width ? demand : waterfill(demand, mins, options.width - gutter - lead - n);

  const columnX: number[] = [];
  let x = gutter + lead;
  for (let c = 0; c < n; c++) {
    columnX.push(x);
    x += 1 + gaps[c]!;
  }
  const lineWidth = x;
  // gaps squeezed for the labels may still leave room for short headers (host IPs, aliases)
  const inlineX = placeInlineHeaders(columnX, headerLen, Math.max(lineWidth, options.width));
  const headerMode: LadderHeaderMode = inlineX !== undefined ? 'inline' : 'legend';

  const headers = inlineX !== undefined ? layout.columns.map((c) => c.label) : layout.columns.map((c) => columnLetter(c.index));
  const headerX = inlineX ?? headers.map((h, c) => columnX[c]! - half(cells(h).length));

  const labelLines: string[][] = [];
  const labelX: number[][] = [];
  layout.rows.forEach((row, i) => {
    const { lo, hi } = span(row);
    const start = columnX[lo]! + 1 + LADDER_LABEL_MARGIN;
    const room = Math.max(1, spanCells(gaps, lo, hi) - 2 * LADDER_LABEL_MARGIN);
    const lines = wrapLabel(labels[i] ?? row.label, room);
    labelLines.push(lines);
    // self arrows read from their bar; other labels are centred between the bars
    labelX.push(lines.map((l) => (row.from === row.to ? start : start + Math.max(0, Math.floor((room - cells(l).length) / 2)))));
  });

  return { columnX, lineWidth, headerMode, headers, headerX, labelLines, labelX };
}
