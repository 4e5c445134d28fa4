/**
 * `siptrace messages`: one row per SIP message in capture order, as TSV (the same nine
 * columns as ../shared/captures/EXPECTED.tsv) or JSON lines (the same plus timestamp,
 * headers, body length and diagnostics).
 */
import type { SipMessage } from '../core/sip/types.js';
import { sanitizeField } from '../view/sanitize.js';

export const MESSAGES_TSV_HEADER = '#frame\ttransport\tsrc\tsport\tdst\tdport\tcall_id\tcseq\tmethod_or_status';

/** The last column: a request's method or a response's status code. */
export function methodOrStatus(m: SipMessage): string {
  return m.isRequest ? (m.method ?? '') : m.statusCode === undefined ? '' : String(m.statusCode);
}

export function messageTsvRow(m: SipMessage): string {
  // one template, no intermediate array (this runs once per message of a capture)
  return `${m.frame}\t${m.transport}\t${m.src}\t${m.srcPort}\t${m.dst}\t${m.dstPort}\t${sanitizeField(m.callId)}\t${sanitizeField(m.cseq)}\t${sanitizeField(methodOrStatus(m))}`;
}

/** Nanoseconds since the epoch as a decimal string (exact: no float rounding). */
export function timestampNs(tsSec: number, tsNsec: number): string {
  return (BigInt(tsSec) * 1_000_000_000n + BigInt(tsNsec)).toString();
}

export interface MessageJson {
  frame: number;
  frames?: readonly number[];
  ts_ns: string;
  transport: string;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  call_id: string;
  cseq: string;
  method?: string;
  request_uri?: string;
  status?: number;
  reason?: string;
  from_tag?: string;
  to_tag?: string;
  via_branch?: string;
  headers: [string, string][];
  body_length: number;
  malformed: boolean;
  diagnostics: string[];
}

/** JSON view of a message. Strings stay as decoded; JSON escaping makes them terminal-safe. */
export function messageJson(m: SipMessage): MessageJson {
  const out: MessageJson = {
    frame: m.frame,
    ts_ns: timestampNs(m.tsSec, m.tsNsec),
    transport: m.transport,
    src: m.src,
    sport: m.srcPort,
    dst: m.dst,
    dport: m.dstPort,
    call_id: m.callId,
    cseq: m.cseq,
    headers: m.headers().map((h) => [h.name, h.value]),
    body_length: m.body.length,
    malformed: m.malformed,
    diagnostics: m.diagnostics.map((d) => d.code),
  };
  if (m.frames && m.frames.length > 1) out.frames = m.frames;
  if (m.isRequest) {
    out.method = m.method ?? '';
    if (m.requestUri !== undefined) out.request_uri = m.requestUri;
  } else {
    if (m.statusCode !== undefined) out.status = m.statusCode;
    if (m.reason !== undefined) out.reason = m.reason;
  }
  if (m.fromTag !== undefined) out.from_tag = m.fromTag;
  if (m.toTag !== undefined) out.to_tag = m.toTag;
  if (m.viaBranch !== undefined) out.via_branch = m.viaBranch;
  return out;
}

/**
 * JSON.stringify escapes C0 controls but not DEL or C1 controls (U+007F..U+009F), which some
 * terminals act on; escape those too so a JSON line is always safe to print.
 */
export function messageJsonLine(m: SipMessage): string {
  return JSON.stringify(messageJson(m)).replace(/[\u007f-\u009f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
