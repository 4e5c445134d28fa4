/**
 * The reducer's part for the three forms: columns (F10), settings (F8) and save (F2). Pure,
 * like ui-state.ts: each takes the state and an action and returns the next state. Drafts are
 * edited in the state and applied on Enter; Esc (handled by ui-state) drops them.
 */
import { ATTRIBUTE_IDS } from '../core/store/attributes.js';
import type { ActionId } from './keymap.js';
import { SAVE_FORMATS, SAVE_SCOPES, type SaveFormatId } from './save-formats.js';
import { COLOR_MODES, PANE_MAX_WIDTH, PANE_MIN_WIDTH, SDP_MODES, TIME_FORMATS, type FlowSettings } from './flow-settings.js';
import type { ConfigRequest, UiState } from './ui-state.js';

export interface ColumnItem {
  readonly id: string;
  readonly on: boolean;
}

export interface ColumnsEdit {
  /** Every attribute: the shown ones first in their order, then the others in table order. */
  readonly items: readonly ColumnItem[];
  readonly cursor: number;
}

export interface SettingsEdit {
  readonly values: FlowSettings;
  readonly cursor: number;
}

const clamp = (n: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, n));

function step<T>(values: readonly T[], current: T, dir: number): T {
  const i = values.indexOf(current);
  return values[(((i < 0 ? 0 : i) + dir) % values.length + values.length) % values.length]!;
}

/** The column screen's draft for the columns shown now. */
export function openColumns(s: UiState): UiState {
  const shown = s.list.columns.filter((id) => ATTRIBUTE_IDS.includes(id));
  const items = [...shown.map((id) => ({ id, on: true })), ...ATTRIBUTE_IDS.filter((id) => !shown.includes(id)).map((id) => ({ id, on: false }))];
  return { ...s, columnsEdit: { items, cursor: 0 } };
}

/** The columns a draft shows, with the widths the config gave them. */
export function draftColumns(s: UiState): ConfigRequest['columns'] {
  return s.columnsEdit.items
    .filter((i) => i.on)
    .map((i) => (s.list.columnWidths[i.id] !== undefined ? { attr: i.id, width: s.list.columnWidths[i.id]! } : { attr: i.id }));
}

function applyColumns(s: UiState): UiState {
  const columns = s.columnsEdit.items.filter((i) => i.on).map((i) => i.id);
  return { ...s, list: { ...s.list, columns } };
}

export function columnsAction(s: UiState, a: ActionId, pop: (s: UiState) => UiState): UiState {
  const e = s.columnsEdit;
  const last = Math.max(0, e.items.length - 1);
  const to = (cursor: number): UiState => ({ ...s, columnsEdit: { ...e, cursor: clamp(cursor, 0, last) } });
  const move = (dir: number): UiState => {
    const j = e.cursor + dir;
    if (j < 0 || j > last) return s;
    const items = [...e.items];
    [items[e.cursor], items[j]] = [items[j]!, items[e.cursor]!];
    return { ...s, columnsEdit: { items, cursor: j } };
  };
  switch (a) {
    case 'up': return to(e.cursor - 1);
    case 'down': return to(e.cursor + 1);
    case 'pageUp': return to(e.cursor - 10);
    case 'pageDown': return to(e.cursor + 10);
    case 'first': return to(0);
    case 'last': return to(last);
    case 'moveUp': return move(-1);
    case 'moveDown': return move(1);
    case 'select': {
      const item = e.items[e.cursor];
      if (item === undefined) return s;
      // the list needs at least one column
      if (item.on && e.items.filter((i) => i.on).length === 1) return s;
      const items = e.items.map((it, k) => (k === e.cursor ? { ...it, on: !it.on } : it));
      return { ...s, columnsEdit: { ...e, items } };
    }
    case 'open': return pop(applyColumns(s));
    case 'saveConfig': return pop({ ...applyColumns(s), configRequest: { ...(s.configRequest ?? {}), columns: draftColumns(s) } });
    default: return s;
  }
}

/** One line of the settings screen: the key it edits and its text. */
export interface SettingSpec {
  readonly key: keyof FlowSettings;
  readonly title: string;
  readonly help: string;
}

export const SETTINGS: readonly SettingSpec[] = [
  { key: 'color', title: 'Colour mode', help: 'arrows coloured by request/response, by transaction (CSeq) or by call' },
  { key: 'timeFormat', title: 'Time format', help: 'ladder times: clock +delta, time since the first arrow, clock only' },
  { key: 'retrans', title: 'Show retransmissions', help: 'off: only originals are drawn, with their resend count' },
  { key: 'pane', title: 'Message pane', help: 'the raw message beside the ladder' },
  { key: 'paneWidth', title: 'Message pane width', help: `cells, ${PANE_MIN_WIDTH} to ${PANE_MAX_WIDTH}` },
  { key: 'sdp', title: 'SDP on arrows', help: 'codecs, or only an (SDP) marker' },
  { key: 'rtp', title: 'RTP arrows', help: 'draw the RTP streams of the calls' },
  { key: 'compress', title: 'One column per host', help: 'off: one column per address and port' },
];

/** A setting's value as text. */
export function settingText(v: FlowSettings, key: keyof FlowSettings): string {
  const x = v[key];
  return typeof x === 'boolean' ? (x ? 'on' : 'off') : String(x);
}

