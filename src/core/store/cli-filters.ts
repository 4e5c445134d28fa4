/**
 * The CLI's simple filters (`--call`, `--from`, `--to`, `--method`, `--state`, `--code`,
 * `--match`, `--since`, `--until`) turned into the same filter tree as `--filter`, so both
 * run through one compiler. Different options AND together; repeated values of one option
 * (or comma lists for method/state/code) OR together.
 *
 * --call    index or Call-ID (exact)                 --from/--to  regex on the URI or display name
 * --method  first method, case-insensitive           --state      state names as in filters
 * --code    final code `486` or class `4xx`          --match      regex on any message's raw text
 * --since/--until  ISO-8601 (no zone = UTC), epoch seconds, or `+10s` from the capture start;
 *           a call is kept when it overlaps the range (ends at/after --since, starts by --until).
 * Regex options accept `/re/i` for flags, or `ignoreCase` applies `i` to all of them.
 */
import { attribute } from './attributes.js';
import { FilterSyntaxError, PAYLOAD_FIELD, type FilterNode, type FilterValue } from './filter-ast.js';
import { compileFilter, type CallPredicate } from './filter-compile.js';
import { enumWord, normalizeEnumText, parseCodeClass, parseNumber, parseRelativeOffset, parseTime } from './literals.js';

export interface CliFilterOptions {
  readonly call?: readonly string[];
  readonly from?: readonly string[];
  readonly to?: readonly string[];
  readonly method?: readonly string[];
  readonly state?: readonly string[];
  readonly code?: readonly string[];
  readonly match?: readonly string[];
  readonly since?: string;
  readonly until?: string;
  /** Regexes of --from/--to/--match ignore case. */
  readonly ignoreCase?: boolean;
}

export interface CliFilterContext {
  /** Epoch ms of the capture's first message: what `+10s` counts from. */
  readonly captureStartMs?: number;
}

function fail(option: string, value: string, message: string): never {
  throw new FilterSyntaxError(`--${option} ${JSON.stringify(value)}: ${message}`, 0, value);
}

const any = (items: FilterNode[]): FilterNode => (items.length === 1 ? items[0]! : { type: 'or', items });

/** Comma lists and repeats: `--state failed,busy --state rejected`. */
function split(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

function regexNode(option: string, field: string, value: string, ignoreCase: boolean): FilterNode {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(value);
  let [source, flags] = m !== null ? [m[1]!, m[2]!] : [value, ''];
  if (ignoreCase && !flags.includes('i')) flags += 'i';
  try {
    new RegExp(source, flags);
  } catch (e) {
    fail(option, value, `invalid regular expression (${e instanceof Error ? e.message : String(e)})`);
  }
  source = source.replace(/(\\.)|\//g, (all, esc: string | undefined) => esc ?? '\\/');
  return { type: 'match', field, negated: false, source, flags };
}

function timeValue(option: string, value: string, ctx: CliFilterContext): FilterValue {
  const rel = parseRelativeOffset(value);
  if (rel !== undefined) {
    if (ctx.captureStartMs === undefined) fail(option, value, 'a time relative to the capture start needs a capture with messages');
    return { kind: 'number', value: ctx.captureStartMs + rel, text: value };
  }
  const t = value.startsWith('+') ? undefined : parseTime(value);
  if (t === undefined || t.timeOfDay) fail(option, value, 'expected ISO-8601 (2024-01-01T10:05:00Z), epoch seconds, or +10s from the capture start');
  return { kind: 'range', lo: t.lo, hi: t.hi, timeOfDay: false, text: value };
}

/** The tree for the given options, or undefined when none was given. Throws FilterSyntaxError. */
export function cliFilterTree(opts: CliFilterOptions, ctx: CliFilterContext = {}): FilterNode | undefined {
  const parts: FilterNode[] = [];
  const ic = opts.ignoreCase ?? false;
  const calls = opts.call ?? [];
  if (calls.length > 0) {
    parts.push(
      any(
        calls.flatMap((c): FilterNode[] => {
          const byId: FilterNode = { type: 'compare', field: 'callid', op: '==', value: { kind: 'string', value: c } };
          const n = /^\d+$/.test(c) ? parseNumber(c) : undefined;
          return n === undefined ? [byId] : [{ type: 'compare', field: 'index', op: '==', value: { kind: 'number', value: n, text: c } }, byId];
        }),
      ),
    );
  }
  for (const [option, field, nameField] of [['from', 'from', 'fromname'], ['to', 'to', 'toname']] as const) {
    const res = opts[option] ?? [];
    if (res.length > 0) parts.push(any(res.flatMap((re) => [regexNode(option, field, re, ic), regexNode(option, nameField, re, ic)])));
  }
  const methods = split(opts.method ?? []);
  if (methods.length > 0) parts.push({ type: 'in', field: 'method', negated: false, values: methods.map((m) => ({ kind: 'string', value: m })) });
  const states = split(opts.state ?? []);
  if (states.length > 0) {
    const known = attribute('state').values ?? [];
    const values = states.map((s): FilterValue => {
      const v = known.find((k) => normalizeEnumText(k) === normalizeEnumText(s));
      if (v === undefined) fail('state', s, `unknown state; expected one of: ${known.map(enumWord).join(', ')}`);
      return { kind: 'enum', value: v };
    });
    parts.push({ type: 'in', field: 'state', negated: false, values });
  }
  const codes = split(opts.code ?? []);
  if (codes.length > 0) {
    const values = codes.map((c): FilterValue => {
      const cls = parseCodeClass(c);
      if (cls !== undefined) return { kind: 'range', lo: cls.lo, hi: cls.hi, timeOfDay: false, text: c };
      const n = /^\d{3}$/.test(c) ? Number(c) : undefined;
      if (n === undefined) fail('code', c, 'expected a response code like 486 or a class like 4xx');
      return { kind: 'number', value: n, text: c };
    });
    parts.push({ type: 'in', field: 'code', negated: false, values });
  }
  const matches = opts.match ?? [];
  if (matches.length > 0) parts.push(any(matches.map((re) => regexNode('match', PAYLOAD_FIELD, re, ic))));
  if (opts.since !== undefined) parts.push({ type: 'compare', field: 'end', op: '>=', value: timeValue('since', opts.since, ctx) });
  if (opts.until !== undefined) parts.push({ type: 'compare', field: 'start', op: '<=', value: timeValue('until', opts.until, ctx) });
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0]! : { type: 'and', items: parts };
}

/** The predicate for the given options, or undefined when none was given. Throws FilterSyntaxError. */
export function compileCliFilters(opts: CliFilterOptions, ctx: CliFilterContext = {}): CallPredicate | undefined {
  const tree = cliFilterTree(opts, ctx);
  return tree === undefined ? undefined : compileFilter(tree);
}
