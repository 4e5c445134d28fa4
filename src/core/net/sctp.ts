/**
 * SCTP (RFC 9260, formerly RFC 4960): a 12-byte common header, then chunks padded to
 * 4 bytes (§3.2). Each DATA chunk (type 0, §3.3.1) becomes its own segment with its TSN,
 * stream id and payload protocol identifier; control chunks are skipped.
 */
import type { DecodeState } from './decode-state.js';
import { u16, u32 } from './decode-state.js';

export const SCTP_COMMON_HEADER_LEN = 12;
export const SCTP_DATA_HEADER_LEN = 16;
const CHUNK_DATA = 0;

export function decodeSctp(st: DecodeState, buf: Buffer, off: number, end: number): void {
  if (end - off < SCTP_COMMON_HEADER_LEN) {
    st.diag('SCTP_TRUNCATED');
    return;
  }
  const srcPort = u16(buf, off);
  const dstPort = u16(buf, off + 2);
  let p = off + SCTP_COMMON_HEADER_LEN;
  while (end - p >= 4) {
    const type = buf[p]!;
    const chunkLen = u16(buf, p + 2);
    if (chunkLen < 4) {
      st.diag('SCTP_BAD_CHUNK_LENGTH', String(chunkLen));
      return;
    }
    let chunkEnd = p + chunkLen;
    const cut = chunkEnd > end;
    if (cut) chunkEnd = end;
    if (type === CHUNK_DATA) {
      if (chunkLen < SCTP_DATA_HEADER_LEN) {
        st.diag('SCTP_BAD_CHUNK_LENGTH', String(chunkLen));
        return;
      }
      if (chunkEnd - p < SCTP_DATA_HEADER_LEN) {
        st.diag('SCTP_TRUNCATED');
        return;
      }
      st.emitSegment(
        'sctp',
        srcPort,
        dstPort,
        buf.subarray(p + SCTP_DATA_HEADER_LEN, chunkEnd),
        undefined,
        { tsn: u32(buf, p + 4), streamId: u16(buf, p + 8), ppid: u32(buf, p + 12), flags: buf[p + 1]! },
        cut,
      );
    }
    if (cut) {
      if (!st.truncated) st.diag('SCTP_TRUNCATED');
      return;
    }
    p += (chunkLen + 3) & ~3;
  }
}
