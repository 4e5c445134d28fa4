/**
 * PPPoE session stage (RFC 2516 §4): version/type 0x11, code 0, session id, payload length,
 * then a PPP frame without address/control bytes. The length field bounds the payload,
 * which drops Ethernet padding after short frames.
 */
import type { DecodeState } from './decode-state.js';
import { u16 } from './decode-state.js';
import { decodePpp } from './ppp.js';

export const PPPOE_HEADER_LEN = 6;

export function decodePppoeSession(st: DecodeState, buf: Buffer, off: number, end: number): void {
  if (end - off < PPPOE_HEADER_LEN) {
    st.diag('PPPOE_TRUNCATED');
    return;
  }
  if (buf[off] !== 0x11) {
    st.diag('PPPOE_BAD_VERSION');
    return;
  }
  const length = u16(buf, off + 4);
  const start = off + PPPOE_HEADER_LEN;
  let payloadEnd = start + length;
  if (payloadEnd > end) {
    // Fewer bytes than announced: decode what is there (the IP layer flags truncation).
    if (!st.recordTruncated) st.diag('PPPOE_BAD_LENGTH');
    payloadEnd = end;
  }
  decodePpp(st, buf, start, payloadEnd);
}
