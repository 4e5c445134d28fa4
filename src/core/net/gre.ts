/**
 * GRE (RFC 2784, key and sequence number from RFC 2890, routing from RFC 1701) and the
 * enhanced GRE of PPTP (RFC 2637 §4.1, version 1), plus the Cisco ERSPAN headers that
 * mirror sessions put between GRE and the mirrored Ethernet frame.
 */
import type { DecodeState } from './decode-state.js';
import { u16 } from './decode-state.js';
import { decodeEthernet } from './ethernet.js';
import { decodeEtherType, ETHERTYPE_TEB } from './ethertype.js';
import { decodeIpByVersion } from './ip.js';
import { decodePpp } from './ppp.js';

const GRE_C = 0x8000; // checksum present
const GRE_R = 0x4000; // routing present (RFC 1701)
const GRE_K = 0x2000; // key present
const GRE_S = 0x1000; // sequence number present
const GRE_A = 0x0080; // acknowledgment present (PPTP, version 1)

export const GRE_PROTO_PPP = 0x880b;
/** ERSPAN type II, or type I when the GRE sequence bit is clear. */
export const GRE_PROTO_ERSPAN = 0x88be;
export const GRE_PROTO_ERSPAN3 = 0x22eb;

export const ERSPAN2_HEADER_LEN = 8;
export const ERSPAN3_HEADER_LEN = 12;
export const ERSPAN3_PLATFORM_LEN = 8;

export function decodeGre(st: DecodeState, buf: Buffer, off: number, end: number): void {
  if (end - off < 4) {
    st.diag('GRE_TRUNCATED');
    return;
  }
  const flags = u16(buf, off);
  const version = flags & 0x7;
  const protocol = u16(buf, off + 2);
  let p = off + 4;
  if (version === 0) {
    if (flags & (GRE_C | GRE_R)) p += 4; // checksum + offset: both present if either bit is
    if (flags & GRE_K) p += 4;
    if (flags & GRE_S) p += 4;
    if (flags & GRE_R) {
      // Source route entries, ending with address family 0 and length 0 (RFC 1701 §2.2).
      for (;;) {
        if (end - p < 4) {
          st.diag('GRE_TRUNCATED');
          return;
        }
        const family = u16(buf, p);
        const sreLen = buf[p + 3]!;
        p += 4 + sreLen;
        if (family === 0 && sreLen === 0) break;
      }
    }
  } else if (version === 1) {
    p += 4; // payload length + call id: the key is mandatory in PPTP GRE
    if (flags & GRE_S) p += 4;
    if (flags & GRE_A) p += 4;
  } else {
    st.diag('GRE_BAD_VERSION', String(version));
    return;
  }
  if (p > end) {
    st.diag('GRE_TRUNCATED');
    return;
  }

  switch (protocol) {
    case ETHERTYPE_TEB:
      decodeEthernet(st, buf, p, end);
      return;
    case GRE_PROTO_PPP:
      decodePpp(st, buf, p, end);
      return;
    case GRE_PROTO_ERSPAN:
      // Type II has an 8-byte header and uses the sequence number; type I has neither.
      if (flags & GRE_S) {
        if (end - p < ERSPAN2_HEADER_LEN) {
          st.diag('ERSPAN_TRUNCATED');
          return;
        }
        p += ERSPAN2_HEADER_LEN;
      }
      decodeEthernet(st, buf, p, end);
      return;
    case GRE_PROTO_ERSPAN3:
      decodeErspan3(st, buf, p, end);
      return;
    default:
      decodeEtherType(st, protocol, buf, p, end);
  }
}

/**
 * ERSPAN type III header (12 bytes; draft-foschiano-erspan §4.3): the last word holds
 * SGT(16) P(1) FT(5) HwID(6) D(1) Gra(2) O(1). O announces an 8-byte platform-specific
 * sub-header; FT says whether an Ethernet frame (0) or an IP packet (2) follows.
 */
function decodeErspan3(st: DecodeState, buf: Buffer, off: number, end: number): void {
  if (end - off < ERSPAN3_HEADER_LEN) {
    st.diag('ERSPAN_TRUNCATED');
    return;
  }
  const frameType = (buf[off + 10]! >> 2) & 0x1f;
  const hasPlatform = (buf[off + 11]! & 0x01) !== 0;
  let p = off + ERSPAN3_HEADER_LEN;
  if (hasPlatform) {
    if (end - p < ERSPAN3_PLATFORM_LEN) {
      st.diag('ERSPAN_TRUNCATED');
      return;
    }
    p += ERSPAN3_PLATFORM_LEN;
  }
  if (frameType === 0) decodeEthernet(st, buf, p, end);
  else if (frameType === 2) decodeIpByVersion(st, buf, p, end);
}
