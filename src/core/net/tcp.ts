/**
 * TCP header (RFC 9293 §3.1): ports, sequence and acknowledgment numbers, flags; options
 * are skipped by the data offset. Every segment is emitted, empty ones too, because the
 * stream reassembler needs SYN, FIN and RST.
 */
import type { DecodeState } from './decode-state.js';
import { u16, u32 } from './decode-state.js';

export const TCP_MIN_HEADER_LEN = 20;

export function decodeTcp(st: DecodeState, buf: Buffer, off: number, end: number): void {
  if (end - off < TCP_MIN_HEADER_LEN) {
    st.diag('TCP_TRUNCATED');
    return;
  }
  const headerLen = (buf[off + 12]! >> 4) * 4;
  if (headerLen < TCP_MIN_HEADER_LEN) {
    st.diag('TCP_BAD_OFFSET', String(headerLen));
    return;
  }
  if (headerLen > end - off) {
    st.diag(st.truncated ? 'TCP_TRUNCATED' : 'TCP_BAD_OFFSET', String(headerLen));
    return;
  }
  st.emitSegment('tcp', u16(buf, off), u16(buf, off + 2), buf.subarray(off + headerLen, end), {
    seq: u32(buf, off + 4),
    ack: u32(buf, off + 8),
    flags: buf[off + 13]!,
  });
}
