/**
 * Two messages side by side (sngrep's message diff): lines found in one message and not in
 * the other are highlighted, so a changed header or SDP line stands out.
 */
import { sanitizeField } from '../../core/text/sanitize.js';
import { rawMessageLines } from '../../view/ladder-raw.js';
import { formatDateTime } from '../../view/ladder-time.js';
import type { UiState } from '../ui-state.js';
import type { ScreenContext } from './context.js';
import { fitText, FrameBuilder, MIN_HEIGHT, MIN_WIDTH, tooSmallFrame, type Frame } from './frame.js';

export function diffFrame(state: UiState, ctx: ScreenContext, width: number, height: number): { frame: Frame; lines: number } {
  if (width < MIN_WIDTH || height < MIN_HEIGHT) return { frame: tooSmallFrame(width, height), lines: 0 };
  const [a, b] = state.flow.marked.map((seq) => ctx.store.message(seq));
  const half = Math.floor((width - 1) / 2);
  const la = a ? rawMessageLines(a.message) : [];
  const lb = b ? rawMessageLines(b.message) : [];
  const setA = new Set(la);
  const setB = new Set(lb);
  const head = (e: typeof a): string => (e ? sanitizeField(`frame ${e.message.frame} ${formatDateTime(e.message)} call ${e.callIndex}`) : '(no message)');
  const total = Math.max(la.length, lb.length);
  const page = height - 3;
  const scroll = Math.min(state.textScroll, Math.max(0, total - page));
  const out = new FrameBuilder(width);
  out.line(' Diff of two messages (lines only in one of them are highlighted)', { inverse: true });
  out.line(`${fitText(head(a), half, true)}│${fitText(head(b), width - half - 1, true)}`, { bold: true });
  for (let k = scroll; k < Math.min(total, scroll + page); k++) {
    const left = la[k];
    const right = lb[k];
    const i = out.line(`${fitText(left ?? '', half, true)}│${fitText(right ?? '', width - half - 1, true)}`);
    if (left !== undefined && !setB.has(left)) out.mark({ line: i, from: 0, to: half, fg: 'yellow', bold: true });
    if (right !== undefined && !setA.has(right)) out.mark({ line: i, from: half + 1, to: width, fg: 'yellow', bold: true });
  }
  out.fill(height - 1);
  out.line(' Esc Back  Q Quit  Up/Down/PgUp/PgDn Scroll', { inverse: true });
  return { frame: out.frame(), lines: total };
}

export function renderDiff(state: UiState, ctx: ScreenContext, width: number, height: number): string[] {
  return diffFrame(state, ctx, width, height).frame.lines;
}
