/**
 * The three form screens: columns (F10), settings (F8) and save (F2). Each draws its draft
 * from the state and tells which item is under a cell (mouse).
 */
import { attribute } from '../../core/store/attributes.js';
import { sanitizeField } from '../../core/text/sanitize.js';
import { SETTINGS, settingText } from '../forms.js';
import { displayKey } from '../keymap.js';
import { listQueries } from '../list-query.js';
import { SAVE_FORMATS, SAVE_SCOPES, type SaveScope } from '../save-formats.js';
import { keepVisible, type Hit, type UiState } from '../ui-state.js';
import type { ScreenContext } from './context.js';
import { fitText, FrameBuilder, MIN_HEIGHT, MIN_WIDTH, tooSmallFrame, type Frame } from './frame.js';

export interface FormView {
  readonly frame: Frame;
  /** Lines the item list shows (page size for the reducer). */
  readonly pageRows: number;
  readonly items: number;
  hitTest(x: number, y: number): Hit | undefined;
}

const tooSmall = (width: number, height: number): FormView => ({ frame: tooSmallFrame(width, height), pageRows: 1, items: 0, hitTest: () => undefined });

function saveTarget(ctx: ScreenContext): string {
  return ctx.configPath !== undefined ? sanitizeField(ctx.configPath) : 'the config file';
}

const TYPE_TEXT: Record<string, string> = { number: 'number', string: 'text', duration: 'duration', time: 'time', enum: 'state' };

export function columnsView(state: UiState, ctx: ScreenContext, width: number, height: number): FormView {
  if (width < MIN_WIDTH || height < MIN_HEIGHT) return tooSmall(width, height);
  const e = state.columnsEdit;
  const b = new FrameBuilder(width);
  b.line(' Columns of the call list', { inverse: true });
  const shown = e.items.filter((i) => i.on).map((i) => attribute(i.id).title);
  const preview = b.line(` List: ${shown.join(' | ')}`);
  b.mark({ line: preview, from: 1, to: 6, bold: true });
  b.line(`   ${'Shown'.padEnd(6)}${'Title'.padEnd(14)}${'Attribute'.padEnd(11)}${'Type'.padEnd(9)}Width`, { bold: true });
  const first = b.lines.length;
  const page = Math.max(1, height - first - 1);
  const scroll = keepVisible(0, e.cursor, page, e.items.length);
  e.items.slice(scroll, scroll + page).forEach((item, k) => {
    const a = attribute(item.id);
    const w = state.list.columnWidths[a.id];
    const at = scroll + k;
    const i = b.line(`   ${item.on ? '[x]' : '[ ]'}   ${fitText(a.title, 13, true)} ${a.id.padEnd(11)}${(TYPE_TEXT[a.type] ?? a.type).padEnd(9)}${w !== undefined ? `${w} (config)` : String(a.width)}`);
    if (at === e.cursor) b.mark({ line: i, from: 0, to: width, inverse: true });
    else if (item.on) b.mark({ line: i, from: 0, to: width, bold: true });
  });
  b.fill(height - 1);
  b.line(` ${ctx.status !== undefined ? sanitizeField(ctx.status) : `Space Show/hide  - + Move  Enter Apply  s Save to ${saveTarget(ctx)}  Esc Cancel`}`, { inverse: true });
  const hitTest = (_x: number, y: number): Hit | undefined => {
    const index = scroll + y - first;
    return y >= first && y < first + page && index < e.items.length ? { kind: 'item', index } : undefined;
  };
  return { frame: b.frame(), pageRows: page, items: e.items.length, hitTest };
}

export function settingsView(state: UiState, ctx: ScreenContext, width: number, height: number): FormView {
  if (width < MIN_WIDTH || height < MIN_HEIGHT) return tooSmall(width, height);
  const e = state.settingsEdit;
  const b = new FrameBuilder(width);
  b.line(' Settings: call flow display', { inverse: true });
  b.line('');
  const first = b.lines.length;
  SETTINGS.forEach((spec, k) => {
    const value = `< ${settingText(e.values, spec.key)} >`;
    const i = b.line(`   ${spec.title.padEnd(22)} ${value.padEnd(14)} ${spec.help}`);
    if (k === e.cursor) b.mark({ line: i, from: 0, to: width, inverse: true });
    else b.mark({ line: i, from: 26, to: 26 + value.length, bold: true });
  });
  b.line('');
  b.line(`   Enter applies to this session; s applies and saves to ${saveTarget(ctx)}.`);
  b.fill(height - 1);
  b.line(` ${ctx.status !== undefined ? sanitizeField(ctx.status) : 'Up/Down Setting  Left/Right/Space Change  Enter Apply  s Save  Esc Cancel'}`, { inverse: true });
  const hitTest = (_x: number, y: number): Hit | undefined => (y >= first && y < first + SETTINGS.length ? { kind: 'item', index: y - first } : undefined);
  return { frame: b.frame(), pageRows: SETTINGS.length, items: SETTINGS.length, hitTest };
}

