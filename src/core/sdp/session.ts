/**
 * SDP (RFC 4566 / RFC 8866) read into what media correlation and the views need: per m= line
 * the address and ports media goes to, the payload formats with their codecs, the direction,
 * RTCP port and whether SRTP is used. sdp-reader.ts reads the lines in one pass over the bytes
 * (the correlator asks for the SDP of every SIP message that carries one); this file gives
 * them meaning: defaults, inheritance from the session level, labels.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import type { SipMessage } from '../sip/types.js';
import { normalizeConnectionAddress } from './address.js';
import { findSdpBody } from './body.js';
import { readSdpBytes, readSdpText, type MediaDirection, type SdpLines, type SdpMediaLine, type SdpMediaSection } from './sdp-reader.js';
import { defaultClockRate, staticPayload, type PayloadFormat } from './static-payloads.js';

export type { MediaDirection } from './sdp-reader.js';

/**
 * SDP bodies longer than this (in UTF-16 code units of their UTF-8 decoding, as before) are
 * not parsed: a real SDP is a few KB; this bounds the work one message can cost.
 */
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

function diagnose(report: DiagnosticSink | undefined, frame: number | undefined, code: string, detail: string): void {
  report?.(frame !== undefined ? { code, frame, detail } : { code, detail });
}

/** Parses SDP text. Never throws; returns undefined (and reports SDP_UNPARSABLE) for what is not SDP. */
export function parseSdp(text: string, report?: DiagnosticSink, frame?: number): SdpSession | undefined {
  if (text.length > MAX_SDP_BYTES) {
    diagnose(report, frame, 'SDP_UNPARSABLE', `body of ${text.length} bytes exceeds MAX_SDP_BYTES`);
    return undefined;
  }
  return sessionOf(readSdpText(text), report, frame);
}

/**
 * Parses an SDP body as bytes (UTF-8, RFC 8866 §5). Same result as parseSdp on the body's
 * UTF-8 decoding, without decoding more than the values kept. Never throws.
 */
export function parseSdpBytes(body: Buffer, report?: DiagnosticSink, frame?: number): SdpSession | undefined {
  // UTF-8 never decodes to more UTF-16 units than it has bytes: only a longer body needs its length.
  if (body.length > MAX_SDP_BYTES) {
    const length = body.toString('utf8').length;
    if (length > MAX_SDP_BYTES) {
      diagnose(report, frame, 'SDP_UNPARSABLE', `body of ${length} bytes exceeds MAX_SDP_BYTES`);
      return undefined;
    }
  }
  return sessionOf(readSdpBytes(body), report, frame);
}

function sessionOf(lines: SdpLines, report: DiagnosticSink | undefined, frame: number | undefined): SdpSession | undefined {
  if (!lines.hasVersion) {
    diagnose(report, frame, 'SDP_UNPARSABLE', 'no v= line');
    return undefined;
  }
  const sessionAddress = normalizeConnectionAddress(lines.connection ?? '');
  const sessionDirection: MediaDirection = lines.direction ?? 'sendrecv';
  const media: SdpMedia[] = [];
  const sections = lines.media;
  for (let i = 0; i < sections.length; i++) {
    const section = sections[i]!;
    const mLine = section.mLine;
    if (!mLine) {
      diagnose(report, frame, 'SDP_BAD_MEDIA_LINE', `m= line ${i + 1}`);
      continue;
    }
    media.push(readMedia(i, mLine, section, sessionAddress, sessionDirection));
  }
  let label = '';
  let enabled = 0;
  let held = 0;
  for (let i = 0; i < media.length; i++) {
    const m = media[i]!;
    label = i === 0 ? m.label : `${label} | ${m.label}`;
    if (m.disabled) continue;
    enabled++;
    if (m.holdAddress || m.direction !== 'sendrecv') held++;
  }
  // Every enabled media is held (RFC 3264 §8.4 direction, or RFC 2543 c=0.0.0.0).
  const hold = enabled > 0 && held === enabled;
  const sessionName = sessionNameOf(lines.sessionName);
  // Object literals of fixed shape (no spreads: V8 builds spread results slowly); key order is
  // part of the result (JSON output), so origin comes first when present.
  const origin = lines.origin; // a fresh object per parse, of SdpOrigin's shape
  return origin
    ? { origin, sessionName, address: sessionAddress, media, hold, label }
    : { sessionName, address: sessionAddress, media, hold, label };
}

