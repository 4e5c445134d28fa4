/**
 * Keys as data: for each screen, which key runs which action, with the text the help screen
 * shows. sngrep's default keys (users' fingers know them), vi keys, arrows and page keys.
 * Key names are what `keyName()` makes of a blessed keypress: a printable character as typed
 * (`S`, `<`, `9`), else the key's name (`enter`, `escape`, `f7`, `pagedown`, `C-f`).
 */

export type ScreenId = 'list' | 'flow' | 'raw' | 'help' | 'filter' | 'search' | 'stats' | 'save' | 'columns' | 'settings' | 'diff';

export type ActionId =
  | 'quit'
  | 'back'
  | 'help'
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'pageUp'
  | 'pageDown'
  | 'first'
  | 'last'
  | 'open'
  | 'raw'
  | 'filter'
  | 'search'
  | 'columns'
  | 'sortPrev'
  | 'sortNext'
  | 'sortReverse'
  | 'select'
  | 'save'
  | 'stats'
  | 'follow'
  | 'togglePane'
  | 'paneWider'
  | 'paneNarrower'
  | 'colorMode'
  | 'compress'
  | 'sdpMode'
  | 'rtpMode'
  | 'related'
  | 'clearFilter'
  | 'settings'
  | 'saveConfig'
  | 'moveUp'
  | 'moveDown'
  | 'nextField'
  | 'prevField'
  | 'paneUp'
  | 'paneDown'
  | 'timeFormat'
  | 'retrans'
  | 'toggleAliases';

export interface KeyBinding {
  /** Key names, the first one shown first in help. */
  readonly keys: readonly string[];
  readonly action: ActionId;
  readonly help: string;
}

const QUIT: KeyBinding = { keys: ['q', 'C-c'], action: 'quit', help: 'quit (Ctrl-C exits with status 130)' };
const BACK: KeyBinding = { keys: ['escape'], action: 'back', help: 'back to the previous screen' };
const HELP: KeyBinding = { keys: ['f1'], action: 'help', help: 'help for this screen' };
const MOVE: readonly KeyBinding[] = [
  { keys: ['up', 'k'], action: 'up', help: 'move up' },
  { keys: ['down', 'j'], action: 'down', help: 'move down' },
  { keys: ['pageup', 'C-b'], action: 'pageUp', help: 'page up' },
  { keys: ['pagedown', 'C-f'], action: 'pageDown', help: 'page down' },
  { keys: ['home', 'g'], action: 'first', help: 'first line' },
  { keys: ['end', 'G'], action: 'last', help: 'last line' },
];