/** How many calls each scope of the save screen writes. */
export function scopeCounts(state: UiState, ctx: ScreenContext): Record<SaveScope, number> {
  return { selected: state.saveCalls.length, filtered: listQueries(ctx.store).ids(state.list).length, all: ctx.load?.calls ?? ctx.store.stats().calls };
}

function scopeText(scope: SaveScope, state: UiState, counts: Record<SaveScope, number>): string {
  const n = counts[scope];
  const calls = `${n} call${n === 1 ? '' : 's'}`;
  if (scope === 'selected') {
    const ids = state.saveCalls.length > 8 ? `${state.saveCalls.slice(0, 8).join(',')},...` : state.saveCalls.join(',');
    return n === 0 ? 'selected: none' : `selected: ${calls} (${ids})`;
  }
  if (scope === 'filtered') return `shown in the list: ${calls}${state.list.filter !== '' || state.list.search !== '' ? ' (filter/search)' : ''}`;
  return `all: ${calls}`;
}

export function saveView(state: UiState, ctx: ScreenContext, width: number, height: number): FormView {
  if (width < MIN_WIDTH || height < MIN_HEIGHT) return tooSmall(width, height);
  const d = state.saveDialog;
  const counts = scopeCounts(state, ctx);
  const b = new FrameBuilder(width);
  b.line(' Save calls', { inverse: true });
  b.line('');
  const colW = 28;
  const heading = b.line(`   ${'Format'.padEnd(colW)}Calls`);
  b.mark({ line: heading, from: 3, to: 3 + 'Format'.length, bold: true, ...(d.field === 0 ? { inverse: true } : {}) });
  b.mark({ line: heading, from: 3 + colW, to: 3 + colW + 'Calls'.length, bold: true, ...(d.field === 1 ? { inverse: true } : {}) });
  const firstChoice = b.lines.length;
  const rows = Math.max(SAVE_FORMATS.length, SAVE_SCOPES.length);
  for (let k = 0; k < rows; k++) {
    const f = SAVE_FORMATS[k];
    const sc = SAVE_SCOPES[k];
    const left = f === undefined ? '' : `(${f.id === d.format ? '*' : ' '}) ${f.title}`;
    const right = sc === undefined ? '' : `(${sc === d.scope ? '*' : ' '}) ${scopeText(sc, state, counts)}`;
    const i = b.line(`   ${left.padEnd(colW)}${right}`);
    if (f?.id === d.format) b.mark({ line: i, from: 3, to: 3 + left.length, bold: true, ...(d.field === 0 ? { fg: 'cyan' } : {}) });
    if (sc === d.scope) b.mark({ line: i, from: 3 + colW, to: 3 + colW + right.length, bold: true, ...(d.field === 1 ? { fg: 'cyan' } : {}) });
  }
  b.line('');
  const fileLine = b.line(`   File: ${sanitizeField(state.input.text)}_`);
  b.mark({ line: fileLine, from: 3, to: 8, bold: true, ...(d.field === 2 ? { inverse: true } : {}) });
  b.line('');
  if (d.busy) b.line('   saving...', { bold: true });
  else if (d.error !== undefined) b.line(`   ${sanitizeField(d.error)}`, { fg: 'red', bold: true });
  else if (d.format === 'pcap' || d.format === 'pcap-rtp') b.line('   Packets are copied from the capture file (a .pcapng name writes pcapng).');
  else b.line('');
  b.fill(height - 1);
  const keys = ['Enter Save', `${displayKey('tab')}/Up/Down Field`, 'Left/Right Change', 'type the file name', 'Esc Cancel'];
  b.line(` ${keys.join('  ')}`, { inverse: true });
  const hitTest = (x: number, y: number): Hit | undefined => {
    if (y === fileLine) return { kind: 'item', index: 2 };
    const field = x >= 3 + colW ? 1 : 0;
    if (y === heading) return { kind: 'item', index: field };
    if (y >= firstChoice && y < firstChoice + rows) return { kind: 'choice', field, index: y - firstChoice };
    return undefined;
  };
  return { frame: b.frame(), pageRows: 1, items: 3, hitTest };
}
