import { describe, expect, it } from 'vitest';
import { MAX_FILTER_DEPTH } from '../../src/core/store/filter-ast.js';
import { FilterSyntaxError, parseFilter, printFilter } from '../../src/core/store/filter-expr.js';

function errorOf(expr: string): FilterSyntaxError {
  try {
    parseFilter(expr);
  } catch (e) {
    if (e instanceof FilterSyntaxError) return e;
    throw new Error(`not a FilterSyntaxError: ${String(e)}`);
  }
  throw new Error(`no error for ${JSON.stringify(expr)}`);
}

describe('syntax errors say where', () => {
  const cases: ReadonlyArray<readonly [string, number, RegExp]> = [
    ['state == failed and pdd >=', 26, /^expected a value after '>=', found the end of the filter at column 26$/],
    ['code >= ', 8, /expected a value after '>='/],
    ['', 0, /expected an attribute name, found the end of the filter at column 0/],
    ['frm == x', 0, /unknown attribute 'frm' \(did you mean 'from'\?\); known attributes: index, callid, .*payload/],
    ['bogus == 1', 0, /unknown attribute 'bogus'; known attributes: index/],
    ['state == bogus', 9, /unknown state 'bogus'; expected one of: call-setup, ringing, in-call.* at column 9/],
    ['code == abc', 8, /expected a number or a class like 4xx for 'code', found 'abc' at column 8/],
    ['pdd > 3 seconds', 8, /expected 'and', 'or' or the end of the filter, found 'seconds' at column 8/],
    ['pdd > 3parsecs', 6, /expected a duration like 3s, 250ms or 1.5m for 'pdd'/],
    ['(state == failed', 16, /expected '\)' to close the '\(' at column 0, found the end of the filter at column 16/],
    ['state == failed)', 15, /unmatched '\)' at column 15/],
    ['from ~ /abc', 7, /unterminated regular expression \(missing \/\) at column 7/],
    ['from ~ /a(/', 7, /invalid regular expression/],
    ['from ~ /a/g', 7, /bad regular expression flags 'g'/],
    ['from ~ abc', 7, /expected a regular expression like \/re\/i after '~', found 'abc'/],
    ['from == "abc', 8, /unterminated string \(missing "\) at column 8/],
    ['state in failed', 9, /expected '\(' to start the list after 'in'/],
    ['state in (failed busy)', 17, /expected ',' or '\)' in the list, found 'busy'/],
    ['state in ()', 10, /expected a value after '\(', found '\)'/],
    ['state is failed', 6, /expected an operator \(== != < <= > >= ~ !~ in contains\) after 'state', found 'is'/],
    ['state == failed & code == 1', 16, /unexpected character '&' \(use 'and'\) at column 16/],
    ['and == 1', 0, /expected an attribute name, found 'and'/],
    ['state == failed and', 19, /expected an attribute name, found the end/],
    ['payload == x', 8, /'payload' supports only ~, !~ and contains/],
    ['start > yesterday', 8, /expected a time .* for 'start'/],
    ['state not failed', 10, /expected 'in' after 'not', found 'failed'/],
    ['code == 1\x1b[31m', 9, /unexpected character '\\x1b' at column 9/],
  ];
  for (const [expr, pos, msg] of cases) {
    it(JSON.stringify(expr), () => {
      const e = errorOf(expr);
      expect(e.message).toMatch(msg);
      expect(e.position).toBe(pos);
      expect(e.message).toContain(`at column ${pos}`);
      expect(e.expression).toBe(expr);
    });
  }

  it('caret() points at the column', () => {
    const e = errorOf('state == failed and pdd >=');
    expect(e.caret()).toBe('state == failed and pdd >=\n' + ' '.repeat(26) + '^');
  });

  it('deep nesting is an error, not a stack overflow', () => {
    const deep = '('.repeat(MAX_FILTER_DEPTH + 5) + 'index == 1' + ')'.repeat(MAX_FILTER_DEPTH + 5);
    expect(errorOf(deep).message).toMatch(/nested deeper than/);
    expect(errorOf('not '.repeat(100_000) + 'index == 1')).toBeInstanceOf(FilterSyntaxError);
    const ok = '('.repeat(20) + 'index == 1' + ')'.repeat(20);
    expect(printFilter(parseFilter(ok))).toBe('index == 1');
  });
});

describe('parsing and printing', () => {
  it('canonical forms', () => {
    const p = (s: string): string => printFilter(parseFilter(s));
    expect(p('STATE = In_Call AND Code=2XX')).toBe('state == in-call and code == 2XX');
    expect(p('a.b.c contains x'.replace('a.b.c', 'from'))).toBe('from contains x');
    expect(p("from contains 'and'")).toBe('from contains "and"');
    expect(p('(a == 1 or b == 2) and c == 3'.replace(/\b[abc]\b/g, 'index'))).toBe('(index == 1 or index == 2) and index == 3');
    expect(p('index == 1 or (index == 2 or index == 3)')).toBe('index == 1 or index == 2 or index == 3');
    expect(p('not (index == 1 and index == 2)')).toBe('not (index == 1 and index == 2)');
    expect(p('! index == 1 && index == 2 || index == 3')).toBe('not index == 1 and index == 2 or index == 3');
    expect(p('callid ~ "a/b"')).toBe('callid ~ /a\\/b/');
    expect(p('callid ~ /[/]x/i')).toBe('callid ~ /[\\/]x/i');
    expect(p('msgs >= 10 and sipfrom ~ /x/ and totaldur > 1.5m')).toBe('msgcnt >= 10 and from ~ /x/ and duration > 1.5m');
    expect(p('from == "a \\"quoted\\" \\\\ value"')).toBe('from == "a \\"quoted\\" \\\\ value"');
  });

  it('resolves values by attribute type', () => {
    expect(parseFilter('pdd > 1.5m')).toEqual({ type: 'compare', field: 'pdd', op: '>', value: { kind: 'number', value: 90_000, text: '1.5m' } });
    expect(parseFilter('code in (4xx, 503)')).toEqual({
      type: 'in',
      field: 'code',
      negated: false,
      values: [
        { kind: 'range', lo: 400, hi: 500, timeOfDay: false, text: '4xx' },
        { kind: 'number', value: 503, text: '503' },
      ],
    });
    expect(parseFilter('date == 2024-01-01')).toMatchObject({ value: { kind: 'range', lo: Date.UTC(2024, 0, 1), hi: Date.UTC(2024, 0, 2) } });
    expect(parseFilter('start == 2024-01-01T10:00:05.25Z')).toMatchObject({ value: { lo: Date.UTC(2024, 0, 1, 10, 0, 5, 250), hi: Date.UTC(2024, 0, 1, 10, 0, 5, 260) } });
    expect(parseFilter('time > 10:05')).toMatchObject({ value: { lo: 36_300_000, hi: 36_360_000, timeOfDay: true } });
    expect(parseFilter('state == "CALL SETUP"')).toMatchObject({ value: { kind: 'enum', value: 'CALL SETUP' } });
    expect(parseFilter('fromuser == 1234')).toMatchObject({ value: { kind: 'string', value: '1234' } });
  });
});
