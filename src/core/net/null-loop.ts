/**
 * BSD loopback encapsulations: a 4-byte address family before the IP packet.
 * LINKTYPE_NULL (0) writes it in the capturing host's byte order, so both orders are tried;
 * LINKTYPE_LOOP (108, OpenBSD) writes it in network order. AF_INET is 2 everywhere; AF_INET6
 * is 24 (NetBSD, OpenBSD), 28 (FreeBSD, DragonFly) or 30 (macOS).
 */
import type { DecodeState } from './decode-state.js';
import { u32 } from './decode-state.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';

export const NULL_HEADER_LEN = 4;
const AF_INET = 2;
const AF_INET6_VALUES = new Set([24, 28, 30]);

export function decodeNull(st: DecodeState, buf: Buffer, off: number, end: number): void {
  if (end - off < NULL_HEADER_LEN) {
    st.diag('NULL_TRUNCATED');
    return;
  }
  let family = u32(buf, off);
  // Families are small numbers: a value with high bytes set was written little-endian.
  if (family > 0xffff) family = buf.readUInt32LE(off);
  dispatchFamily(st, family, buf, off + NULL_HEADER_LEN, end);
}

export function decodeLoop(st: DecodeState, buf: Buffer, off: number, end: number): void {
  if (end - off < NULL_HEADER_LEN) {
    st.diag('NULL_TRUNCATED');
    return;
  }
  dispatchFamily(st, u32(buf, off), buf, off + NULL_HEADER_LEN, end);
}

function dispatchFamily(st: DecodeState, family: number, buf: Buffer, off: number, end: number): void {
  if (family === AF_INET) decodeIpv4(st, buf, off, end);
  else if (AF_INET6_VALUES.has(family)) decodeIpv6(st, buf, off, end);
  else st.diagOnce('NULL_FAMILY_UNSUPPORTED', String(family));
}
