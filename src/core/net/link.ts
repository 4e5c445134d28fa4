/**
 * Link-layer dispatch by LINKTYPE_* value (https://www.tcpdump.org/linktypes.html).
 */
import {
  LINKTYPE_C_HDLC,
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_PPP,
  LINKTYPE_PPP_ETHER,
  LINKTYPE_PPP_HDLC,
  LINKTYPE_RAW,
  LINKTYPE_RAW_BSD,
  LINKTYPE_RAW_OPENBSD,
} from '../capture/linktypes.js';
import type { DecodeState } from './decode-state.js';
import { u16 } from './decode-state.js';
import { decodeEthernet } from './ethernet.js';
import { decodeEtherType } from './ethertype.js';
import { decodeIpByVersion } from './ip.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { decodeLoop, decodeNull } from './null-loop.js';
import { decodePpp } from './ppp.js';
import { decodePppoeSession } from './pppoe.js';
import { decodeSll, decodeSll2 } from './sll.js';

const SUPPORTED = new Set([
  LINKTYPE_NULL,
  LINKTYPE_ETHERNET,
  LINKTYPE_PPP,
  LINKTYPE_RAW_BSD,
  LINKTYPE_RAW_OPENBSD,
  LINKTYPE_PPP_HDLC,
  LINKTYPE_PPP_ETHER,
  LINKTYPE_RAW,
  LINKTYPE_C_HDLC,
  LINKTYPE_LOOP,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL2,
]);

/** True when the net layer can find IP inside frames of this link type. */
export function linkTypeSupported(linkType: number): boolean {
  return SUPPORTED.has(linkType);
}

/** Decode one frame of `linkType` at [off, end). */
export function decodeLinkLayer(st: DecodeState, linkType: number, buf: Buffer, off: number, end: number): void {
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      decodeEthernet(st, buf, off, end);
      return;
    case LINKTYPE_LINUX_SLL:
      decodeSll(st, buf, off, end);
      return;
    case LINKTYPE_LINUX_SLL2:
      decodeSll2(st, buf, off, end);
      return;
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_BSD:
    case LINKTYPE_RAW_OPENBSD:
      decodeIpByVersion(st, buf, off, end);
      return;
    case LINKTYPE_IPV4:
      decodeIpv4(st, buf, off, end);
      return;
    case LINKTYPE_IPV6:
      decodeIpv6(st, buf, off, end);
      return;
    case LINKTYPE_NULL:
      decodeNull(st, buf, off, end);
      return;
    case LINKTYPE_LOOP:
      decodeLoop(st, buf, off, end);
      return;
    case LINKTYPE_PPP:
    case LINKTYPE_PPP_HDLC:
      decodePpp(st, buf, off, end);
      return;
    case LINKTYPE_PPP_ETHER:
      decodePppoeSession(st, buf, off, end);
      return;
    case LINKTYPE_C_HDLC:
      // Cisco HDLC: address, control, then an EtherType.
      if (end - off < 4) {
        st.diag('CHDLC_TRUNCATED');
        return;
      }
      decodeEtherType(st, u16(buf, off + 2), buf, off + 4, end);
      return;
    default:
      st.diagOnce('LINK_UNSUPPORTED', String(linkType));
  }
}
