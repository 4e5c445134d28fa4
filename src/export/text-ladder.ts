/**
 * Plain-text ladder: what users paste into bug reports, so it must be clean. Geometry comes
 * from view/ladder-geometry.ts (the TUI draws the same); labels are never cut, they wrap.
 * Every wire string was sanitised by the layout; the raw section sanitises line by line.
 */
import type { LadderLayout, LadderMessageRow, LadderRow } from '../view/ladder.js';
import { fitLadder, ladderDisplayLabel, type LadderFit } from '../view/ladder-geometry.js';
import { wrapLabel } from '../view/ladder-geometry.js';
import { formatClock, formatDateTime, formatDelta } from '../view/ladder-time.js';
import { rawMessageLines } from '../view/ladder-raw.js';
import { sanitizeField } from '../view/sanitize.js';

/** Fits a GitHub issue code block and a 100-column terminal without horizontal scrolling. */
export const DEFAULT_LADDER_WIDTH = 100;

export interface TextLadderOptions {
  /** Target width in columns (default DEFAULT_LADDER_WIDTH). Labels wrap rather than exceed it. */
  readonly width?: number;
  /** Append every message in full after the ladder. */
  readonly raw?: boolean;
  /** Only ASCII drawing characters (`|`, `-`, `->`), for tools that mangle box drawing. */
  readonly ascii?: boolean;
  /** One line per call above the ladder (default true). */
  readonly summary?: boolean;
}

interface Glyphs {
  bar: string;
  line: string;
  resend: string;
  rtp: string;
  cross: string;
  crossResend: string;
  loopTop: string;
  loopBottom: string;
  rule: string;
}

const UNICODE: Glyphs = { bar: '│', line: '─', resend: '═', rtp: '┈', cross: '┼', crossResend: '╪', loopTop: '┐', loopBottom: '┘', rule: '─' };
const ASCII: Glyphs = { bar: '|', line: '-', resend: '=', rtp: '.', cross: '+', crossResend: '+', loopTop: '+', loopBottom: '+', rule: '-' };

/** One line being drawn: a cell array with the column bars in place. */
class Canvas {
  readonly cells: string[];
  constructor(width: number, fit: LadderFit, bar: string) {
    this.cells = new Array<string>(width).fill(' ');
    for (const x of fit.columnX) this.cells[x] = bar;
  }
  put(x: number, text: string): void {
    let i = x;
    for (const ch of Array.from(text)) {
      while (this.cells.length <= i) this.cells.push(' ');
      this.cells[i++] = ch;
    }
  }
  toString(): string {
    return this.cells.join('').trimEnd();
  }
}

/** The gutter text of a row: time, delta from the previous row, and the call when several are drawn. */
function gutterText(row: LadderRow, multiCall: boolean): string {
  const time = `${formatClock(row.ts)} ${formatDelta(row.deltaPrevMs)}`;
  return multiCall && row.callIndex !== undefined ? `${time} #${row.callIndex}` : time;
}

function arrowLines(row: LadderRow, fit: LadderFit, g: Glyphs, width: number, gutter: string): string[] {
  const fromX = fit.columnX[row.from]!;
  const toX = fit.columnX[row.to]!;
  const resend = row.kind === 'message' && row.copy > 1;
  const fill = row.kind === 'rtp' ? g.rtp : resend ? g.resend : g.line;
  const first = new Canvas(width, fit, g.bar);
  first.put(0, gutter);
  if (fromX === toX) {
    // a message to itself: out and back on two lines, `│──┐` then `│<─┘`
    first.put(fromX + 1, fill + fill + g.loopTop);
    const back = new Canvas(width, fit, g.bar);
    back.put(fromX + 1, '<' + fill + g.loopBottom);
    return [first.toString(), back.toString()];
  }
  const lo = Math.min(fromX, toX);
  const hi = Math.max(fromX, toX);
  const bars = new Set(fit.columnX);
  for (let x = lo + 1; x < hi; x++) first.put(x, bars.has(x) ? (resend ? g.crossResend : g.cross) : fill);
  if (toX > fromX) first.put(hi - 1, '>');
  else first.put(lo + 1, '<');
  return [first.toString()];
}

function headerLines(layout: LadderLayout, fit: LadderFit, g: Glyphs, width: number): string[] {
  const out: string[] = [];
  if (fit.headerMode === 'legend') {
    const letterWidth = Math.max(...fit.headers.map((h) => h.length));
    layout.columns.forEach((c, i) => {
      const name = c.alias !== undefined ? `${c.alias} (${c.address})` : c.address;
      out.push(`${fit.headers[i]!.padStart(letterWidth)}  ${name}`);
    });
    out.push('');
  }
  const names = new Canvas(width, fit, ' ');
  fit.headers.forEach((h, i) => names.put(Math.max(0, fit.headerX[i]!), h));
  out.push(names.toString());
  out.push(new Canvas(width, fit, g.bar).toString());
  return out;
}

