import { describe, expect, it } from 'vitest';
import type { ActionId } from '../../src/tui/keymap.js';
import { currentScreen, initialState, keepVisible, reduce, type UiAction, type UiEnv, type UiState } from '../../src/tui/ui-state.js';
import { fakeEnv } from './helpers.js';

const act = (action: ActionId): UiAction => ({ type: 'action', action });
function run(s: UiState, env: UiEnv, ...actions: (ActionId | UiAction)[]): UiState {
  return actions.reduce((st, a) => reduce(st, typeof a === 'string' ? act(a) : a, env), s);
}

describe('call list', () => {
  const ids = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const env = fakeEnv(ids, { pageRows: 5 });

  it('moves the cursor by call id, clamped, and scrolls to keep it visible', () => {
    let s = run(initialState(), env, 'down', 'down');
    expect(s.list.cursorId).toBe(3);
    s = run(s, env, 'up', 'up', 'up');
    expect(s.list.cursorId).toBe(1);
    s = run(s, env, 'pageDown');
    expect(s.list.cursorId).toBe(6);
    expect(s.list.scroll).toBe(1);
    s = run(s, env, 'last');
    expect(s.list.cursorId).toBe(12);
    expect(s.list.scroll).toBe(7);
    s = run(s, env, 'down');
    expect(s.list.cursorId).toBe(12);
    s = run(s, env, 'first');
    expect([s.list.cursorId, s.list.scroll]).toEqual([1, 0]);
  });

  it('keeps the cursor on its call when the order changes', () => {
    let s = run(initialState(), env, 'down', 'down'); // call 3
    const reversed = fakeEnv([...ids].reverse(), { pageRows: 5 });
    s = run(s, reversed, 'sortReverse');
    expect(s.list.sort.desc).toBe(true);
    expect(s.list.cursorId).toBe(3);
    // moving down in the new order goes to the call after 3 in that order: 2
    s = run(s, reversed, 'down');
    expect(s.list.cursorId).toBe(2);
  });

  it('selects with Space (a set of ids) and opens the selection or the cursor call', () => {
    let s = run(initialState(), env, 'open');
    expect(currentScreen(s)).toBe('flow');
    expect(s.flow.calls).toEqual([1]);
    s = run(initialState(), env, 'down', 'select', 'down', 'down', 'select', 'up', 'select', 'select');
    expect(s.list.selected).toEqual([2, 4]);
    s = run(s, env, 'open');
    expect(s.flow.calls).toEqual([2, 4]);
    expect(s.stack).toEqual(['list', 'flow']);
    s = run(s, env, 'back');
    expect(s.stack).toEqual(['list']);
    s = run(s, env, 'raw');
    expect([currentScreen(s), s.raw.calls]).toEqual(['raw', [2, 4]]);
  });

  it('chooses the sort column among the shown columns with < and >', () => {
    const s0 = initialState(['index', 'method', 'state']);
    expect(run(s0, env, 'sortNext').list.sort.attr).toBe('method');
    expect(run(s0, env, 'sortNext', 'sortNext', 'sortNext').list.sort.attr).toBe('index');
    expect(run(s0, env, 'sortPrev').list.sort.attr).toBe('state');
  });

  it('follow mode jumps to the last call now and when data arrives', () => {
    let s = run(initialState(), env, 'follow');
    expect([s.list.follow, s.list.cursorId]).toEqual([true, 12]);
    const grown = fakeEnv([...ids, 13, 14], { pageRows: 5 });
    s = reduce(s, { type: 'data' }, grown);
    expect(s.list.cursorId).toBe(14);
    s = run(s, grown, 'follow');
    expect(reduce(s, { type: 'data' }, fakeEnv([...ids, 13, 14, 15]))).toBe(s);
  });

  it('does nothing on an empty list', () => {
    const s = initialState();
    const empty = fakeEnv([]);
    expect(run(s, empty, 'down', 'last', 'select')).toEqual(s);
    expect(currentScreen(run(s, empty, 'open'))).toBe('list');
  });
});

