/** Public surface of the RTP/RTCP core. */
export type { RtpStreamSummary, RtcpReportSummary } from './types.js';
export { parseRtpHeader, emptyRtpHeader, looksLikeRtcp, classifyFirstByte, RTP_FIXED_HEADER_BYTES, type RtpHeader, type FirstByteClass } from './rtp.js';
export {
  parseRtcpCompound,
  rtcpTypeName,
  RTCP_SR,
  RTCP_RR,
  RTCP_SDES,
  RTCP_BYE,
  RTCP_APP,
  RTCP_XR,
  type RtcpPacket,
  type RtcpReportBlock,
  type RtcpSenderInfo,
} from './rtcp.js';
export { RtpStreamStats, MAX_DROPOUT, MAX_MISORDER, SEQ_WINDOW, MAX_RTCP_REPORTS_PER_STREAM, type PacketFormat, type StreamKey } from './stream-stats.js';
export { eventDigit, parseTelephoneEvent, TelephoneEventCounter, MAX_EVENT_DIGITS } from './telephone-event.js';
