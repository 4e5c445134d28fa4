/**
 * Text from the wire is untrusted: before any terminal or line-oriented output sees it, control
 * characters and escape sequences are shown as visible escapes, so a header carrying ESC [ 2 J
 * can never drive the user's terminal (DESIGN.md, "Rules that come from real captures").
 */

const HEX = '0123456789abcdef';

/** True when the string holds nothing that needs escaping (fast path: no allocation). */
function isClean(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0)) return false;
  }
  return true;
}

/**
 * Escapes C0/C1 control characters and DEL as `\xNN` (tab, CR and LF included: callers that
 * want line structure split lines first). Printable Unicode passes through unchanged.
 */
export function sanitizeForTerminal(s: string): string {
  if (isClean(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0)) {
      out += '\\x' + HEX[(c >> 4) & 15]! + HEX[c & 15]!;
    } else {
      out += s[i];
    }
  }
  return out;
}

/**
 * For one-line fields (TSV cells, list columns): tab, CR and LF become a space, as tshark's
 * field export does; every other control character becomes a visible escape.
 */
export function sanitizeField(s: string): string {
  if (isClean(s)) return s;
  return sanitizeForTerminal(s.replace(/[\t\r\n]/g, ' '));
}