describe('filter and search input', () => {
  const env = fakeEnv([1, 2, 3], {
    checkFilter: (t) => (t.includes('??') ? { message: 'unexpected ?', position: t.indexOf('??') } : undefined),
  });

  it('edits the expression and applies it on Enter', () => {
    let s = run(initialState(), env, 'filter');
    expect(currentScreen(s)).toBe('filter');
    for (const ch of 'state == failedx') s = reduce(s, { type: 'text', text: ch }, env);
    s = reduce(s, { type: 'backspace' }, env);
    // keys are text here, not actions
    expect(s.input.text).toBe('state == failed');
    s = run(s, env, 'open');
    expect(currentScreen(s)).toBe('list');
    expect(s.list.filter).toBe('state == failed');
  });

  it('keeps the prompt open with the error column on a bad expression; Esc cancels', () => {
    let s = run(initialState(), env, 'filter');
    for (const ch of 'code ?? 4') s = reduce(s, { type: 'text', text: ch }, env);
    s = run(s, env, 'open');
    expect(currentScreen(s)).toBe('filter');
    expect(s.input.error).toEqual({ message: 'unexpected ?', position: 5 });
    s = run(s, env, 'back');
    expect(currentScreen(s)).toBe('list');
    expect(s.list.filter).toBe('');
  });

  it('search applies while typing and Esc restores the previous search', () => {
    let s = run(initialState(), env, 'search');
    s = reduce(s, { type: 'text', text: 'a' }, env);
    expect(s.list.search).toBe('a');
    s = run(s, env, 'open', 'search');
    s = reduce(s, { type: 'text', text: 'b' }, env);
    expect(s.list.search).toBe('ab');
    s = run(s, env, 'back');
    expect(s.list.search).toBe('a');
    expect(run(s, env, 'clearFilter').list.search).toBe('');
  });

  it('ignores q on an input screen (it is text)', () => {
    const s = run(initialState(), env, 'filter');
    expect(reduce(s, act('quit'), env).quit).toBe(false);
  });
});

describe('call flow', () => {
  const listEnv = fakeEnv([1, 2]);
  const env = fakeEnv([1, 2], { flowRows: 8, pageRows: 10, hscrollMax: 20 });
  const open = (): UiState => run(initialState(), listEnv, 'open');

  it('moves the arrow cursor within the rows and scrolls sideways within the ladder', () => {
    let s = run(open(), env, 'down', 'down', 'down');
    expect(s.flow.cursor).toBe(3);
    s = run(s, env, 'last', 'down');
    expect(s.flow.cursor).toBe(7);
    s = run(s, env, 'first', 'up');
    expect(s.flow.cursor).toBe(0);
    s = run(s, env, 'right', 'right', 'right', 'right');
    expect(s.flow.hscroll).toBe(20);
    s = run(s, env, 'left', 'left', 'left', 'left');
    expect(s.flow.hscroll).toBe(0);
  });

  it('toggles and cycles the modes', () => {
    let s = run(open(), env, 'togglePane');
    expect(s.flow.pane).toBe(false);
    s = run(s, env, 'paneWider');
    expect([s.flow.pane, s.flow.paneWidth]).toEqual([true, 64]);
    s = run(s, env, 'paneNarrower', 'paneNarrower');
    expect(s.flow.paneWidth).toBe(56);
    for (let i = 0; i < 50; i++) s = run(s, env, 'paneNarrower');
    expect(s.flow.paneWidth).toBe(24);
    expect(run(s, env, 'colorMode').flow.color).toBe('cseq');
    expect(run(s, env, 'colorMode', 'colorMode', 'colorMode').flow.color).toBe('reqres');
    expect(run(s, env, 'compress').flow.compress).toBe(true);
    expect(run(s, env, 'sdpMode').flow.sdp).toBe('marker');
    expect(run(s, env, 'rtpMode').flow.rtp).toBe(true);
    expect(run(s, env, 'related').flow.related).toBe(true);
  });

  it('help, raw, stats, back and quit', () => {
    let s = run(open(), env, 'help');
    expect(s.stack).toEqual(['list', 'flow', 'help']);
    s = run(s, env, 'help');
    expect(s.stack).toEqual(['list', 'flow', 'help']);
    s = run(s, env, 'back', 'raw');
    expect(s.stack).toEqual(['list', 'flow', 'raw']);
    expect(s.raw.calls).toEqual([1]);
    s = run(s, env, 'back', 'back', 'back');
    expect(s.stack).toEqual(['list']);
    expect(run(s, env, 'quit').quit).toBe(true);
  });

  it('stores the scroll the renderer chose', () => {
    const s = open();
    expect(reduce(s, { type: 'flowScroll', scroll: 0 }, env)).toBe(s);
    expect(reduce(s, { type: 'flowScroll', scroll: 7 }, env).flow.scroll).toBe(7);
  });
});

