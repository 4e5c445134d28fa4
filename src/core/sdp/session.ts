/**
 * SDP (RFC 4566 / RFC 8866) read into what media correlation and the views need: per m= line
 * the address and ports media goes to, the payload formats with their codecs, the direction,
 * RTCP port and whether SRTP is used. Parsing is sdp-transform's (a grammar table that keeps
 * unknown lines); the m= line is read here too because sdp-transform drops `port/count` forms.
 */
import { parse as parseSdpText } from 'sdp-transform';
import type { DiagnosticSink } from '../diagnostics.js';
import type { SipMessage } from '../sip/types.js';
import { normalizeConnectionAddress } from './address.js';
import { findSdpBody } from './body.js';
import { defaultClockRate, staticPayload, type PayloadFormat } from './static-payloads.js';

/** RFC 3264 §5.1 / RFC 4566 §6 media directions. */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** SDP bodies larger than this are not parsed (a real SDP is a few KB; this bounds regex work). */
export const MAX_SDP_BYTES = 64 * 1024;

export interface SdpMedia {
  /** 0-based position of the m= line (the RFC 3264 §8 matching key between offer and answer). */
  readonly index: number;
  /** `audio`, `video`, `image` (T.38), `application`, … */
  readonly type: string;
  readonly port: number;
  /** e.g. `RTP/AVP`, `RTP/SAVP`, `UDP/TLS/RTP/SAVPF`, `udptl`. */
  readonly protocol: string;
  /** The fmt list as written (payload type numbers for RTP, `t38` for UDPTL). */
  readonly formats: readonly string[];
  /** Media-level c= over session-level c=, normalised; '' when absent or not an IP literal. */
  readonly address: string;
  readonly ipVersion?: 4 | 6;
  /** RTP payload formats in m= order: a=rtpmap, else the RFC 3551 static table. */
  readonly payloads: readonly PayloadFormat[];
  /** RFC 4733 telephone-event payload type, when offered. */
  readonly telephoneEventPt?: number;
  /** Media-level attribute over session-level, default sendrecv (RFC 4566 §6). */
  readonly direction: MediaDirection;
  /** RFC 3264 §5.1 / §6: port 0 rejects or disables the stream. */
  readonly disabled: boolean;
  /** RFC 2543 hold: c= 0.0.0.0 (RFC 3264 §8.4 still asks answerers to accept it). */
  readonly holdAddress: boolean;
  /** RFC 3605 a=rtcp address and port, else the media address and port + 1 (RFC 3550 §11). */
  readonly rtcpAddress: string;
  readonly rtcpPort: number;
  /** RFC 5761 a=rtcp-mux: RTCP on the RTP port. */
  readonly rtcpMux: boolean;
  /** An RTP profile: packets to this endpoint are RTP (or RTCP when muxed). */
  readonly isRtp: boolean;
  /** SAVP/SAVPF profile or RFC 4568 a=crypto: media is SRTP. */
  readonly srtp: boolean;
  /** At least one RFC 4568 a=crypto line. */
  readonly crypto: boolean;
  /** Short text for ladder arrows: `PCMU PCMA telephone-event`, `image t38`, `video H264 sendonly`. */
  readonly label: string;
}

export interface SdpOrigin {
  readonly username: string;
  readonly sessionId: string;
  readonly sessionVersion: number;
  readonly address: string;
}

export interface SdpSession {
  readonly origin?: SdpOrigin;
  readonly sessionName: string;
  /** Session-level c= (normalised), '' when absent. */
  readonly address: string;
  readonly media: readonly SdpMedia[];
  /** Every enabled media is held: not sendrecv, or c=0.0.0.0 (RFC 3264 §8.4, RFC 2543). */
  readonly hold: boolean;
  /** Media labels joined by ` | `. */
  readonly label: string;
}

const M_LINE = /^m=(\S+)[ \t]+(\d+)(?:\/(\d+))?[ \t]+(\S+)(?:[ \t]+(.*))?$/;

/** Parses SDP text. Never throws; returns undefined (and reports SDP_UNPARSABLE) for what is not SDP. */
export function parseSdp(text: string, report?: DiagnosticSink, frame?: number): SdpSession | undefined {
  const diag = (code: string, detail?: string): void => {
    if (!report) return;
    report({ code, ...(frame !== undefined ? { frame } : {}), ...(detail !== undefined ? { detail } : {}) });
  };
  if (text.length > MAX_SDP_BYTES) {
    diag('SDP_UNPARSABLE', `body of ${text.length} bytes exceeds MAX_SDP_BYTES`);
    return undefined;
  }
  const lines = text.split(/\r\n|\r|\n/);
  const mLines: string[] = [];
  let hasVersion = false;
  for (const raw of lines) {
    const l = raw.trimStart();
    if (l.startsWith('v=')) hasVersion = true;
    else if (l.startsWith('m=')) mLines.push(l.trimEnd());
  }
  if (!hasVersion) {
    diag('SDP_UNPARSABLE', 'no v= line');
    return undefined;
  }
  let parsed: ReturnType<typeof parseSdpText>;
  try {
    // sdp-transform only reads lines that start exactly with `x=`; leading blanks are lenience we add.
    parsed = parseSdpText(lines.map((l) => l.trimStart()).join('\r\n'));
  } catch (e) {
    diag('SDP_UNPARSABLE', e instanceof Error ? e.message : 'parser error');
    return undefined;
  }
  const sessionAddress = normalizeConnectionAddress(parsed.connection?.ip ?? '');
  const sessionDirection: MediaDirection = parsed.direction ?? 'sendrecv';
  const media: SdpMedia[] = [];
  const parsedMedia = parsed.media ?? [];
  for (let i = 0; i < mLines.length; i++) {
    const m = M_LINE.exec(mLines[i]!);
    const pm = parsedMedia[i];
    if (!m || !pm) {
      diag('SDP_BAD_MEDIA_LINE', `m= line ${i + 1}`);
      continue;
    }
    media.push(readMedia(i, m, pm, sessionAddress, sessionDirection));
  }
  const enabled = media.filter((m) => !m.disabled);
  const hold = enabled.length > 0 && enabled.every((m) => m.holdAddress || m.direction !== 'sendrecv');
  const o = parsed.origin;
  const session: SdpSession = {
    ...(o
      ? {
          origin: {
            username: String(o.username ?? ''),
            sessionId: String(o.sessionId ?? ''),
            sessionVersion: Number(o.sessionVersion),
            address: String(o.address ?? ''),
          },
        }
      : {}),
    sessionName: typeof parsed.name === 'string' ? parsed.name : '',
    address: sessionAddress,
    media,
    hold,
    label: media.map((m) => m.label).join(' | '),
  };
  return session;
}