/**
 * The s= value, except that one that reads back as a JavaScript number (`s=0`, `s=-1`,
 * `s=NaN`) gives '': the sdp-transform parser siptrace used before turned such values into
 * numbers and they were dropped. Kept so results stay the same as before.
 */
function sessionNameOf(raw: string | undefined): string {
  if (raw === undefined) return '';
  return String(Number(raw)) === raw ? '' : raw;
}

function readMedia(index: number, mLine: SdpMediaLine, section: SdpMediaSection, sessionAddress: string, sessionDirection: MediaDirection): SdpMedia {
  const { type, port, protocol, formats } = mLine;
  const address = section.connection !== undefined ? normalizeConnectionAddress(section.connection) : sessionAddress;
  const upper = protocol.toUpperCase();
  const isRtp = upper.includes('RTP/');
  const crypto = section.crypto;
  const srtp = upper.includes('SAVP') || crypto;
  const payloads: PayloadFormat[] = [];
  let telephoneEventPt: number | undefined;
  if (isRtp) {
    const maps = section.rtpmaps;
    for (const f of formats) {
      const pt = Number(f);
      if (!Number.isInteger(pt) || pt < 0 || pt > 127) continue;
      let map;
      for (let k = 0; k < maps.length; k++) {
        if (maps[k]!.payloadType === pt) {
          map = maps[k]!;
          break;
        }
      }
      let p: PayloadFormat;
      if (map) {
        const name = map.encodingName;
        const rate = map.clockRate !== undefined && map.clockRate > 0 ? map.clockRate : defaultClockRate(name);
        const ch = map.encodingParams;
        p = Number.isInteger(ch) && ch > 0 ? { payloadType: pt, name, clockRate: rate, channels: ch } : { payloadType: pt, name, clockRate: rate };
      } else {
        p = staticPayload(pt) ?? { payloadType: pt, name: String(pt), clockRate: 0 };
      }
      payloads.push(p);
      if (telephoneEventPt === undefined && p.name.toLowerCase() === 'telephone-event') telephoneEventPt = pt;
    }
  }
  const direction: MediaDirection = section.direction ?? sessionDirection;
  const rtcpMux = section.rtcpMux;
  let rtcpAddress = address;
  let rtcpPort = rtcpMux ? port : port + 1;
  if (section.rtcpPort !== undefined) {
    rtcpPort = section.rtcpPort;
    if (section.rtcpAddress) rtcpAddress = normalizeConnectionAddress(section.rtcpAddress) || address;
  }
  const disabled = port === 0;
  const holdAddress = address === '0.0.0.0' || address === '::';
  const ipVersion = address === '' ? undefined : address.includes(':') ? 6 : 4;
  const label = mediaLabel(type, isRtp, payloads, formats, direction, disabled, holdAddress, srtp);
  // Built key by key in SdpMedia's order (no spreads: see sessionOf); the optional keys are
  // present only when set, as before.
  const media: Partial<Mutable<SdpMedia>> = { index, type, port, protocol, formats, address };
  if (ipVersion !== undefined) media.ipVersion = ipVersion;
  media.payloads = payloads;
  if (telephoneEventPt !== undefined) media.telephoneEventPt = telephoneEventPt;
  media.direction = direction;
  media.disabled = disabled;
  media.holdAddress = holdAddress;
  media.rtcpAddress = rtcpAddress;
  media.rtcpPort = rtcpPort;
  media.rtcpMux = rtcpMux;
  media.isRtp = isRtp;
  media.srtp = srtp;
  media.crypto = crypto;
  media.label = label;
  return media as SdpMedia;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The short text a ladder arrow and the call list show for an m= line (`PCMU PCMA sendonly`). */
export function mediaLabel(
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
  if (msg.body.length === 0) return undefined; // most messages: no cache entry for them
  const hit = cache.get(msg);
  if (hit !== undefined) return hit ?? undefined;
  const session = readSdpOfMessage(msg, report);
  cache.set(msg, session ?? null);
  return session;
}

/**
 * The SDP of a message parsed without the cache: for the loader, which sees each message once
 * (a WeakMap entry per message cost more than the parse it saves).
 */
export function readSdpOfMessage(msg: SipMessage, report?: DiagnosticSink): SdpSession | undefined {
  const body = findSdpBody(msg);
  return body ? parseSdpBytes(body, report, msg.frame) : undefined;
}
