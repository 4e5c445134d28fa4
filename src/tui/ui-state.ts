/**
 * The UI state and its PURE reducer: state + action (+ what the store says about the current
 * view) → new state. No blessed, no store, no I/O here, so every key's effect is unit-tested.
 *
 * The call-list cursor is a call id, never a row position: re-sorting, filtering or new calls
 * arriving move the row, the cursor stays on its call. Selection is a set of call ids too.
 */
import { chooseSaveOption, columnsAction, openColumns, openSettings, saveDialogAction, settingsAction, type ColumnsEdit, type SettingsEdit } from './forms.js';
import type { ActionId, ScreenId } from './keymap.js';
import { switchExtension, type SaveFormatId, type SaveScope } from './save-formats.js';
import { COLOR_MODES, DEFAULT_FLOW_SETTINGS, PANE_MAX_WIDTH, PANE_MIN_WIDTH, SDP_MODES, TIME_FORMATS, type FlowSettings } from './flow-settings.js';

export * from './flow-settings.js';

/** sngrep's default columns plus time, final code and reason. */
export const DEFAULT_COLUMNS: readonly string[] = ['index', 'time', 'method', 'from', 'to', 'msgcnt', 'src', 'dst', 'state', 'code', 'reason'];

/** Cells per horizontal scroll step of the ladder. */
export const HSCROLL_STEP = 8;
/** Rows (or lines) one mouse wheel notch moves. */
export const WHEEL_STEP = 3;

export interface ListState {
  /** Call id under the cursor; undefined until there is a call. */
  readonly cursorId?: number;
  /** First visible row position. */
  readonly scroll: number;
  readonly sort: { readonly attr: string; readonly desc: boolean };
  /** Filter expression applied (filter-expr.ts language); '' for none. */
  readonly filter: string;
  /** Quick search over every attribute's text; '' for none. */
  readonly search: string;
  /** Selected call ids, ascending. */
  readonly selected: readonly number[];
  readonly follow: boolean;
  readonly columns: readonly string[];
  /** Widths (cells) chosen in the config, by attribute id; the attribute's own width otherwise. */
  readonly columnWidths: Readonly<Record<string, number>>;
}



export interface FlowState extends FlowSettings {
  /** Calls drawn (ids, ascending). */
  readonly calls: readonly number[];
  /** Ladder row under the cursor. */
  readonly cursor: number;
  /** First visible ladder line (below the fixed header). */
  readonly scroll: number;
  readonly hscroll: number;
  /** First line of the message shown in the pane (when it is taller than the pane). */
  readonly paneScroll: number;
  /** Add calls related by X-Call-ID to the ones chosen. */
  readonly related: boolean;
  /** Message seqs marked with Space (at most two: the diff pair). */
  readonly marked: readonly number[];
}

export interface InputState {
  readonly text: string;
  /** What the input replaced (restored on Esc). */
  readonly previous: string;
  readonly error?: { readonly message: string; readonly position: number };
}

export interface UiState {
  /** Screen stack; the last is shown. Never empty (the list is at the bottom). */
  readonly stack: readonly ScreenId[];
  readonly list: ListState;
  readonly flow: FlowState;
  /** Raw view: calls shown and scroll (lines). */
  readonly raw: { readonly calls: readonly number[]; readonly scroll: number };
  /** Addresses shown through the config's aliases (`a` toggles, as in sngrep). */
  readonly aliases: boolean;
  /** Scroll of the text screens (help, stats, save, columns). */
  readonly textScroll: number;
  readonly input: InputState;
  /** Calls the save screen writes when its scope is `selected`. */
  readonly saveCalls: readonly number[];
  /** The save screen's form (the file name is `input.text`). */
  readonly saveDialog: SaveDialog;
  /** A save asked for and not yet started by the app (which clears it with `saveStarted`). */
  readonly saveRequest?: SaveRequest;
  /** The column screen's draft (F10). */
  readonly columnsEdit: ColumnsEdit;
  /** The settings screen's draft (F8). */
  readonly settingsEdit: SettingsEdit;
  /** Config changes for the app to write to the config file (cleared with `configStarted`). */
  readonly configRequest?: ConfigRequest;
  readonly quit: boolean;
}

