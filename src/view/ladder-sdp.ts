/**
 * A short SDP summary for ladder arrows (`PCMU,PCMA,telephone-event sendonly`). Deliberately
 * tiny and replaceable: layoutLadder takes an injected `sdpLabel` so the full SDP module
 * (src/core/sdp) can take over without touching the layout.
 */
import type { SipMessage } from '../core/sip/types.js';

/** RFC 3551 §6 static payload types that carry no a=rtpmap in practice. */
const STATIC_PAYLOAD_NAMES: Readonly<Record<string, string>> = {
  '0': 'PCMU',
  '3': 'GSM',
  '4': 'G723',
  '8': 'PCMA',
  '9': 'G722',
  '13': 'CN',
  '18': 'G729',
  '34': 'H263',
};

/** RFC 4566 §6 direction attributes; sendrecv is the default and is not shown. */
const DIRECTIONS = new Set(['sendonly', 'recvonly', 'inactive']);

/**
 * Bodies larger than this are not scanned for a label (an SDP is a few KB at most;
 * a huge multipart body is summarised as plain `SDP`).
 */
export const MAX_SDP_LABEL_BODY_BYTES = 65_536;

/** The SDP text of a message body: the whole body for application/sdp, the SDP part of a multipart body. */
export function sdpTextOf(msg: SipMessage): string | undefined {
  if (msg.body.length === 0) return undefined;
  const type = (msg.header('content-type') ?? '').toLowerCase();
  if (type.startsWith('application/sdp')) return msg.body.subarray(0, MAX_SDP_LABEL_BODY_BYTES).toString('utf8');
  // RFC 5621 multipart bodies: find the application/sdp part and read until the next boundary
  if (type.startsWith('multipart/')) {
    const text = msg.body.subarray(0, MAX_SDP_LABEL_BODY_BYTES).toString('latin1');
    const at = text.toLowerCase().indexOf('application/sdp');
    if (at < 0) return undefined;
    const v = text.indexOf('v=0', at);
    if (v < 0) return '';
    const end = text.indexOf('\n--', v);
    return text.slice(v, end < 0 ? text.length : end);
  }
  return undefined;
}

interface MediaSummary {
  kind: string;
  port: string;
  formats: string[];
  rtpmap: Map<string, string>;
  direction?: string;
}

/** Summarises SDP text: per m= line, the codec names in offer order and a non-default direction. */
export function summarizeSdp(sdp: string): string {
  const media: MediaSummary[] = [];
  let sessionDirection: string | undefined;
  for (const rawLine of sdp.split('\n')) {
    const line = rawLine.trim();
    if (line.startsWith('m=')) {
      const parts = line.slice(2).split(/\s+/);
      media.push({ kind: parts[0] ?? '', port: parts[1] ?? '', formats: parts.slice(3), rtpmap: new Map() });
    } else if (line.startsWith('a=')) {
      const attr = line.slice(2);
      const current = media[media.length - 1];
      if (DIRECTIONS.has(attr) || attr === 'sendrecv') {
        if (current) current.direction = attr;
        else sessionDirection = attr;
      } else if (current && attr.startsWith('rtpmap:')) {
        const m = /^rtpmap:(\S+)\s+([^/\s]+)/.exec(attr);
        if (m) current.rtpmap.set(m[1]!, m[2]!);
      }
    }
  }
  const parts = media.map((m) => {
    if (m.port.split('/')[0] === '0') return `${m.kind} rejected`; // RFC 3264 §6: port 0 declines the stream
    const names: string[] = [];
    for (const f of m.formats) {
      const name = m.rtpmap.get(f) ?? STATIC_PAYLOAD_NAMES[f] ?? f;
      if (!names.includes(name)) names.push(name);
    }
    const direction = m.direction ?? sessionDirection;
    const codecs = names.join(',');
    const head = media.length === 1 && m.kind === 'audio' ? codecs : `${m.kind} ${codecs}`.trim();
    return direction !== undefined && DIRECTIONS.has(direction) ? `${head} ${direction}` : head;
  });
  return parts.filter((p) => p !== '').join(' | ');
}

/**
 * Default arrow annotation for a message with SDP: `SDP PCMU,PCMA` (or just `SDP`);
 * undefined when the message carries no SDP.
 */
export function defaultSdpLabel(msg: SipMessage): string | undefined {
  const sdp = sdpTextOf(msg);
  if (sdp === undefined) return undefined;
  const summary = summarizeSdp(sdp);
  return summary === '' ? 'SDP' : `SDP ${summary}`;
}
