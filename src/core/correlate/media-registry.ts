/**
 * Media correlation: SDP tells where each call expects media, UDP packets to (or from) those
 * places are that call's RTP and RTCP.
 *
 * Matching rule (the same as Wireshark's SDP-created RTP conversations):
 * 1. Every SDP in a non-retransmitted request or 1xx/2xx response registers, for its call, each
 *    enabled m= line's `address:port` (media-level c= over session-level c=) and its RTCP
 *    endpoint (RFC 3605 a=rtcp, else port + 1; none with a=rtcp-mux). Endpoints are keyed by
 *    address AND port, never by port alone. A later SDP announcing the same address:port (any
 *    call) takes the endpoint over from that packet on: ports are reused, the newest claim wins.
 *    c=0.0.0.0 (RFC 2543 hold) and port 0 register nothing.
 * 2. A UDP packet belongs to the call whose endpoint equals its destination. When its
 *    destination is not announced, its source is tried: a UA sends from the port it receives
 *    on (symmetric RTP, RFC 4961), which is also how media towards a NATed peer is found — the
 *    peer announced a private address, its packets arrive at our side's announced endpoint
 *    (rule 2, destination) and our side's packets go back to the NAT's public address from
 *    our announced endpoint (rule 2, source).
 * 3. On an RTP endpoint, RFC 5761 §4 tells RTCP from RTP (second octet 192-223); RFC 7983
 *    first-octet demultiplexing sets STUN/ZRTP/DTLS/TURN aside without diagnostics.
 *
 * Streams are keyed by SSRC + source + destination + call; a stream keeps the call its first
 * matched packet gave it. Unmatched RTP is ignored unless `trackUnmatched` is set: then
 * RTP-looking packets (version 2, a known static or a dynamic payload type, both ports ≥ 1024,
 * even destination port) become streams without a call, at most MAX_UNMATCHED_STREAMS; such a
 * stream is adopted by a call when a later SDP announces one of its ends.
 *
 * Pure: packet time only; counters only, no payloads (each stream exposes its 5-tuple and
 * time range so `save --rtp` can re-scan the capture).
 */
import type { DiagnosticSink } from '../diagnostics.js';
import type { TransportSegment } from '../net/segment.js';
import type { MessageEntry } from './types.js';
import { sdpOfMessage, type SdpMedia, type SdpSession } from '../sdp/session.js';
import { OfferAnswerTracker, type Negotiation } from '../sdp/negotiation.js';
import { codecLabel, staticPayload, isDynamicPayloadType } from '../sdp/static-payloads.js';
import { classifyFirstByte, emptyRtpHeader, looksLikeRtcp, parseRtpHeader } from '../rtp/rtp.js';
import { parseRtcpCompound, RTCP_RR, RTCP_SR } from '../rtp/rtcp.js';
import { RtpStreamStats, type PacketFormat } from '../rtp/stream-stats.js';
import type { RtpStreamSummary } from '../rtp/types.js';

/**
 * Announced endpoints kept at most (a live capture runs for days; each call announces ~4).
 * The oldest registrations are forgotten first.
 */
export const MAX_MEDIA_ENDPOINTS = 200_000;
/** Streams kept at most; beyond it packets of new streams are counted, not tracked (RTP_STREAM_LIMIT). */
export const MAX_RTP_STREAMS = 100_000;
/** Streams without a call kept at most (`trackUnmatched`): guesses must not eat the budget. */
export const MAX_UNMATCHED_STREAMS = 1_000;
/** RFC 3550 §5.1 / RFC 4961: media ports below this are well-known services, not RTP. */
export const MIN_UNMATCHED_PORT = 1024;

export type MediaEndpointKind = 'rtp' | 'rtcp' | 'other';

/** One announced media endpoint (an m= line's address:port, or its RTCP address:port). */
export interface MediaEndpoint {
  readonly callIndex: number;
  readonly kind: MediaEndpointKind;
  readonly address: string;
  readonly port: number;
  /** The SDP message (correlator seq) and frame that announced it. */
  readonly sinceSeq: number;
  readonly sinceFrame: number;
  readonly media: SdpMedia;
}

interface Registration extends MediaEndpoint {
  /** PacketFormat per payload type, built on first use. */
  readonly formats: Map<number, PacketFormat>;
  removed: boolean;
}

export interface MediaRegistryOptions {
  readonly onDiagnostic?: DiagnosticSink;
  /** Track RTP-looking packets no SDP announced (streams without callIndex). Default false. */
  readonly trackUnmatched?: boolean;
}

