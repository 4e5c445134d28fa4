/**
 * `siptrace calls` as text: `table` (aligned columns for a terminal) and `csv` (RFC 4180, every
 * attribute). Both read the attribute table, so columns, sorting and filtering always agree.
 * `json` lives in calls-json.ts.
 */
import { CALL_ATTRIBUTES, findAttribute, type CallAttribute, type CallRow } from '../core/store/attributes.js';
import { ADDRESS_ATTRIBUTES, aliasAddress } from '../view/aliases.js';

/** The table's default columns: who, where, when, outcome, timing and media at a glance. */
export const DEFAULT_TABLE_COLUMNS: readonly string[] = [
  'index',
  'callid',
  'method',
  'from',
  'to',
  'src',
  'dst',
  'start',
  'state',
  'code',
  'reason',
  'msgcnt',
  'duration',
  'pdd',
  'streams',
  'loss',
  'jitter',
];

/** Columns are separated by two spaces (one is too easy to misread next to `ip:port`). */
const GAP = '  ';
const ELLIPSIS = '…';

export class UnknownColumnError extends Error {
  override readonly name = 'UnknownColumnError';
  constructor(readonly column: string) {
    super(`unknown column '${column}'; known columns: ${CALL_ATTRIBUTES.map((a) => a.id).join(', ')}`);
  }
}

/** Attribute ids or aliases → attributes, in the order given. Throws UnknownColumnError. */
export function resolveColumns(names: readonly string[]): CallAttribute[] {
  return names.map((n) => {
    const a = findAttribute(n.trim());
    if (a === undefined) throw new UnknownColumnError(n);
    return a;
  });
}

export interface CallsTableOptions {
  /** Attribute ids; default DEFAULT_TABLE_COLUMNS. */
  readonly columns?: readonly string[];
  /** Do not cut values at the attribute's width hint. */
  readonly wide?: boolean;
  /** Print the title line (default true). */
  readonly header?: boolean;
  /** Address aliases (config file) for the source/destination columns. */
  readonly aliases?: ReadonlyMap<string, string>;
}

/** Cuts to `width` code points, marking the cut. */
function cut(s: string, width: number): string {
  if (s.length <= width) return s; // code units ≥ code points: nothing to cut
  const chars = [...s];
  return chars.length <= width ? s : chars.slice(0, Math.max(0, width - 1)).join('') + ELLIPSIS;
}

/** Code points in `s` (what a terminal column count needs), without building an array. */
function lengthOf(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--; // a high surrogate: its pair is one code point
  }
  return n;
}

function padCell(s: string, width: number, align: 'left' | 'right'): string {
  const missing = width - lengthOf(s);
  if (missing <= 0) return s;
  const fill = ' '.repeat(missing);
  return align === 'right' ? fill + s : s + fill;
}

/**
 * Cells of a row, joined by NUL: one string per row while the column widths are measured.
 * Formatted wire text never holds a NUL (the attributes' formatters escape every control
 * character), so the separator cannot be confused with a value.
 */
const CELL_SEPARATOR = '\u0000';

/** Lines per chunk handed to the writer. */
const LINES_PER_CHUNK = 2048;

/**
 * The table as text chunks (each ends with a newline), for rows read once each: cells are
 * formatted in one pass (widths measured, each row kept as one joined string), then padded and
 * written a chunk at a time, so a 100k-call table never holds a cell array per call nor the
 * whole text at once. Wire text is sanitised by the attributes' formatters, so no control
 * character or escape sequence from a capture reaches the terminal.
 */
export function* callsTableChunks(rows: Iterable<CallRow>, opts: CallsTableOptions = {}): Generator<string> {
  const cols = resolveColumns(opts.columns ?? DEFAULT_TABLE_COLUMNS);
  const aliases = opts.aliases;
  const widths = cols.map((a) => lengthOf(a.title));
  const packed: string[] = [];
  const cells = new Array<string>(cols.length);
  for (const r of rows) {
    for (let c = 0; c < cols.length; c++) {
      const a = cols[c]!;
      const value = a.format(a.get(r));
      // names from the config file, for people reading the table (CSV and JSON keep addresses)
      const text = aliases !== undefined && ADDRESS_ATTRIBUTES.has(a.id) ? aliasAddress(value, aliases) : value;
      const cell = opts.wide === true ? text : cut(text, a.width);
      const w = lengthOf(cell);
      if (w > widths[c]!) widths[c] = w;
      cells[c] = cell;
    }
    // join() gives one flat string (~1 byte a character); `a + b` would keep a rope of every
    // cell alive until the second pass (~1 KB a row)
    packed.push(cells.join(CELL_SEPARATOR));
  }
  const line = (values: readonly string[]): string => {
    let s = '';
    for (let c = 0; c < values.length; c++) s += (c === 0 ? '' : GAP) + padCell(values[c]!, widths[c]!, cols[c]!.align);
    return s.trimEnd();
  };
  let chunk = opts.header !== false ? line(cols.map((a) => a.title)) + '\n' : '';
  for (let i = 0; i < packed.length; i++) {
    chunk += line(packed[i]!.split(CELL_SEPARATOR)) + '\n';
    packed[i] = ''; // the row is written: let its text go
    if ((i + 1) % LINES_PER_CHUNK === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/** The table as lines (no trailing newline); see callsTableChunks. */
export function renderCallsTable(rows: Iterable<CallRow>, opts: CallsTableOptions = {}): string[] {
  const text = [...callsTableChunks(rows, opts)].join('');
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

/** RFC 4180 §2: a field holding a comma, quote or line break is quoted, quotes doubled. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface CallsCsvOptions {
  /** Attribute ids; default every attribute. */
  readonly columns?: readonly string[];
}

/**
 * CSV with a header line of attribute ids and CRLF line ends (RFC 4180 §2). Values are the
 * attributes' machine text: plain numbers, durations in ms, times ISO-8601 UTC with µs; wire
 * text is sanitised (tabs/line breaks become spaces, other controls `\xNN`).
 */
export function* callsCsvChunks(rows: Iterable<CallRow>, opts: CallsCsvOptions = {}): Generator<string> {
  const cols = opts.columns === undefined ? [...CALL_ATTRIBUTES] : resolveColumns(opts.columns);
  let chunk = cols.map((a) => csvField(a.id)).join(',') + '\r\n';
  let lines = 0;
  for (const r of rows) {
    let line = '';
    for (let c = 0; c < cols.length; c++) {
      const a = cols[c]!;
      line += (c === 0 ? '' : ',') + csvField(a.text(a.get(r)));
    }
    chunk += line + '\r\n';
    if (++lines % LINES_PER_CHUNK === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/** The whole CSV text; see callsCsvChunks. */
export function renderCallsCsv(rows: Iterable<CallRow>, opts: CallsCsvOptions = {}): string {
  return [...callsCsvChunks(rows, opts)].join('');
}
