/**
 * A message's raw text as display lines: split on line ends, tabs expanded, every control
 * character (a stray CR, ESC, NUL) shown as a visible escape. Used by the text and HTML
 * exporters' "full message" views.
 */
import type { SipMessage } from '../core/sip/types.js';
import { sanitizeForTerminal } from './sanitize.js';

/** Tab stops used when expanding tabs (a tab is whitespace, not something to show as \x09). */
export const RAW_TAB_STOP = 8;

/** Sanitises each tab-separated piece, then expands the tabs by the width shown. */
function cleanLine(line: string): string {
  if (!line.includes('\t')) return sanitizeForTerminal(line);
  let out = '';
  line.split('\t').forEach((piece, i) => {
    if (i > 0) out += ' '.repeat(RAW_TAB_STOP - (Array.from(out).length % RAW_TAB_STOP));
    out += sanitizeForTerminal(piece);
  });
  return out;
}

/** The message as lines (UTF-8; invalid bytes become U+FFFD), safe for a terminal or a page. */
export function rawMessageLines(msg: SipMessage): string[] {
  const lines = msg.raw.toString('utf8').split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => cleanLine(l).trimEnd());
}
