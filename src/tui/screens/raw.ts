/**
 * Raw view of calls: every message whole, in capture order, each under a heading line
 * (frame, time, transport, addresses, call). Copy-friendly: no borders inside the text.
 */
import { sanitizeField } from '../../core/text/sanitize.js';
import { layoutLadder } from '../../view/ladder.js';
import { rawMessageLines } from '../../view/ladder-raw.js';
import { formatDateTime } from '../../view/ladder-time.js';
import type { UiState } from '../ui-state.js';
import type { ScreenContext } from './context.js';
import { FrameBuilder, MIN_HEIGHT, MIN_WIDTH, tooSmallFrame, type Frame } from './frame.js';

interface RawLine {
  text: string;
  heading: boolean;
}

/** Every line of the raw view (before scrolling). */
export function rawViewLines(callIds: readonly number[], ctx: ScreenContext): RawLine[] {
  const calls = callIds.flatMap((id) => ctx.store.call(id) ?? []);
  const layout = layoutLadder({ calls, sdpLabel: () => undefined });
  const out: RawLine[] = [];
  for (const row of layout.rows) {
    if (row.kind !== 'message') continue;
    const m = row.entry.message;
    const resend = row.copy > 1 ? `  resend x${row.copy}` : '';
    out.push({ text: sanitizeField(`${formatDateTime(row.ts)}  frame ${row.frame}  ${m.transport}  ${row.entry.src} -> ${row.entry.dst}  call ${row.callIndex}${resend}`), heading: true });
    for (const l of rawMessageLines(m)) out.push({ text: l, heading: false });
    out.push({ text: '', heading: false });
  }
  return out;
}

export function rawFrame(state: UiState, ctx: ScreenContext, width: number, height: number): { frame: Frame; lines: number } {
  if (width < MIN_WIDTH || height < MIN_HEIGHT) return { frame: tooSmallFrame(width, height), lines: 0 };
  const all = rawViewLines(state.raw.calls, ctx);
  const page = height - 2;
  const scroll = Math.min(state.raw.scroll, Math.max(0, all.length - page));
  const b = new FrameBuilder(width);
  b.line(` Raw messages: call${state.raw.calls.length > 1 ? 's' : ''} ${state.raw.calls.join(',')}   lines ${all.length === 0 ? 0 : scroll + 1}-${Math.min(all.length, scroll + page)}/${all.length}`, { inverse: true });
  for (const l of all.slice(scroll, scroll + page)) b.line(l.text, l.heading ? { bold: true, fg: 'yellow' } : undefined);
  b.fill(height - 1);
  b.line(' Q Quit  Esc Back  F1 Help  Up/Down/PgUp/PgDn/g/G Scroll', { inverse: true });
  return { frame: b.frame(), lines: all.length };
}

export function renderRaw(state: UiState, ctx: ScreenContext, width: number, height: number): string[] {
  return rawFrame(state, ctx, width, height).frame.lines;
}
