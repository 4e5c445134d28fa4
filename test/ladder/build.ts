/**
 * Test-only builders: real SipMessages (through the real parser) from a few fields, fed to
 * the real correlator, and RtpStreamSummary values for media rows.
 */
import { CallCorrelator } from '../../src/core/correlate/index.js';
import type { CallRecord } from '../../src/core/correlate/types.js';
import type { RtpStreamSummary } from '../../src/core/rtp/types.js';
import { parseSipMessage } from '../../src/core/sip/message.js';
import type { SipMessage } from '../../src/core/sip/types.js';

/** 2024-01-01T00:00:00Z */
export const BASE_SEC = 1_704_067_200;

export interface MsgSpec {
  /** Request method, or a response as `200 OK`. */
  line: string;
  src: string;
  dst: string;
  atMs: number;
  callId?: string;
  cseq?: string;
  branch?: string;
  fromTag?: string;
  toTag?: string;
  body?: string;
  contentType?: string;
  frame?: number;
}

function split(e: string): [string, number] {
  const i = e.lastIndexOf(':');
  const ip = e.slice(0, i);
  return [ip.startsWith('[') ? ip.slice(1, -1) : ip, Number(e.slice(i + 1))];
}

let frames = 0;

export function sip(spec: MsgSpec): SipMessage {
  const isResponse = /^\d{3}\b/.test(spec.line);
  const method = isResponse ? undefined : spec.line;
  const cseq = spec.cseq ?? `1 ${method ?? 'INVITE'}`;
  const start = isResponse ? `SIP/2.0 ${spec.line}` : `${method} sip:bob@example.com SIP/2.0`;
  const body = spec.body ?? '';
  const headers = [
    `Via: SIP/2.0/UDP ${spec.src};branch=${spec.branch ?? 'z9hG4bK-1'}`,
    `From: <sip:alice@example.com>;tag=${spec.fromTag ?? 'a1'}`,
    `To: <sip:bob@example.com>${spec.toTag !== undefined ? `;tag=${spec.toTag}` : ''}`,
    `Call-ID: ${spec.callId ?? 'call-1@test'}`,
    `CSeq: ${cseq}`,
    ...(body !== '' ? [`Content-Type: ${spec.contentType ?? 'application/sdp'}`] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  const raw = Buffer.from(`${start}\r\n${headers.join('\r\n')}\r\n\r\n${body}`, 'utf8');
  const [src, srcPort] = split(spec.src);
  const [dst, dstPort] = split(spec.dst);
  const whole = Math.floor(spec.atMs);
  return parseSipMessage(raw, {
    frame: spec.frame ?? ++frames,
    tsSec: BASE_SEC + Math.floor(whole / 1000),
    tsNsec: (whole % 1000) * 1_000_000 + Math.round((spec.atMs - whole) * 1e6),
    transport: 'udp',
    ipVersion: src.includes(':') ? 6 : 4,
    src,
    srcPort,
    dst,
    dstPort,
    fileOffset: 0,
  });
}

export function correlate(messages: readonly SipMessage[]): readonly CallRecord[] {
  const c = new CallCorrelator();
  for (const m of messages) c.add(m);
  c.end();
  return c.calls();
}

export const SDP_OFFER = ['v=0', 'o=- 1 1 IN IP4 10.0.0.1', 's=-', 'c=IN IP4 10.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 0 8 101', 'a=rtpmap:101 telephone-event/8000', ''].join('\r\n');

export function stream(over: Partial<RtpStreamSummary> & { src: string; dst: string }): RtpStreamSummary {
  const first = { tsSec: BASE_SEC, tsNsec: 0 };
  return {
    id: 1,
    callIndex: 1,
    ssrc: 0x1234abcd,
    payloadType: 0,
    codec: 'PCMU/8000',
    clockRate: 8000,
    firstTs: first,
    lastTs: { tsSec: BASE_SEC + 5, tsNsec: 0 },
    firstFrame: 1,
    lastFrame: 250,
    packets: 250,
    expected: 250,
    lost: 0,
    outOfOrder: 0,
    duplicates: 0,
    maxDeltaMs: 20.5,
    jitterMs: 1.234,
    maxJitterMs: 2.5,
    events: '',
    rtcp: [],
    ...over,
  };
}
