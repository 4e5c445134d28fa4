/**
 * The call filter language, shared by `siptrace calls --filter` and the TUI's filter prompt.
 * Attributes are the ones of attributes.ts (plus `payload`, every message's raw text).
 *
 *   filter     = or-expr ;
 *   or-expr    = and-expr { ( "or" | "||" ) and-expr } ;
 *   and-expr   = unary { ( "and" | "&&" ) unary } ;
 *   unary      = ( "not" | "!" ) unary | "(" or-expr ")" | condition ;
 *   condition  = attribute ( compare-op value
 *                          | [ "not" ] "in" "(" value { "," value } ")"
 *                          | "contains" text
 *                          | ( "~" | "!~" ) ( regex | string ) ) ;
 *   compare-op = "==" | "=" | "!=" | "<" | "<=" | ">" | ">=" ;
 *   value      = word | string ;             (* read by the attribute's type, see below *)
 *   text       = word | string ;
 *   regex      = "/" source "/" { "i" | "m" | "s" | "u" } ;   (* "\/" escapes a slash *)
 *   string     = '"' chars '"' | "'" chars "'" ;              (* backslash escapes *)
 *   word       = 1*( any character but space ( ) , " ' = ! < > ~ & | / ) ;
 *
 * Keywords (and, or, not, in, contains) and attribute names are case-insensitive.
 * Values by attribute type:
 *   number   `500`, `1.5`; for `code` also a class `4xx` (= 400..499)
 *   duration `250ms`, `3s`, `1.5m`, `2h`, `30us`; a bare number is seconds
 *   time     ISO-8601 `2024-01-01`, `2024-01-01T10:05:00.5Z` (no zone = UTC), epoch seconds,
 *            or a UTC time of day `10:05[:30[.5]]`; a value stands for the span it names
 *            (`date == 2024-01-01` is that day, `time >= 10:05` from 10:05:00.000)
 *   enum     state names, case/`-`/`_`/space-insensitive: `failed`, `in-call`, "IN CALL"
 *   string   as written; `==`/`in` ignore case for method and transport
 * `contains` is a case-insensitive substring test, `~` a JavaScript regex test, both on the
 * value's text. A missing value satisfies nothing but `!=`, `!~` and `not in`.
 *
 * Example: state == failed and pdd > 3s or code == 4xx and not method in (REGISTER, OPTIONS)
 */
import { CALL_ATTRIBUTES, findAttribute, ATTRIBUTE_ALIASES, type CallAttribute } from './attributes.js';
import { FilterSyntaxError, MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, PAYLOAD_FIELD, type CompareOp, type FilterNode, type FilterValue } from './filter-ast.js';
import { FilterLexer, isWordText, type Token } from './filter-lexer.js';
import { enumWord, normalizeEnumText, parseCodeClass, parseDuration, parseNumber, parseTime } from './literals.js';

export { FilterSyntaxError } from './filter-ast.js';

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'contains']);
const COMPARE_OPS: Readonly<Record<string, CompareOp>> = { '==': '==', '=': '==', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const REGEX_FLAGS = /^(?!.*(.).*\1)[imsu]*$/;

function isKeyword(t: Token, kw: string): boolean {
  return t.kind === 'word' && t.value.toLowerCase() === kw;
}

function describe(t: Token): string {
  return t.kind === 'end' ? 'the end of the filter' : `'${t.text.length > 20 ? t.text.slice(0, 20) + '…' : t.text}'`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The known name closest to a mistyped one, when it is close enough to be a typo. */
function closestAttribute(name: string): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const cand of [...CALL_ATTRIBUTES.map((a) => a.id), ...Object.keys(ATTRIBUTE_ALIASES), PAYLOAD_FIELD]) {
    const d = editDistance(lower, cand);
    if (d < bestD) [best, bestD] = [cand, d];
  }
  return bestD <= Math.max(1, Math.floor(lower.length / 3)) ? best : undefined;
}

class Parser {
  private readonly lex: FilterLexer;
  private depth = 0;

  constructor(private readonly input: string) {
    this.lex = new FilterLexer(input);
  }

  fail(message: string, pos: number): never {
    throw new FilterSyntaxError(`${message} at column ${pos}`, pos, this.input);
  }

  parse(): FilterNode {
    const node = this.orExpr();
    const t = this.lex.peek();
    if (t.kind !== 'end') {
      const what = t.kind === ')' ? "unmatched ')'" : `expected 'and', 'or' or the end of the filter, found ${describe(t)}`;
      this.fail(what, t.pos);
    }
    return node;
  }

  private orExpr(): FilterNode {
    return this.chain('or', '||', () => this.andExpr());
  }

