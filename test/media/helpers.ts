/** Builders for media tests: SIP messages with SDP bodies (real parser), UDP segments, RTP bytes. */
import type { TransportSegment } from '../../src/core/net/segment.js';
import { parseSipMessage } from '../../src/core/sip/message.js';
import type { SipMessage } from '../../src/core/sip/types.js';

export const T0 = 1_700_000_000;

let frame = 0;

export interface SipOpts {
  startLine: string;
  callId?: string;
  cseq: string;
  fromTag?: string;
  toTag?: string;
  branch?: string;
  src: string;
  srcPort?: number;
  dst: string;
  dstPort?: number;
  atMs: number;
  contentType?: string;
  body?: string;
  frame?: number;
}

export function sip(o: SipOpts): SipMessage {
  const body = o.body ?? '';
  const lines = [
    o.startLine,
    `Via: SIP/2.0/UDP ${o.src}:${o.srcPort ?? 5060};branch=${o.branch ?? 'z9hG4bK' + o.cseq.replace(/\s/g, '')}`,
    `From: <sip:a@x>;tag=${o.fromTag ?? 'ft'}`,
    `To: <sip:b@x>${o.toTag ? `;tag=${o.toTag}` : ''}`,
    `Call-ID: ${o.callId ?? 'c1'}`,
    `CSeq: ${o.cseq}`,
  ];
  if (body) lines.push(`Content-Type: ${o.contentType ?? 'application/sdp'}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  const raw = Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'utf8');
  const f = o.frame ?? ++frame;
  return parseSipMessage(raw, {
    frame: f,
    tsSec: T0 + Math.floor(o.atMs / 1000),
    tsNsec: Math.round((o.atMs % 1000) * 1e6),
    transport: 'udp',
    ipVersion: o.src.includes(':') ? 6 : 4,
    src: o.src,
    srcPort: o.srcPort ?? 5060,
    dst: o.dst,
    dstPort: o.dstPort ?? 5060,
    fileOffset: 0,
  });
}

/** An SDP with one audio m= line. */
export function sdp(addr: string, port: number, extra: string[] = [], pts = '0 8 101', direction = ''): string {
  const ip = addr.includes(':') ? 'IP6' : 'IP4';
  return [
    'v=0',
    `o=- 1 1 IN ${ip} ${addr}`,
    's=-',
    `c=IN ${ip} ${addr}`,
    't=0 0',
    `m=audio ${port} RTP/AVP ${pts}`,
    'a=rtpmap:101 telephone-event/8000',
    ...(direction ? [`a=${direction}`] : []),
    ...extra,
    '',
  ].join('\r\n');
}

export function udp(src: string, srcPort: number, dst: string, dstPort: number, payload: Buffer, atMs: number, f?: number): TransportSegment {
  return {
    frame: f ?? ++frame,
    tsSec: T0 + Math.floor(atMs / 1000),
    tsNsec: Math.round((atMs % 1000) * 1e6),
    ipVersion: src.includes(':') ? 6 : 4,
    src,
    dst,
    srcPort,
    dstPort,
    transport: 'udp',
    payload,
    fileOffset: 0,
  };
}

export interface RtpOpts {
  pt?: number;
  seq: number;
  ts: number;
  ssrc?: number;
  marker?: boolean;
  payload?: Buffer;
}

export function rtp(o: RtpOpts): Buffer {
  const payload = o.payload ?? Buffer.alloc(160, 0xff);
  const h = Buffer.alloc(12);
  h[0] = 0x80;
  h[1] = ((o.marker ? 0x80 : 0) | (o.pt ?? 0)) & 0xff;
  h.writeUInt16BE(o.seq & 0xffff, 2);
  h.writeUInt32BE(o.ts >>> 0, 4);
  h.writeUInt32BE((o.ssrc ?? 0x11223344) >>> 0, 8);
  return Buffer.concat([h, payload]);
}

/** RFC 4733 event payload. */
export function dtmf(event: number, end: boolean, duration: number): Buffer {
  const b = Buffer.alloc(4);
  b[0] = event;
  b[1] = (end ? 0x80 : 0) | 10;
  b.writeUInt16BE(duration, 2);
  return b;
}
