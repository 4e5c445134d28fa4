/**
 * SIP start-line recognition (RFC 3261 §7.1 Request-Line, §7.2 Status-Line), by byte scan on a
 * Buffer view. SIP is recognised by content on any port, never by port number alone.
 */

export type StartLineKind = 'request' | 'response';

export interface StartLine {
  readonly kind: StartLineKind;
  /** Offset just past the line terminator (LF, or CRLF). */
  readonly next: number;
  /** Offset of the line terminator (the CR of CRLF, or the lone LF). */
  readonly end: number;
}

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;

/** `SIP/2.0` compared case-insensitively, as tshark does with its default preferences. */
function isSipVersionAt(buf: Buffer, at: number, limit: number): boolean {
  if (at + 7 > limit) return false;
  return (
    (buf[at]! | 0x20) === 0x73 && // s
    (buf[at + 1]! | 0x20) === 0x69 && // i
    (buf[at + 2]! | 0x20) === 0x70 && // p
    buf[at + 3] === 0x2f && // /
    buf[at + 4] === 0x32 && // 2
    buf[at + 5] === 0x2e && // .
    buf[at + 6] === 0x30 // 0
  );
}

/** RFC 3261 §25.1 token characters (method names are tokens). */
export function isTokenChar(c: number): boolean {
  if (c >= 0x61 && c <= 0x7a) return true; // a-z
  if (c >= 0x41 && c <= 0x5a) return true; // A-Z
  if (c >= 0x30 && c <= 0x39) return true; // 0-9
  // - . ! % * _ + ` ' ~
  return c === 0x2d || c === 0x2e || c === 0x21 || c === 0x25 || c === 0x2a || c === 0x5f || c === 0x2b || c === 0x60 || c === 0x27 || c === 0x7e;
}

/** Index of the next LF at or after `from`, or -1 before `limit`. */
export function indexOfLF(buf: Buffer, from: number, limit: number): number {
  const i = buf.indexOf(LF, from);
  return i < 0 || i >= limit ? -1 : i;
}

/**
 * Recognises a start line at `offset`. Returns undefined when the bytes there are not a SIP
 * start line, or when the line is not complete before `limit` (callers with more bytes to come
 * use `maybeStartLinePrefix` to tell "not yet" from "never").
 */
export function matchStartLine(buf: Buffer, offset = 0, limit = buf.length): StartLine | undefined {
  const lf = indexOfLF(buf, offset, limit);
  if (lf < 0) return undefined;
  const end = lf > offset && buf[lf - 1] === CR ? lf - 1 : lf;
  if (end - offset < 11) return undefined; // shortest: "SIP/2.0 200" or "A x SIP/2.0"
  // RFC 3261 §25.1: no control characters other than HTAB can appear in a start line (the
  // Request-URI and Reason-Phrase grammars exclude them); a line holding NUL is not SIP.
  for (let i = offset; i < end; i++) {
    const c = buf[i]!;
    if (c < 0x20 && c !== 0x09) return undefined;
  }
  // Status-Line: SIP-Version SP Status-Code SP Reason-Phrase (the reason may be empty)
  if (isSipVersionAt(buf, offset, end)) {
    if (buf[offset + 7] !== SP) return undefined;
    const d = offset + 8;
    if (d + 3 > end) return undefined;
    for (let i = d; i < d + 3; i++) {
      const c = buf[i]!;
      if (c < 0x30 || c > 0x39) return undefined;
    }
    if (d + 3 < end && buf[d + 3] !== SP) return undefined;
    return { kind: 'response', next: lf + 1, end };
  }
  // Request-Line: Method SP Request-URI SP SIP-Version
  let i = offset;
  while (i < end && isTokenChar(buf[i]!)) i++;
  if (i === offset || i >= end || buf[i] !== SP) return undefined;
  // the line must end with " SIP/2.0" (trailing spaces tolerated)
  let e = end;
  while (e > i && buf[e - 1] === SP) e--;
  if (e - 8 <= i || buf[e - 8] !== SP || !isSipVersionAt(buf, e - 7, e)) return undefined;
  return { kind: 'request', next: lf + 1, end };
}

/** Longest start line a stream framer waits for before giving up on a candidate (bytes). */
export const MAX_START_LINE = 16 * 1024;
