/**
 * SIP header names: the compact forms, canonical spellings, and a fast case-insensitive
 * byte compare. Header names are case-insensitive (RFC 3261 §7.3.1); compact forms are
 * listed in RFC 3261 §7.3.3 and added by later RFCs (noted per entry). Shared by the framer
 * (which needs Content-Length / `l`) and the parser.
 */

/** Compact form (one lower-case letter) → canonical long name. */
export const COMPACT_HEADER_FORMS: Readonly<Record<string, string>> = Object.freeze({
  a: 'Accept-Contact', // RFC 3841
  b: 'Referred-By', // RFC 3892
  c: 'Content-Type', // RFC 3261
  d: 'Request-Disposition', // RFC 3841
  e: 'Content-Encoding', // RFC 3261
  f: 'From', // RFC 3261
  i: 'Call-ID', // RFC 3261
  j: 'Reject-Contact', // RFC 3841
  k: 'Supported', // RFC 3261
  l: 'Content-Length', // RFC 3261
  m: 'Contact', // RFC 3261
  n: 'Identity-Info', // RFC 4474
  o: 'Event', // RFC 6665
  r: 'Refer-To', // RFC 3515
  s: 'Subject', // RFC 3261
  t: 'To', // RFC 3261
  u: 'Allow-Events', // RFC 6665
  v: 'Via', // RFC 3261
  x: 'Session-Expires', // RFC 4028
  y: 'Identity', // RFC 8224
});

/** Lower-case long name → compact letter (inverse of COMPACT_HEADER_FORMS). */
const LONG_TO_COMPACT: ReadonlyMap<string, string> = new Map(
  Object.entries(COMPACT_HEADER_FORMS).map(([c, long]) => [long.toLowerCase(), c]),
);

/** Canonical spellings of headers commonly shown by the views (lower-case → canonical). */
const CANONICAL: ReadonlyMap<string, string> = new Map(
  [
    ...Object.values(COMPACT_HEADER_FORMS),
    'CSeq', 'Max-Forwards', 'User-Agent', 'Server', 'Allow', 'Expires', 'Record-Route', 'Route',
    'Authorization', 'Proxy-Authorization', 'WWW-Authenticate', 'Proxy-Authenticate', 'Require',
    'Proxy-Require', 'Unsupported', 'Accept', 'Accept-Encoding', 'Accept-Language', 'Reason',
    'Warning', 'RSeq', 'RAck', 'P-Asserted-Identity', 'P-Preferred-Identity', 'Privacy',
    'Diversion', 'History-Info', 'Min-Expires', 'Min-SE', 'Subscription-State', 'Replaces',
    'Retry-After', 'Timestamp', 'Organization', 'Priority', 'Date', 'Content-Disposition',
    'Content-Language', 'MIME-Version', 'Alert-Info', 'Call-Info', 'Error-Info', 'In-Reply-To',
    'Reply-To', 'Path', 'Service-Route', 'Security-Client', 'Security-Server', 'Security-Verify',
    'P-Charging-Vector', 'P-Access-Network-Info', 'P-Called-Party-ID', 'X-Asterisk-HangupCause',
  ].map((n) => [n.toLowerCase(), n]),
);

/** Long name for a compact letter (either case), or undefined when `name` is not a compact form. */
export function expandCompactName(name: string): string | undefined {
  if (name.length !== 1) return undefined;
  return COMPACT_HEADER_FORMS[name.toLowerCase()];
}

/** The compact letter of a long name (`Call-ID` → `i`), or undefined. */
export function compactLetterOf(longName: string): string | undefined {
  return LONG_TO_COMPACT.get(longName.toLowerCase());
}

/**
 * Canonical spelling of a header name: compact forms expanded, well-known names in their
 * RFC spelling (`call-id` → `Call-ID`), unknown names returned as written.
 */
export function canonicalHeaderName(name: string): string {
  const trimmed = name.trim();
  const expanded = expandCompactName(trimmed);
  if (expanded !== undefined) return expanded;
  return CANONICAL.get(trimmed.toLowerCase()) ?? trimmed;
}

/**
 * Lower-case key two spellings of the same header share: `i`, `I`, `call-id` and `CALL-ID`
 * all give `call-id`. Used to compare names lazily (header(), headerAll()).
 */
export function headerNameKey(name: string): string {
  const trimmed = name.trim();
  const expanded = expandCompactName(trimmed);
  return (expanded ?? trimmed).toLowerCase();
}

