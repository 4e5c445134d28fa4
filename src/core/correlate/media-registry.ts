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
 *
 * Cost: a 1 GB capture has ~10^5 calls and ~10^6 media packets, so per call this keeps one
 * small record (an array slot by call index, not a Map entry), its live endpoints (chained in
 * lists from a table indexed by port: no array or Map per endpoint or per port) and its
 * streams (chained, no array per call; their numbers are rows of typed columns shared by all
 * streams, RtpStreamTable); per packet it allocates nothing: the endpoint remembers the last
 * stream it served and its shared formats the PacketFormat of each payload type, else the
 * stream is looked for among its call's few streams (a stream of a call is in that call's chain). Only streams without a call (`trackUnmatched`)
 * have an index of their own, keyed by a small integer mixed from SSRC and ports (no string
 * built per packet), its rare collisions told apart by comparing the 5-tuple.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import type { TransportSegment } from '../net/segment.js';
import type { MessageEntry } from './types.js';
import { readSdpOfMessage, type SdpMedia, type SdpSession } from '../sdp/session.js';
import { OfferAnswerTracker, type Negotiation } from '../sdp/negotiation.js';
import { codecLabel, type PayloadFormat, staticPayload, isDynamicPayloadType } from '../sdp/static-payloads.js';
import { classifyFirstByte, emptyRtpHeader, looksLikeRtcp, parseRtpHeader } from '../rtp/rtp.js';
import { parseRtcpCompound, RTCP_RR, RTCP_SR } from '../rtp/rtcp.js';
import { RtpStreamStats, RtpStreamTable, type PacketFormat } from '../rtp/stream-stats.js';
import type { RtcpReportSummary } from '../rtp/types.js';
import { CallSlots } from '../rtp/call-slots.js';
import type { RtpStreamSummary } from '../rtp/types.js';

/**
 * Announced endpoints kept at most (a live capture runs for days; each call announces ~4, a
 * proxy trace twice that). The oldest registrations are forgotten first, so the bound must
 * cover every call still talking: 1M is ~250k concurrent calls, ~100 MB at the most.
 */
export const MAX_MEDIA_ENDPOINTS = 1_000_000;
/**
 * Streams kept at most; beyond it packets of new streams are counted, not tracked
 * (RTP_STREAM_LIMIT). A 1 GB generated capture has ~170k streams: the bound is far above.
 */
export const MAX_RTP_STREAMS = 1_000_000;
/** Streams without a call kept at most (`trackUnmatched`): guesses must not eat the budget. */
export const MAX_UNMATCHED_STREAMS = 1_000;
/** RFC 3550 §5.1 / RFC 4961: media ports below this are well-known services, not RTP. */
export const MIN_UNMATCHED_PORT = 1024;
/**
 * Distinct packet formats (codec, clock rate, event/comfort-noise) shared between endpoints.
 * A capture uses a handful; SDP from the wire may invent more, which are then not shared.
 */
export const MAX_SHARED_PACKET_FORMATS = 4096;

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
  readonly media: MediaFormats;
}

/**
 * Media of one call: packet counts (in place: -1 until the first packet), streams and the
 * endpoints it holds now. No array per call: streams and registrations are chained.
 */
class CallMedia {
  rtpPackets = -1;
  rtcpPackets = -1;
  otherPackets = -1;
  /** Newest stream; older ones follow through `olderInCall` (first-seen order reversed). */
  newestStream: RtpStreamStats | undefined = undefined;
  /** Newest live registration; the others follow through `nextInCall`. */
  registrations: Registration | undefined = undefined;
  constructor(readonly callIndex: number) {}
}

