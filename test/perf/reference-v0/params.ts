/**
 * Header parameters and comma lists (RFC 3261 §7.3.1, §25.1). Byte-level scanners for the
 * eager parse (From/To `tag`, Via `branch`) plus string wrappers for lazy readers.
 *
 * Rules that matter for correlation:
 * - In name-addr form (`"Name" <uri;p>;tag=x`) the header parameters start after `>`;
 *   a `tag=` inside the angle brackets belongs to the URI (RFC 3261 §20.10).
 * - In addr-spec form (no `<`), every `;` after the URI starts a header parameter
 *   (RFC 3261 §20.10: a URI with `;` must be bracketed).
 * - Quoted strings may hold `;`, `,`, `<` and backslash escapes (quoted-pair, §25.1).
 * - A comma outside quotes and brackets ends one value of a list header (§7.3.1).
 */
import { lowerAsciiByte } from './header-names.js';

const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const LT = 0x3c;
const GT = 0x3e;
const COMMA = 0x2c;
const SEMI = 0x3b;
const EQUALS = 0x3d;

/** A byte range [start, end) into a buffer; reused by callers to avoid allocation. */
export interface ByteRange {
  start: number;
  end: number;
}

function isLws(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/** `i` at an opening DQUOTE: index just past the closing quote (or `end` when unterminated). */
export function skipQuotedString(buf: Uint8Array, i: number, end: number): number {
  i++;
  while (i < end) {
    const c = buf[i]!;
    if (c === BACKSLASH) i += 2;
    else if (c === DQUOTE) return i + 1;
    else i++;
  }
  return end;
}

/** Index of the first `,` outside quoted strings and angle brackets, or `end`. */
export function listValueEnd(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const c = buf[i]!;
    if (c === DQUOTE) i = skipQuotedString(buf, i, end);
    else if (c === LT) {
      i++;
      while (i < end && buf[i] !== GT) i++;
      i++;
    } else if (c === COMMA) return i;
    else i++;
  }
  return end;
}

/**
 * Index of the `;` that starts the header parameters of the first list value in
 * buf[start..end): the first `;` outside quoted strings and `<...>`; -1 when the value (up to
 * a `,` outside quotes and brackets) has none. In a well-formed value a `;` before `<` can only
 * sit in a quoted display name, so one pass without look-ahead is enough.
 */
export function headerParamsStart(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const c = buf[i]!;
    if (c === SEMI) return i;
    if (c === COMMA) return -1;
    if (c === DQUOTE) i = skipQuotedString(buf, i, end);
    else if (c === LT) {
      i++;
      while (i < end && buf[i] !== GT) i++;
      i++;
    } else i++;
  }
  return -1;
}

/**
 * Finds header parameter `lowerName` (lower-case ASCII bytes) in the first list value of
 * buf[start..end). On success writes the value's range into `out` (inside the quotes for a
 * quoted value; empty for a flag parameter) and returns true. Parameter names compare
 * case-insensitively (RFC 3261 §7.3.1).
 * One pass: this runs three times per message.
 */
export function findHeaderParam(buf: Uint8Array, start: number, end: number, lowerName: Uint8Array, out: ByteRange): boolean {
  let i = headerParamsStart(buf, start, end);
  if (i < 0) return false;
  const nameLen = lowerName.length;
  while (i < end && buf[i] === SEMI) {
    i++; // past ';'
    while (i < end && isLws(buf[i]!)) i++;
    const nameStart = i;
    while (i < end) {
      const c = buf[i]!;
      if (c === EQUALS || c === SEMI || c === COMMA || isLws(c)) break;
      i++;
    }
    const nameEnd = i;
    while (i < end && isLws(buf[i]!)) i++;
    let vStart = i;
    let vEnd = i;
    if (i < end && buf[i] === EQUALS) {
      i++;
      while (i < end && isLws(buf[i]!)) i++;
      if (i < end && buf[i] === DQUOTE) {
        const close = skipQuotedString(buf, i, end);
        vStart = i + 1;
        vEnd = close > vStart && buf[close - 1] === DQUOTE ? close - 1 : close;
        i = close;
      } else {
        vStart = i;
        while (i < end) {
          const c = buf[i]!;
          if (c === SEMI || c === COMMA || isLws(c)) break;
          i++;
        }
        vEnd = i;
      }
    }
    if (nameEnd - nameStart === nameLen) {
      let k = 0;
      while (k < nameLen && lowerAsciiByte(buf[nameStart + k]!) === lowerName[k]) k++;
      if (k === nameLen) {
        out.start = vStart;
        out.end = vEnd;
        return true;
      }
    }
    // skip anything odd up to the next ';' (a ',' ends the list value)
    while (i < end) {
      const c = buf[i]!;
      if (c === SEMI || c === COMMA) break;
      if (c === DQUOTE) i = skipQuotedString(buf, i, end);
      else i++;
    }
  }
  return false;
}

