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
  const chars = [...s];
  return chars.length <= width ? s : chars.slice(0, Math.max(0, width - 1)).join('') + ELLIPSIS;
}

function lengthOf(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function padCell(s: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - lengthOf(s)));
  return align === 'right' ? fill + s : s + fill;
}

/**
 * The table as lines (no trailing newline). Wire text is sanitised by the attributes'
 * formatters, so no control character or escape sequence from a capture reaches the terminal.
 */
export function renderCallsTable(rows: readonly CallRow[], opts: CallsTableOptions = {}): string[] {
  const cols = resolveColumns(opts.columns ?? DEFAULT_TABLE_COLUMNS);
  const aliases = opts.aliases;
  const cells = rows.map((r) =>
    cols.map((a) => {
      const value = a.format(a.get(r));
      // names from the config file, for people reading the table (CSV and JSON keep addresses)
      const text = aliases !== undefined && ADDRESS_ATTRIBUTES.has(a.id) ? aliasAddress(value, aliases) : value;
      return opts.wide === true ? text : cut(text, a.width);
    }),
  );
  const widths = cols.map((a, c) => {
    let w = lengthOf(a.title);
    for (const line of cells) w = Math.max(w, lengthOf(line[c]!));
    return w;
  });
  const line = (values: readonly string[]): string =>
    values
      .map((v, c) => padCell(v, widths[c]!, cols[c]!.align))
      .join(GAP)
      .trimEnd();
  const out: string[] = [];
  if (opts.header !== false) out.push(line(cols.map((a) => a.title)));
  for (const c of cells) out.push(line(c));
  return out;
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
export function renderCallsCsv(rows: readonly CallRow[], opts: CallsCsvOptions = {}): string {
  const cols = opts.columns === undefined ? [...CALL_ATTRIBUTES] : resolveColumns(opts.columns);
  const lines = [cols.map((a) => csvField(a.id)).join(',')];
  for (const r of rows) lines.push(cols.map((a) => csvField(a.text(a.get(r)))).join(','));
  return lines.join('\r\n') + '\r\n';
}