/** ASCII lower-casing of one byte (other bytes unchanged; never folds CR into `-` etc.). */
export function lowerAsciiByte(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/**
 * True when buf[start..end) equals `lowerTarget` ignoring ASCII case. `lowerTarget` must be
 * lower-case ASCII bytes. Length is compared first (the cheap reject, DESIGN.md "Hot path").
 */
export function bytesEqualIgnoreCase(buf: Uint8Array, start: number, end: number, lowerTarget: Uint8Array): boolean {
  const n = lowerTarget.length;
  if (end - start !== n) return false;
  for (let i = 0; i < n; i++) {
    const c = buf[start + i]!;
    const t = lowerTarget[i]!;
    if (c !== t && lowerAsciiByte(c) !== t) return false;
  }
  return true;
}

/** Header ids the eager parse cares about (small ints, so the hot loop switches on numbers). */
export const EagerHeader = {
  Other: 0,
  CallId: 1,
  CSeq: 2,
  From: 3,
  To: 4,
  Via: 5,
  ContentLength: 6,
} as const;
export type EagerHeader = (typeof EagerHeader)[keyof typeof EagerHeader];

const CALL_ID = Buffer.from('call-id', 'latin1');
const CSEQ = Buffer.from('cseq', 'latin1');
const FROM = Buffer.from('from', 'latin1');
const TO = Buffer.from('to', 'latin1');
const VIA = Buffer.from('via', 'latin1');
const CONTENT_LENGTH = Buffer.from('content-length', 'latin1');

/**
 * Classifies the header name in buf[start..end) (already trimmed) for the eager parse:
 * switch on length first, then compare bytes, so most names are rejected without a loop.
 */
export function classifyHeaderName(buf: Uint8Array, start: number, end: number): EagerHeader {
  switch (end - start) {
    case 1:
      switch (lowerAsciiByte(buf[start]!)) {
        case 0x69: return EagerHeader.CallId; // i
        case 0x66: return EagerHeader.From; // f
        case 0x74: return EagerHeader.To; // t
        case 0x76: return EagerHeader.Via; // v
        case 0x6c: return EagerHeader.ContentLength; // l
        default: return EagerHeader.Other;
      }
    case 2:
      return bytesEqualIgnoreCase(buf, start, end, TO) ? EagerHeader.To : EagerHeader.Other;
    case 3:
      return bytesEqualIgnoreCase(buf, start, end, VIA) ? EagerHeader.Via : EagerHeader.Other;
    case 4:
      if (bytesEqualIgnoreCase(buf, start, end, CSEQ)) return EagerHeader.CSeq;
      return bytesEqualIgnoreCase(buf, start, end, FROM) ? EagerHeader.From : EagerHeader.Other;
    case 7:
      return bytesEqualIgnoreCase(buf, start, end, CALL_ID) ? EagerHeader.CallId : EagerHeader.Other;
    case 14:
      return bytesEqualIgnoreCase(buf, start, end, CONTENT_LENGTH) ? EagerHeader.ContentLength : EagerHeader.Other;
    default:
      return EagerHeader.Other;
  }
}

/**
 * A prepared header-name matcher for repeated lookups on bytes: the long name lower-cased
 * and the compact letter, when the header has one.
 */
export interface HeaderNameMatcher {
  readonly long: Uint8Array;
  /** Lower-case compact letter byte, or -1. */
  readonly compact: number;
}

/** Prepares a matcher for `name` (long or compact, any case). */
export function headerNameMatcher(name: string): HeaderNameMatcher {
  const key = headerNameKey(name);
  const letter = LONG_TO_COMPACT.get(key);
  return { long: Buffer.from(key, 'latin1'), compact: letter === undefined ? -1 : letter.charCodeAt(0) };
}

/** True when buf[start..end) names the header `m` describes (long or compact form, any case). */
export function matchesHeaderName(buf: Uint8Array, start: number, end: number, m: HeaderNameMatcher): boolean {
  if (end - start === 1 && m.compact >= 0) return lowerAsciiByte(buf[start]!) === m.compact;
  return bytesEqualIgnoreCase(buf, start, end, m.long);
}

/**
 * Header-name filter bits: each header line of a message sets one of 64 bits, chosen from its
 * name's length, first and last letter (case folded; compact forms count as their long name).
 * A clear bit proves a header absent, so lookups of headers most messages lack (X-Call-ID,
 * Reason, ...) skip the scan of the header block; a set bit may be another name (then scan).
 */
function nameBit(length: number, first: number, last: number): number {
  return (length * 17 + first * 5 + last) & 63;
}

/** The bit of each compact letter's long name (RFC 3261 §7.3.3), by lower-case byte; -1: none. */
const COMPACT_BITS = new Int8Array(256).fill(-1);
for (const [letter, long] of Object.entries(COMPACT_HEADER_FORMS)) {
  const l = long.toLowerCase();
  COMPACT_BITS[letter.toLowerCase().charCodeAt(0)] = nameBit(l.length, l.charCodeAt(0), l.charCodeAt(l.length - 1));
}

/** Filter bit (0..63) of the header name buf[start..end) as written. */
export function headerNameBit(buf: Uint8Array, start: number, end: number): number {
  const first = lowerAsciiByte(buf[start]!);
  if (end - start === 1) {
    const b = COMPACT_BITS[first]!;
    if (b >= 0) return b;
  }
  return nameBit(end - start, first, lowerAsciiByte(buf[end - 1]!));
}

/** Filter bit (0..63) of a headerNameKey() key (lower-case, compact forms expanded). */
export function headerKeyBit(key: string): number {
  if (key.length === 0) return 0;
  return nameBit(key.length, key.charCodeAt(0), key.charCodeAt(key.length - 1));
}
