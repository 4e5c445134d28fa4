/**
 * Test-only SipMessage factory: builds the text of a message from a few fields and implements
 * the lazy header accessors naively, so correlation tests do not depend on the real parser.
 */
import type { SipHeader, SipMessage } from '../../src/core/sip/types.js';

export interface FakeMessageOptions {
  /** Request method; omit for a response. */
  method?: string;
  /** Response status; omit for a request. */
  status?: number;
  reason?: string;
  callId?: string;
  cseq: number;
  /** CSeq method; defaults to the request method. Required for responses. */
  cseqMethod?: string;
  fromTag?: string;
  toTag?: string;
  /** Top Via branch; omit for an RFC 2543 message without a branch. */
  branch?: string;
  /** Top Via sent-by; defaults to src (requests) or the request sender (give it for responses). */
  viaSentBy?: string;
  /** `ip:port` */
  src: string;
  dst: string;
  /** Packet time in milliseconds since the epoch of the test (float allowed; ns kept). */
  atMs: number;
  transport?: string;
  frame?: number;
  fromHeader?: string;
  toHeader?: string;
  /** Extra header lines, in order. */
  headers?: ReadonlyArray<readonly [string, string]>;
}

/** Base of fake packet time: 2024-01-01T00:00:00Z. */
export const BASE_SEC = 1_704_067_200;

const COMPACT: Record<string, string> = { f: 'from', t: 'to', i: 'call-id', v: 'via', l: 'content-length', m: 'contact', c: 'content-type' };

function splitEndpoint(e: string): [string, number] {
  const i = e.lastIndexOf(':');
  let ip = e.slice(0, i);
  if (ip.startsWith('[')) ip = ip.slice(1, -1);
  return [ip, Number(e.slice(i + 1))];
}

let frameCounter = 0;

export function fakeMessage(o: FakeMessageOptions): SipMessage {
  const isRequest = o.method !== undefined;
  const cseqMethod = o.cseqMethod ?? o.method ?? '';
  const callId = o.callId ?? 'call-1@test';
  const [src, srcPort] = splitEndpoint(o.src);
  const [dst, dstPort] = splitEndpoint(o.dst);
  const transport = o.transport ?? 'udp';
  const sentBy = o.viaSentBy ?? (isRequest ? o.src : o.dst);
  const via = `SIP/2.0/${transport.toUpperCase()} ${sentBy}${o.branch !== undefined ? `;branch=${o.branch}` : ''}`;
  const from = `${o.fromHeader ?? '"Alice" <sip:alice@example.com>'}${o.fromTag !== undefined ? `;tag=${o.fromTag}` : ''}`;
  const to = `${o.toHeader ?? '<sip:bob@example.com>'}${o.toTag !== undefined ? `;tag=${o.toTag}` : ''}`;
  const startLine = isRequest ? `${o.method} sip:bob@example.com SIP/2.0` : `SIP/2.0 ${o.status} ${o.reason ?? 'Reason'}`;
  const headerList: SipHeader[] = [
    { name: 'Via', value: via },
    { name: 'From', value: from },
    { name: 'To', value: to },
    { name: 'Call-ID', value: callId },
    { name: 'CSeq', value: `${o.cseq} ${cseqMethod}` },
    ...(o.headers ?? []).map(([name, value]) => ({ name, value })),
    { name: 'Content-Length', value: '0' },
  ];
  const text = `${startLine}\r\n${headerList.map((h) => `${h.name}: ${h.value}`).join('\r\n')}\r\n\r\n`;
  const raw = Buffer.from(text, 'utf8');
  const wholeMs = Math.floor(o.atMs);
  const tsSec = BASE_SEC + Math.floor(wholeMs / 1000);
  const tsNsec = (wholeMs % 1000) * 1_000_000 + Math.round((o.atMs - wholeMs) * 1e6);
  const norm = (n: string): string => {
    const l = n.toLowerCase();
    return COMPACT[l] ?? l;
  };
  const headerAll = (name: string): string[] => headerList.filter((h) => norm(h.name) === norm(name)).map((h) => h.value);
  return {
    frame: o.frame ?? ++frameCounter,
    tsSec,
    tsNsec,
    transport,
    ipVersion: src.includes(':') ? 6 : 4,
    src,
    srcPort,
    dst,
    dstPort,
    fileOffset: 0,
    raw,
    isRequest,
    ...(isRequest ? { method: o.method, requestUri: 'sip:bob@example.com' } : { statusCode: o.status, reason: o.reason ?? 'Reason' }),
    callId,
    cseq: `${o.cseq} ${cseqMethod}`,
    cseqNumber: o.cseq,
    cseqMethod,
    ...(o.fromTag !== undefined ? { fromTag: o.fromTag } : {}),
    ...(o.toTag !== undefined ? { toTag: o.toTag } : {}),
    ...(o.branch !== undefined ? { viaBranch: o.branch } : {}),
    contentLength: 0,
    body: raw.subarray(raw.length),
    malformed: false,
    diagnostics: [],
    headers: () => headerList,
    header: (name: string) => headerAll(name)[0],
    headerAll,
  };
}

/** A request seen from `src` to `dst` (the Via sent-by is src). */
export function request(method: string, o: Omit<FakeMessageOptions, 'method' | 'status'>): SipMessage {
  return fakeMessage({ ...o, method });
}

/**
 * A response from `src` to `dst` for a request sent by dst (so the Via sent-by defaults to dst).
 */
export function response(status: number, o: Omit<FakeMessageOptions, 'method' | 'status'> & { cseqMethod: string }): SipMessage {
  return fakeMessage({ ...o, status });
}
