/**
 * Draws the current screen and tells what the reducer needs to know about it (UiEnv).
 * Pure: state + store in, frame + env out.
 */
import { listQueries, ListQueries } from '../list-query.js';
import { currentScreen, type Hit, type UiEnv, type UiState } from '../ui-state.js';
import { callListView, listPageRows } from './call-list.js';
import { callFlowView } from './call-flow.js';
import type { ScreenContext } from './context.js';
import type { Frame } from './frame.js';
import { diffFrame } from './diff.js';
import { infoFrame } from './info.js';
import { columnsView, saveView, settingsView } from './forms.js';
import { rawFrame } from './raw.js';
import { statsView, type ChartData, type ChartRects } from './stats.js';

export interface RenderedScreen {
  readonly frame: Frame;
  readonly env: UiEnv;
  /** Flow scroll the renderer settled on (to store back in the state). */
  readonly flowScroll?: number;
  /** Charts to draw over the frame (statistics screen on a large terminal). */
  readonly charts?: { readonly rects: ChartRects; readonly data: ChartData };
}

/** Text screens hit-test by line: a wheel anywhere scrolls them. */
const noHit = (): Hit | undefined => undefined;

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
  const env = (e: {
    pageRows: number;
    flowRows?: number;
    textLines?: number;
    hscrollMax?: number;
    seqAt?: (row: number) => number | undefined;
    paneLines?: number;
    paneRows?: number;
    hitTest?: (x: number, y: number) => Hit | undefined;
  }): UiEnv => ({
    ...base,
    listTotal: base.listTotal,
    pageRows: e.pageRows,
    flowRows: e.flowRows ?? 0,
    textLines: e.textLines ?? 0,
    hscrollMax: e.hscrollMax ?? 0,
    flowSeqAt: e.seqAt ?? (() => undefined),
    paneLines: e.paneLines ?? 0,
    paneRows: e.paneRows ?? 0,
    hitTest: e.hitTest ?? noHit,
  });
  switch (screen) {
    case 'list':
    case 'filter':
    case 'search': {
      const v = callListView(state, ctx, width, height);
      const hitTest = (_x: number, y: number): Hit | undefined => (y >= v.firstRowLine && y < v.firstRowLine + v.rows ? { kind: 'listRow', pos: v.scroll + y - v.firstRowLine } : undefined);
      return { frame: v.frame, env: env({ pageRows: listPageRows(height), hitTest }) };
    }
    case 'save': {
      const v = saveView(state, ctx, width, height);
      return { frame: v.frame, env: env({ pageRows: v.pageRows, hitTest: v.hitTest }) };
    }
    case 'columns': {
      const v = columnsView(state, ctx, width, height);
      return { frame: v.frame, env: env({ pageRows: v.pageRows, hitTest: v.hitTest }) };
    }
    case 'settings': {
      const v = settingsView(state, ctx, width, height);
      return { frame: v.frame, env: env({ pageRows: v.pageRows, hitTest: v.hitTest }) };
    }
    case 'stats': {
      const v = statsView(state, ctx, width, height);
      const charts = v.charts !== undefined && v.layout.charts !== undefined ? { rects: v.layout.charts, data: v.charts } : undefined;
      return { frame: v.frame, env: env({ pageRows: v.pageRows, textLines: v.lines }), ...(charts ? { charts } : {}) };
    }
    case 'flow': {
      const v = callFlowView(state, ctx, width, height);
      return {
        frame: v.frame,
        env: env({ pageRows: v.pageRows, flowRows: v.rows, hscrollMax: v.hscrollMax, seqAt: v.seqAt, paneLines: v.paneLines, paneRows: v.paneRows, hitTest: v.hitTest }),
        flowScroll: v.scroll,
      };
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
