/**
 * IP Authentication Header (RFC 4302 §2.2), skipped in IPv4 and IPv6 alike: its length field
 * counts 4-byte units minus 2. Returns the header's length, or undefined (and a diagnostic)
 * when it is cut.
 */
import type { DecodeState } from './decode-state.js';

export function authHeaderLength(st: DecodeState, buf: Buffer, off: number, end: number): number | undefined {
  if (end - off < 8) {
    st.diag('AH_TRUNCATED');
    return undefined;
  }
  const len = (buf[off + 1]! + 2) * 4;
  if (len > end - off) {
    st.diag('AH_TRUNCATED');
    return undefined;
  }
  return len;
}