type ParsedMedia = ReturnType<typeof parseSdpText>['media'][number];

function readMedia(index: number, m: RegExpExecArray, pm: ParsedMedia, sessionAddress: string, sessionDirection: MediaDirection): SdpMedia {
  const type = m[1]!;
  const port = Number(m[2]);
  const protocol = m[4]!;
  const formats = (m[5] ?? '').split(/[ \t]+/).filter((f) => f !== '');
  const mediaAddressRaw = pm.connection?.ip;
  const address = mediaAddressRaw !== undefined ? normalizeConnectionAddress(mediaAddressRaw) : sessionAddress;
  const upper = protocol.toUpperCase();
  const isRtp = upper.includes('RTP/');
  const crypto = (pm.crypto?.length ?? 0) > 0;
  const srtp = upper.includes('SAVP') || crypto;
  const payloads: PayloadFormat[] = [];
  let telephoneEventPt: number | undefined;
  if (isRtp) {
    for (const f of formats) {
      const pt = Number(f);
      if (!Number.isInteger(pt) || pt < 0 || pt > 127) continue;
      const map = pm.rtp?.find((r) => r.payload === pt);
      let p: PayloadFormat;
      if (map) {
        const name = String(map.codec);
        const rate = typeof map.rate === 'number' && map.rate > 0 ? map.rate : defaultClockRate(name);
        const ch = Number(map.encoding);
        p = Number.isInteger(ch) && ch > 0 ? { payloadType: pt, name, clockRate: rate, channels: ch } : { payloadType: pt, name, clockRate: rate };
      } else {
        p = staticPayload(pt) ?? { payloadType: pt, name: String(pt), clockRate: 0 };
      }
      payloads.push(p);
      if (telephoneEventPt === undefined && p.name.toLowerCase() === 'telephone-event') telephoneEventPt = pt;
    }
  }
  const direction: MediaDirection = pm.direction ?? sessionDirection;
  const rtcpMux = pm.rtcpMux !== undefined;
  let rtcpAddress = address;
  let rtcpPort = rtcpMux ? port : port + 1;
  if (pm.rtcp && typeof pm.rtcp.port === 'number') {
    rtcpPort = pm.rtcp.port;
    if (pm.rtcp.address) rtcpAddress = normalizeConnectionAddress(String(pm.rtcp.address)) || address;
  }
  const disabled = port === 0;
  const holdAddress = address === '0.0.0.0' || address === '::';
  const ipVersion = address === '' ? undefined : address.includes(':') ? 6 : 4;
  return {
    index,
    type,
    port,
    protocol,
    formats,
    address,
    ...(ipVersion !== undefined ? { ipVersion } : {}),
    payloads,
    ...(telephoneEventPt !== undefined ? { telephoneEventPt } : {}),
    direction,
    disabled,
    holdAddress,
    rtcpAddress,
    rtcpPort,
    rtcpMux,
    isRtp,
    srtp,
    crypto,
    label: mediaLabel(type, isRtp, payloads, formats, direction, disabled, holdAddress, srtp),
  };
}

function mediaLabel(
  type: string,
  isRtp: boolean,
  payloads: readonly PayloadFormat[],
  formats: readonly string[],
  direction: MediaDirection,
  disabled: boolean,
  holdAddress: boolean,
  srtp: boolean,
): string {
  const names: string[] = [];
  for (const n of isRtp ? payloads.map((p) => p.name) : formats) if (!names.includes(n)) names.push(n);
  const parts: string[] = [];
  if (type !== 'audio') parts.push(type);
  parts.push(...names);
  if (srtp) parts.push('SRTP');
  if (disabled) parts.push('disabled');
  else {
    if (direction !== 'sendrecv') parts.push(direction);
    if (holdAddress) parts.push('hold');
  }
  return parts.join(' ');
}

/** Parsed SDP per message, so that the registry, the negotiation tracker and views parse once. */
const cache = new WeakMap<SipMessage, SdpSession | null>();

/**
 * The SDP of a SIP message (application/sdp body or the SDP part of a multipart body), parsed
 * once per message; diagnostics are reported on the first call only.
 */
export function sdpOfMessage(msg: SipMessage, report?: DiagnosticSink): SdpSession | undefined {
  const hit = cache.get(msg);
  if (hit !== undefined) return hit ?? undefined;
  const body = findSdpBody(msg);
  let session: SdpSession | undefined;
  if (body) {
    // Not the hot path: one SDP per offer/answer. UTF-8 because a=/s=/i= may carry it (RFC 4566 §5).
    session = parseSdp(body.toString('utf8'), report, msg.frame);
  }
  cache.set(msg, session ?? null);
  return session;
}
