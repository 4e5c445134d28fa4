/**
 * PPP (RFC 1661 §2): an optional HDLC address/control pair 0xff 0x03 (RFC 1662 §3.1), then
 * the protocol field, 1 byte when protocol-field compression applies (RFC 1661 §6.5: an
 * odd first byte), else 2. Only IPv4 (0x0021) and IPv6 (0x0057) are decoded; control
 * protocols (LCP, IPCP, CHAP...) are not damage and are skipped quietly.
 */
import type { DecodeState } from './decode-state.js';
import { u16 } from './decode-state.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';

export const PPP_IPV4 = 0x0021;
export const PPP_IPV6 = 0x0057;

export function decodePpp(st: DecodeState, buf: Buffer, off: number, end: number): void {
  if (buf[off] === 0xff) {
    // 0xff is never a protocol byte (RFC 1661 §2: protocols have an odd low byte and an
    // even high byte), so it can only start an address/control pair.
    if (end - off < 2 || buf[off + 1] !== 0x03) {
      st.diag(end - off < 2 ? 'PPP_TRUNCATED' : 'PPP_BAD_HEADER');
      return;
    }
    off += 2;
  }
  if (off >= end) {
    st.diag('PPP_TRUNCATED');
    return;
  }
  let protocol: number;
  if ((buf[off]! & 0x01) !== 0) {
    protocol = buf[off]!;
    off += 1;
  } else {
    if (end - off < 2) {
      st.diag('PPP_TRUNCATED');
      return;
    }
    protocol = u16(buf, off);
    off += 2;
  }
  if (protocol === PPP_IPV4) decodeIpv4(st, buf, off, end);
  else if (protocol === PPP_IPV6) decodeIpv6(st, buf, off, end);
}