// ---- string wrappers (lazy paths: views, URI columns) ----

/** Removes surrounding quotes and resolves quoted-pairs; other strings are returned trimmed. */
export function unquote(s: string): string {
  const t = s.trim();
  if (t.length < 2 || t[0] !== '"') return t;
  const close = t.endsWith('"') ? t.length - 1 : t.length;
  let out = '';
  for (let i = 1; i < close; i++) {
    const ch = t[i]!;
    if (ch === '\\' && i + 1 < close) {
      out += t[i + 1]!;
      i++;
    } else out += ch;
  }
  return out;
}

/**
 * Splits a list header value on commas outside quotes and angle brackets (Via, Contact,
 * Route...). Items are trimmed; empty items are dropped.
 */
export function splitCommaList(value: string): string[] {
  const buf = Buffer.from(value, 'utf8');
  const items: string[] = [];
  let start = 0;
  while (start <= buf.length) {
    const e = listValueEnd(buf, start, buf.length);
    const item = buf.toString('utf8', start, e).trim();
    if (item !== '') items.push(item);
    start = e + 1;
  }
  return items;
}

/**
 * A header parameter of the first list value of `value` (`;tag=`, `;branch=`, `;expires=`),
 * unquoted; '' for a flag parameter (`;lr`); undefined when absent.
 */
export function headerParam(value: string, name: string): string | undefined {
  const buf = Buffer.from(value, 'utf8');
  const out: ByteRange = { start: 0, end: 0 };
  if (!findHeaderParam(buf, 0, buf.length, Buffer.from(name.toLowerCase(), 'latin1'), out)) return undefined;
  return unescapeQuotedPairs(buf.toString('utf8', out.start, out.end));
}

function unescapeQuotedPairs(s: string): string {
  return s.includes('\\') ? s.replace(/\\(.)/gs, '$1') : s;
}

export interface Param {
  readonly name: string;
  /** Unquoted value; undefined for a flag parameter (`;lr`). */
  readonly value?: string;
}

/**
 * Parses `;a=b;c;d="x;y"` style text (leading `;` optional) into parameters, in order.
 * Stops at a comma outside quotes (end of the list value).
 */
export function parseParamList(text: string): Param[] {
  const params: Param[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && (text[i] === ';' || text[i] === ' ' || text[i] === '\t')) i++;
    if (i >= n || text[i] === ',') break;
    const nameStart = i;
    while (i < n && text[i] !== '=' && text[i] !== ';' && text[i] !== ',') i++;
    const name = text.slice(nameStart, i).trim();
    let value: string | undefined;
    if (i < n && text[i] === '=') {
      i++;
      while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
      if (text[i] === '"') {
        const start = i;
        i++;
        while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
        i = Math.min(n, i + 1);
        value = unquote(text.slice(start, i));
      } else {
        const start = i;
        while (i < n && text[i] !== ';' && text[i] !== ',') i++;
        value = text.slice(start, i).trim();
      }
    }
    if (name !== '') params.push(value === undefined ? { name } : { name, value });
    if (i < n && text[i] === ',') break;
  }
  return params;
}

/** Every header parameter of the first list value of `value` (after the name-addr's `>`). */
export function headerParams(value: string): Param[] {
  const buf = Buffer.from(value, 'utf8');
  const i = headerParamsStart(buf, 0, buf.length);
  return i < 0 ? [] : parseParamList(buf.toString('utf8', i, listValueEnd(buf, i, buf.length)));
}