export interface SaveDialog {
  readonly format: SaveFormatId;
  readonly scope: SaveScope;
  /** Focused field: 0 format, 1 calls, 2 file name. */
  readonly field: number;
  /** Writing in progress (Enter is ignored meanwhile). */
  readonly busy: boolean;
  /** Why the last save failed (shown in the dialog). */
  readonly error?: string;
}

export interface SaveRequest {
  readonly path: string;
  readonly format: SaveFormatId;
  readonly scope: SaveScope;
  /** The calls of the `selected` scope (the app resolves `filtered` and `all` from the store). */
  readonly calls: readonly number[];
}

export interface ConfigRequest {
  readonly columns?: readonly { readonly attr: string; readonly width?: number }[];
  readonly settings?: FlowSettings;
}

/** What the mouse is over, as the screen drawn tells it. */
export type Hit =
  | { readonly kind: 'listRow'; readonly pos: number }
  | { readonly kind: 'flowRow'; readonly row: number }
  | { readonly kind: 'pane' }
  | { readonly kind: 'item'; readonly index: number }
  /** A choice of a form field (save screen: field 0 format, 1 calls). */
  | { readonly kind: 'choice'; readonly field: number; readonly index: number };

/** File name the save prompt starts with. */
export const DEFAULT_SAVE_NAME = 'siptrace-calls.pcap';

/** What the reducer needs to know of the data shown (computed by the app from the store). */
export interface UiEnv {
  /** Rows of the call list under the current filter, search and sort. */
  readonly listTotal: number;
  /** Call id at a row position of the list. */
  listIdAt(pos: number): number | undefined;
  /** Row position of a call id in the list; undefined when filtered out. */
  listPosOf(id: number): number | undefined;
  /** Rows (or lines) the current screen's scrolling area shows. */
  readonly pageRows: number;
  /** Ladder rows of the flow shown. */
  readonly flowRows: number;
  /** Lines of the current text screen (raw, help, stats). */
  readonly textLines: number;
  /** Largest useful horizontal scroll of the ladder. */
  readonly hscrollMax: number;
  /** Message seq of a ladder row of the flow shown (undefined for RTP rows). */
  flowSeqAt(row: number): number | undefined;
  /** Checks a filter expression: undefined when good, else the error and its column. */
  checkFilter(text: string): { message: string; position: number } | undefined;
  /** Lines of the message in the flow's pane (0 when hidden). */
  readonly paneLines?: number;
  /** Lines the pane shows. */
  readonly paneRows?: number;
  /** What is drawn at a cell (mouse). */
  hitTest?(x: number, y: number): Hit | undefined;
}

export type UiAction =
  | { readonly type: 'action'; readonly action: ActionId }
  /** Text typed on an input screen. */
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'backspace' }
  /** The flow renderer moved the scroll to keep the cursor visible. */
  | { readonly type: 'flowScroll'; readonly scroll: number }
  /** New calls arrived (follow mode moves to the last). */
  | { readonly type: 'data' }
  /** The app took the save request. */
  | { readonly type: 'saveStarted' }
  /** The save finished: ok closes the dialog, an error stays in it. */
  | { readonly type: 'saveDone'; readonly error?: string }
  /** The app took the config request. */
  | { readonly type: 'configStarted' }
  /** Mouse button pressed at a cell (0-based). */
  | { readonly type: 'click'; readonly x: number; readonly y: number }
  /** Mouse wheel at a cell: +1 down, -1 up. */
  | { readonly type: 'wheel'; readonly x: number; readonly y: number; readonly dir: 1 | -1 };

/** What the config file gives the first state. */
export interface UiInit {
  readonly columnWidths?: Readonly<Record<string, number>>;
  readonly flow?: Partial<FlowSettings>;
}

