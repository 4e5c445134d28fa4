/**
 * Markdown call report: an overview table, a section per call (heading with Call-ID, state
 * and final code, then a details table), and the text ladder in a code fence. Text outside
 * the fence is escaped for CommonMark/GFM; the fence content is left as drawn, with a fence
 * longer than any backtick run inside it (CommonMark §4.5), so wire text can never close it.
 */
import type { CallRecord } from '../core/correlate/types.js';
import type { LadderLayout } from '../view/ladder.js';
import { formatDateTime } from '../view/ladder-time.js';
import { sanitizeField } from '../view/sanitize.js';
import { renderMermaid } from './mermaid.js';
import { renderTextLadder, type TextLadderOptions } from './text-ladder.js';

export interface MarkdownOptions extends TextLadderOptions {
  /** Report title (default `SIP call flow`). */
  readonly title?: string;
  /** Also include a ```mermaid block (GitHub and GitLab render it as a diagram). */
  readonly mermaid?: boolean;
}

/**
 * One-line inline text: sanitised, then every character with a Markdown meaning in inline
 * text or table cells is backslash-escaped (`|` would split a cell, `<` start HTML, `$` math).
 */
export function escapeMarkdownInline(text: string): string {
  return sanitizeField(text)
    .replace(/[\\`*_[\]<>|~$!{}#+]/g, '\\$&')
    .replace(/&/g, '&amp;');
}

/** A fence one backtick longer than the longest run of backticks in the text (min. 3). */
export function codeFence(text: string): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

function fenced(text: string, info = ''): string[] {
  const fence = codeFence(text);
  return [fence + info, text.replace(/\n$/, ''), fence];
}

function finalText(c: CallRecord): string {
  return c.finalCode !== undefined ? `${c.finalCode} ${c.finalReason ?? ''}`.trim() : '-';
}

function party(p: CallRecord['from']): string {
  if (p.uri === '') return '-';
  return p.display !== '' ? `${p.display} <${p.uri}>` : p.uri;
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '-' : `${(ms / 1000).toFixed(3)} s`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function overview(calls: readonly CallRecord[]): string[] {
  const out = [row(['#', 'Call-ID', 'Method', 'From', 'To', 'State', 'Final', 'Msgs', 'Start (UTC)', 'Duration'])];
  out.push(row(['---:', '---', '---', '---', '---', '---', '---', '---:', '---', '---:']));
  for (const c of calls) {
    out.push(
      row([
        String(c.index),
        escapeMarkdownInline(c.callId),
        escapeMarkdownInline(c.firstMethod),
        escapeMarkdownInline(party(c.from)),
        escapeMarkdownInline(party(c.to)),
        c.state,
        escapeMarkdownInline(finalText(c)),
        String(c.messageCount),
        formatDateTime(c.startTs),
        seconds(c.timings.durationMs),
      ]),
    );
  }
  return out;
}

function callSection(c: CallRecord): string[] {
  const t = c.timings;
  const timing = [
    t.srdMs !== undefined ? `SRD ${seconds(t.srdMs)}` : '',
    t.ringingMs !== undefined ? `ringing ${seconds(t.ringingMs)}` : '',
    t.answerMs !== undefined ? `answer ${seconds(t.answerMs)}` : '',
    t.talkMs !== undefined ? `talk ${seconds(t.talkMs)}` : '',
  ].filter((s) => s !== '');
  const details: [string, string][] = [
    ['Call-ID', escapeMarkdownInline(c.callId)],
    ['From', escapeMarkdownInline(party(c.from))],
    ['To', escapeMarkdownInline(party(c.to))],
    ['First message', escapeMarkdownInline(`${c.source} -> ${c.destination}`)],
    ['Start', formatDateTime(c.startTs)],
    ['Duration', seconds(t.durationMs)],
    ['Messages', `${c.messageCount} (${c.retransmissionCount} retransmissions)`],
  ];
  if (timing.length > 0) details.push(['Timings', timing.join(', ')]);
  if (c.rejection) {
    const reasons = c.rejection.reasons.map((r) => [r.protocol, r.cause, r.causeName ?? r.text].filter((x) => x !== undefined && x !== '').join(' '));
    if (reasons.length > 0) details.push(['Reason', escapeMarkdownInline(reasons.join('; '))]);
    if (c.rejection.warnings.length > 0) details.push(['Warning', escapeMarkdownInline(c.rejection.warnings.join('; '))]);
  }
  if (c.authChallenged) details.push(['Auth', 'challenged (401/407)']);
  if (c.related.length > 0) details.push(['Related calls', c.related.join(', ')]);
  details.push(['Participants', escapeMarkdownInline(c.participants.join(', '))]);
  return [
    `## Call ${c.index}: ${escapeMarkdownInline(c.firstMethod)} ${c.state} (${escapeMarkdownInline(finalText(c))}), Call-ID ${escapeMarkdownInline(c.callId)}`,
    '',
    row(['Field', 'Value']),
    row(['---', '---']),
    ...details.map(([k, v]) => row([k, v])),
    '',
  ];
}

function streamTable(layout: LadderLayout): string[] {
  if (layout.streams.length === 0) return [];
  const out = ['## RTP streams', '', row(['#', 'Call', 'From', 'To', 'Codec', 'Packets', 'Lost', 'Max delta', 'Jitter', 'Max jitter', 'DTMF'])];
  out.push(row(['---:', '---:', '---', '---', '---', '---:', '---:', '---:', '---:', '---:', '---']));
  for (const s of layout.streams) {
    out.push(
      row([
        String(s.id),
        s.callIndex !== undefined ? String(s.callIndex) : '-',
        escapeMarkdownInline(s.src),
        escapeMarkdownInline(s.dst),
        escapeMarkdownInline(s.codec),
        String(s.packets),
        String(s.lost),
        `${s.maxDeltaMs.toFixed(1)} ms`,
        `${s.jitterMs.toFixed(1)} ms`,
        `${s.maxJitterMs.toFixed(1)} ms`,
        escapeMarkdownInline(s.events || '-'),
      ]),
    );
  }
  out.push('');
  return out;
}

/** The report (trailing newline included). */
export function renderMarkdown(layout: LadderLayout, options: MarkdownOptions = {}): string {
  const out: string[] = [`# ${escapeMarkdownInline(options.title ?? 'SIP call flow')}`, ''];
  if (layout.calls.length > 1) out.push(...overview(layout.calls), '');
  for (const c of layout.calls) out.push(...callSection(c));
  out.push(...streamTable(layout));
  out.push('## Ladder', '', ...fenced(renderTextLadder(layout, { ...options, summary: false })), '');
  if (options.mermaid === true) out.push('## Diagram', '', ...fenced(renderMermaid(layout), 'mermaid'), '');
  return out.join('\n');
}