function summaryLines(layout: LadderLayout): string[] {
  const out = layout.calls.map((c) => {
    const final = c.finalCode !== undefined ? ` (${c.finalCode} ${c.finalReason ?? ''})`.replace(' )', ')') : '';
    const from = c.from.uri !== '' ? ` from ${c.from.uri}` : '';
    const to = c.to.uri !== '' ? ` to ${c.to.uri}` : '';
    return sanitizeField(`Call ${c.index}: ${c.firstMethod} ${c.state}${final}${from}${to}, Call-ID ${c.callId}`);
  });
  if (layout.firstTs) out.push(`Start ${formatDateTime(layout.firstTs)}; times below are UTC, +delta from the previous arrow`);
  out.push('');
  return out;
}

function marksLines(layout: LadderLayout, g: Glyphs): string[] {
  const marks: string[] = [];
  if (layout.rows.some((r) => r.kind === 'message' && r.copy > 1)) marks.push(`${g.resend.repeat(2)}> (xN) retransmission, Nth copy`);
  if (layout.rows.some((r) => r.kind === 'rtp')) marks.push(`${g.rtp.repeat(2)}> RTP stream, drawn at its first packet`);
  if (layout.rows.some((r) => r.kind === 'message' && r.malformed)) marks.push('[malformed] message kept as captured');
  return marks.length > 0 ? ['', ...marks] : [];
}

function rawSection(rows: readonly LadderRow[], g: Glyphs, ruleWidth: number): string[] {
  const out: string[] = [];
  for (const row of rows) {
    if (row.kind !== 'message') continue;
    out.push('', g.rule.repeat(ruleWidth), rawHeading(row), '');
    out.push(...rawMessageLines(row.entry.message));
  }
  return out;
}

function rawHeading(row: LadderMessageRow): string {
  const m = row.entry.message;
  const frames = m.frames && m.frames.length > 1 ? `Frames ${m.frames.join(',')}` : `Frame ${row.frame}`;
  const parts = [frames, formatDateTime(row.ts), m.transport, `${row.entry.src} -> ${row.entry.dst}`, `call ${row.callIndex}`];
  if (row.copy > 1) parts.push(`retransmission x${row.copy}`);
  if (m.diagnostics.length > 0) parts.push(`diagnostics ${m.diagnostics.map((d) => d.code).join(',')}`);
  return sanitizeField(parts.join('  '));
}

/** Renders the ladder as text (trailing newline included). */
export function renderTextLadder(layout: LadderLayout, options: TextLadderOptions = {}): string {
  const g = options.ascii === true ? ASCII : UNICODE;
  const width = Math.max(1, Math.floor(options.width ?? DEFAULT_LADDER_WIDTH));
  const multiCall = layout.calls.length > 1;
  const gutters = layout.rows.map((r) => gutterText(r, multiCall));
  const gutterWidth = gutters.reduce((w, s) => Math.max(w, s.length), 0) + 1;
  const labels = layout.rows.map(ladderDisplayLabel);
  const fit = fitLadder(layout, { width, gutterWidth, labels });
  const lineWidth = fit.lineWidth;

  // summary lines wrap at the width too (continuation lines indented), never cut
  const out: string[] = options.summary === false ? [] : summaryLines(layout).flatMap((l) => wrapLabel(l, Math.max(1, width - 2)).map((w, k) => (k === 0 ? w : `  ${w}`)));
  if (layout.rows.length === 0) {
    out.push('(no messages)');
    return out.join('\n') + '\n';
  }
  out.push(...headerLines(layout, fit, g, lineWidth));
  layout.rows.forEach((row, i) => {
    fit.labelLines[i]!.forEach((text, k) => {
      const line = new Canvas(lineWidth, fit, g.bar);
      line.put(fit.labelX[i]![k]!, text);
      out.push(line.toString());
    });
    out.push(...arrowLines(row, fit, g, lineWidth, gutters[i]!.padEnd(gutterWidth - 1)));
  });
  out.push(new Canvas(lineWidth, fit, g.bar).toString());
  out.push(...marksLines(layout, g));
  if (options.raw === true) out.push(...rawSection(layout.rows, g, Math.min(width, Math.max(lineWidth, 40))));
  return out.join('\n') + '\n';
}
