/**
 * The terminal UI process: a blessed screen showing one frame at a time. Keys go through the
 * keymap to the pure reducer, then the screen is drawn at once from what the last refresh
 * showed; store changes during the load are refreshed at the pace RefreshPacer sets (the list
 * is frozen between refreshes, see ListQueries.freeze). The loader yields every LOAD_SLICE_MS
 * of decoding, so a key waits about that long at most. The terminal is ALWAYS restored: on quit, on
 * SIGINT/SIGTERM/SIGHUP, on an uncaught exception, and when the load fails before any call.
 */
import { aliasMap, loadConfig, updateConfig, type LoadedConfig, type SiptraceConfig } from '../io/config.js';
import { preloadCharts, StatsCharts } from './charts.js';
import { startTuiLoad, type TuiLoad } from './start-load.js';
import { actionFor, INPUT_SCREENS, keyName, type KeyEvent } from './keymap.js';
import { listQueries } from './list-query.js';
import { RefreshPacer } from './refresh-pacer.js';
import type { LoadInfo, ScreenContext } from './screens/context.js';
import { renderScreen } from './screens/index.js';
import { saveCalls } from './save.js';
import { frameToTags } from './tags.js';
import { countOnLiveStats } from './stats-data.js';
import { openTrace } from './trace.js';
import { currentScreen, DEFAULT_COLUMNS, initialState, reduce, type ConfigRequest, type FlowSettings, type SaveRequest, type UiAction, type UiEnv, type UiInit, type UiState } from './ui-state.js';

export { RENDER_INTERVAL_MS } from './refresh-pacer.js';

export { LOAD_SLICE_MS, TUI_LOAD_CHUNK_SIZE } from './start-load.js';
/** A screen's charts follow its text by this much (a key that moves on meanwhile skips them). */
export const CHARTS_DELAY_MS = 120;

export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;

/** The first UI state from the config file: columns (with widths) and the flow settings. */
export function stateFromConfig(config: SiptraceConfig): UiState {
  const columns = config.columns?.map((c) => c.attr) ?? DEFAULT_COLUMNS;
  const columnWidths: Record<string, number> = {};
  for (const c of config.columns ?? []) if (c.width !== undefined) columnWidths[c.attr] = c.width;
  const ui = config.ui ?? {};
  const flow: Partial<FlowSettings> = {
    ...(ui.colorMode !== undefined ? { color: ui.colorMode } : {}),
    ...(ui.timeFormat !== undefined ? { timeFormat: ui.timeFormat } : {}),
    ...(ui.showRetransmissions !== undefined ? { retrans: ui.showRetransmissions } : {}),
    ...(ui.messagePane !== undefined ? { pane: ui.messagePane } : {}),
    ...(ui.messagePaneWidth !== undefined ? { paneWidth: ui.messagePaneWidth } : {}),
    ...(ui.sdpMode !== undefined ? { sdp: ui.sdpMode } : {}),
    ...(ui.rtpArrows !== undefined ? { rtp: ui.rtpArrows } : {}),
    ...(ui.compress !== undefined ? { compress: ui.compress } : {}),
  };
  const init: UiInit = { columnWidths, flow };
  return initialState(columns, init);
}

/** A config request applied to the file's contents (the rest of the file is kept). */
export function applyConfigRequest(config: SiptraceConfig, req: ConfigRequest): SiptraceConfig {
  let next = config;
  if (req.columns !== undefined) next = { ...next, columns: req.columns };
  if (req.settings !== undefined) {
    const v = req.settings;
    next = {
      ...next,
      ui: { ...(next.ui ?? {}), colorMode: v.color, timeFormat: v.timeFormat, showRetransmissions: v.retrans, messagePane: v.pane, messagePaneWidth: v.paneWidth, sdpMode: v.sdp, rtpArrows: v.rtp, compress: v.compress },
    };
  }
  return next;
}

/** The calls a save request writes: the chosen ones, those the list shows, or all. */
export function callsOfSave(req: SaveRequest, state: UiState, store: ScreenContext['store']): number[] {
  if (req.scope === 'selected') return [...req.calls];
  if (req.scope === 'filtered') return [...listQueries(store).ids(state.list)].sort((a, b) => a - b);
  return store.rows().map((r) => r.call.index);
}

export interface TuiOptions {
  /** The config already read (the CLI reads it to map its errors); read here when absent. */
  readonly config?: LoadedConfig;
  /** The load, when the caller started it already (startTuiLoad with the same config). */
  readonly started?: TuiLoad;
}

/**
 * Runs the UI on a capture file until the user quits. A bad config file throws ConfigError
 * before the terminal is touched.
 */
