/**
 * Finds the SDP in a SIP message body: the whole body when Content-Type is application/sdp
 * (RFC 3261 §20.15), or the application/sdp part of a multipart body (RFC 2046 §5.1, as used
 * by SIP-I/SIP-T with ISUP, RFC 3204, and by INVITEs carrying location or resource lists).
 */
import type { SipMessage } from '../sip/types.js';

/** Multipart nesting followed at most this deep (a message/sipfrag in a multipart in a multipart is already rare). */
export const MAX_MULTIPART_DEPTH = 3;

/** Media type without parameters, lower case (`application/sdp`). */
function mediaType(contentType: string): string {
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** A Content-Type parameter value (quotes removed), undefined when absent. */
export function contentTypeParam(contentType: string, name: string): string | undefined {
  const re = new RegExp(`;\\s*${name}\\s*=\\s*("([^"]*)"|[^;\\s]+)`, 'i');
  const m = re.exec(contentType);
  if (!m) return undefined;
  return m[2] ?? m[1];
}

/**
 * The SDP bytes of a message, or undefined when it carries none. A body without Content-Type
 * that starts with `v=0` is taken as SDP too (RFC 3261 §7.4.1 requires the header, but some
 * stacks omit it and Wireshark's heuristic accepts such bodies).
 */
export function findSdpBody(msg: SipMessage): Buffer | undefined {
  const body = msg.body;
  if (body.length === 0) return undefined;
  const ct = msg.header('Content-Type');
  if (ct === undefined) return startsWithV0(body) ? body : undefined;
  return sdpIn(body, ct, 0);
}

function sdpIn(body: Buffer, contentType: string, depth: number): Buffer | undefined {
  const type = mediaType(contentType);
  if (type === 'application/sdp') return body;
  if (!type.startsWith('multipart/') || depth >= MAX_MULTIPART_DEPTH) return undefined;
  const boundary = contentTypeParam(contentType, 'boundary');
  if (!boundary) return undefined;
  for (const part of multipartParts(body, boundary)) {
    const found = sdpIn(part.body, part.contentType ?? 'text/plain', depth + 1);
    if (found) return found;
  }
  return undefined;
}

function startsWithV0(b: Buffer): boolean {
  let i = 0;
  while (i < b.length && (b[i] === 0x0d || b[i] === 0x0a || b[i] === 0x20)) i++;
  return b[i] === 0x76 && b[i + 1] === 0x3d; // "v="
}

interface BodyPart {
  readonly contentType?: string;
  readonly body: Buffer;
}

/**
 * RFC 2046 §5.1.1: parts are separated by CRLF "--" boundary; the close delimiter adds "--".
 * LF-only line ends are accepted (lenient, like the SIP parser). Parts are views of `body`.
 */
export function multipartParts(body: Buffer, boundary: string): BodyPart[] {
  const delim = Buffer.from(`--${boundary}`, 'latin1');
  const parts: BodyPart[] = [];
  let at = body.indexOf(delim);
  while (at >= 0) {
    let start = at + delim.length;
    // close delimiter
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break;
    // skip transport padding and the line end after the delimiter
    while (start < body.length && (body[start] === 0x20 || body[start] === 0x09)) start++;
    if (body[start] === 0x0d) start++;
    if (body[start] === 0x0a) start++;
    const next = body.indexOf(delim, start);
    let end = next < 0 ? body.length : next;
    // the line end before the next delimiter belongs to the delimiter
    if (end > start && body[end - 1] === 0x0a) end--;
    if (end > start && body[end - 1] === 0x0d) end--;
    parts.push(splitPart(body.subarray(start, end)));
    if (next < 0) break;
    at = next;
  }
  return parts;
}

/** Part headers end at the first empty line; only Content-Type is read. */
function splitPart(part: Buffer): BodyPart {
  let i = 0;
  let contentType: string | undefined;
  while (i < part.length) {
    let eol = part.indexOf(0x0a, i);
    if (eol < 0) eol = part.length;
    const lineEnd = eol > i && part[eol - 1] === 0x0d ? eol - 1 : eol;
    if (lineEnd === i) return { ...(contentType !== undefined ? { contentType } : {}), body: part.subarray(Math.min(eol + 1, part.length)) };
    const line = part.toString('latin1', i, lineEnd);
    const colon = line.indexOf(':');
    if (colon > 0) {
      const name = line.slice(0, colon).trim().toLowerCase();
      if (name === 'content-type' || name === 'c') contentType = line.slice(colon + 1).trim();
    }
    i = eol + 1;
  }
  // no empty line: a part with headers only (or no headers at all, RFC 2046 default text/plain)
  return { ...(contentType !== undefined ? { contentType } : {}), body: part.subarray(part.length) };
}