  private andExpr(): FilterNode {
    return this.chain('and', '&&', () => this.unary());
  }

  /** Left-to-right list; a parenthesised group of the same operator is flattened into it. */
  private chain(kw: 'and' | 'or', sym: string, operand: () => FilterNode): FilterNode {
    const items: FilterNode[] = [];
    const push = (n: FilterNode): void => {
      if (n.type === kw) items.push(...n.items);
      else items.push(n);
    };
    push(operand());
    for (;;) {
      const t = this.lex.peek();
      if (!isKeyword(t, kw) && !(t.kind === 'op' && t.value === sym)) break;
      this.lex.next();
      push(operand());
    }
    return items.length === 1 ? items[0]! : { type: kw, items };
  }

  private unary(): FilterNode {
    const t = this.lex.peek();
    if (++this.depth > MAX_FILTER_DEPTH) this.fail(`filter nested deeper than ${MAX_FILTER_DEPTH} levels`, t.pos);
    try {
      if (isKeyword(t, 'not') || (t.kind === 'op' && t.value === '!')) {
        this.lex.next();
        return { type: 'not', operand: this.unary() };
      }
      if (t.kind === '(') {
        this.lex.next();
        const inner = this.orExpr();
        const close = this.lex.next();
        if (close.kind !== ')') this.fail(`expected ')' to close the '(' at column ${t.pos}, found ${describe(close)}`, close.pos);
        return inner;
      }
      return this.condition();
    } finally {
      this.depth--;
    }
  }

  private condition(): FilterNode {
    const t = this.lex.next();
    if (t.kind !== 'word' || KEYWORDS.has(t.value.toLowerCase())) this.fail(`expected an attribute name, found ${describe(t)}`, t.pos);
    const attr = findAttribute(t.value);
    const payload = t.value.toLowerCase() === PAYLOAD_FIELD;
    if (attr === undefined && !payload) {
      const close = closestAttribute(t.value);
      const known = [...CALL_ATTRIBUTES.map((a) => a.id), PAYLOAD_FIELD].join(', ');
      this.fail(`unknown attribute '${t.value}'${close !== undefined ? ` (did you mean '${close}'?)` : ''}; known attributes: ${known};`, t.pos);
    }
    const field = attr?.id ?? PAYLOAD_FIELD;
    const op = this.lex.next();
    const opName = op.kind === 'op' ? op.value : op.kind === 'word' ? op.value.toLowerCase() : '';
    if (attr === undefined && opName !== '~' && opName !== '!~' && opName !== 'contains') {
      this.fail(`'${PAYLOAD_FIELD}' supports only ~, !~ and contains, found ${describe(op)}`, op.pos);
    }
    if (op.kind === 'op' && (op.value === '~' || op.value === '!~')) return this.match(field, op);
    if (opName === 'contains') return { type: 'contains', field, value: this.text(op) };
    if (opName === 'in' || opName === 'not') {
      if (opName === 'not') {
        const inTok = this.lex.next();
        if (!isKeyword(inTok, 'in')) this.fail(`expected 'in' after 'not', found ${describe(inTok)}`, inTok.pos);
      }
      return { type: 'in', field, negated: opName === 'not', values: this.list(attr!) };
    }
    const cmp = op.kind === 'op' ? COMPARE_OPS[op.value] : undefined;
    if (cmp === undefined) {
      this.fail(`expected an operator (== != < <= > >= ~ !~ in contains) after '${t.value}', found ${describe(op)}`, op.pos);
    }
    return { type: 'compare', field, op: cmp, value: this.value(attr!, op) };
  }

  private match(field: string, op: Token): FilterNode {
    const t = this.lex.next();
    if (t.kind !== 'regex' && t.kind !== 'string') this.fail(`expected a regular expression like /re/i after '${op.value}', found ${describe(t)}`, t.pos);
    const source = escapeSlashes(t.value);
    if (!REGEX_FLAGS.test(t.flags)) this.fail(`bad regular expression flags '${t.flags}' (allowed: i, m, s, u)`, t.pos);
    try {
      new RegExp(source, t.flags);
    } catch (e) {
      this.fail(`invalid regular expression (${e instanceof Error ? e.message : String(e)})`, t.pos);
    }
    return { type: 'match', field, negated: op.value === '!~', source, flags: t.flags };
  }

  private text(after: Token): string {
    const t = this.lex.next();
    if (t.kind !== 'word' && t.kind !== 'string') this.fail(`expected a value after '${after.text}', found ${describe(t)}`, t.pos);
    return t.value;
  }

