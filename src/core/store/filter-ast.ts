/**
 * The filter language's syntax tree and its one error type. Values are resolved against the
 * attribute's type while parsing (so every mistake is reported with its column); the
 * compiler then trusts the tree.
 */

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type FilterValue =
  /** A number, or a duration already in ms (`text` keeps what was written: `3s`). */
  | { readonly kind: 'number'; readonly value: number; readonly text: string }
  /** A span: a code class (`4xx`) or a time with its precision (`2024-01-01`, `10:05`). */
  | { readonly kind: 'range'; readonly lo: number; readonly hi: number; readonly timeOfDay: boolean; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  /** An enum value in its canonical spelling (`IN CALL`). */
  | { readonly kind: 'enum'; readonly value: string };

export type FilterNode =
  | { readonly type: 'and'; readonly items: readonly FilterNode[] }
  | { readonly type: 'or'; readonly items: readonly FilterNode[] }
  | { readonly type: 'not'; readonly operand: FilterNode }
  | { readonly type: 'compare'; readonly field: string; readonly op: CompareOp; readonly value: FilterValue }
  | { readonly type: 'in'; readonly field: string; readonly negated: boolean; readonly values: readonly FilterValue[] }
  | { readonly type: 'contains'; readonly field: string; readonly value: string }
  | { readonly type: 'match'; readonly field: string; readonly negated: boolean; readonly source: string; readonly flags: string };

/**
 * Pseudo-attribute for filters only: the raw text of every message of the call (matches when
 * any message matches). It is what `--match REGEX` compiles to.
 */
export const PAYLOAD_FIELD = 'payload';

/** Filters are typed by hand or come from a UI prompt; anything longer is a mistake. */
export const MAX_FILTER_LENGTH = 10_000;
/** Nesting of parentheses and `not`: bounds the recursive-descent parser's stack. */
export const MAX_FILTER_DEPTH = 100;

/** A filter that cannot be parsed. `position` is the 0-based column the problem starts at. */
export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
  constructor(
    message: string,
    readonly position: number,
    /** The text the position refers to (the expression, or one CLI option's value). */
    readonly expression: string,
  ) {
    super(message);
  }

  /** Two lines for a terminal: the expression and a caret under the column. */
  caret(): string {
    return `${this.expression.replace(/[\x00-\x1f\x7f]/g, ' ')}\n${' '.repeat(Math.max(0, this.position))}^`;
  }
}