export interface MediaRegistryStats {
  /** UDP segments offered to onUdp. */
  udpSegments: number;
  rtpPackets: number;
  rtcpPackets: number;
  /** STUN, ZRTP, DTLS, TURN or non-RTP media (T.38 UDPTL) on announced endpoints. */
  otherMediaPackets: number;
  /** RTP on announced endpoints that failed to parse. */
  badPackets: number;
  /** RTCP report blocks about an SSRC no stream of the call has (yet). */
  unattachedReportBlocks: number;
  unmatchedRtpPackets: number;
}

/** Per call packet counts (for the call list's media columns). */
export interface CallMediaCounts {
  rtpPackets: number;
  rtcpPackets: number;
  otherPackets: number;
}

const NO_STREAMS: readonly RtpStreamSummary[] = [];

export class MediaRegistry {
  readonly stats: MediaRegistryStats = {
    udpSegments: 0,
    rtpPackets: 0,
    rtcpPackets: 0,
    otherMediaPackets: 0,
    badPackets: 0,
    unattachedReportBlocks: 0,
    unmatchedRtpPackets: 0,
  };
  private readonly report?: DiagnosticSink;
  private readonly trackUnmatched: boolean;
  private readonly byPort = new Map<number, Registration[]>();
  /** Registrations in announcement order, for eviction (head index; compacted now and then). */
  private order: Registration[] = [];
  private orderHead = 0;
  private liveRegistrations = 0;
  private readonly streamList: RtpStreamStats[] = [];
  /** Streams by SSRC and 5-tuple: one agent may reuse an SSRC in every call (sipp does), so
   * the SSRC alone would make every lookup a scan over all calls' streams. */
  private readonly byFlow = new Map<string, RtpStreamStats[]>();
  private readonly byCall = new Map<number, RtpStreamStats[]>();
  private readonly callCounts = new Map<number, CallMediaCounts>();
  private unmatchedStreams = 0;
  private readonly negotiations = new OfferAnswerTracker();
  private readonly header = emptyRtpHeader();
  private versionCounter = 0;
  private streamLimitReported = false;

  constructor(options: MediaRegistryOptions = {}) {
    if (options.onDiagnostic) this.report = options.onDiagnostic;
    this.trackUnmatched = options.trackUnmatched ?? false;
  }

  /** Bumps on every change (new SDP, every media packet). */
  get version(): number {
    return this.versionCounter;
  }

  /** Every stream, in first-seen order (id = index + 1). */
  streams(): readonly RtpStreamSummary[] {
    return this.streamList;
  }

  streamsOfCall(callIndex: number): readonly RtpStreamSummary[] {
    return this.byCall.get(callIndex) ?? NO_STREAMS;
  }

  /** RFC 3264 exchanges of a call in the order their offers were seen. */
  negotiationsOfCall(callIndex: number): readonly Negotiation[] {
    return this.negotiations.negotiationsOfCall(callIndex);
  }

  mediaCountsOfCall(callIndex: number): CallMediaCounts | undefined {
    return this.callCounts.get(callIndex);
  }

  /** The endpoint currently registered at address:port, if any. */
  endpointAt(address: string, port: number): MediaEndpoint | undefined {
    return this.find(address, port);
  }

  /**
   * A SIP message placed by the correlator (call it right after CallCorrelator.add, in capture
   * order, before later UDP segments). Returns the message's SDP, if any.
   */
  onSipMessage(entry: MessageEntry): SdpSession | undefined {
    const msg = entry.message;
    const sdp = sdpOfMessage(msg, this.report);
    this.negotiations.onMessage(entry, sdp);
    if (!sdp || entry.retransmission) return sdp;
    if (!msg.isRequest && (msg.statusCode ?? 0) >= 300) return sdp; // an error's SDP announces nothing (RFC 3261 §21.4.26)
    for (const media of sdp.media) {
      if (media.disabled || media.address === '' || media.holdAddress) continue;
      const kind: MediaEndpointKind = media.isRtp ? 'rtp' : 'other';
      this.register(entry, media, kind, media.address, media.port, true);
      if (media.isRtp && (media.rtcpAddress !== media.address || media.rtcpPort !== media.port) && media.rtcpAddress !== '') {
        // An implicit port+1 must not take an RTP endpoint away from another call; a=rtcp may.
        const explicit = media.rtcpPort !== media.port + 1 || media.rtcpAddress !== media.address;
        this.register(entry, media, 'rtcp', media.rtcpAddress, media.rtcpPort, explicit);
      }
    }
    this.versionCounter++;
    return sdp;
  }

