/**
 * Media as the views see it: one RTP stream (one SSRC in one direction) with its RFC 3550
 * figures, and the RTCP reports seen for it. Counters only: payloads stay in the capture
 * (each packet's fileOffset lets them be read again).
 */
import type { PacketTime } from '../correlate/types.js';

export interface RtpStreamSummary {
  /** Stable id: first-seen order over the capture, 1-based. */
  readonly id: number;
  /** Call this stream was matched to (by SDP c=/m=), undefined when unmatched. */
  readonly callIndex?: number;
  readonly ssrc: number;
  /** `ip:port` (IPv6 in brackets), as the ladder columns use. */
  readonly src: string;
  readonly dst: string;
  readonly payloadType: number;
  /** Codec name from a=rtpmap or the static payload type table (RFC 3551), e.g. `PCMU/8000`. */
  readonly codec: string;
  readonly clockRate: number;
  readonly firstTs: PacketTime;
  readonly lastTs: PacketTime;
  readonly firstFrame: number;
  readonly lastFrame: number;
  readonly packets: number;
  /** RFC 3550 A.3: highest extended sequence - base + 1. */
  readonly expected: number;
  /** expected - received (may be negative with duplicates, as RFC 3550 A.3 notes). */
  readonly lost: number;
  readonly outOfOrder: number;
  readonly duplicates: number;
  /** Largest gap between consecutive packets' arrival, ms. */
  readonly maxDeltaMs: number;
  /** RFC 3550 A.8 interarrival jitter, ms (last value and the maximum). */
  readonly jitterMs: number;
  readonly maxJitterMs: number;
  /** RFC 4733 telephone events seen, as digits in order (`0-9 * # A-D`, others as `[n]`). */
  readonly events: string;
  readonly rtcp: readonly RtcpReportSummary[];
  /** The 5-tuple (UDP), for re-reading the stream's packets from the capture (`save --rtp`). */
  readonly srcIp?: string;
  readonly srcPort?: number;
  readonly dstIp?: string;
  readonly dstPort?: number;
  readonly ipVersion?: 4 | 6;
  /** Every payload type seen, in first-seen order (e.g. audio, CN, telephone-event). */
  readonly payloadTypes?: readonly number[];
  /** Number of RFC 4733 events (may exceed `events` length, which is capped). */
  readonly eventCount?: number;
  /** The SDP announced SRTP for this media (payload encrypted; headers still counted). */
  readonly srtp?: boolean;
  /** Endpoint side that matched: `dst` (sent to an SDP address) or `src` (sent from one, RFC 4961). */
  readonly matchedBy?: 'dst' | 'src';
}

export interface RtcpReportSummary {
  readonly frame: number;
  readonly ts: PacketTime;
  /** `SR` or `RR`; the block describes the stream with `ssrc` as seen by the reporter. */
  readonly type: 'SR' | 'RR';
  readonly reporterSsrc: number;
  readonly fractionLost: number;
  readonly cumulativeLost: number;
  readonly highestSeq: number;
  readonly jitterMs: number;
}
