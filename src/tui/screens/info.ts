/** The help screen, generated from keymap.ts (statistics: stats.ts; forms: forms.ts). */
import { CALL_ATTRIBUTES } from '../../core/store/attributes.js';
import { helpLines, type ScreenId } from '../keymap.js';
import type { UiState } from '../ui-state.js';
import type { ScreenContext } from './context.js';
import { statsView } from './stats.js';
import { FrameBuilder, MIN_HEIGHT, MIN_WIDTH, tooSmallFrame, type Frame } from './frame.js';

const TITLES: Record<ScreenId, string> = {
  list: 'Call list', flow: 'Call flow', raw: 'Raw messages', help: 'Help', filter: 'Filter', search: 'Search',
  stats: 'Statistics', save: 'Save', columns: 'Columns', settings: 'Settings', diff: 'Message diff',
};

/** The screen under the help screen (what the help is about). */
export function helpSubject(state: UiState): ScreenId {
  return state.stack[state.stack.length - 2] ?? 'list';
}

function helpText(state: UiState): string[] {
  const of = helpSubject(state);
  const lines = [`Keys of the ${TITLES[of].toLowerCase()} screen:`, '', ...helpLines(of).map((l) => '  ' + l)];
  if (of === 'list') {
    lines.push('', 'Filter expressions (F7), e.g.:', '  state == failed and pdd > 3s', '  code == 4xx and not method in (REGISTER, OPTIONS)', '  from ~ /alice/i or payload contains "X-Trace"');
    lines.push('', 'Attributes: ' + CALL_ATTRIBUTES.map((a) => a.id).join(' '));
  }
  return lines;
}

function screenText(state: UiState, screen: ScreenId): string[] {
  return screen === 'help' ? helpText(state) : [];
}

export function infoFrame(state: UiState, ctx: ScreenContext, screen: ScreenId, width: number, height: number): { frame: Frame; lines: number } {
  if (width < MIN_WIDTH || height < MIN_HEIGHT) return { frame: tooSmallFrame(width, height), lines: 0 };
  const all = screenText(state, screen);
  const page = height - 2;
  const scroll = Math.min(state.textScroll, Math.max(0, all.length - page));
  const b = new FrameBuilder(width);
  b.line(` ${screen === 'help' ? `Help: ${TITLES[helpSubject(state)]}` : TITLES[screen]}`, { inverse: true });
  for (const l of all.slice(scroll, scroll + page)) b.line(' ' + l);
  b.fill(height - 1);
  b.line(' Esc Back  Q Quit  Up/Down/PgUp/PgDn Scroll', { inverse: true });
  return { frame: b.frame(), lines: all.length };
}

export function renderHelp(state: UiState, ctx: ScreenContext, width: number, height: number): string[] {
  return infoFrame(state, ctx, 'help', width, height).frame.lines;
}

export function renderStats(state: UiState, ctx: ScreenContext, width: number, height: number): string[] {
  return statsView(state, ctx, width, height).frame.lines;
}
