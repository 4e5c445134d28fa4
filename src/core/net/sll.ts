/**
 * Linux "cooked" captures (the `any` device). v1 (LINKTYPE_LINUX_SLL 113): packet type,
 * ARPHRD type, address length, 8 address bytes, protocol = 16 bytes. v2 (LINKTYPE_LINUX_SLL2
 * 276): protocol, reserved, interface index, ARPHRD type, packet type, address length,
 * 8 address bytes = 20 bytes. The protocol is an EtherType, so a VLAN tag (0x8100) may follow;
 * a few small values are Linux pseudo-protocols (see https://www.tcpdump.org/linktypes/).
 */
import type { DecodeState } from './decode-state.js';
import { u16 } from './decode-state.js';
import { decodeEtherType, snapEtherType } from './ethertype.js';

export const SLL_HEADER_LEN = 16;
export const SLL2_HEADER_LEN = 20;

/** ARPHRD_NETLINK: the payload is a netlink message, never IP. */
const ARPHRD_NETLINK = 824;
/** Linux pseudo-protocol: the payload starts with an 802.2 LLC header. */
const SLL_PROTO_LLC = 0x0004;

export function decodeSll(st: DecodeState, buf: Buffer, off: number, end: number): void {
  if (end - off < SLL_HEADER_LEN) {
    st.diag('SLL_TRUNCATED');
    return;
  }
  const hatype = u16(buf, off + 2);
  dispatch(st, hatype, u16(buf, off + 14), buf, off + SLL_HEADER_LEN, end);
}

export function decodeSll2(st: DecodeState, buf: Buffer, off: number, end: number): void {
  if (end - off < SLL2_HEADER_LEN) {
    st.diag('SLL2_TRUNCATED');
    return;
  }
  const hatype = u16(buf, off + 8);
  dispatch(st, hatype, u16(buf, off), buf, off + SLL2_HEADER_LEN, end);
}

function dispatch(st: DecodeState, hatype: number, protocol: number, buf: Buffer, off: number, end: number): void {
  if (hatype === ARPHRD_NETLINK) return; // netlink messages: never IP
  if (protocol === SLL_PROTO_LLC) {
    const type = snapEtherType(buf, off, end);
    if (type >= 0) decodeEtherType(st, type, buf, off + 8, end);
    return;
  }
  if (protocol < 0x0600) return; // other pseudo-protocols (802.3 raw, CAN, ...): not IP
  decodeEtherType(st, protocol, buf, off, end);
}