export function initialState(columns: readonly string[] = DEFAULT_COLUMNS, init: UiInit = {}): UiState {
  const settings = { ...DEFAULT_FLOW_SETTINGS, ...(init.flow ?? {}) };
  return {
    stack: ['list'],
    list: { scroll: 0, sort: { attr: 'index', desc: false }, filter: '', search: '', selected: [], follow: false, columns, columnWidths: init.columnWidths ?? {} },
    flow: { ...settings, calls: [], cursor: 0, scroll: 0, hscroll: 0, paneScroll: 0, related: false, marked: [] },
    raw: { calls: [], scroll: 0 },
    aliases: true,
    textScroll: 0,
    input: { text: '', previous: '' },
    saveCalls: [],
    saveDialog: { format: 'pcap', scope: 'selected', field: 2, busy: false },
    columnsEdit: { items: [], cursor: 0 },
    settingsEdit: { values: settings, cursor: 0 },
    quit: false,
  };
}

export function currentScreen(s: UiState): ScreenId {
  return s.stack[s.stack.length - 1] ?? 'list';
}

const clamp = (n: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, n));

/** Scroll offset that keeps `pos` on a page of `page` rows, moving as little as possible. */
export function keepVisible(scroll: number, pos: number, page: number, total: number): number {
  const p = Math.max(1, page);
  let s = scroll;
  if (pos < s) s = pos;
  if (pos >= s + p) s = pos - p + 1;
  return clamp(s, 0, Math.max(0, total - p));
}

/** Cursor position in the list (0 when the cursor call is filtered out or unset). */
export function listCursorPos(s: UiState, env: UiEnv): number {
  if (s.list.cursorId === undefined) return 0;
  return env.listPosOf(s.list.cursorId) ?? 0;
}

function push(s: UiState, screen: ScreenId): UiState {
  return { ...s, stack: [...s.stack, screen], textScroll: 0 };
}

function pop(s: UiState): UiState {
  return s.stack.length > 1 ? { ...s, stack: s.stack.slice(0, -1), textScroll: 0 } : s;
}

function moveList(s: UiState, env: UiEnv, to: (pos: number) => number): UiState {
  if (env.listTotal === 0) return s;
  const pos = clamp(to(listCursorPos(s, env)), 0, env.listTotal - 1);
  const id = env.listIdAt(pos);
  return { ...s, list: { ...s.list, ...(id !== undefined ? { cursorId: id } : {}), scroll: keepVisible(s.list.scroll, pos, env.pageRows, env.listTotal) } };
}

/** The calls an action on the list applies to: the selection, else the call under the cursor. */
export function chosenCalls(s: UiState, env: UiEnv): number[] {
  if (s.list.selected.length > 0) return [...s.list.selected];
  const id = s.list.cursorId ?? env.listIdAt(0);
  return id === undefined ? [] : [id];
}

function cycle<T>(values: readonly T[], current: T): T {
  return values[(values.indexOf(current) + 1) % values.length]!;
}

function sortStep(s: UiState, step: number): UiState {
  const cols = s.list.columns;
  if (cols.length === 0) return s;
  const at = cols.indexOf(s.list.sort.attr);
  const next = cols[(((at < 0 ? 0 : at + step) % cols.length) + cols.length) % cols.length]!;
  return { ...s, list: { ...s.list, sort: { attr: next, desc: s.list.sort.desc } } };
}

function listAction(s: UiState, a: ActionId, env: UiEnv): UiState {
  const page = Math.max(1, env.pageRows);
  switch (a) {
    case 'up': return moveList(s, env, (p) => p - 1);
    case 'down': return moveList(s, env, (p) => p + 1);
    case 'pageUp': return moveList(s, env, (p) => p - page);
    case 'pageDown': return moveList(s, env, (p) => p + page);
    case 'first': return moveList(s, env, () => 0);
    case 'last': return moveList(s, env, () => env.listTotal - 1);
    case 'open': {
      const calls = chosenCalls(s, env);
      if (calls.length === 0) return s;
      return push({ ...s, flow: { ...s.flow, calls, cursor: 0, scroll: 0, hscroll: 0, marked: [] } }, 'flow');
    }
    case 'raw': {
      const calls = chosenCalls(s, env);
      return calls.length === 0 ? s : push({ ...s, raw: { calls, scroll: 0 } }, 'raw');
    }
    case 'select': {
      const id = s.list.cursorId ?? env.listIdAt(0);
      if (id === undefined) return s;
      const sel = s.list.selected.includes(id) ? s.list.selected.filter((x) => x !== id) : [...s.list.selected, id].sort((x, y) => x - y);
      return { ...s, list: { ...s.list, cursorId: id, selected: sel } };
    }
    case 'filter': return push({ ...s, input: { text: s.list.filter, previous: s.list.filter } }, 'filter');
    case 'search': return push({ ...s, input: { text: s.list.search, previous: s.list.search } }, 'search');
    case 'clearFilter': return { ...s, list: { ...s.list, filter: '', search: '', selected: [] } };
    case 'sortPrev': return sortStep(s, -1);
    case 'sortNext': return sortStep(s, 1);
    case 'sortReverse': return { ...s, list: { ...s.list, sort: { ...s.list.sort, desc: !s.list.sort.desc } } };
    case 'follow': {
      const follow = !s.list.follow;
      const next = { ...s, list: { ...s.list, follow } };
      return follow ? moveList(next, env, () => env.listTotal - 1) : next;
    }
    default: return s;
  }
}