  /** A UDP segment that carried no SIP (SipDecoder's onOtherUdp), in capture order. */
  onUdp(seg: TransportSegment): void {
    this.stats.udpSegments++;
    const payload = seg.payload;
    if (payload.length === 0) return;
    let reg = this.find(seg.dst, seg.dstPort);
    let matchedBy: 'dst' | 'src' = 'dst';
    if (!reg) {
      reg = this.find(seg.src, seg.srcPort);
      matchedBy = 'src';
    }
    if (!reg) {
      if (this.trackUnmatched) this.unmatched(seg);
      return;
    }
    const counts = this.countsOf(reg.callIndex);
    const cls = classifyFirstByte(payload[0]!);
    if (reg.kind === 'other' || cls !== 'rtp') {
      if (cls === 'other' && reg.kind !== 'other') {
        // Not version 2 and none of the RFC 7983 neighbours: damaged or foreign.
        this.report?.({ code: 'RTP_BAD_VERSION', frame: seg.frame, detail: `first octet ${payload[0]}` });
        this.stats.badPackets++;
        return;
      }
      this.stats.otherMediaPackets++;
      counts.otherPackets++;
      return;
    }
    this.versionCounter++;
    if (reg.kind === 'rtcp' || looksLikeRtcp(payload)) {
      this.stats.rtcpPackets++;
      counts.rtcpPackets++;
      this.rtcp(seg, reg);
      return;
    }
    const h = parseRtpHeader(payload, this.report, seg.frame, this.header, seg.truncated === true);
    if (!h) {
      this.stats.badPackets++;
      return;
    }
    this.stats.rtpPackets++;
    counts.rtpPackets++;
    const stream = this.streamFor(seg, h.ssrc, reg.callIndex);
    if (!stream) return;
    if (stream.matchedBy === undefined) stream.matchedBy = matchedBy;
    if (reg.media.srtp) stream.srtp = true;
    stream.add(h, payload, seg.tsSec, seg.tsNsec, seg.frame, this.formatOf(reg, h.payloadType));
  }

  // --- registrations ---

