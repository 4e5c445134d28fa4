/**
 * Mermaid `sequenceDiagram` of a ladder layout, for issues and wikis that render Mermaid.
 * Participants get plain ids (P1, P2, ...) because addresses hold `:` and `[`; the address
 * is the participant's display text. Labels are written with Mermaid entity codes for the
 * characters its grammar reacts to (checked against mermaid.parse in the tests).
 */
import type { LadderLayout, LadderRow } from '../view/ladder.js';
import { ladderDisplayLabel } from '../view/ladder-geometry.js';

/**
 * `;` ends a statement and `#...;` is an entity, so both must be entity codes; `<` and `>`
 * would reach the renderer as HTML, so they are coded as well.
 */
const MERMAID_ENTITIES: Readonly<Record<string, string>> = {
  '#': '#35;',
  ';': '#59;',
  '<': '#60;',
  '>': '#62;',
};

/** Text safe to put after `:` in a message or note, or after `as` in a participant line. */
export function escapeMermaidText(text: string): string {
  // labels are already one-line and sanitised; a newline here would end the statement
  return text.replace(/[\r\n]/g, ' ').replace(/[#;<>]/g, (c) => MERMAID_ENTITIES[c]!);
}

function participantId(column: number): string {
  return `P${column + 1}`;
}

function statement(row: LadderRow): string {
  const from = participantId(row.from);
  const to = participantId(row.to);
  const text = escapeMermaidText(ladderDisplayLabel(row));
  if (row.kind === 'rtp') return row.from === row.to ? `Note over ${from}: ${text}` : `Note over ${from},${to}: ${text}`;
  // RFC-style convention of sequence diagrams: solid for requests, dashed for responses
  return `${from}${row.request ? '->>' : '-->>'}${to}: ${text}`;
}

export interface MermaidOptions {
  /** Number the arrows (Mermaid `autonumber`). */
  readonly autonumber?: boolean;
}

/** The diagram source (trailing newline included). */
export function renderMermaid(layout: LadderLayout, options: MermaidOptions = {}): string {
  const lines = ['sequenceDiagram'];
  if (options.autonumber === true) lines.push('    autonumber');
  for (const c of layout.columns) lines.push(`    participant ${participantId(c.index)} as ${escapeMermaidText(c.label)}`);
  for (const row of layout.rows) lines.push(`    ${statement(row)}`);
  return lines.join('\n') + '\n';
}
