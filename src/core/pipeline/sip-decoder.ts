/**
 * The decoding pipeline: capture records in, SIP messages out, in capture order of the frame
 * that completes each message. record → net (link, IP, defragmentation, tunnels) → UDP / TCP
 * (stream reassembly) / SCTP → HEP, WebSocket or plain SIP framing → lazy SIP message view.
 * Pure: no I/O, no clock; every timeout runs on packet time.
 */
import { ChunkRecord, type CaptureRecord } from '../capture/record.js';
import { DiagnosticCounter, type Diagnostic, type DiagnosticSink } from '../diagnostics.js';
import { NetDecoder } from '../net/net-decoder.js';
import type { TransportSegment } from '../net/segment.js';
import { SctpMessageAssembler } from '../reasm/sctp-messages.js';
import { TcpReassembler, type StreamChunk, type TcpStreamInfo } from '../reasm/tcp-stream.js';
import { frameDatagram, type FramedMessage } from '../sip/framer.js';
import { decodeHep, hepSipOrigin, isHepSip, type HepCarrier } from '../sip/hep.js';
import { parseSipMessage } from '../sip/message.js';
import type { SipMessage, SipOrigin } from '../sip/types.js';
import type { WebSocketMessage } from '../net/websocket.js';
import { createStreamConsumer, type StreamConsumer } from './stream-consumers.js';

export interface SipDecoderEvents {
  /**
   * A parsed message. `payloadAt` is the capture offset of message.raw's bytes when they are
   * verbatim in the capture (one record, not reassembled, decompressed or unmasked), else -1:
   * a consumer may then keep that offset instead of the bytes.
   */
  onMessage(message: SipMessage, payloadAt: number): void;
  /** UDP segments that carried no SIP (RTP/RTCP candidates for media correlation). */
  onOtherUdp?(segment: TransportSegment): void;
  onDiagnostic?: DiagnosticSink;
}

export interface SipDecoderStats {
  records: number;
  segments: number;
  messages: number;
  malformed: number;
  tlsBytes: number;
}

/** First bytes a SIP datagram can start with: a token letter (method), `S` of SIP/2.0, or CR/LF. */
function mayStartSip(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x0d || c === 0x0a;
}

export interface SipDecoderOptions {
  /**
   * false: message.raw may be a view into the reader's chunk, valid only during onMessage
   * (consumers that keep bytes copy them). Saves a copy per message for consumers that keep
   * offsets or nothing. Default true: every message owns its bytes.
   */
  readonly ownBytes?: boolean;
}

export class SipDecoder {
  readonly diagnostics = new DiagnosticCounter();
  readonly stats: SipDecoderStats = { records: 0, segments: 0, messages: 0, malformed: 0, tlsBytes: 0 };
  private readonly net: NetDecoder;
  private readonly tcp: TcpReassembler;
  private readonly sctp: SctpMessageAssembler;
  private readonly consumers = new Map<number, StreamConsumer>();
  private readonly report: DiagnosticSink;
  private readonly onSegment = (seg: TransportSegment): void => this.segment(seg);
  private readonly ownBytes: boolean;
  /** The record being decoded: its bytes' ArrayBuffer, absolute range and capture offset. */
  private recBuffer: ArrayBufferLike | undefined;
  private recStart = 0;
  private recEnd = 0;
  private recFileOffset = 0;

  constructor(
    private readonly events: SipDecoderEvents,
    options: SipDecoderOptions = {},
  ) {
    this.ownBytes = options.ownBytes ?? true;
    const counter = this.diagnostics.sink;
    const forward = events.onDiagnostic;
    this.report = forward ? (d) => (counter(d), forward(d)) : counter;
    this.net = new NetDecoder({ onDiagnostic: this.report });
    this.sctp = new SctpMessageAssembler((payload, last, frames) => {
      const seg = frames.length > 1 ? { ...last, payload, fragmentFrames: frames } : { ...last, payload };
      this.datagram(seg, payload, 'sctp');
    }, this.report);
    this.tcp = new TcpReassembler({
      onData: (s, chunk) => this.consumerFor(s, chunk.data).push(chunk),
      onGap: (s, g) => this.consumers.get(s.id)?.gap(g.frame),
      onEnd: (s) => {
        const c = this.consumers.get(s.id);
        if (c) {
          c.end();
          this.consumers.delete(s.id);
        }
      },
      onDiagnostic: this.report,
    });
  }

  /** Feeds one capture record. */
  push(record: CaptureRecord): void {
    this.stats.records++;
    if (record instanceof ChunkRecord) {
      // read the chunk fields: `data` would make a view per record
      this.recBuffer = record.chunk.buffer;
      this.recStart = record.chunk.byteOffset + record.dataStart;
      this.recEnd = record.chunk.byteOffset + record.dataEnd;
    } else {
      this.recBuffer = record.data.buffer;
      this.recStart = record.data.byteOffset;
      this.recEnd = this.recStart + record.data.length;
    }
    this.recFileOffset = record.fileOffset;
    this.net.decode(record, this.onSegment);
    this.recBuffer = undefined;
  }

  /** Capture offset of `view` when it lies inside the record being decoded, else -1. */
  private positionOf(view: Buffer): number {
    if (view.buffer !== this.recBuffer) return -1;
    const at = view.byteOffset;
    return at >= this.recStart && at + view.length <= this.recEnd ? this.recFileOffset + (at - this.recStart) : -1;
  }