  private find(address: string, port: number): Registration | undefined {
    const list = this.byPort.get(port);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const r = list[i]!;
      if (r.address === address) return r;
    }
    return undefined;
  }

  private register(entry: MessageEntry, media: SdpMedia, kind: MediaEndpointKind, address: string, port: number, takeOver: boolean): void {
    const existing = this.find(address, port);
    if (existing) {
      if (!takeOver && existing.kind === 'rtp' && existing.callIndex !== entry.callIndex) return;
      this.unlink(existing);
    }
    const reg: Registration = {
      callIndex: entry.callIndex,
      kind,
      address,
      port,
      sinceSeq: entry.seq,
      sinceFrame: entry.message.frame,
      media,
      formats: new Map(),
      removed: false,
    };
    let list = this.byPort.get(port);
    if (!list) {
      list = [];
      this.byPort.set(port, list);
    }
    list.push(reg);
    this.order.push(reg);
    this.liveRegistrations++;
    while (this.liveRegistrations > MAX_MEDIA_ENDPOINTS) this.evictOldest();
  }

  private unlink(reg: Registration): void {
    if (reg.removed) return;
    reg.removed = true;
    this.liveRegistrations--;
    const list = this.byPort.get(reg.port);
    if (!list) return;
    const i = list.indexOf(reg);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byPort.delete(reg.port);
  }

  private evictOldest(): void {
    while (this.orderHead < this.order.length) {
      const r = this.order[this.orderHead++]!;
      if (!r.removed) {
        this.unlink(r);
        break;
      }
    }
    if (this.orderHead > 4096 && this.orderHead * 2 > this.order.length) {
      this.order = this.order.slice(this.orderHead);
      this.orderHead = 0;
    }
  }

  /** How a payload type reads for packets on this endpoint: its SDP's rtpmap, else RFC 3551. */
  private formatOf(reg: Registration, pt: number): PacketFormat {
    let f = reg.formats.get(pt);
    if (f) return f;
    const p = reg.media.payloads.find((x) => x.payloadType === pt) ?? staticPayload(pt);
    f = {
      codec: p ? codecLabel(p) : String(pt),
      clockRate: p?.clockRate ?? 0,
      isEvent: pt === reg.media.telephoneEventPt || (p !== undefined && p.name.toLowerCase() === 'telephone-event'),
      isComfortNoise: pt === 13 || pt === 19 || (p !== undefined && p.name.toUpperCase() === 'CN'),
    };
    reg.formats.set(pt, f);
    return f;
  }

  // --- streams ---

  private streamFor(seg: TransportSegment, ssrc: number, callIndex: number | undefined): RtpStreamStats | undefined {
    const flowKey = `${ssrc}|${seg.src}|${seg.srcPort}|${seg.dst}|${seg.dstPort}`;
    let list = this.byFlow.get(flowKey);
    if (list) {
      let adoptable: RtpStreamStats | undefined;
      for (let i = list.length - 1; i >= 0; i--) {
        const s = list[i]!;
        if (!s.matches(ssrc, seg.src, seg.srcPort, seg.dst, seg.dstPort)) continue;
        if (s.callIndex === callIndex) return s;
        if (s.callIndex === undefined && adoptable === undefined) adoptable = s;
      }
      if (adoptable && callIndex !== undefined) {
        adoptable.callIndex = callIndex;
        this.unmatchedStreams--;
        this.callStreams(callIndex).push(adoptable);
        return adoptable;
      }
    }
    if (this.streamList.length >= MAX_RTP_STREAMS) {
      if (!this.streamLimitReported) {
        this.streamLimitReported = true;
        this.report?.({ code: 'RTP_STREAM_LIMIT', frame: seg.frame, detail: `more than ${MAX_RTP_STREAMS} streams` });
      }
      return undefined;
    }
    if (callIndex === undefined) {
      if (this.unmatchedStreams >= MAX_UNMATCHED_STREAMS) return undefined;
      this.unmatchedStreams++;
    }
    const s = new RtpStreamStats(
      this.streamList.length + 1,
      { ssrc, srcIp: seg.src, srcPort: seg.srcPort, dstIp: seg.dst, dstPort: seg.dstPort, ipVersion: seg.ipVersion },
      seg,
      seg.frame,
    );
    if (callIndex !== undefined) {
      s.callIndex = callIndex;
      this.callStreams(callIndex).push(s);
    }
    this.streamList.push(s);
    if (list) list.push(s);
    else {
      list = [s];
      this.byFlow.set(flowKey, list);
    }
    return s;
  }

  private callStreams(callIndex: number): RtpStreamStats[] {
    let l = this.byCall.get(callIndex);
    if (!l) {
      l = [];
      this.byCall.set(callIndex, l);
    }
    return l;
  }

  private countsOf(callIndex: number): CallMediaCounts {
    let c = this.callCounts.get(callIndex);
    if (!c) {
      c = { rtpPackets: 0, rtcpPackets: 0, otherPackets: 0 };
      this.callCounts.set(callIndex, c);
    }
    return c;
  }

  /** SR/RR report blocks go to the stream they describe: same SSRC, same call, preferably the one the reporter receives. */
  private rtcp(seg: TransportSegment, reg: Registration): void {
    const packets = parseRtcpCompound(seg.payload, this.report, seg.frame, reg.media.srtp);
    for (const p of packets) {
      if ((p.packetType !== RTCP_SR && p.packetType !== RTCP_RR) || !p.reports) continue;
      for (const b of p.reports) {
        const candidates = this.byCall.get(reg.callIndex)?.filter((x) => x.ssrc === b.ssrc);
        let target: RtpStreamStats | undefined;
        if (candidates) {
          for (const s of candidates) {
            if (s.callIndex !== reg.callIndex) continue;
            if (s.dstIp === seg.src) {
              target = s;
              break;
            }
            target ??= s;
          }
        }
        if (!target) {
          this.stats.unattachedReportBlocks++;
          continue;
        }
        target.addReport({
          frame: seg.frame,
          ts: { tsSec: seg.tsSec, tsNsec: seg.tsNsec },
          type: p.packetType === RTCP_SR ? 'SR' : 'RR',
          reporterSsrc: p.ssrc ?? 0,
          fractionLost: b.fractionLost,
          cumulativeLost: b.cumulativeLost,
          highestSeq: b.highestSeq,
          jitterMs: target.clockRate > 0 ? (b.jitter * 1000) / target.clockRate : 0,
        });
      }
    }
  }

  /** Opt-in guesswork for media no SDP announced (see the module comment for the rule). */
  private unmatched(seg: TransportSegment): void {
    const payload = seg.payload;
    if (seg.srcPort < MIN_UNMATCHED_PORT || seg.dstPort < MIN_UNMATCHED_PORT || (seg.dstPort & 1) !== 0) return;
    if (classifyFirstByte(payload[0]!) !== 'rtp' || looksLikeRtcp(payload)) return;
    const pt = payload.length > 1 ? payload[1]! & 0x7f : -1;
    const known = staticPayload(pt);
    if (!known && !isDynamicPayloadType(pt)) return;
    const h = parseRtpHeader(payload, undefined, seg.frame, this.header, seg.truncated === true);
    if (!h) return;
    const stream = this.streamFor(seg, h.ssrc, undefined);
    if (!stream) return;
    this.stats.unmatchedRtpPackets++;
    this.versionCounter++;
    stream.add(h, payload, seg.tsSec, seg.tsNsec, seg.frame, {
      codec: known ? codecLabel(known) : String(pt),
      clockRate: known?.clockRate ?? 0,
      isEvent: false,
      isComfortNoise: pt === 13 || pt === 19,
    });
  }
}