function flowAction(s: UiState, a: ActionId, env: UiEnv): UiState {
  const f = s.flow;
  const last = Math.max(0, env.flowRows - 1);
  const page = Math.max(1, env.pageRows);
  // a new arrow shows its message from the top
  const at = (cursor: number): UiState => ({ ...s, flow: { ...f, cursor: clamp(cursor, 0, last), paneScroll: clamp(cursor, 0, last) === f.cursor ? f.paneScroll : 0 } });
  const paneTo = (n: number): UiState => {
    const max = Math.max(0, (env.paneLines ?? 0) - Math.max(1, env.paneRows ?? page));
    const paneScroll = clamp(n, 0, max);
    return paneScroll === f.paneScroll ? s : { ...s, flow: { ...f, paneScroll } };
  };
  switch (a) {
    case 'up': return at(f.cursor - 1);
    case 'down': return at(f.cursor + 1);
    // a ladder row takes two lines or more: a page of lines is about half as many rows
    case 'pageUp': return at(f.cursor - Math.max(1, Math.floor(page / 2)));
    case 'pageDown': return at(f.cursor + Math.max(1, Math.floor(page / 2)));
    case 'first': return at(0);
    case 'last': return at(last);
    case 'paneUp': return paneTo(f.paneScroll - WHEEL_STEP);
    case 'paneDown': return paneTo(f.paneScroll + WHEEL_STEP);
    case 'left': return { ...s, flow: { ...f, hscroll: Math.max(0, f.hscroll - HSCROLL_STEP) } };
    case 'right': return { ...s, flow: { ...f, hscroll: clamp(f.hscroll + HSCROLL_STEP, 0, Math.max(0, env.hscrollMax)) } };
    case 'raw': return push({ ...s, raw: { calls: f.calls, scroll: 0 } }, 'raw');
    case 'togglePane': return { ...s, flow: { ...f, pane: !f.pane } };
    case 'paneWider': return { ...s, flow: { ...f, pane: true, paneWidth: clamp(f.paneWidth + 4, PANE_MIN_WIDTH, PANE_MAX_WIDTH) } };
    case 'paneNarrower': return { ...s, flow: { ...f, pane: true, paneWidth: clamp(f.paneWidth - 4, PANE_MIN_WIDTH, PANE_MAX_WIDTH) } };
    case 'colorMode': return { ...s, flow: { ...f, color: cycle(COLOR_MODES, f.color) } };
    case 'compress': return { ...s, flow: { ...f, compress: !f.compress, hscroll: 0 } };
    case 'sdpMode': return { ...s, flow: { ...f, sdp: cycle(SDP_MODES, f.sdp) } };
    case 'rtpMode': return { ...s, flow: { ...f, rtp: !f.rtp } };
    case 'timeFormat': return { ...s, flow: { ...f, timeFormat: cycle(TIME_FORMATS, f.timeFormat) } };
    case 'retrans': return { ...s, flow: { ...f, retrans: !f.retrans, cursor: 0, scroll: 0, paneScroll: 0 } };
    case 'related': return { ...s, flow: { ...f, related: !f.related, cursor: 0, scroll: 0 } };
    case 'select': {
      const seq = env.flowSeqAt(f.cursor);
      if (seq === undefined) return s;
      if (f.marked.includes(seq)) return { ...s, flow: { ...f, marked: f.marked.filter((x) => x !== seq) } };
      const marked = [...f.marked, seq].slice(-2);
      const next = { ...s, flow: { ...f, marked } };
      return marked.length === 2 ? push(next, 'diff') : next;
    }
    default: return s;
  }
}

