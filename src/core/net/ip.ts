/**
 * Dispatch shared by IPv4 and IPv6: the IP version nibble (raw IP link types, MPLS,
 * ERSPAN III) and the next protocol after an IP header (RFC 5237 / IANA protocol numbers).
 */
import { authHeaderLength } from './ah.js';
import type { DecodeState } from './decode-state.js';
import { MAX_IP_NESTING } from './decode-state.js';
import { decodeGre } from './gre.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { decodeSctp } from './sctp.js';
import { decodeTcp } from './tcp.js';
import { decodeUdp } from './udp.js';

export const IPPROTO_ICMP = 1;
export const IPPROTO_IPIP = 4;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_GRE = 47;
export const IPPROTO_AH = 51;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_SCTP = 132;

/** An IP packet whose version is told by its first nibble. */
export function decodeIpByVersion(st: DecodeState, buf: Buffer, off: number, end: number): void {
  if (off >= end) {
    st.diag('IP_TRUNCATED');
    return;
  }
  const version = buf[off]! >> 4;
  if (version === 4) decodeIpv4(st, buf, off, end);
  else if (version === 6) decodeIpv6(st, buf, off, end);
  else st.diag('IP_BAD_VERSION', String(version));
}

/**
 * Count one more IP header for this packet; false (with a diagnostic) once the nesting
 * bound is reached, so crafted tunnels-in-tunnels cannot recurse without end.
 */
export function enterIpLayer(st: DecodeState): boolean {
  if (st.ipDepth >= MAX_IP_NESTING) {
    st.diag('NET_TUNNEL_TOO_DEEP');
    return false;
  }
  st.ipDepth++;
  return true;
}

/** The payload of an IP header whose protocol / last next-header is `protocol`. */
export function decodeIpPayload(st: DecodeState, protocol: number, buf: Buffer, off: number, end: number): void {
  for (;;) {
    switch (protocol) {
      case IPPROTO_UDP:
        decodeUdp(st, buf, off, end);
        return;
      case IPPROTO_TCP:
        decodeTcp(st, buf, off, end);
        return;
      case IPPROTO_SCTP:
        decodeSctp(st, buf, off, end);
        return;
      case IPPROTO_IPIP:
        decodeIpv4(st, buf, off, end);
        return;
      case IPPROTO_IPV6:
        decodeIpv6(st, buf, off, end);
        return;
      case IPPROTO_GRE:
        decodeGre(st, buf, off, end);
        return;
      case IPPROTO_AH: {
        const len = authHeaderLength(st, buf, off, end);
        if (len === undefined) return;
        protocol = buf[off]!;
        off += len;
        continue;
      }
      default:
        // ICMP/ICMPv6 are deliberately not decoded: an error message quotes the offending
        // packet's headers and first bytes, which must not become a second copy of a SIP
        // message. Other protocols (ESP, OSPF, VRRP, IGMP...) carry no SIP.
        return;
    }
  }
}