describe('text screens', () => {
  it('scroll within the lines', () => {
    const env = fakeEnv([1], { textLines: 30, pageRows: 10 });
    let s = run(initialState(), env, 'raw');
    s = run(s, env, 'down', 'down');
    expect(s.raw.scroll).toBe(2);
    s = run(s, env, 'last');
    expect(s.raw.scroll).toBe(20);
    s = run(s, env, 'pageUp', 'pageUp', 'pageUp');
    expect(s.raw.scroll).toBe(0);
  });
});

describe('keepVisible', () => {
  it('moves the least needed', () => {
    expect(keepVisible(0, 3, 5, 20)).toBe(0);
    expect(keepVisible(0, 7, 5, 20)).toBe(3);
    expect(keepVisible(10, 4, 5, 20)).toBe(4);
    expect(keepVisible(18, 19, 5, 20)).toBe(15);
  });
});

describe('save', () => {
  const env = fakeEnv([1, 2, 3]);
  it('opens the form with the chosen calls, edits the name, and hands the request to the app once', () => {
    let s = run(initialState(), env, 'down', 'select', 'down', 'select', 'save');
    expect(currentScreen(s)).toBe('save');
    expect(s.saveCalls).toEqual([2, 3]);
    expect(s.saveDialog).toMatchObject({ format: 'pcap', scope: 'selected', field: 2 });
    expect(s.input.text).toBe('siptrace-calls.pcap');
    for (let i = 0; i < 4; i++) s = reduce(s, { type: 'backspace' }, env);
    for (const ch of 'pcapng') s = reduce(s, { type: 'text', text: ch }, env);
    s = run(s, env, 'open');
    // the form stays up while the file is written, so an error can be shown in it
    expect(currentScreen(s)).toBe('save');
    expect(s.saveRequest).toEqual({ path: 'siptrace-calls.pcapng', format: 'pcap', scope: 'selected', calls: [2, 3] });
    s = reduce(s, { type: 'saveStarted' }, env);
    expect(s.saveRequest).toBeUndefined();
    expect(s.saveDialog.busy).toBe(true);
    expect(run(s, env, 'open')).toBe(s);
    s = reduce(s, { type: 'saveDone' }, env);
    expect(currentScreen(s)).toBe('list');
    expect(s.saveDialog.busy).toBe(false);
  });

  it('a failed save stays in the form with its error; typing clears it', () => {
    let s = run(initialState(), env, 'save', 'open');
    s = reduce(s, { type: 'saveStarted' }, env);
    s = reduce(s, { type: 'saveDone', error: 'save failed: /x: cannot write: permission denied' }, env);
    expect(currentScreen(s)).toBe('save');
    expect(s.saveDialog.error).toBe('save failed: /x: cannot write: permission denied');
    s = reduce(s, { type: 'text', text: 'x' }, env);
    expect(s.saveDialog.error).toBeUndefined();
    // an empty name is refused in the form
    for (let i = 0; i < 30; i++) s = reduce(s, { type: 'backspace' }, env);
    s = run(s, env, 'open');
    expect([s.saveRequest, s.saveDialog.error]).toEqual([undefined, 'type a file name']);
  });

  it('fields: Tab/Up/Down move, Left/Right change format (with the extension) and calls', () => {
    let s = run(initialState(), env, 'save');
    expect(s.saveDialog.field).toBe(2);
    s = run(s, env, 'nextField');
    expect(s.saveDialog.field).toBe(0);
    s = run(s, env, 'right', 'right');
    expect([s.saveDialog.format, s.input.text]).toEqual(['text', 'siptrace-calls.txt']);
    s = run(s, env, 'right', 'right', 'right', 'right', 'right');
    expect([s.saveDialog.format, s.input.text]).toEqual(['html', 'siptrace-calls.html']);
    s = run(s, env, 'right');
    expect([s.saveDialog.format, s.input.text]).toEqual(['pcap', 'siptrace-calls.pcap']);
    s = run(s, env, 'left');
    expect(s.saveDialog.format).toBe('html');
    s = run(s, env, 'down', 'right');
    expect([s.saveDialog.field, s.saveDialog.scope]).toEqual([1, 'filtered']);
    s = run(s, env, 'right', 'right');
    expect(s.saveDialog.scope).toBe('selected');
    s = run(s, env, 'up', 'up');
    expect(s.saveDialog.field).toBe(2);
    s = run(s, env, 'open');
    expect(s.saveRequest).toEqual({ path: 'siptrace-calls.html', format: 'html', scope: 'selected', calls: [1] });
  });

  it('Esc cancels; from the flow it saves the calls drawn; the format chosen is kept for next time', () => {
    const cancelled = run(initialState(), env, 'save', 'back');
    expect([currentScreen(cancelled), cancelled.saveRequest]).toEqual(['list', undefined]);
    const fromFlow = run(initialState(), env, 'down', 'open', 'save', 'open');
    expect(fromFlow.saveRequest).toEqual({ path: 'siptrace-calls.pcap', format: 'pcap', scope: 'selected', calls: [2] });
    expect(fromFlow.stack).toEqual(['list', 'flow', 'save']);
    let s = run(initialState(), env, 'save', 'prevField', 'prevField', 'right', 'back', 'save');
    expect([s.saveDialog.format, s.input.text]).toEqual(['pcap-rtp', 'siptrace-calls.pcap']);
    s = run(s, env, 'prevField', 'prevField', 'right', 'right');
    expect(s.input.text).toBe('siptrace-calls.json');
  });

  it('mouse: a click on a choice picks it', () => {
    const hits = fakeEnv([1, 2, 3], { hitTest: (x, y) => (y === 5 ? { kind: 'choice', field: 0, index: 7 } : y === 6 ? { kind: 'choice', field: 1, index: 2 } : undefined) });
    let s = run(initialState(), hits, 'save');
    s = reduce(s, { type: 'click', x: 4, y: 5 }, hits);
    expect([s.saveDialog.format, s.saveDialog.field, s.input.text]).toEqual(['html', 0, 'siptrace-calls.html']);
    s = reduce(s, { type: 'click', x: 40, y: 6 }, hits);
    expect([s.saveDialog.scope, s.saveDialog.field]).toEqual(['all', 1]);
  });
});

describe('message diff', () => {
  it('Space marks messages in the flow; the second mark opens the diff; unmarking works', () => {
    const env = fakeEnv([1], { flowRows: 5 });
    let s = run(initialState(), env, 'open', 'select');
    expect(s.flow.marked).toEqual([100]);
    s = run(s, env, 'select');
    expect(s.flow.marked).toEqual([]);
    s = run(s, env, 'select', 'down', 'down', 'select');
    expect(s.flow.marked).toEqual([100, 102]);
    expect(currentScreen(s)).toBe('diff');
    s = run(s, env, 'back', 'down', 'select');
    expect(s.flow.marked).toEqual([102, 103]);
  });
});