export async function runTui(path: string, options: TuiOptions = {}): Promise<number> {
  const loaded = options.config ?? loadConfig();
  const aliases = aliasMap(loaded.config);
  const { load, abort } = options.started ?? startTuiLoad(path, loaded.config);
  const info: LoadInfo = { bytesRead: 0, totalBytes: undefined, done: false, calls: 0, messages: 0 };
  const lists = listQueries(load.store);
  lists.freeze(0);
  const pacer = new RefreshPacer();
  const trace = openTrace();
  const callCount = (): number => load.correlator.calls().length;
  let status: string | undefined;
  const ctx = (): ScreenContext => ({
    store: load.store,
    input: path,
    load: { ...info, bytesRead: load.progress.bytesRead, totalBytes: load.progress.totalBytes },
    ...(status !== undefined ? { status } : {}),
    ...(aliases.size > 0 ? { aliases } : {}),
    configPath: loaded.path,
  });

  // blessed is loaded after the load started: the decoding thread starts up meanwhile
  const { default: blessed } = await import('blessed');
  const screen = blessed.screen({ smartCSR: true, fullUnicode: true, warnings: false, autoPadding: false, title: 'siptrace' });
  const charts = new StatsCharts(screen);
  // draw box-drawing characters as UTF-8, not through the VT100 alternate charset: copying the
  // ladder out of the terminal then gives the same text as `siptrace flow`
  (screen as unknown as { tput: { brokenACS: boolean } }).tput.brokenACS = true;
  const box = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: '100%', tags: true, wrap: false });

  let state: UiState = stateFromConfig(loaded.config);
  let env: UiEnv | undefined;
  let timer: NodeJS.Timeout | undefined;
  let finished = false;

  return await new Promise<number>((resolve, reject) => {
    const cleanup = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      unsubscribe();
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      process.off('SIGHUP', onSighup);
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
      abort.abort();
      trace?.end();
      try {
        screen.destroy();
      } catch {
        // the terminal is going away anyway
      }
    };
    const finish = (code: number): void => {
      if (finished) return;
      finished = true;
      cleanup();
      resolve(code);
    };
    const fail = (err: unknown): void => {
      if (finished) return;
      finished = true;
      cleanup();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const onSigint = (): void => finish(EXIT_SIGINT);
    const onSigterm = (): void => finish(EXIT_SIGTERM);
    const onSighup = (): void => finish(EXIT_SIGTERM);
    const onCrash = (err: unknown): void => fail(err);
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
    process.on('SIGHUP', onSighup);
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);

    /** When the charts of a screen just opened are due (0: none waiting; see draw). */
    let chartsDueAt = 0;
    const draw = (): void => {
      if (finished) return;
      try {
        const t0 = trace !== undefined ? performance.now() : 0;
        const r = renderScreen(state, ctx(), screen.width as number, screen.height as number);
        const t1 = trace !== undefined ? performance.now() : 0;
        env = r.env;
        if (r.flowScroll !== undefined && r.flowScroll !== state.flow.scroll) state = reduce(state, { type: 'flowScroll', scroll: r.flowScroll }, r.env);
        box.setContent(frameToTags(r.frame));
        const now = performance.now();
        if (r.charts !== undefined && !charts.visible) {
          // A screen with charts just opened: its text now (the key is answered at once), the
          // charts a moment later (making them costs 10-25 ms, ~80 the first time), and not
          // at all when the user moves on before that.
          if (chartsDueAt === 0) {
            chartsDueAt = now + CHARTS_DELAY_MS;
            setTimeout(() => {
              if (chartsDueAt !== 0) chartsDueAt = 1; // due now, whatever the clocks' rounding
              draw();
            }, CHARTS_DELAY_MS);
          }
        } else chartsDueAt = 0;
        if (chartsDueAt === 0 || now >= chartsDueAt) {
          chartsDueAt = 0;
          charts.show(r.charts);
        }
        screen.render();
        if (trace !== undefined) trace.note(`draw ${currentScreen(state)}: frame ${(t1 - t0).toFixed(1)} ms, blessed ${(performance.now() - t1).toFixed(1)} ms`);
      } catch (err) {
        fail(err);
      }
    };
    /** Shows the store as it is now (paced while loading: see RefreshPacer). */
    const refresh = (): void => {
      if (finished) return;
      timer = undefined;
      const start = performance.now();
      // the counts and the list shown until the next refresh (keys draw from these)
      info.calls = callCount();
      info.messages = load.correlator.table.count;
      lists.freeze(info.calls);
      countOnLiveStats(load.store, info.calls, info.messages);
      if (state.list.follow && env !== undefined) state = reduce(state, { type: 'data' }, env);
      draw();
      pacer.ran(start, performance.now());
      trace?.note(`refresh${info.done ? ' (loaded)' : ''}: ${info.calls} calls, ${(performance.now() - start).toFixed(1)} ms, next in ${pacer.delay(performance.now()).toFixed(0)} ms`);
    };
    const later = (): void => {
      if (timer === undefined && !finished) timer = setTimeout(refresh, pacer.delay(performance.now()));
    };
    /**
     * The load ended: one last refresh shows every call. The list stays frozen at that count
     * (the store no longer changes), so nothing re-reads all 100 000+ calls at this moment.
     */
    const loadEnded = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      info.done = true;
      refresh();
    };
    const dispatch = (a: UiAction): void => {
      if (env === undefined) draw();
      if (env === undefined) return;
      const before = state;
      state = reduce(state, a, env);
      // a status stays until the next key (a mouse move or data does not clear it)
      if (a.type !== 'data' && state !== before) status = undefined;
      if (state.quit) return finish(0);
      const save = state.saveRequest;
      if (save !== undefined) {
        state = reduce(state, { type: 'saveStarted' }, env);
        const calls = callsOfSave(save, state, load.store);
        void saveCalls({ input: path, output: save.path, format: save.format, calls, store: load.store, linkTypes: load.linkTypes, ...(aliases.size > 0 ? { aliases } : {}) }).then((r) => {
          if (finished || env === undefined) return;
          if ('message' in r) status = r.message;
          state = reduce(state, 'message' in r ? { type: 'saveDone' } : { type: 'saveDone', error: r.error }, env);
          draw();
        });
      }
      const req = state.configRequest;
      if (req !== undefined) {
        state = reduce(state, { type: 'configStarted' }, env);
        try {
          updateConfig(loaded.path, (c) => applyConfigRequest(c, req));
          status = `saved ${req.columns !== undefined ? 'the columns' : 'the settings'} to ${loaded.path}`;
        } catch (err) {
          status = `config not saved: ${err instanceof Error ? err.message : String(err)}`;
        }
      }
      draw();
    };

    let shownCalls = false;
    const unsubscribe = load.store.subscribe(() => {
      if (info.done) return;
      // the first calls are drawn at once (time to first rows); later batches are paced
      if (!shownCalls && callCount() > 0) {
        shownCalls = true;
        if (timer !== undefined) clearTimeout(timer);
        refresh();
        setImmediate(preloadCharts);
      } else later();
    });
    load.done.then(
      () => loadEnded(),
      (err: unknown) => {
        if (abort.signal.aborted) return;
        // nothing to show: give the error to the CLI (terminal restored first)
        if (callCount() === 0) {
          info.done = true;
          return fail(err);
        }
        info.error = err instanceof Error ? err.message : String(err);
        loadEnded();
      },
    );

    screen.on('keypress', (ch: string | undefined, key: KeyEvent | undefined) => {
      const name = keyName(ch, key);
      if (name === undefined) return;
      trace?.note(`key ${name}`);
      // Ctrl-C in raw mode is a key, not a signal: exit as an interrupted program does
      if (name === 'C-c') return finish(EXIT_SIGINT);
      const scr = currentScreen(state);
      if (INPUT_SCREENS.has(scr)) {
        const act = actionFor(scr, name);
        if (act !== undefined) return dispatch({ type: 'action', action: act });
        if (name === 'backspace') return dispatch({ type: 'backspace' });
        if (name === 'space') return dispatch({ type: 'text', text: ' ' });
        if (ch !== undefined && name === ch && ch.length === 1) return dispatch({ type: 'text', text: ch });
        return;
      }
      const act = actionFor(scr, name);
      if (act !== undefined) dispatch({ type: 'action', action: act });
    });
    // mouse: a press selects what is under it, the wheel scrolls (blessed reports 0-based cells)
    screen.on('mouse', (data: { action: string; button?: string; x: number; y: number }) => {
      if (data.action === 'mousedown' && data.button === 'left') dispatch({ type: 'click', x: data.x, y: data.y });
      else if (data.action === 'wheeldown' || data.action === 'wheelup') dispatch({ type: 'wheel', x: data.x, y: data.y, dir: data.action === 'wheeldown' ? 1 : -1 });
    });
    screen.on('resize', draw);
    draw();
    // Waiting for the decoding thread's first batch is idle time: load the chart modules now
    // (~50 ms of require) rather than later in the middle of the load, where a key would wait.
    if (load.decodeThread === 'worker') setImmediate(preloadCharts);
  });
}
