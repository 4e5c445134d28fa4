/**
 * Tokens of the filter language, read on demand so the first mistake from the left is the one
 * reported. Words are liberal (anything but spaces, quotes, parentheses, commas and operator
 * characters) so that `in-call`, `10.0.0.1:5060`, `sip:1234@host`, `2024-01-01T10:00Z` and
 * `+10s` need no quotes.
 */
import { FilterSyntaxError } from './filter-ast.js';

export type TokenKind = 'word' | 'string' | 'regex' | 'op' | '(' | ')' | ',' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** Source text of the token (for messages). */
  readonly text: string;
  /** Word text, unescaped string content, or regex source. */
  readonly value: string;
  /** Regex flags as written. */
  readonly flags: string;
  /** 0-based column where the token starts. */
  readonly pos: number;
}

const OPERATORS = ['==', '!=', '<=', '>=', '!~', '&&', '||', '=', '<', '>', '~', '!'] as const;

/** Characters that end a word (besides whitespace and control characters). */
const NON_WORD = new Set(['(', ')', ',', '"', "'", '=', '!', '<', '>', '~', '&', '|', '/']);

export function isWordChar(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c > 0x20 && c !== 0x7f && !(c >= 0x80 && c < 0xa0) && !NON_WORD.has(ch) && !/\s/.test(ch);
}

/** Text that lexes back as exactly one word token. */
export function isWordText(s: string): boolean {
  if (s.length === 0) return false;
  for (const ch of s) if (!isWordChar(ch)) return false;
  return true;
}

/** Shows a character safely inside an error message. */
export function showChar(ch: string): string {
  const c = ch.charCodeAt(0);
  return c < 0x20 || c === 0x7f ? `\\x${c.toString(16).padStart(2, '0')}` : ch;
}

export class FilterLexer {
  private pos = 0;
  private peeked?: Token;

  constructor(readonly input: string) {}

  peek(): Token {
    this.peeked ??= this.read();
    return this.peeked;
  }

  next(): Token {
    const t = this.peek();
    this.peeked = undefined;
    return t;
  }

  private fail(message: string, pos: number): never {
    throw new FilterSyntaxError(`${message} at column ${pos}`, pos, this.input);
  }

  private read(): Token {
    const s = this.input;
    while (this.pos < s.length && /\s/.test(s[this.pos]!)) this.pos++;
    const start = this.pos;
    if (start >= s.length) return { kind: 'end', text: '', value: '', flags: '', pos: start };
    const ch = s[start]!;
    if (ch === '(' || ch === ')' || ch === ',') {
      this.pos++;
      return { kind: ch, text: ch, value: ch, flags: '', pos: start };
    }
    if (ch === '"' || ch === "'") return this.readString(ch, start);
    if (ch === '/') return this.readRegex(start);
    for (const op of OPERATORS) {
      if (s.startsWith(op, start)) {
        this.pos += op.length;
        return { kind: 'op', text: op, value: op, flags: '', pos: start };
      }
    }
    if (!isWordChar(ch)) {
      const hint = ch === '&' ? " (use 'and')" : ch === '|' ? " (use 'or')" : '';
      this.fail(`unexpected character '${showChar(ch)}'${hint}`, start);
    }
    let end = start;
    while (end < s.length && isWordChar(s[end]!)) end++;
    this.pos = end;
    const text = s.slice(start, end);
    return { kind: 'word', text, value: text, flags: '', pos: start };
  }

  /** Quoted string; backslash escapes the next character (`\n`, `\t`, `\r` name controls). */
  private readString(quote: string, start: number): Token {
    const s = this.input;
    let value = '';
    let i = start + 1;
    for (; i < s.length; i++) {
      const c = s[i]!;
      if (c === quote) {
        this.pos = i + 1;
        return { kind: 'string', text: s.slice(start, i + 1), value, flags: '', pos: start };
      }
      if (c === '\\' && i + 1 < s.length) {
        const e = s[++i]!;
        value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
      } else {
        value += c;
      }
    }
    this.fail(`unterminated string (missing ${quote})`, start);
  }

  /** `/source/flags`; `\/` escapes a slash, and a slash inside `[...]` does not end it. */
  private readRegex(start: number): Token {
    const s = this.input;
    let inClass = false;
    for (let i = start + 1; i < s.length; i++) {
      const c = s[i];
      if (c === '\\') i++;
      else if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) {
        let end = i + 1;
        while (end < s.length && /[A-Za-z]/.test(s[end]!)) end++;
        this.pos = end;
        return { kind: 'regex', text: s.slice(start, end), value: s.slice(start + 1, i), flags: s.slice(i + 1, end), pos: start };
      }
    }
    this.fail('unterminated regular expression (missing /)', start);
  }
}