const KINDS: readonly MediaEndpointKind[] = ['rtp', 'rtcp', 'other'];
const KIND_RTP = 0;
const KIND_RTCP = 1;
const KIND_OTHER = 2;
/** Registration.bits: the kind's index in KINDS (2 bits), `removed`, then the port (0-65535). */
const R_KIND = 3;
const R_REMOVED = 4;
const R_ODD_PORT = 8;
const R_PORT_SHIFT = 4;
/** Ports an SDP wrote outside 0-65535 (or not an integer): rare, kept aside. */
const oddPortOf = new WeakMap<Registration, number>();

class Registration implements MediaEndpoint {
  private bits: number;
  /** Announcement order of live registrations (eviction order), both ways. */
  older: Registration | undefined = undefined;
  newer: Registration | undefined = undefined;
  /** The next older live registration on the same port (any address). */
  nextAtPort: Registration | undefined = undefined;
  nextInCall: Registration | undefined = undefined;
  /** The stream the last RTP packet here belonged to (packets of one flow come in runs). */
  lastStream: RtpStreamStats | undefined = undefined;
  constructor(
    readonly call: CallMedia,
    kind: MediaEndpointKind,
    readonly address: string,
    port: number,
    readonly sinceSeq: number,
    readonly sinceFrame: number,
    readonly media: SharedMediaFormats,
  ) {
    let bits = kind === 'rtp' ? KIND_RTP : kind === 'rtcp' ? KIND_RTCP : KIND_OTHER;
    if (Number.isInteger(port) && port >= 0 && port <= 0xffff) bits |= port << R_PORT_SHIFT;
    else {
      bits |= R_ODD_PORT;
      oddPortOf.set(this, port);
    }
    this.bits = bits;
  }

  get port(): number {
    return (this.bits & R_ODD_PORT) === 0 ? this.bits >>> R_PORT_SHIFT : oddPortOf.get(this)!;
  }

  get callIndex(): number {
    return this.call.callIndex;
  }
  get kind(): MediaEndpointKind {
    return KINDS[this.bits & R_KIND]!;
  }
  get kindIndex(): number {
    return this.bits & R_KIND;
  }
  get removed(): boolean {
    return (this.bits & R_REMOVED) !== 0;
  }
  markRemoved(): void {
    this.bits |= R_REMOVED;
  }
}

/** MediaFormats as the registry keeps them: with the PacketFormat of each payload type read so far. */
/** Codec lists remembered for the field-compare fast path of formatsOf. */
const RECENT_MEDIA_FORMATS = 4;

/** The m= line announces exactly these formats (what formatsByKey's key is made of). */
function sameFormats(m: SdpMedia, f: SharedMediaFormats): boolean {
  if (m.srtp !== f.srtp || m.telephoneEventPt !== f.telephoneEventPt) return false;
  const a = m.payloads;
  const b = f.payloads;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.payloadType !== y.payloadType || x.name !== y.name || x.clockRate !== y.clockRate || x.channels !== y.channels) return false;
  }
  return true;
}

interface SharedMediaFormats extends MediaFormats {
  /** By payload type (0-127): every endpoint announcing these formats reads a PT the same way. */
  readonly packetFormats: (PacketFormat | undefined)[];
}

/** What media matching reads of an m= line; endpoints announcing the same formats share one. */
export interface MediaFormats {
  /** SAVP/SAVPF or a=crypto: payloads are encrypted (RTCP too, RFC 3711). */
  readonly srtp: boolean;
  readonly payloads: readonly PayloadFormat[];
  readonly telephoneEventPt?: number;
}

/** Distinct MediaFormats shared at most (codec lists repeat; odd ones beyond get their own). */
export const MAX_SHARED_MEDIA_FORMATS = 4096;