function textAction(s: UiState, a: ActionId, env: UiEnv, scroll: number, set: (n: number) => UiState): UiState {
  const max = Math.max(0, env.textLines - Math.max(1, env.pageRows));
  const page = Math.max(1, env.pageRows);
  switch (a) {
    case 'up': return set(clamp(scroll - 1, 0, max));
    case 'down': return set(clamp(scroll + 1, 0, max));
    case 'pageUp': return set(clamp(scroll - page, 0, max));
    case 'pageDown': return set(clamp(scroll + page, 0, max));
    case 'first': return set(0);
    case 'last': return set(max);
    default: return s;
  }
}

function inputAction(s: UiState, screen: ScreenId, a: ActionId, env: UiEnv): UiState {
  if (screen === 'filter') {
    if (a === 'back') return pop({ ...s, input: { text: '', previous: '' } });
    if (a === 'open') {
      const err = env.checkFilter(s.input.text);
      if (err !== undefined) return { ...s, input: { ...s.input, error: err } };
      return pop({ ...s, list: { ...s.list, filter: s.input.text.trim(), scroll: 0 }, input: { text: '', previous: '' } });
    }
    return s;
  }
  if (screen === 'save') return saveDialogAction(s, a, { pop, switchExtension });
  // search applies while typing; Esc puts back what was there
  if (a === 'back') return pop({ ...s, list: { ...s.list, search: s.input.previous }, input: { text: '', previous: '' } });
  if (a === 'open') return pop({ ...s, input: { text: '', previous: '' } });
  return s;
}

function editInput(s: UiState, screen: ScreenId, text: string): UiState {
  const input: InputState = { text, previous: s.input.previous };
  if (screen === 'save') {
    // typing goes to the file name whatever field has the focus (no letter is a key there)
    const { error: _, ...dialog } = s.saveDialog;
    return { ...s, input, saveDialog: { ...dialog, field: 2 } };
  }
  return screen === 'search' ? { ...s, input, list: { ...s.list, search: text, scroll: 0 } } : { ...s, input };
}

/** Mouse: a click moves the cursor to what is under it (a second click on the list's cursor row opens it). */
function click(s: UiState, screen: ScreenId, x: number, y: number, env: UiEnv): UiState {
  const hit = env.hitTest?.(x, y);
  if (hit === undefined) return s;
  if (screen === 'list' && hit.kind === 'listRow') {
    const id = env.listIdAt(hit.pos);
    if (id === undefined) return s;
    if (id === (s.list.cursorId ?? env.listIdAt(0))) return listAction(s, 'open', env);
    return { ...s, list: { ...s.list, cursorId: id, scroll: keepVisible(s.list.scroll, hit.pos, env.pageRows, env.listTotal) } };
  }
  if (screen === 'flow' && hit.kind === 'flowRow') return hit.row === s.flow.cursor ? s : { ...s, flow: { ...s.flow, cursor: hit.row, paneScroll: 0 } };
  if (screen === 'columns' && hit.kind === 'item') return { ...s, columnsEdit: { ...s.columnsEdit, cursor: hit.index } };
  if (screen === 'settings' && hit.kind === 'item') return { ...s, settingsEdit: { ...s.settingsEdit, cursor: hit.index } };
  if (screen === 'save' && hit.kind === 'item') return { ...s, saveDialog: { ...s.saveDialog, field: hit.index } };
  if (screen === 'save' && hit.kind === 'choice') return chooseSaveOption(s, hit.field, hit.index, switchExtension);
  return s;
}

