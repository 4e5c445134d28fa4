/** The reducer's new actions: columns (F10), settings (F8), pane scroll, mouse, flow modes. */
import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_IDS } from '../../src/core/store/attributes.js';
import { SETTINGS } from '../../src/tui/forms.js';
import type { ActionId } from '../../src/tui/keymap.js';
import { switchExtension } from '../../src/tui/save-formats.js';
import { currentScreen, DEFAULT_FLOW_SETTINGS, initialState, reduce, type UiAction, type UiEnv, type UiState } from '../../src/tui/ui-state.js';
import { fakeEnv } from './helpers.js';

const act = (action: ActionId): UiAction => ({ type: 'action', action });
function run(s: UiState, env: UiEnv, ...actions: (ActionId | UiAction)[]): UiState {
  return actions.reduce((st, a) => reduce(st, typeof a === 'string' ? act(a) : a, env), s);
}
const env = fakeEnv([1, 2, 3, 4, 5], { flowRows: 6, pageRows: 10 });

describe('columns screen', () => {
  it('lists every attribute, the shown ones first and checked', () => {
    const s = run(initialState(['index', 'state', 'from']), env, 'columns');
    expect(currentScreen(s)).toBe('columns');
    expect(s.columnsEdit.items.map((i) => i.id).slice(0, 3)).toEqual(['index', 'state', 'from']);
    expect(s.columnsEdit.items.map((i) => i.id).sort()).toEqual([...ATTRIBUTE_IDS].sort());
    expect(s.columnsEdit.items.filter((i) => i.on).map((i) => i.id)).toEqual(['index', 'state', 'from']);
  });

  it('Space toggles, - and + move, Enter applies in the new order', () => {
    let s = run(initialState(['index', 'state', 'from']), env, 'columns');
    // hide state, move from up above index, show the 4th item (first hidden one)
    s = run(s, env, 'down', 'select', 'down', 'moveUp', 'moveUp', 'down', 'down', 'down', 'select');
    const fourth = s.columnsEdit.items[3]!.id;
    expect(s.columnsEdit.cursor).toBe(3);
    s = run(s, env, 'open');
    expect(currentScreen(s)).toBe('list');
    expect(s.list.columns).toEqual(['from', 'index', fourth]);
    expect(s.configRequest).toBeUndefined();
  });

  it('keeps at least one column; moves stop at the ends; Esc drops the draft', () => {
    let s = run(initialState(['index']), env, 'columns', 'select');
    expect(s.columnsEdit.items[0]).toEqual({ id: 'index', on: true });
    s = run(s, env, 'moveUp');
    expect(s.columnsEdit.items[0]!.id).toBe('index');
    s = run(s, env, 'last', 'moveDown');
    expect(s.columnsEdit.cursor).toBe(ATTRIBUTE_IDS.length - 1);
    s = run(s, env, 'select', 'back');
    expect(s.list.columns).toEqual(['index']);
  });

  it('s applies and asks the app to save the columns, with the widths the config gave', () => {
    let s = run(initialState(['index', 'from'], { columnWidths: { from: 40 } }), env, 'columns', 'down', 'moveUp', 'saveConfig');
    expect(s.list.columns).toEqual(['from', 'index']);
    expect(s.configRequest).toEqual({ columns: [{ attr: 'from', width: 40 }, { attr: 'index' }] });
    s = reduce(s, { type: 'configStarted' }, env);
    expect(s.configRequest).toBeUndefined();
  });

  it('only the list opens it (t is the pane key in the flow)', () => {
    const flow = run(initialState(), env, 'open');
    expect(run(flow, env, 'columns')).toBe(flow);
  });
});

describe('settings screen', () => {
  it('edits a draft and applies it to the flow on Enter; Esc drops it', () => {
    let s = run(initialState(), env, 'settings');
    expect(currentScreen(s)).toBe('settings');
    expect(s.settingsEdit.values).toEqual(DEFAULT_FLOW_SETTINGS);
    // colour: cseq; time: relative; retrans: off
    s = run(s, env, 'right', 'down', 'select', 'down', 'right');
    expect(s.settingsEdit.values).toMatchObject({ color: 'cseq', timeFormat: 'relative', retrans: false });
    expect(s.flow.color).toBe('reqres');
    const cancelled = run(s, env, 'back');
    expect(cancelled.flow.color).toBe('reqres');
    s = run(s, env, 'open');
    expect(s.flow).toMatchObject({ color: 'cseq', timeFormat: 'relative', retrans: false });
    expect(s.configRequest).toBeUndefined();
  });

  it('pane width steps within bounds; left cycles back; s asks to save', () => {
    let s = run(initialState(), env, 'settings');
    const at = SETTINGS.findIndex((x) => x.key === 'paneWidth');
    for (let i = 0; i < at; i++) s = run(s, env, 'down');
    s = run(s, env, 'right', 'right');
    expect(s.settingsEdit.values.paneWidth).toBe(68);
    for (let i = 0; i < 40; i++) s = run(s, env, 'left');
    expect(s.settingsEdit.values.paneWidth).toBe(24);
    s = run(s, env, 'first', 'left');
    expect(s.settingsEdit.values.color).toBe('callid');
    s = run(s, env, 'saveConfig');
    expect(currentScreen(s)).toBe('list');
    expect(s.configRequest?.settings).toEqual({ ...DEFAULT_FLOW_SETTINGS, color: 'callid', paneWidth: 24 });
    expect(s.flow.paneWidth).toBe(24);
  });

  it('the config gives the first settings', () => {
    const s = initialState(undefined, { flow: { timeFormat: 'clock', pane: false } });
    expect(s.flow).toMatchObject({ ...DEFAULT_FLOW_SETTINGS, timeFormat: 'clock', pane: false });
  });
});