export interface MediaRegistryOptions {
  /**
   * Parses a message's SDP again by correlator seq: given, offer/answer exchanges keep no
   * parsed sessions (they are read again when a view asks).
   */
  readonly sdpOfSeq?: (seq: number) => SdpSession | undefined;
  /** The correlator's message by seq: with `sdpOfSeq`, exchange events keep only seq and hold. */
  readonly entryOfSeq?: (seq: number) => MessageEntry | undefined;
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

/** A call's streams in first-seen order (a new array per read, from the chain). */
function streamsOf(call: CallMedia): RtpStreamStats[] {
  let count = 0;
  for (let s = call.newestStream; s !== undefined; s = s.olderInCall) count++;
  const out = new Array<RtpStreamStats>(count);
  for (let s = call.newestStream; s !== undefined; s = s.olderInCall) out[--count] = s;
  return out;
}

/**
 * The stream index key: SSRC and both ports mixed into a small integer (kept in V8's
 * immediate range, so a lookup boxes nothing). Equal keys are confirmed field by field.
 */
function flowKey(ssrc: number, srcPort: number, dstPort: number): number {
  return (ssrc ^ (srcPort << 14) ^ dstPort) & 0x3fffffff;
}

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
  /**
   * Newest live registration per port (index = port, allocated on first use); older ones on
   * that port follow through `nextAtPort`. Ports an SDP may write beyond 0-65535 go to oddPorts.
   */
  private byPort: (Registration | undefined)[] | undefined = undefined;
  private readonly oddPorts = new Map<number, Registration>();
  private oldest: Registration | undefined = undefined;
  private newest: Registration | undefined = undefined;
  private liveRegistrations = 0;
  private readonly calls = new CallSlots<CallMedia>();
  /** The numbers of every stream (the objects are handles on its rows). */
  private readonly streamTable = new RtpStreamTable();
  /** Every stream in first-seen order, forgotten ones included until the next compaction. */
  private streamList: RtpStreamStats[] = [];
  /** Streams of forgotten calls still in streamList. */
  private readonly forgotten = new Set<RtpStreamStats>();
  private liveStreams = 0;
  private nextStreamId = 1;
  /** Streams without a call by flowKey: one stream, or the streams sharing that key in first-seen order. */
  private readonly unmatchedByFlow = new Map<number, RtpStreamStats | RtpStreamStats[]>();
  private unmatchedStreams = 0;
  private readonly negotiations: OfferAnswerTracker;
  /** MediaFormats by signature: every call with the same codecs shares one (bounded). */
  private readonly sharedMediaFormats = new Map<string, SharedMediaFormats>();
  private readonly recentMediaFormats: SharedMediaFormats[] = [];
  private recentMediaFormatsNext = 0;
  private readonly header = emptyRtpHeader();
  private readonly sharedFormats = new Map<string, PacketFormat>();
  /** Formats of unannounced streams by payload type (they depend on the PT alone). */
  private readonly unmatchedFormats: (PacketFormat | undefined)[] = [];
  private versionCounter = 0;
  private streamLimitReported = false;

  constructor(options: MediaRegistryOptions = {}) {
    this.negotiations = new OfferAnswerTracker(options.sdpOfSeq, options.entryOfSeq);
    if (options.onDiagnostic) this.report = options.onDiagnostic;
    this.trackUnmatched = options.trackUnmatched ?? false;
  }

  /** Bumps on every change (new SDP, every media packet, a forgotten call). */
  get version(): number {
    return this.versionCounter;
  }

  /** Every stream, in first-seen order (ids count from 1 in that order and never change). */
  streams(): readonly RtpStreamSummary[] {
    if (this.forgotten.size > 0) this.compactStreams();
    return this.streamList;
  }

  /** A call's streams in first-seen order (a new array per read; the streams are the same objects). */
  streamsOfCall(callIndex: number): readonly RtpStreamSummary[] {
    const call = this.calls.get(callIndex);
    return call?.newestStream === undefined ? NO_STREAMS : streamsOf(call);
  }

  /** RFC 3264 exchanges of a call in the order their offers were seen. */
  negotiationsOfCall(callIndex: number): readonly Negotiation[] {
    return this.negotiations.negotiationsOfCall(callIndex);
  }