/** Mouse wheel: scrolls what is under the pointer (list and ladder by moving the cursor). */
function wheel(s: UiState, screen: ScreenId, x: number, y: number, dir: 1 | -1, env: UiEnv): UiState {
  const repeat = (a: ActionId, n: number): UiState => {
    let out = s;
    for (let i = 0; i < n; i++) out = reduce(out, { type: 'action', action: a }, env);
    return out;
  };
  if (screen === 'flow') {
    if (env.hitTest?.(x, y)?.kind === 'pane') return reduce(s, { type: 'action', action: dir > 0 ? 'paneDown' : 'paneUp' }, env);
    return repeat(dir > 0 ? 'down' : 'up', 1);
  }
  if (screen === 'filter' || screen === 'search' || screen === 'save') return s;
  return repeat(dir > 0 ? 'down' : 'up', WHEEL_STEP);
}

/** The reducer. Unknown or inapplicable actions return the state unchanged (same object). */
export function reduce(s: UiState, action: UiAction, env: UiEnv): UiState {
  const screen = currentScreen(s);
  switch (action.type) {
    case 'flowScroll':
      return action.scroll === s.flow.scroll ? s : { ...s, flow: { ...s.flow, scroll: Math.max(0, action.scroll) } };
    case 'saveStarted': {
      if (s.saveRequest === undefined) return s;
      const { saveRequest: _, ...rest } = s;
      return { ...rest, saveDialog: { ...s.saveDialog, busy: true } };
    }
    case 'saveDone': {
      const { error: _, ...dialog } = s.saveDialog;
      if (action.error !== undefined) return { ...s, saveDialog: { ...dialog, busy: false, error: action.error } };
      const done = { ...s, saveDialog: { ...dialog, busy: false }, input: { text: '', previous: '' } };
      return screen === 'save' ? pop(done) : done;
    }
    case 'configStarted': {
      if (s.configRequest === undefined) return s;
      const { configRequest: _, ...rest } = s;
      return rest;
    }
    case 'click':
      return click(s, screen, action.x, action.y, env);
    case 'wheel':
      return wheel(s, screen, action.x, action.y, action.dir, env);
    case 'data':
      return s.list.follow && screen === 'list' ? moveList(s, env, () => env.listTotal - 1) : s;
    case 'text':
      return screen === 'filter' || screen === 'search' || screen === 'save' ? editInput(s, screen, s.input.text + action.text) : s;
    case 'backspace':
      return screen === 'filter' || screen === 'search' || screen === 'save' ? editInput(s, screen, Array.from(s.input.text).slice(0, -1).join('')) : s;
    case 'action':
      break;
  }
  const a = action.action;
  if (screen === 'filter' || screen === 'search' || screen === 'save') return inputAction(s, screen, a, env);
  if (a === 'quit') return { ...s, quit: true };
  if (a === 'back') return pop(s);
  if (a === 'help') return screen === 'help' ? s : push(s, 'help');
  if (a === 'stats' && screen !== 'stats') return push(s, 'stats');
  if (a === 'save' && screen !== 'columns' && screen !== 'settings') {
    const calls = screen === 'list' ? chosenCalls(s, env) : screen === 'flow' ? s.flow.calls : screen === 'raw' ? s.raw.calls : [];
    if (calls.length === 0 && env.listTotal === 0) return s;
    const { error: _, ...dialog } = s.saveDialog;
    const name = switchExtension(DEFAULT_SAVE_NAME, 'pcap', dialog.format);
    return push({ ...s, saveCalls: calls, saveDialog: { ...dialog, field: 2, busy: false, scope: calls.length === 0 ? 'filtered' : 'selected' }, input: { text: name, previous: '' } }, 'save');
  }
  if (a === 'toggleAliases' && (screen === 'list' || screen === 'flow')) return { ...s, aliases: !s.aliases };
  if (a === 'columns' && screen === 'list') return push(openColumns(s), 'columns');
  if (a === 'settings' && screen !== 'settings') return push(openSettings(s), 'settings');
  switch (screen) {
    case 'list': return listAction(s, a, env);
    case 'flow': return flowAction(s, a, env);
    case 'columns': return columnsAction(s, a, pop);
    case 'settings': return settingsAction(s, a, pop);
    case 'raw': return textAction(s, a, env, s.raw.scroll, (n) => ({ ...s, raw: { ...s.raw, scroll: n } }));
    default: return textAction(s, a, env, s.textScroll, (n) => ({ ...s, textScroll: n }));
  }
}
