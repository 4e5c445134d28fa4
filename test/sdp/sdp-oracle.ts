/**
 * Test oracle: the sdp-transform based parseSdp siptrace used before sdp-reader.ts, kept
 * verbatim except for one fix. sdp-transform turns a numeric c= address (`c=IN IP4 5`) into a
 * number and the old code then threw a TypeError from normalizeConnectionAddress; the oracle
 * applies String() first (such an address is not an IP literal, so it normalises to ''). The
 * m= line's label (presentation, not parsing) comes from session.ts.
 */
import { parse as parseSdpText } from 'sdp-transform';
import type { DiagnosticSink } from '../../src/core/diagnostics.js';
import { normalizeConnectionAddress } from '../../src/core/sdp/address.js';
import { MAX_SDP_BYTES, mediaLabel, type MediaDirection, type SdpMedia, type SdpSession } from '../../src/core/sdp/session.js';
import { defaultClockRate, staticPayload, type PayloadFormat } from '../../src/core/sdp/static-payloads.js';

const M_LINE = /^m=(\S+)[ \t]+(\d+)(?:\/(\d+))?[ \t]+(\S+)(?:[ \t]+(.*))?$/;

/** Parses SDP text. Never throws; returns undefined (and reports SDP_UNPARSABLE) for what is not SDP. */
export function parseSdpOracle(text: string, report?: DiagnosticSink, frame?: number): SdpSession | undefined {
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
  const sessionAddress = normalizeConnectionAddress(String(parsed.connection?.ip ?? ''));
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
  const mediaAddressRaw = pm.connection?.ip === undefined ? undefined : String(pm.connection.ip);
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
