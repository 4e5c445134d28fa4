/**
 * RTP fixed header (RFC 3550 §5.1) read from a UDP payload in place. Never throws: a payload
 * that is not a well-formed RTP packet returns undefined with a named diagnostic.
 */
import type { DiagnosticSink } from '../diagnostics.js';

/** RFC 3550 §5.1: the fixed header is 12 bytes. */
export const RTP_FIXED_HEADER_BYTES = 12;

export interface RtpHeader {
  version: number;
  padding: boolean;
  extension: boolean;
  csrcCount: number;
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  /** Offset of the payload: fixed header + CSRCs + header extension (§5.3.1). */
  payloadOffset: number;
  /** Payload bytes without padding (§5.1 P bit: the last octet counts the padding). */
  payloadLength: number;
}

/** A header object to fill again and again (avoids one allocation per packet on the hot path). */
export function emptyRtpHeader(): RtpHeader {
  return { version: 0, padding: false, extension: false, csrcCount: 0, marker: false, payloadType: 0, sequence: 0, timestamp: 0, ssrc: 0, payloadOffset: 0, payloadLength: 0 };
}

/**
 * RFC 7983 §7 demultiplexing by first byte: 128-191 is RTP/RTCP (version 2); STUN (0-3),
 * ZRTP (16-19), DTLS (20-63) and TURN channels (64-79) share media ports legitimately.
 */
export type FirstByteClass = 'rtp' | 'stun' | 'zrtp' | 'dtls' | 'turn' | 'other';

export function classifyFirstByte(b0: number): FirstByteClass {
  if (b0 >= 128 && b0 <= 191) return 'rtp';
  if (b0 <= 3) return 'stun';
  if (b0 >= 16 && b0 <= 19) return 'zrtp';
  if (b0 >= 20 && b0 <= 63) return 'dtls';
  if (b0 >= 64 && b0 <= 79) return 'turn';
  return 'other';
}

/**
 * RFC 5761 §4: with RTP and RTCP on one port, the second octet tells them apart. RTCP packet
 * types 192-223 read as marker + payload type 64-95, which RTP must not use.
 */
export function looksLikeRtcp(payload: Buffer): boolean {
  const b1 = payload[1];
  return b1 !== undefined && b1 >= 192 && b1 <= 223;
}

/**
 * Reads the RTP header. `into` is filled and returned (a new object when omitted). With
 * `truncated` (the capture's snap length cut the packet) the padding count is not checked,
 * since the last octet is not there.
 */
export function parseRtpHeader(
  payload: Buffer,
  report?: DiagnosticSink,
  frame?: number,
  into?: RtpHeader,
  truncated = false,
): RtpHeader | undefined {
  const len = payload.length;
  if (len < RTP_FIXED_HEADER_BYTES) return fail(report, frame, 'RTP_TOO_SHORT', `${len} bytes`);
  const b0 = payload[0]!;
  const version = b0 >> 6;
  if (version !== 2) return fail(report, frame, 'RTP_BAD_VERSION', `version ${version}`);
  const csrcCount = b0 & 0x0f;
  let offset = RTP_FIXED_HEADER_BYTES + 4 * csrcCount;
  if (offset > len) return fail(report, frame, 'RTP_BAD_LENGTH', `${csrcCount} CSRCs do not fit in ${len} bytes`);
  const extension = (b0 & 0x10) !== 0;
  if (extension) {
    // §5.3.1: 16-bit profile-defined id, 16-bit length in 32-bit words (excluding this word).
    if (offset + 4 > len) return fail(report, frame, 'RTP_BAD_LENGTH', 'header extension cut');
    const words = payload.readUInt16BE(offset + 2);
    offset += 4 + 4 * words;
    if (offset > len) return fail(report, frame, 'RTP_BAD_LENGTH', `header extension of ${words} words does not fit`);
  }
  const padding = (b0 & 0x20) !== 0;
  let end = len;
  if (padding && !truncated) {
    const pad = payload[len - 1]!;
    if (pad === 0 || len - pad < offset) return fail(report, frame, 'RTP_BAD_PADDING', `padding ${pad}`);
    end = len - pad;
  }
  const h = into ?? emptyRtpHeader();
  const b1 = payload[1]!;
  h.version = version;
  h.padding = padding;
  h.extension = extension;
  h.csrcCount = csrcCount;
  h.marker = (b1 & 0x80) !== 0;
  h.payloadType = b1 & 0x7f;
  h.sequence = payload.readUInt16BE(2);
  h.timestamp = payload.readUInt32BE(4);
  h.ssrc = payload.readUInt32BE(8);
  h.payloadOffset = offset;
  h.payloadLength = end - offset;
  return h;
}

/** Reports and returns undefined (kept out of line so the good path allocates nothing). */
function fail(report: DiagnosticSink | undefined, frame: number | undefined, code: string, detail: string): undefined {
  report?.(frame !== undefined ? { code, frame, detail } : { code, detail });
  return undefined;
}