  /** A new object per read. */
  mediaCountsOfCall(callIndex: number): CallMediaCounts | undefined {
    const call = this.calls.get(callIndex);
    if (call === undefined || call.rtpPackets < 0) return undefined;
    return { rtpPackets: call.rtpPackets, rtcpPackets: call.rtcpPackets, otherPackets: call.otherPackets };
  }

  /** The endpoint currently registered at address:port, if any. */
  endpointAt(address: string, port: number): MediaEndpoint | undefined {
    return this.find(address, port);
  }

  /**
   * Drops everything kept for a call: its endpoints (packets to them no longer match), its
   * streams, counts and negotiations. For a live capture that forgets its oldest calls; the
   * remaining streams keep their ids. A later SDP of the same call registers anew.
   */
  forgetCall(callIndex: number): void {
    this.negotiations.forgetCall(callIndex);
    const call = this.calls.get(callIndex);
    if (!call) return;
    this.versionCounter++;
    while (call.registrations) this.unlink(call.registrations);
    for (let s = call.newestStream; s !== undefined; ) {
      const older = s.olderInCall;
      s.olderInCall = undefined;
      this.dropStream(s);
      s = older;
    }
    call.newestStream = undefined;
    call.rtpPackets = call.rtcpPackets = call.otherPackets = -1;
    this.calls.delete(callIndex);
    if (this.forgotten.size > 1024 && this.forgotten.size * 2 > this.streamList.length) this.compactStreams();
  }