  private list(attr: CallAttribute): FilterValue[] {
    const open = this.lex.next();
    if (open.kind !== '(') this.fail(`expected '(' to start the list after 'in', found ${describe(open)}`, open.pos);
    const values = [this.value(attr, open)];
    for (;;) {
      const t = this.lex.next();
      if (t.kind === ')') return values;
      if (t.kind !== ',') this.fail(`expected ',' or ')' in the list, found ${describe(t)}`, t.pos);
      values.push(this.value(attr, t));
    }
  }

  /** A value read by the attribute's type (see the header comment). */
  private value(attr: CallAttribute, after: Token): FilterValue {
    const t = this.lex.next();
    if (t.kind !== 'word' && t.kind !== 'string') this.fail(`expected a value after '${after.text}', found ${describe(t)}`, t.pos);
    const text = t.value;
    const found = `for '${attr.id}', found ${describe(t)}`;
    switch (attr.type) {
      case 'number': {
        const cls = attr.codeClasses ? parseCodeClass(text) : undefined;
        if (cls !== undefined) return { kind: 'range', lo: cls.lo, hi: cls.hi, timeOfDay: false, text };
        const n = parseNumber(text);
        if (n === undefined) this.fail(`expected a number${attr.codeClasses ? ' or a class like 4xx' : ''} ${found}`, t.pos);
        return { kind: 'number', value: n, text };
      }
      case 'duration': {
        const ms = parseDuration(text);
        if (ms === undefined) this.fail(`expected a duration like 3s, 250ms or 1.5m ${found}`, t.pos);
        return { kind: 'number', value: ms, text };
      }
      case 'time': {
        const r = parseTime(text);
        if (r === undefined) this.fail(`expected a time (2024-01-01T10:05:00Z, epoch seconds or 10:05:00) ${found}`, t.pos);
        return { kind: 'range', lo: r.lo, hi: r.hi, timeOfDay: r.timeOfDay, text };
      }
      case 'enum': {
        const want = normalizeEnumText(text);
        const v = attr.values?.find((x) => normalizeEnumText(x) === want);
        if (v === undefined) this.fail(`unknown ${attr.id} ${describe(t)}; expected one of: ${(attr.values ?? []).map(enumWord).join(', ')};`, t.pos);
        return { kind: 'enum', value: v };
      }
      default:
        return { kind: 'string', value: text };
    }
  }
}

/** Regex sources are kept with every `/` escaped, so printing `/source/` re-reads the same. */
function escapeSlashes(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\' && i + 1 < source.length) {
      out += c + source[++i]!;
    } else out += c === '/' ? '\\/' : c;
  }
  return out;
}

/**
 * Parses a filter expression. Throws only FilterSyntaxError (with the 0-based column of the
 * problem), whatever the input.
 */
export function parseFilter(input: string): FilterNode {
  if (input.length > MAX_FILTER_LENGTH) throw new FilterSyntaxError(`filter longer than ${MAX_FILTER_LENGTH} characters at column ${MAX_FILTER_LENGTH}`, MAX_FILTER_LENGTH, input);
  try {
    return new Parser(input).parse();
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw e;
    // Defensive: a bug here must still surface as a positioned filter error, never a crash.
    throw new FilterSyntaxError(`cannot parse the filter (${e instanceof Error ? e.message : String(e)}) at column 0`, 0, input);
  }
}

function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => '\\' + c)}"`;
}

/** A word or string value, bare when it reads back as the same single word. */
function printText(s: string): string {
  return isWordText(s) && !KEYWORDS.has(s.toLowerCase()) ? s : quote(s);
}

function printValue(v: FilterValue): string {
  switch (v.kind) {
    case 'number':
    case 'range':
      return printText(v.text);
    case 'enum':
      return enumWord(v.value);
    case 'string':
      return printText(v.value);
  }
}

/** Canonical text of a tree: `parseFilter(printFilter(n))` gives back an equal tree. */
export function printFilter(node: FilterNode): string {
  switch (node.type) {
    case 'and':
      return node.items.map((n) => (n.type === 'or' ? `(${printFilter(n)})` : printFilter(n))).join(' and ');
    case 'or':
      return node.items.map(printFilter).join(' or ');
    case 'not':
      return `not ${node.operand.type === 'and' || node.operand.type === 'or' ? `(${printFilter(node.operand)})` : printFilter(node.operand)}`;
    case 'compare':
      return `${node.field} ${node.op} ${printValue(node.value)}`;
    case 'in':
      return `${node.field} ${node.negated ? 'not in' : 'in'} (${node.values.map(printValue).join(', ')})`;
    case 'contains':
      return `${node.field} contains ${printText(node.value)}`;
    case 'match':
      return `${node.field} ${node.negated ? '!~' : '~'} /${node.source}/${node.flags}`;
  }
}
