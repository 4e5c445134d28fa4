import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CALL_STATES } from '../../src/core/correlate/call-state.js';
import { callRow, type CallRow } from '../../src/core/store/attributes.js';
import { compileFilter } from '../../src/core/store/filter-compile.js';
import { FilterSyntaxError, parseFilter, printFilter } from '../../src/core/store/filter-expr.js';
import { loadCalls } from './load-calls.js';

/** Parses or returns the error; anything thrown that is not a FilterSyntaxError fails the test. */
function attempt(s: string): 'ok' | FilterSyntaxError {
  try {
    parseFilter(s);
    return 'ok';
  } catch (e) {
    if (!(e instanceof FilterSyntaxError)) throw e;
    return e;
  }
}

const TOKENS = ['state', 'code', 'from', 'pdd', 'start', 'time', 'payload', 'index', 'method', '==', '=', '!=', '<', '<=', '>', '>=', '~', '!~', '!', '&&', '||', 'and', 'or', 'not', 'in', 'contains', '(', ')', ',', '4xx', '3s', '1.5m', 'failed', 'in-call', '"IN CALL"', '"', "'", '/a/i', '/', '10:05', '2024-01-01', 'x', '\\', '&', '|', '\x1b'];

describe('the parser never throws anything but FilterSyntaxError', () => {
  it('on random strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
        const r = attempt(s);
        if (r !== 'ok') expect(r.position).toBeGreaterThanOrEqual(0), expect(r.position).toBeLessThanOrEqual(s.length);
      }),
      { numRuns: 3000 },
    );
  });

  it('on random token soup', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 20 }), fc.constantFrom(' ', ''), (toks, sep) => {
        const s = toks.join(sep);
        const r = attempt(s);
        if (r !== 'ok') {
          expect(r.position).toBeGreaterThanOrEqual(0);
          expect(r.position).toBeLessThanOrEqual(s.length);
          expect(r.message).toContain(`at column ${r.position}`);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

// ---- generated valid expressions ----------------------------------------------------------

const quote = (s: string): string => `"${s.replace(/[\\"]/g, (c) => '\\' + c)}"`;
const int = fc.integer({ min: 0, max: 100_000 }).map(String);
const decimal = fc.tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 999 })).map(([a, b]) => `${a}.${b}`);
const numberLit = fc.oneof(int, decimal);
const durationLit = fc.tuple(numberLit, fc.constantFrom('', 'ms', 's', 'm', 'h', 'us', 'min', 'S')).map(([n, u]) => n + u);
const pad2 = (n: number): string => String(n).padStart(2, '0');
const timeLit = fc.oneof(
  fc.tuple(fc.integer({ min: 1970, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 })).map(([y, m, d]) => `${y}-${pad2(m)}-${pad2(d)}`),
  fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }), fc.constantFrom('', '.5', '.123', '.123456'), fc.constantFrom('', 'Z', '+02:00', '-0530'))
    .map(([h, m, s, f, z]) => `2024-02-29T${pad2(h)}:${pad2(m)}:${pad2(s)}${f}${z}`),
  fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${pad2(h)}:${pad2(m)}`),
  fc.integer({ min: 0, max: 4_000_000_000 }).map(String),
);
const stateLit = fc.tuple(fc.constantFrom(...CALL_STATES), fc.constantFrom('hyphen', 'underscore', 'quoted', 'upper')).map(([s, how]) =>
  how === 'quoted' ? quote(s) : how === 'upper' ? s.replace(/ /g, '_') : s.toLowerCase().replace(/ /g, how === 'hyphen' ? '-' : '_'),
);
const stringLit = fc.oneof(fc.string({ maxLength: 12 }).map(quote), fc.stringMatching(/^[a-z0-9.:@+-]{1,10}$/));
const regexLit = fc
  .tuple(fc.constantFrom('abc', 'a\\/b', '^sip:\\d+', '[/]x', '(a|b)*', '', 'é+', '\\\\'), fc.constantFrom('', 'i', 'm', 'is', 'u'))
  .map(([src, flags]) => `/${src}/${flags}`);

const ATTRS: ReadonlyArray<readonly [string[], fc.Arbitrary<string>]> = [
  [['index', 'msgcnt', 'retrans', 'streams', 'loss', 'jitter', 'cause'], numberLit],
  [['code', 'status'], fc.oneof(int, fc.constantFrom('1xx', '2xx', '4XX', '6xx'))],
  [['srd', 'pdd', 'ringing', 'answer', 'talk', 'duration'], durationLit],
  [['date', 'time', 'start', 'end'], timeLit],
  [['state'], stateLit],
  [['callid', 'xcallid', 'method', 'from', 'fromuser', 'to', 'src', 'dst', 'transport', 'reason', 'ua', 'related', 'sipfrom'], stringLit],
];

const condition: fc.Arbitrary<string> = fc.oneof(
  ...ATTRS.map(([names, lit]) =>
    fc.tuple(fc.constantFrom(...names), fc.constantFrom('==', '=', '!=', '<', '<=', '>', '>='), lit).map(([a, op, v]) => `${a} ${op} ${v}`),
  ),
  ...ATTRS.map(([names, lit]) =>
    fc.tuple(fc.constantFrom(...names), fc.constantFrom('in', 'not in', 'IN'), fc.array(lit, { minLength: 1, maxLength: 3 })).map(([a, op, vs]) => `${a} ${op} (${vs.join(', ')})`),
  ),
  fc.tuple(fc.constantFrom('from', 'state', 'code', 'payload', 'duration'), fc.constantFrom('~', '!~'), regexLit).map(([a, op, r]) => `${a} ${op} ${r}`),
  fc.tuple(fc.constantFrom('from', 'ua', 'payload', 'start'), stringLit).map(([a, v]) => `${a} contains ${v}`),
);

const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    condition,
    tie('e').map((e) => `not ${e}`),
    tie('e').map((e) => `(${e})`),
    fc.tuple(tie('e'), fc.constantFrom(' and ', ' or ', ' && ', ' || ', ' AND '), tie('e')).map(([a, op, b]) => a + op + b),
  ),
})).e;

let rows: CallRow[];
beforeAll(async () => {
  rows = (await loadCalls('sngrep-aaa-register-invite-rtp.pcap')).calls().map((c) => callRow(c));
});

describe('print(parse(e)) round-trips', () => {
  it('for generated expressions: same tree, same text, same matches', () => {
    fc.assert(
      fc.property(expression, (e) => {
        const tree = parseFilter(e);
        const printed = printFilter(tree);
        const again = parseFilter(printed);
        expect(again).toEqual(tree);
        expect(printFilter(again)).toBe(printed);
        const [p, q] = [compileFilter(tree), compileFilter(again)];
        expect(rows.map((r) => q(r))).toEqual(rows.map((r) => p(r)));
      }),
      { numRuns: 2000 },
    );
  });
});