/** Bindings per screen. Input screens (filter, search) take text; only these keys act there. */
export const KEYMAP: Readonly<Record<ScreenId, readonly KeyBinding[]>> = {
  list: [
    ...MOVE,
    { keys: ['enter'], action: 'open', help: 'call flow of the selected calls (or the call under the cursor)' },
    { keys: ['space'], action: 'select', help: 'select / unselect the call' },
    { keys: ['f6', 'R'], action: 'raw', help: 'raw messages of the selected calls' },
    { keys: ['f7'], action: 'filter', help: 'filter expression (e.g. state == failed and pdd > 3s)' },
    { keys: ['/', 'f3'], action: 'search', help: 'search every attribute' },
    { keys: ['f5', 'C-l'], action: 'clearFilter', help: 'clear filter, search and selection' },
    { keys: ['<'], action: 'sortPrev', help: 'sort by the previous column' },
    { keys: ['>'], action: 'sortNext', help: 'sort by the next column' },
    { keys: ['z'], action: 'sortReverse', help: 'reverse the sort order' },
    { keys: ['f10', 't', 'T'], action: 'columns', help: 'columns: choose, order, save' },
    { keys: ['a'], action: 'toggleAliases', help: 'addresses as aliases (config file) / as captured' },
    { keys: ['f2', 'S'], action: 'save', help: 'save calls' },
    { keys: ['i'], action: 'stats', help: 'statistics and charts' },
    { keys: ['A'], action: 'follow', help: 'follow new calls (autoscroll)' },
    { keys: ['f8', 'o', 'O'], action: 'settings', help: 'settings (call flow display), saved to the config file' },
    { keys: ['f1', 'h'], action: 'help', help: 'help for this screen' },
    BACK,
    QUIT,
  ],
  flow: [
    ...MOVE,
    { keys: ['left', 'h'], action: 'left', help: 'scroll the ladder left' },
    { keys: ['right', 'l'], action: 'right', help: 'scroll the ladder right' },
    { keys: ['enter', 'f6', 'R'], action: 'raw', help: 'raw messages of the calls' },
    { keys: ['t'], action: 'togglePane', help: 'show / hide the message pane' },
    { keys: ['J'], action: 'paneDown', help: 'scroll the message pane down (or the mouse wheel over it)' },
    { keys: ['K'], action: 'paneUp', help: 'scroll the message pane up' },
    { keys: ['9'], action: 'paneNarrower', help: 'narrower message pane' },
    { keys: ['0'], action: 'paneWider', help: 'wider message pane' },
    { keys: ['c'], action: 'colorMode', help: 'colour by request/response, CSeq, Call-ID' },
    { keys: ['s'], action: 'compress', help: 'one column per host / per address' },
    { keys: ['d', 'f2'], action: 'sdpMode', help: 'SDP on arrows: codecs / marker only' },
    { keys: ['m', 'f3'], action: 'rtpMode', help: 'RTP stream arrows on / off' },
    { keys: ['x', 'f4'], action: 'related', help: 'add / remove related legs (X-Call-ID)' },
    { keys: ['w'], action: 'timeFormat', help: 'times: clock +delta / since the first arrow / clock only' },
    { keys: ['e'], action: 'retrans', help: 'show / hide retransmitted copies' },
    { keys: ['a'], action: 'toggleAliases', help: 'column names: aliases (config file) / addresses' },
    { keys: ['space'], action: 'select', help: 'mark the message; marking a second one shows the two side by side (diff)' },
    { keys: ['S'], action: 'save', help: 'save these calls' },
    { keys: ['f8', 'o', 'O'], action: 'settings', help: 'settings, saved to the config file' },
    HELP,
    BACK,
    QUIT,
  ],
  diff: [...MOVE, HELP, BACK, QUIT],
  raw: [...MOVE, { keys: ['S', 'f2'], action: 'save', help: 'save these calls' }, HELP, BACK, QUIT],
  help: [...MOVE, BACK, QUIT],
  stats: [...MOVE, HELP, BACK, QUIT],
  save: [
    { keys: ['enter'], action: 'open', help: 'write the file (a .pcapng name writes pcapng)' },
    { keys: ['tab', 'down'], action: 'nextField', help: 'next field' },
    { keys: ['S-tab', 'up'], action: 'prevField', help: 'previous field' },
    { keys: ['left'], action: 'left', help: 'previous format / calls' },
    { keys: ['right'], action: 'right', help: 'next format / calls' },
    { keys: ['escape'], action: 'back', help: 'cancel' },
  ],
  columns: [
    ...MOVE,
    { keys: ['space'], action: 'select', help: 'show / hide the column' },
    { keys: ['-', 'K'], action: 'moveUp', help: 'move the column up (left in the list)' },
    { keys: ['+', 'J'], action: 'moveDown', help: 'move the column down (right in the list)' },
    { keys: ['enter'], action: 'open', help: 'apply' },
    { keys: ['s', 'f2'], action: 'saveConfig', help: 'apply and save to the config file' },
    { keys: ['f1', 'h'], action: 'help', help: 'help for this screen' },
    { keys: ['escape'], action: 'back', help: 'cancel' },
    QUIT,
  ],
  settings: [
    { keys: ['up', 'k'], action: 'up', help: 'previous setting' },
    { keys: ['down', 'j'], action: 'down', help: 'next setting' },
    { keys: ['home', 'g'], action: 'first', help: 'first setting' },
    { keys: ['end', 'G'], action: 'last', help: 'last setting' },
    { keys: ['left', 'h'], action: 'left', help: 'previous value' },
    { keys: ['right', 'l', 'space'], action: 'right', help: 'next value' },
    { keys: ['enter'], action: 'open', help: 'apply' },
    { keys: ['s', 'f2'], action: 'saveConfig', help: 'apply and save to the config file' },
    HELP,
    { keys: ['escape'], action: 'back', help: 'cancel' },
    QUIT,
  ],
  filter: [
    { keys: ['enter'], action: 'open', help: 'apply the expression' },
    { keys: ['escape'], action: 'back', help: 'cancel' },
  ],
  search: [
    { keys: ['enter'], action: 'open', help: 'keep the search' },
    { keys: ['escape'], action: 'back', help: 'cancel the search' },
  ],
};

/** Screens where typed characters are text, not keys. */
export const INPUT_SCREENS: ReadonlySet<ScreenId> = new Set<ScreenId>(['filter', 'search', 'save']);

/** The action of a key on a screen, or undefined. */
export function actionFor(screen: ScreenId, key: string): ActionId | undefined {
  for (const b of KEYMAP[screen]) if (b.keys.includes(key)) return b.action;
  return undefined;
}

/** What blessed hands to a keypress listener (a subset of its key object). */
export interface KeyEvent {
  readonly name?: string;
  readonly full?: string;
  readonly ctrl?: boolean;
  readonly meta?: boolean;
  readonly shift?: boolean;
}

/**
 * One name per keypress. blessed reports Enter twice (`return`, then `enter`): `return` is
 * dropped. A printable character stays as typed so `S` and `s` are different keys.
 */
export function keyName(ch: string | undefined, key: KeyEvent | undefined): string | undefined {
  if (key?.name === 'return') return undefined;
  if (key?.name === 'tab' && key.shift === true) return 'S-tab';
  if (key !== undefined && (key.ctrl === true || key.meta === true)) return key.full;
  if (key?.name === 'space' || ch === ' ') return 'space';
  if (ch !== undefined && ch.length === 1 && ch >= ' ' && ch !== '\x7f' && key?.name !== 'escape' && key?.name !== 'enter' && key?.name !== 'tab') return ch;
  return key?.name ?? ch;
}

/** How a key name reads in help and footers: `F7`, `Ctrl-F`, `Esc`, `PgDn`. */
export function displayKey(key: string): string {
  const named: Record<string, string> = {
    escape: 'Esc', enter: 'Enter', space: 'Space', up: 'Up', down: 'Down', left: 'Left', right: 'Right',
    pageup: 'PgUp', pagedown: 'PgDn', home: 'Home', end: 'End',
  };
  if (named[key] !== undefined) return named[key];
  if (key === 'S-tab') return 'Shift-Tab';
  if (key === 'tab') return 'Tab';
  if (/^f\d+$/.test(key)) return key.toUpperCase();
  if (key.startsWith('C-')) return `Ctrl-${key.slice(2).toUpperCase()}`;
  return key;
}

/** Help lines of a screen: `F6 R        raw messages ...`, one per binding, from the table. */
export function helpLines(screen: ScreenId): string[] {
  const rows = KEYMAP[screen].map((b) => [b.keys.map(displayKey).join(' '), b.help] as const);
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, h]) => `${k.padEnd(w)}  ${h}`);
}