function changeSetting(v: FlowSettings, key: keyof FlowSettings, dir: number): FlowSettings {
  switch (key) {
    case 'color': return { ...v, color: step(COLOR_MODES, v.color, dir) };
    case 'timeFormat': return { ...v, timeFormat: step(TIME_FORMATS, v.timeFormat, dir) };
    case 'sdp': return { ...v, sdp: step(SDP_MODES, v.sdp, dir) };
    case 'paneWidth': return { ...v, paneWidth: clamp(v.paneWidth + 4 * dir, PANE_MIN_WIDTH, PANE_MAX_WIDTH) };
    default: return { ...v, [key]: !v[key] };
  }
}

export function openSettings(s: UiState): UiState {
  const f = s.flow;
  const values: FlowSettings = { color: f.color, timeFormat: f.timeFormat, retrans: f.retrans, pane: f.pane, paneWidth: f.paneWidth, sdp: f.sdp, rtp: f.rtp, compress: f.compress };
  return { ...s, settingsEdit: { values, cursor: 0 } };
}

function applySettings(s: UiState): UiState {
  const v = s.settingsEdit.values;
  const rowsChange = v.retrans !== s.flow.retrans || v.rtp !== s.flow.rtp;
  return { ...s, flow: { ...s.flow, ...v, ...(rowsChange ? { cursor: 0, scroll: 0, paneScroll: 0 } : {}), ...(v.compress !== s.flow.compress ? { hscroll: 0 } : {}) } };
}

export function settingsAction(s: UiState, a: ActionId, pop: (s: UiState) => UiState): UiState {
  const e = s.settingsEdit;
  const last = SETTINGS.length - 1;
  const key = SETTINGS[e.cursor]!.key;
  const change = (dir: number): UiState => ({ ...s, settingsEdit: { ...e, values: changeSetting(e.values, key, dir) } });
  switch (a) {
    case 'up': return { ...s, settingsEdit: { ...e, cursor: clamp(e.cursor - 1, 0, last) } };
    case 'down': return { ...s, settingsEdit: { ...e, cursor: clamp(e.cursor + 1, 0, last) } };
    case 'first': return { ...s, settingsEdit: { ...e, cursor: 0 } };
    case 'last': return { ...s, settingsEdit: { ...e, cursor: last } };
    case 'left': return change(-1);
    case 'right':
    case 'select': return change(1);
    case 'open': return pop(applySettings(s));
    case 'saveConfig': return pop({ ...applySettings(s), configRequest: { ...(s.configRequest ?? {}), settings: e.values } });
    default: return s;
  }
}

export interface DialogHelpers {
  pop(s: UiState): UiState;
  switchExtension(path: string, from: SaveFormatId, to: SaveFormatId): string;
}

/** The save form: fields format, calls and file name; Enter hands a request to the app. */
export function saveDialogAction(s: UiState, a: ActionId, h: DialogHelpers): UiState {
  const { error: _, ...d } = s.saveDialog;
  switch (a) {
    case 'back': return h.pop({ ...s, saveDialog: { ...d, busy: false }, input: { text: '', previous: '' } });
    case 'up':
    case 'prevField': return { ...s, saveDialog: { ...d, field: (d.field + 2) % 3 } };
    case 'down':
    case 'nextField': return { ...s, saveDialog: { ...d, field: (d.field + 1) % 3 } };
    case 'left':
    case 'right': {
      const dir = a === 'left' ? -1 : 1;
      if (d.field === 0) {
        const format = step(SAVE_FORMATS.map((f) => f.id), d.format, dir);
        return { ...s, saveDialog: { ...d, format }, input: { ...s.input, text: h.switchExtension(s.input.text, d.format, format) } };
      }
      if (d.field === 1) {
        // 'selected' needs calls to be chosen
        let scope = step(SAVE_SCOPES, d.scope, dir);
        if (scope === 'selected' && s.saveCalls.length === 0) scope = step(SAVE_SCOPES, scope, dir);
        return { ...s, saveDialog: { ...d, scope } };
      }
      return s;
    }
    case 'open': {
      if (d.busy) return s;
      const path = s.input.text.trim();
      if (path === '') return { ...s, saveDialog: { ...d, field: 2, error: 'type a file name' } };
      return { ...s, saveDialog: d, saveRequest: { path, format: d.format, scope: d.scope, calls: s.saveCalls } };
    }
    default: return s;
  }
}

/** A click on a choice of the save form: format (field 0) or calls (field 1). */
export function chooseSaveOption(s: UiState, field: number, index: number, switchExtension: DialogHelpers['switchExtension']): UiState {
  const { error: _, ...d } = s.saveDialog;
  if (field === 0) {
    const format = SAVE_FORMATS[index]?.id;
    if (format === undefined) return s;
    return { ...s, saveDialog: { ...d, field, format }, input: { ...s.input, text: switchExtension(s.input.text, d.format, format) } };
  }
  const scope = SAVE_SCOPES[index];
  if (scope === undefined || (scope === 'selected' && s.saveCalls.length === 0)) return s;
  return { ...s, saveDialog: { ...d, field, scope } };
}