  /**
   * A SIP message placed by the correlator (call it right after CallCorrelator.add, in capture
   * order, before later UDP segments). Returns the message's SDP, if any.
   */
  onSipMessage(entry: MessageEntry): SdpSession | undefined {
    const msg = entry.message;
    const sdp = readSdpOfMessage(msg, this.report);
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
    const counts = reg.call;
    if (counts.rtpPackets < 0) counts.rtpPackets = counts.rtcpPackets = counts.otherPackets = 0;
    const b0 = payload[0]!;
    const isRtp = b0 >= 128 && b0 <= 191; // classifyFirstByte(b0) === 'rtp', inline
    const kind = reg.kindIndex;
    if (kind === KIND_OTHER || !isRtp) {
      if (!isRtp && kind !== KIND_OTHER && classifyFirstByte(b0) === 'other') {
        // Not version 2 and none of the RFC 7983 neighbours: damaged or foreign.
        this.report?.({ code: 'RTP_BAD_VERSION', frame: seg.frame, detail: `first octet ${b0}` });
        this.stats.badPackets++;
        return;
      }
      this.stats.otherMediaPackets++;
      counts.otherPackets++;
      return;
    }
    this.versionCounter++;
    if (kind === KIND_RTCP || looksLikeRtcp(payload)) {
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
    let stream = reg.lastStream;
    if (stream === undefined || stream.callIndex !== reg.callIndex || !stream.matches(h.ssrc, seg.src, seg.srcPort, seg.dst, seg.dstPort)) {
      stream = this.streamFor(seg, h.ssrc, reg.call);
      if (!stream) return;
      reg.lastStream = stream;
    }
    if (stream.matchedBy === undefined) stream.matchedBy = matchedBy;
    if (reg.media.srtp) stream.srtp = true;
    const fmt = reg.media.packetFormats[h.payloadType] ?? this.formatOf(reg.media, h.payloadType);
    stream.add(h, payload, seg.tsSec, seg.tsNsec, seg.frame, fmt);
  }

  // --- registrations ---

  /** The newest live registration at address:port. */
  private find(address: string, port: number): Registration | undefined {
    for (let r = this.atPort(port); r !== undefined; r = r.nextAtPort) if (r.address === address) return r;
    return undefined;
  }

  private atPort(port: number): Registration | undefined {
    if (port >= 0 && port <= 0xffff && Number.isInteger(port)) return this.byPort?.[port];
    return this.oddPorts.get(port);
  }

  private setAtPort(port: number, reg: Registration | undefined): void {
    if (port >= 0 && port <= 0xffff && Number.isInteger(port)) {
      const table = (this.byPort ??= new Array<Registration | undefined>(0x10000).fill(undefined));
      table[port] = reg;
    } else if (reg) this.oddPorts.set(port, reg);
    else this.oddPorts.delete(port);
  }

  private register(entry: MessageEntry, media: SdpMedia, kind: MediaEndpointKind, address: string, port: number, takeOver: boolean): void {
    const existing = this.find(address, port);
    if (existing) {
      if (!takeOver && existing.kind === 'rtp' && existing.callIndex !== entry.callIndex) return;
      this.unlink(existing);
    }
    let call = this.calls.get(entry.callIndex);
    if (!call) {
      call = new CallMedia(entry.callIndex);
      this.calls.set(entry.callIndex, call);
    }
    const reg = new Registration(call, kind, address, port, entry.seq, entry.message.frame, this.formatsOf(media));
    reg.nextAtPort = this.atPort(port);
    this.setAtPort(port, reg);
    reg.nextInCall = call.registrations;
    call.registrations = reg;
    reg.older = this.newest;
    if (this.newest) this.newest.newer = reg;
    else this.oldest = reg;
    this.newest = reg;
    this.liveRegistrations++;
    while (this.liveRegistrations > MAX_MEDIA_ENDPOINTS && this.oldest) this.unlink(this.oldest);
  }

  /** The shared MediaFormats of an m= line (the SdpMedia itself is not kept). */
  private formatsOf(m: SdpMedia): SharedMediaFormats {
    // Most m= lines repeat one of a few codec lists: compare with the recent ones field by field
    // before building a key string (one string per m= line was ~3% of a large load).
    const recent = this.recentMediaFormats;
    for (let i = 0; i < recent.length; i++) if (sameFormats(m, recent[i]!)) return recent[i]!;
    const f = this.formatsByKey(m);
    recent[this.recentMediaFormatsNext] = f;
    this.recentMediaFormatsNext = (this.recentMediaFormatsNext + 1) % RECENT_MEDIA_FORMATS;
    return f;
  }

  private formatsByKey(m: SdpMedia): SharedMediaFormats {
    let key = `${m.srtp ? 1 : 0}|${m.telephoneEventPt ?? ''}`;
    for (const p of m.payloads) key += `|${p.payloadType}/${p.name}/${p.clockRate}/${p.channels ?? ''}`;
    let f = this.sharedMediaFormats.get(key);
    if (f === undefined) {
      f =
        m.telephoneEventPt !== undefined
          ? { srtp: m.srtp, payloads: m.payloads, telephoneEventPt: m.telephoneEventPt, packetFormats: [] }
          : { srtp: m.srtp, payloads: m.payloads, packetFormats: [] };
      if (this.sharedMediaFormats.size < MAX_SHARED_MEDIA_FORMATS) this.sharedMediaFormats.set(key, f);
    }
    return f;
  }

  /** Takes a registration out of every list (taken over, evicted or its call forgotten). */
  private unlink(reg: Registration): void {
    if (reg.removed) return;
    reg.markRemoved();
    this.liveRegistrations--;
    // port chain
    const head = this.atPort(reg.port);
    if (head === reg) this.setAtPort(reg.port, reg.nextAtPort);
    else {
      for (let r = head; r !== undefined; r = r.nextAtPort) {
        if (r.nextAtPort === reg) {
          r.nextAtPort = reg.nextAtPort;
          break;
        }
      }
    }
    // announcement order
    if (reg.older) reg.older.newer = reg.newer;
    else this.oldest = reg.newer;
    if (reg.newer) reg.newer.older = reg.older;
    else this.newest = reg.older;
    // the call's chain
    const call = reg.call;
    if (call.registrations === reg) call.registrations = reg.nextInCall;
    else {
      for (let r = call.registrations; r !== undefined; r = r.nextInCall) {
        if (r.nextInCall === reg) {
          r.nextInCall = reg.nextInCall;
          break;
        }
      }
    }
    reg.older = reg.newer = reg.nextAtPort = reg.nextInCall = undefined;
    reg.lastStream = undefined;
    // A call record with nothing left in it is not kept (most calls have no media packets).
    if (call.registrations === undefined && call.rtpPackets < 0 && call.newestStream === undefined && this.calls.get(call.callIndex) === call) {
      this.calls.delete(call.callIndex);
    }
  }

  /** How a payload type reads for packets on endpoints with these formats: the SDP's rtpmap, else RFC 3551. */
  private formatOf(media: SharedMediaFormats, pt: number): PacketFormat {
    const p = media.payloads.find((x) => x.payloadType === pt) ?? staticPayload(pt);
    const f = this.sharedFormat(
      p ? codecLabel(p) : String(pt),
      p?.clockRate ?? 0,
      pt === media.telephoneEventPt || (p !== undefined && p.name.toLowerCase() === 'telephone-event'),
      pt === 13 || pt === 19 || (p !== undefined && p.name.toUpperCase() === 'CN'),
    );
    media.packetFormats[pt] = f;
    return f;
  }

  /** One PacketFormat object per distinct content (see MAX_SHARED_PACKET_FORMATS). */
  private sharedFormat(codec: string, clockRate: number, isEvent: boolean, isComfortNoise: boolean): PacketFormat {
    const key = `${isEvent ? 'e' : '-'}${isComfortNoise ? 'c' : '-'}${clockRate}/${codec}`;
    let f = this.sharedFormats.get(key);
    if (f) return f;
    f = { codec, clockRate, isEvent, isComfortNoise };
    if (this.sharedFormats.size < MAX_SHARED_PACKET_FORMATS) this.sharedFormats.set(key, f);
    return f;
  }

  // --- streams ---

  private streamFor(seg: TransportSegment, ssrc: number, call: CallMedia | undefined): RtpStreamStats | undefined {
    if (call !== undefined) {
      // A stream with this call index is in the call's own chain (created or adopted there), newest first.
      for (let s = call.newestStream; s !== undefined; s = s.olderInCall) {
        if (s.matches(ssrc, seg.src, seg.srcPort, seg.dst, seg.dstPort)) return s;
      }
    }
    const key = flowKey(ssrc, seg.srcPort, seg.dstPort);
    const slot = this.unmatchedStreams > 0 || call === undefined ? this.unmatchedByFlow.get(key) : undefined;
    if (slot !== undefined) {
      // Newest first: the newest stream without a call (same 5-tuple) is the one adopted.
      let found: RtpStreamStats | undefined;
      if (slot instanceof RtpStreamStats) {
        if (slot.callIndex === undefined && slot.matches(ssrc, seg.src, seg.srcPort, seg.dst, seg.dstPort)) found = slot;
      } else {
        for (let i = slot.length - 1; i >= 0 && found === undefined; i--) {
          const s = slot[i]!;
          if (s.callIndex === undefined && s.matches(ssrc, seg.src, seg.srcPort, seg.dst, seg.dstPort)) found = s;
        }
      }
      if (found !== undefined) {
        if (call === undefined) return found;
        found.callIndex = call.callIndex;
        this.unmatchedStreams--;
        this.dropUnmatched(key, found);
        addCallStream(call, found);
        return found;
      }
    }
    if (this.liveStreams >= MAX_RTP_STREAMS) {
      if (!this.streamLimitReported) {
        this.streamLimitReported = true;
        this.report?.({ code: 'RTP_STREAM_LIMIT', frame: seg.frame, detail: `more than ${MAX_RTP_STREAMS} streams` });
      }
      return undefined;
    }
    if (call === undefined) {
      if (this.unmatchedStreams >= MAX_UNMATCHED_STREAMS) return undefined;
      this.unmatchedStreams++;
    }
    const s = this.streamTable.create(
      this.nextStreamId++,
      { ssrc, srcIp: seg.src, srcPort: seg.srcPort, dstIp: seg.dst, dstPort: seg.dstPort, ipVersion: seg.ipVersion },
      seg,
      seg.frame,
    );
    if (call !== undefined) {
      s.callIndex = call.callIndex;
      addCallStream(call, s);
    } else if (slot === undefined) this.unmatchedByFlow.set(key, s);
    else if (slot instanceof RtpStreamStats) this.unmatchedByFlow.set(key, [slot, s]);
    else slot.push(s);
    this.streamList.push(s);
    this.liveStreams++;
    return s;
  }

  /** An adopted stream leaves the index of streams without a call. */
  private dropUnmatched(key: number, s: RtpStreamStats): void {
    const slot = this.unmatchedByFlow.get(key);
    if (slot === s) this.unmatchedByFlow.delete(key);
    else if (slot !== undefined && !(slot instanceof RtpStreamStats)) {
      const i = slot.indexOf(s);
      if (i >= 0) slot.splice(i, 1);
      if (slot.length === 1) this.unmatchedByFlow.set(key, slot[0]!);
    }
  }

  /** A stream of a forgotten call: streamList drops it on the next compaction. */
  private dropStream(s: RtpStreamStats): void {
    this.streamTable.release(s);
    this.forgotten.add(s);
    this.liveStreams--;
  }

  private compactStreams(): void {
    const forgotten = this.forgotten;
    this.streamList = this.streamList.filter((s) => !forgotten.has(s));
    forgotten.clear();
  }

  /** SR/RR report blocks go to the stream they describe: same SSRC, same call, preferably the one the reporter receives. */
  private rtcp(seg: TransportSegment, reg: Registration): void {
    const packets = parseRtcpCompound(seg.payload, this.report, seg.frame, reg.media.srtp);
    const call = reg.call;
    for (const p of packets) {
      if ((p.packetType !== RTCP_SR && p.packetType !== RTCP_RR) || !p.reports) continue;
      for (const b of p.reports) {
        // The first stream in first-seen order that the reporter receives, else the first with the SSRC.
        let received: RtpStreamStats | undefined;
        let any: RtpStreamStats | undefined;
        for (let s = call.newestStream; s !== undefined; s = s.olderInCall) {
          if (s.ssrc !== b.ssrc || s.callIndex !== call.callIndex) continue;
          if (s.dstIp === seg.src) received = s;
          any = s;
        }
        const target = received ?? any;
        if (!target) {
          this.stats.unattachedReportBlocks++;
          continue;
        }
        const report: RtcpReportSummary = {
          frame: seg.frame,
          ts: { tsSec: seg.tsSec, tsNsec: seg.tsNsec },
          type: p.packetType === RTCP_SR ? 'SR' : 'RR',
          reporterSsrc: p.ssrc ?? 0,
          fractionLost: b.fractionLost,
          cumulativeLost: b.cumulativeLost,
          highestSeq: b.highestSeq,
          jitterMs: target.clockRate > 0 ? (b.jitter * 1000) / target.clockRate : 0,
        };
        target.addReport(report);
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
    let fmt = this.unmatchedFormats[pt];
    if (fmt === undefined) {
      fmt = {
        codec: known ? codecLabel(known) : String(pt),
        clockRate: known?.clockRate ?? 0,
        isEvent: false,
        isComfortNoise: pt === 13 || pt === 19,
      };
      this.unmatchedFormats[pt] = fmt;
    }
    stream.add(h, payload, seg.tsSec, seg.tsNsec, seg.frame, fmt);
  }
}

/** Puts a stream at the head of its call's chain. */
function addCallStream(call: CallMedia, s: RtpStreamStats): void {
  s.olderInCall = call.newestStream;
  call.newestStream = s;
}
