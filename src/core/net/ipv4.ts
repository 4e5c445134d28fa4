/**
 * IPv4 header (RFC 791 §3.1). Checksums are not verified: captures taken on the sending
 * host see offloaded, not-yet-computed checksums. Fragments go to the reassembler.
 */
import type { DecodeState } from './decode-state.js';
import { u16 } from './decode-state.js';
import { decodeIpPayload, enterIpLayer } from './ip.js';

export const IPV4_MIN_HEADER_LEN = 20;
const IPV4_FLAG_MF = 0x2000;
const IPV4_OFFSET_MASK = 0x1fff;

export function decodeIpv4(st: DecodeState, buf: Buffer, off: number, end: number): void {
  if (!enterIpLayer(st)) return;
  const avail = end - off;
  if (avail < IPV4_MIN_HEADER_LEN) {
    st.diag('IPV4_TRUNCATED');
    return;
  }
  const versionIhl = buf[off]!;
  if (versionIhl >> 4 !== 4) {
    st.diag('IPV4_BAD_VERSION');
    return;
  }
  const headerLen = (versionIhl & 0x0f) * 4;
  if (headerLen < IPV4_MIN_HEADER_LEN) {
    st.diag('IPV4_BAD_IHL');
    return;
  }
  if (headerLen > avail) {
    st.diag('IPV4_TRUNCATED');
    return;
  }
  const totalLen = u16(buf, off + 2);
  let ipEnd: number;
  if (totalLen === 0) {
    // TCP segmentation offload: the capture saw the super-packet before the NIC split it.
    ipEnd = end;
  } else if (totalLen < headerLen) {
    st.diag('IPV4_BAD_LENGTH');
    return;
  } else if (totalLen > avail) {
    // Snap length (or damage): use what is there and say so.
    if (!st.truncated) st.diag('IPV4_PAYLOAD_TRUNCATED');
    st.truncated = true;
    ipEnd = end;
  } else {
    ipEnd = off + totalLen; // drops Ethernet padding after short packets
  }

  st.setIpAddresses(4, buf, off + 12, off + 16);
  const protocol = buf[off + 9]!;
  const flagsOffset = u16(buf, off + 6);
  const more = (flagsOffset & IPV4_FLAG_MF) !== 0;
  const fragOffset = (flagsOffset & IPV4_OFFSET_MASK) * 8;
  if (!more && fragOffset === 0) {
    decodeIpPayload(st, protocol, buf, off + headerLen, ipEnd);
    return;
  }

  // A fragment (RFC 791 §2.3): identified by source, destination, protocol and id.
  const src = st.src;
  const dst = st.dst;
  const done = st.defrag.add({
    ipVersion: 4,
    src,
    dst,
    protocol,
    id: u16(buf, off + 4),
    offset: fragOffset,
    more,
    data: buf.subarray(off + headerLen, ipEnd),
    frame: st.frame,
    tsSec: st.tsSec,
    tsNsec: st.tsNsec,
  });
  if (!done) return;
  st.fragmentFrames = done.frames;
  st.setIpText(4, src, dst);
  decodeIpPayload(st, done.protocol, done.payload, 0, done.payload.length);
}