  /** End of input: flushes fragments, TCP streams and partial messages (nothing silently lost). */
  end(): void {
    this.net.flush(this.onSegment);
    this.tcp.flush();
    this.sctp.flush();
    for (const c of this.consumers.values()) c.end();
    this.consumers.clear();
  }

  private segment(seg: TransportSegment): void {
    this.stats.segments++;
    switch (seg.transport) {
      case 'udp':
        if (!this.datagram(seg, seg.payload, 'udp')) this.events.onOtherUdp?.(seg);
        return;
      case 'tcp':
        this.tcp.push(seg);
        return;
      case 'sctp':
        this.sctp.push(seg);
        return;
    }
  }

  /** A datagram (UDP payload, SCTP DATA chunk): HEP or SIP. Returns true when it held SIP or HEP. */
  private datagram(seg: TransportSegment, payload: Buffer, transport: string): boolean {
    if (payload.length === 0) return false;
    const b0 = payload[0]!;
    if (b0 === 0x48 && payload.length >= 4 && payload[1] === 0x45 && payload[2] === 0x50 && payload[3] === 0x33) {
      return this.hep(payload, seg, true);
    }
    if ((b0 === 1 || b0 === 2) && this.hep(payload, seg, false)) return true;
    if (!mayStartSip(b0)) return false;
    const found = frameDatagram(payload, seg.frame);
    if (found.length === 0) return false;
    const origin = originOf(seg, transport);
    for (const d of found) this.emitView(d.bytes, origin, d.diagnostics);
    return true;
  }

  /** A message found in place (a view): its capture position, and a copy when bytes are owned. */
  private emitView(view: Buffer, origin: SipOrigin, diagnostics: readonly Diagnostic[]): void {
    this.emit(this.ownBytes ? Buffer.from(view) : view, origin, diagnostics, this.positionOf(view));
  }

  /** HEP packet (UDP datagram or one packet of a HEP TCP stream). */
  private hep(packet: Buffer, carrier: HepCarrier, sure: boolean): boolean {
    const h = decodeHep(packet, sure ? this.report : undefined);
    if (!h) return false;
    if (!isHepSip(h)) return true; // LOG, RTCP-JSON, …: HEP, but not SIP
    const origin = hepSipOrigin(h, carrier);
    for (const d of frameDatagram(h.payload, carrier.frame)) this.emitView(d.bytes, origin, d.diagnostics);
    return true;
  }

  private emit(raw: Buffer, origin: SipOrigin, diagnostics: readonly Diagnostic[], payloadAt: number): void {
    const msg = parseSipMessage(raw, origin, diagnostics);
    this.stats.messages++;
    if (msg.malformed) this.stats.malformed++;
    this.events.onMessage(msg, payloadAt);
  }

  private consumerFor(s: TcpStreamInfo, first: Buffer): StreamConsumer {
    let c = this.consumers.get(s.id);
    if (c) return c;
    c = createStreamConsumer(first, {
      onSipMessage: (m) => this.emit(m.bytes, streamOrigin(s, m, 'tcp'), m.diagnostics, m.inPlace !== undefined ? this.positionOf(m.inPlace) : -1),
      onWebSocketMessage: (m) => this.webSocketMessage(s, m),
      onHepPacket: (p, chunk) => this.hep(p, chunk, true),
      onTlsBytes: (n) => {
        this.stats.tlsBytes += n;
      },
      onDiagnostic: this.report,
    });
    if (c.kind === 'tls') this.report({ code: 'TLS_NOT_DECRYPTED', detail: `${s.src}:${s.srcPort} -> ${s.dst}:${s.dstPort}` });
    this.consumers.set(s.id, c);
    return c;
  }

  /** RFC 7118 §5: each WebSocket message carries exactly one SIP message. */
  private webSocketMessage(s: TcpStreamInfo, m: WebSocketMessage): void {
    const origin = streamOrigin(s, m, 'ws');
    const found = frameDatagram(m.data, m.frame);
    if (found.length === 0) {
      this.report({ code: 'WS_NOT_SIP', frame: m.frame });
      return;
    }
    for (const d of found) {
      const owned = d.bytes.length === m.data.length ? m.data : Buffer.from(d.bytes);
      this.emit(owned, origin, [...m.diagnostics, ...d.diagnostics], -1);
    }
  }
}

function originOf(seg: TransportSegment, transport: string): SipOrigin {
  const o: { -readonly [K in keyof SipOrigin]: SipOrigin[K] } = {
    frame: seg.frame,
    tsSec: seg.tsSec,
    tsNsec: seg.tsNsec,
    transport,
    ipVersion: seg.ipVersion,
    src: seg.src,
    srcPort: seg.srcPort,
    dst: seg.dst,
    dstPort: seg.dstPort,
    fileOffset: seg.fileOffset,
  };
  if (seg.fragmentFrames && seg.fragmentFrames.length > 1) o.frames = seg.fragmentFrames;
  return o;
}

function streamOrigin(s: TcpStreamInfo, m: FramedMessage | WebSocketMessage | StreamChunk, transport: string): SipOrigin {
  const o: { -readonly [K in keyof SipOrigin]: SipOrigin[K] } = {
    frame: m.frame,
    tsSec: m.tsSec,
    tsNsec: m.tsNsec,
    transport,
    ipVersion: s.ipVersion,
    src: s.src,
    srcPort: s.srcPort,
    dst: s.dst,
    dstPort: s.dstPort,
    fileOffset: m.fileOffset,
  };
  if ('frames' in m && m.frames.length > 1) o.frames = m.frames;
  return o;
}
