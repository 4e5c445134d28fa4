/**
 * A screen as plain data: lines of text (already sanitised, already fitted to the width) and
 * style marks over cell ranges. Screens build frames; tests read `lines`; only app.ts turns a
 * frame into blessed tags.
 */

export type Color = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'white' | 'gray';

export interface Mark {
  readonly line: number;
  /** Cell range [from, to). */
  readonly from: number;
  readonly to: number;
  readonly fg?: Color;
  readonly bold?: boolean;
  readonly inverse?: boolean;
}

export interface Frame {
  readonly lines: string[];
  readonly marks: Mark[];
}

/** Code points: one cell each (box drawing and Latin text; wide CJK is rare in SIP headers). */
export function cellsOf(s: string): string[] {
  return Array.from(s);
}

export function cellLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Exactly `width` cells: cut (with `…` when `ellipsis`) or padded with spaces. */
export function fitText(s: string, width: number, ellipsis = false): string {
  if (width <= 0) return '';
  const c = cellsOf(s);
  if (c.length <= width) return s + ' '.repeat(width - c.length);
  return ellipsis && width > 1 ? c.slice(0, width - 1).join('') + '…' : c.slice(0, width).join('');
}

/** Right-aligned in `width` cells (cut on the left side when too long is not wanted: cut right). */
export function fitRight(s: string, width: number): string {
  const n = cellLength(s);
  return n >= width ? fitText(s, width, true) : ' '.repeat(width - n) + s;
}

/** Cells [from, from+width) of a line, padded. */
export function sliceCells(s: string, from: number, width: number): string {
  return fitText(cellsOf(s).slice(Math.max(0, from)).join(''), width);
}

/** Greedy hard wrap at `width` cells (the message pane: a message is shown whole, never cut). */
export function wrapCells(s: string, width: number): string[] {
  const c = cellsOf(s);
  if (c.length <= width || width <= 0) return [s];
  const out: string[] = [];
  for (let i = 0; i < c.length; i += width) out.push(c.slice(i, i + width).join(''));
  return out;
}

export class FrameBuilder {
  readonly lines: string[] = [];
  readonly marks: Mark[] = [];
  constructor(readonly width: number) {}

  /** Adds a line fitted to the width; returns its index. */
  line(text: string, style?: Omit<Mark, 'line' | 'from' | 'to'>): number {
    const i = this.lines.length;
    this.lines.push(fitText(text, this.width));
    if (style !== undefined) this.marks.push({ line: i, from: 0, to: this.width, ...style });
    return i;
  }

  mark(m: Mark): void {
    if (m.to > m.from) this.marks.push(m);
  }

  /** Pads with blank lines up to `height` lines (or cuts to it). */
  fill(height: number): void {
    while (this.lines.length < height) this.lines.push(' '.repeat(this.width));
    this.lines.length = Math.min(this.lines.length, height);
  }

  frame(): Frame {
    return { lines: this.lines, marks: this.marks.filter((m) => m.line < this.lines.length) };
  }
}

/** Smallest terminal a screen is drawn in; below it the screen says so instead. */
export const MIN_WIDTH = 40;
export const MIN_HEIGHT = 8;

export function tooSmallFrame(width: number, height: number): Frame {
  const b = new FrameBuilder(Math.max(1, width));
  const msg = [`Terminal too small (${width}x${height}).`, `siptrace needs at least ${MIN_WIDTH}x${MIN_HEIGHT}.`, 'Enlarge it, or press q to quit.'];
  for (let i = 0; i < Math.max(1, height); i++) b.line(msg[i] ?? '');
  return b.frame();
}
