/**
 * Draws the current screen and tells what the reducer needs to know about it (UiEnv).
 * Pure: state + store in, frame + env out.
 */
import { listQueries, ListQueries } from '../list-query.js';
import { currentScreen, type UiEnv, type UiState } from '../ui-state.js';
import { callListFrame, listPageRows } from './call-list.js';
import { callFlowView } from './call-flow.js';
import type { ScreenContext } from './context.js';
import type { Frame } from './frame.js';
import { diffFrame } from './diff.js';
import { infoFrame } from './info.js';
import { rawFrame } from './raw.js';

export interface RenderedScreen {
  readonly frame: Frame;
  readonly env: UiEnv;
  /** Flow scroll the renderer settled on (to store back in the state). */
  readonly flowScroll?: number;
}

export function renderScreen(state: UiState, ctx: ScreenContext, width: number, height: number): RenderedScreen {
  const screen = currentScreen(state);
  const q = listQueries(ctx.store);
  const base = {
    get listTotal(): number {
      return q.ids(state.list).length;
    },
    listIdAt: (pos: number): number | undefined => q.ids(state.list)[pos],
    listPosOf: (id: number): number | undefined => q.posOf(state.list, id),
    checkFilter: (text: string) => ListQueries.check(text),
  };
  const env = (e: { pageRows: number; flowRows?: number; textLines?: number; hscrollMax?: number; seqAt?: (row: number) => number | undefined }): UiEnv => ({
    ...base,
    listTotal: base.listTotal,
    pageRows: e.pageRows,
    flowRows: e.flowRows ?? 0,
    textLines: e.textLines ?? 0,
    hscrollMax: e.hscrollMax ?? 0,
    flowSeqAt: e.seqAt ?? (() => undefined),
  });
  switch (screen) {
    case 'list':
    case 'filter':
    case 'search':
    case 'save':
      return { frame: callListFrame(state, ctx, width, height), env: env({ pageRows: listPageRows(height) }) };
    case 'flow': {
      const v = callFlowView(state, ctx, width, height);
      return { frame: v.frame, env: env({ pageRows: v.pageRows, flowRows: v.rows, hscrollMax: v.hscrollMax, seqAt: v.seqAt }), flowScroll: v.scroll };
    }
    case 'diff': {
      const r = diffFrame(state, ctx, width, height);
      return { frame: r.frame, env: env({ pageRows: height - 3, textLines: r.lines }) };
    }
    case 'raw': {
      const r = rawFrame(state, ctx, width, height);
      return { frame: r.frame, env: env({ pageRows: height - 2, textLines: r.lines }) };
    }
    default: {
      const r = infoFrame(state, ctx, screen, width, height);
      return { frame: r.frame, env: env({ pageRows: height - 2, textLines: r.lines }) };
    }
  }
}

/** The current screen as plain lines. */
export function renderLines(state: UiState, ctx: ScreenContext, width: number, height: number): string[] {
  return renderScreen(state, ctx, width, height).frame.lines;
}
