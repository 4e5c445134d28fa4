/**
 * Filter tree → predicate over call rows. Regexes are built once here; each test reads only the
 * attributes it names. Semantics are those documented in filter-expr.ts.
 */
import { findAttribute, type AttrValue, type CallAttribute, type CallRow } from './attributes.js';
import { PAYLOAD_FIELD, type CompareOp, type FilterNode, type FilterValue } from './filter-ast.js';
import { parseFilter } from './filter-expr.js';
import { MS_PER_DAY } from './format.js';

export type CallPredicate = (row: CallRow) => boolean;

const never: CallPredicate = () => false;

type ValueTest = (v: AttrValue) => boolean;

function ordered(op: CompareOp, c: number): boolean {
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : op === '>=' ? c >= 0 : c === 0;
}

/**
 * One comparison, specialised once at compile time (the list of a big capture runs it per
 * call). A missing value satisfies only `!=`; `!=` is the negation of `==`.
 */
function valueTest(op: CompareOp, attr: CallAttribute, lit: FilterValue): ValueTest {
  if (op === '!=') {
    const eq = valueTest('==', attr, lit);
    return (v) => !eq(v);
  }
  switch (lit.kind) {
    case 'number': {
      const x = lit.value;
      return (v) => typeof v === 'number' && ordered(op, v < x ? -1 : v > x ? 1 : v === x ? 0 : NaN);
    }
    case 'range': {
      // A span [lo, hi): equal = inside, `<` = before it, `>` = after it.
      const { lo, hi, timeOfDay } = lit;
      return (v) => {
        if (typeof v !== 'number') return false;
        const x = timeOfDay ? ((v % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY : v;
        return op === '==' ? x >= lo && x < hi : op === '<' ? x < lo : op === '<=' ? x < hi : op === '>' ? x >= hi : x >= lo;
      };
    }
    case 'enum': {
      // Parsed enum values are canonical, as the attribute's values are.
      const want = lit.value;
      if (op === '==') return (v) => v === want;
      return (v) => typeof v === 'string' && ordered(op, attr.compare(v, want));
    }
    case 'string': {
      const ci = attr.caseInsensitive;
      const b = ci ? lit.value.toUpperCase() : lit.value;
      return (v) => {
        if (typeof v !== 'string') return false;
        const a = ci ? v.toUpperCase() : v;
        return ordered(op, a < b ? -1 : a > b ? 1 : 0);
      };
    }
  }
}

/** The text `contains` and `~` look at: strings as they are, other values as displayed. */
function textOf(attr: CallAttribute, v: AttrValue): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : attr.format(v);
}

/** Decoded one message at a time, so a match stops decoding at the first hit. */
function* payloadTexts(row: CallRow): Iterable<string> {
  for (const e of row.call.messages) yield e.message.raw.toString('utf8');
}

/** A tree from parseFilter always holds a valid regex; a hand-built one may not: it matches nothing. */
function regexOf(source: string, flags: string): RegExp | undefined {
  try {
    return new RegExp(source, flags);
  } catch {
    return undefined;
  }
}

function compileField(field: string): CallAttribute | undefined {
  return field === PAYLOAD_FIELD ? undefined : findAttribute(field);
}

export function compileFilter(node: FilterNode): CallPredicate {
  switch (node.type) {
    case 'and': {
      const parts = node.items.map(compileFilter);
      return (row) => parts.every((p) => p(row));
    }
    case 'or': {
      const parts = node.items.map(compileFilter);
      return (row) => parts.some((p) => p(row));
    }
    case 'not': {
      const inner = compileFilter(node.operand);
      return (row) => !inner(row);
    }
    case 'compare': {
      const attr = compileField(node.field);
      if (attr === undefined) return never;
      const t = valueTest(node.op, attr, node.value);
      return (row) => t(attr.get(row));
    }
    case 'in': {
      const attr = compileField(node.field);
      if (attr === undefined) return never;
      const tests = node.values.map((lit) => valueTest('==', attr, lit));
      return (row) => {
        const v = attr.get(row);
        return tests.some((t) => t(v)) !== node.negated;
      };
    }
    case 'contains': {
      const needle = node.value.toLowerCase();
      const attr = compileField(node.field);
      if (attr === undefined) {
        return (row) => {
          for (const t of payloadTexts(row)) if (t.toLowerCase().includes(needle)) return true;
          return false;
        };
      }
      return (row) => textOf(attr, attr.get(row))?.toLowerCase().includes(needle) ?? false;
    }
    case 'match': {
      const re = regexOf(node.source, node.flags);
      if (re === undefined) return never;
      const attr = compileField(node.field);
      if (attr === undefined) {
        return (row) => {
          for (const t of payloadTexts(row)) if (re.test(t)) return !node.negated;
          return node.negated;
        };
      }
      return (row) => {
        const t = textOf(attr, attr.get(row));
        return (t !== undefined && re.test(t)) !== node.negated;
      };
    }
  }
}

/** Parses and compiles in one step (throws FilterSyntaxError on a bad expression). */
export function compileFilterExpression(expression: string): CallPredicate {
  return compileFilter(parseFilter(expression));
}
