/**
 * IPv6 header (RFC 8200 §3) and its extension-header chain (§4): hop-by-hop (0), routing
 * (43), destination options (60), mobility (135), HIP (139) and shim6 (140) share the
 * "next header, length in 8-byte units minus 1" format (RFC 7045); AH (51) counts 4-byte
 * units minus 2; the fragment header (44) hands the packet to the reassembler; no-next-header
 * (59) and ESP (50, encrypted) end the walk.
 */
import { authHeaderLength } from './ah.js';
import type { DecodeState } from './decode-state.js';
import { u16, u32 } from './decode-state.js';
import { decodeIpPayload, enterIpLayer, IPPROTO_AH } from './ip.js';

export const IPV6_HEADER_LEN = 40;
const NH_HOP_BY_HOP = 0;
const NH_ROUTING = 43;
const NH_FRAGMENT = 44;
const NH_ESP = 50;
const NH_NONE = 59;
const NH_DEST_OPTS = 60;
const NH_MOBILITY = 135;
const NH_HIP = 139;
const NH_SHIM6 = 140;

export function decodeIpv6(st: DecodeState, buf: Buffer, off: number, end: number): void {
  if (!enterIpLayer(st)) return;
  if (end - off < IPV6_HEADER_LEN) {
    st.diag('IPV6_TRUNCATED');
    return;
  }
  if (buf[off]! >> 4 !== 6) {
    st.diag('IPV6_BAD_VERSION');
    return;
  }
  const payloadLen = u16(buf, off + 4);
  const start = off + IPV6_HEADER_LEN;
  let ipEnd: number;
  if (payloadLen === 0) {
    // Jumbogram (RFC 2675) or segmentation offload: the captured bytes are the payload.
    ipEnd = end;
  } else if (start + payloadLen > end) {
    if (!st.truncated) st.diag('IPV6_PAYLOAD_TRUNCATED');
    st.truncated = true;
    ipEnd = end;
  } else {
    ipEnd = start + payloadLen;
  }
  st.setIpAddresses(6, buf, off + 8, off + 24);
  decodeIpv6Chain(st, buf[off + 6]!, buf, start, ipEnd);
}

/** Walk extension headers from `next` at [off, end) to the upper-layer protocol. */
export function decodeIpv6Chain(st: DecodeState, next: number, buf: Buffer, off: number, end: number): void {
  // Each header takes at least 8 bytes, so the loop ends with the bytes.
  for (;;) {
    switch (next) {
      case NH_HOP_BY_HOP:
      case NH_ROUTING:
      case NH_DEST_OPTS:
      case NH_MOBILITY:
      case NH_HIP:
      case NH_SHIM6: {
        if (end - off < 8) {
          st.diag('IPV6_EXT_TRUNCATED');
          return;
        }
        const len = (buf[off + 1]! + 1) * 8;
        if (len > end - off) {
          st.diag('IPV6_EXT_TRUNCATED');
          return;
        }
        next = buf[off]!;
        off += len;
        continue;
      }
      case IPPROTO_AH: {
        const len = authHeaderLength(st, buf, off, end);
        if (len === undefined) return;
        next = buf[off]!;
        off += len;
        continue;
      }
      case NH_FRAGMENT:
        decodeFragment(st, buf, off, end);
        return;
      case NH_NONE:
      case NH_ESP:
        return;
      default:
        decodeIpPayload(st, next, buf, off, end);
        return;
    }
  }
}

/** Fragment header (RFC 8200 §4.5): next header, reserved, offset|M, identification. */
function decodeFragment(st: DecodeState, buf: Buffer, off: number, end: number): void {
  if (end - off < 8) {
    st.diag('IPV6_EXT_TRUNCATED');
    return;
  }
  const next = buf[off]!;
  const offsetFlags = u16(buf, off + 2);
  const fragOffset = offsetFlags & 0xfff8;
  const more = (offsetFlags & 0x0001) !== 0;
  const id = u32(buf, off + 4);
  off += 8;
  if (fragOffset === 0 && !more) {
    // Atomic fragment (RFC 6946 §4): processed as a whole packet.
    decodeIpv6Chain(st, next, buf, off, end);
    return;
  }
  const src = st.src;
  const dst = st.dst;
  const done = st.defrag.add({
    ipVersion: 6,
    src,
    dst,
    protocol: next,
    id,
    offset: fragOffset,
    more,
    data: buf.subarray(off, end),
    frame: st.frame,
    tsSec: st.tsSec,
    tsNsec: st.tsNsec,
  });
  if (!done) return;
  // The reassembled payload may hold more extension headers and, in crafted input, another
  // fragment header: count it as a layer so that chain stays bounded too.
  if (!enterIpLayer(st)) return;
  st.fragmentFrames = done.frames;
  st.setIpText(6, src, dst);
  decodeIpv6Chain(st, done.protocol, done.payload, 0, done.payload.length);
}
