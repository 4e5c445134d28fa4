/**
 * UDP header (RFC 768). The length field bounds the payload (dropping link padding); a
 * length larger than the bytes present keeps what is there, marked truncated.
 */
import type { DecodeState } from './decode-state.js';
import { u16 } from './decode-state.js';
import { tryDecodeVxlan, VXLAN_PORT } from './vxlan.js';

export const UDP_HEADER_LEN = 8;

export function decodeUdp(st: DecodeState, buf: Buffer, off: number, end: number): void {
  if (end - off < UDP_HEADER_LEN) {
    st.diag('UDP_TRUNCATED');
    return;
  }
  const srcPort = u16(buf, off);
  const dstPort = u16(buf, off + 2);
  const length = u16(buf, off + 4);
  let payloadEnd: number;
  let truncated = false;
  if (length === 0) {
    // Jumbogram (RFC 2675 §4) or offload: the IP layer's bound is the datagram's.
    payloadEnd = end;
  } else if (length < UDP_HEADER_LEN) {
    st.diag('UDP_BAD_LENGTH', String(length));
    return;
  } else if (off + length > end) {
    if (!st.truncated) st.diag('UDP_PAYLOAD_TRUNCATED');
    truncated = true;
    payloadEnd = end;
  } else {
    payloadEnd = off + length;
  }
  const start = off + UDP_HEADER_LEN;
  if (dstPort === VXLAN_PORT && tryDecodeVxlan(st, buf, start, payloadEnd)) return;
  st.emitSegment('udp', srcPort, dstPort, buf.subarray(start, payloadEnd), undefined, undefined, truncated);
}