describe('flow: time format, resends, message pane scroll', () => {
  it('w cycles the time format, e toggles resends (back to the first arrow)', () => {
    let s = run(initialState(), env, 'open', 'down', 'down');
    s = run(s, env, 'timeFormat');
    expect(s.flow.timeFormat).toBe('relative');
    expect(run(s, env, 'timeFormat', 'timeFormat').flow.timeFormat).toBe('delta');
    s = run(s, env, 'retrans');
    expect([s.flow.retrans, s.flow.cursor]).toEqual([false, 0]);
  });

  it('J/K scroll the pane within the message, and a new arrow starts at its top', () => {
    const tall = fakeEnv([1], { flowRows: 6, pageRows: 10, paneLines: 50, paneRows: 20 });
    let s = run(initialState(), tall, 'open', 'paneDown', 'paneDown');
    expect(s.flow.paneScroll).toBe(6);
    for (let i = 0; i < 20; i++) s = run(s, tall, 'paneDown');
    expect(s.flow.paneScroll).toBe(30);
    s = run(s, tall, 'paneUp');
    expect(s.flow.paneScroll).toBe(27);
    expect(run(s, tall, 'down').flow.paneScroll).toBe(0);
    // the same arrow keeps its scroll
    expect(run(s, tall, 'first').flow.paneScroll).toBe(27);
    const short = fakeEnv([1], { flowRows: 6, paneLines: 10, paneRows: 20 });
    const o = run(initialState(), short, 'open');
    expect(run(o, short, 'paneDown')).toBe(o);
  });
});

describe('mouse', () => {
  it('a click on a list row moves the cursor there; a click on the cursor row opens the flow', () => {
    const e = fakeEnv([5, 4, 3, 2, 1], { hitTest: (_x, y) => (y >= 3 && y < 8 ? { kind: 'listRow', pos: y - 3 } : undefined) });
    let s = reduce(initialState(), { type: 'click', x: 10, y: 5 }, e);
    expect(s.list.cursorId).toBe(3);
    expect(reduce(s, { type: 'click', x: 10, y: 0 }, e)).toBe(s);
    s = reduce(s, { type: 'click', x: 10, y: 5 }, e);
    expect(currentScreen(s)).toBe('flow');
    expect(s.flow.calls).toEqual([3]);
  });

  it('the wheel moves the list by three rows', () => {
    let s = reduce(initialState(), { type: 'wheel', x: 0, y: 5, dir: 1 }, env);
    expect(s.list.cursorId).toBe(4);
    s = reduce(s, { type: 'wheel', x: 0, y: 5, dir: -1 }, env);
    expect(s.list.cursorId).toBe(1);
  });

  it('in the flow a click picks an arrow; the wheel over the pane scrolls it, elsewhere moves the cursor', () => {
    const e = fakeEnv([1], {
      flowRows: 8,
      paneLines: 40,
      paneRows: 10,
      hitTest: (x, y) => (x > 100 ? { kind: 'pane' } : y > 2 ? { kind: 'flowRow', row: y - 3 } : undefined),
    });
    let s = run(initialState(), e, 'open');
    s = reduce(s, { type: 'click', x: 5, y: 7 }, e);
    expect(s.flow.cursor).toBe(4);
    s = reduce(s, { type: 'wheel', x: 120, y: 7, dir: 1 }, e);
    expect([s.flow.cursor, s.flow.paneScroll]).toEqual([4, 3]);
    s = reduce(s, { type: 'wheel', x: 5, y: 7, dir: 1 }, e);
    expect([s.flow.cursor, s.flow.paneScroll]).toEqual([5, 0]);
  });

  it('text screens scroll with the wheel; columns and settings pick the clicked line', () => {
    const e = fakeEnv([1], { textLines: 100, pageRows: 10, hitTest: (_x, y) => ({ kind: 'item', index: y - 2 }) });
    const raw = reduce(run(initialState(), e, 'raw'), { type: 'wheel', x: 0, y: 3, dir: 1 }, e);
    expect(raw.raw.scroll).toBe(3);
    const cols = reduce(run(initialState(), e, 'columns'), { type: 'click', x: 0, y: 6 }, e);
    expect(cols.columnsEdit.cursor).toBe(4);
    const set = reduce(run(initialState(), e, 'settings'), { type: 'click', x: 0, y: 3 }, e);
    expect(set.settingsEdit.cursor).toBe(1);
    // input screens ignore the wheel
    const filter = run(initialState(), e, 'filter');
    expect(reduce(filter, { type: 'wheel', x: 0, y: 3, dir: 1 }, e)).toBe(filter);
  });
});

describe('save formats', () => {
  it('switches the extension only when the name has the old one', () => {
    expect(switchExtension('calls.pcap', 'pcap', 'html')).toBe('calls.html');
    expect(switchExtension('calls.pcapng', 'pcap', 'pcap-rtp')).toBe('calls.pcapng');
    expect(switchExtension('calls.pcapng', 'pcap-rtp', 'text')).toBe('calls.txt');
    expect(switchExtension('report', 'pcap', 'html')).toBe('report');
    expect(switchExtension('.pcap', 'pcap', 'html')).toBe('.pcap');
    expect(switchExtension('a.md', 'markdown', 'mermaid')).toBe('a.mmd');
  });
});
