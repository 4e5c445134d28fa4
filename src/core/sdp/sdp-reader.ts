/**
 * One pass over an SDP body (RFC 8866 §5 / RFC 4566 §5) that keeps only the lines siptrace
 * reads: v=, o=, s=, c=, m= and the attributes rtpmap, rtcp (RFC 3605), rtcp-mux (RFC 5761),
 * crypto (RFC 4568) and the four directions (RFC 3264 §5.1). Every other line is skipped
 * without decoding it. The reader only says what the lines hold; session.ts gives it meaning.
 *
 * It works on bytes. A line that holds a non-ASCII byte is decoded (UTF-8) and read as UTF-16
 * code units by the same functions, because RFC 8866 §5 allows UTF-8 in values and the
 * whitespace rules below then include Unicode spaces. Text input is read as code units too.
 *
 * Leniencies kept from the previous parser (and observed on the wire): blanks before the type
 * letter, CRLF / LF / CR line ends, empty and unknown lines ignored, the last value of a
 * repeated line wins, attributes that do not have their grammar's form are ignored.
 * Never throws: every index is bounded by the line end.
 */

/** RFC 3264 §5.1 / RFC 8866 §6.7 media directions. */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** a=rtpmap (RFC 8866 §6.6) as written; numbers are set only when written in canonical decimal. */
export interface SdpRtpmapLine {
  readonly payloadType: number;
  readonly encodingName: string;
  /** Clock rate; undefined when absent or not a canonical decimal. */
  readonly clockRate: number | undefined;
  /** Number() of the encoding parameters (channels for audio); NaN when absent. */
  readonly encodingParams: number;
}

/** An m= line (RFC 8866 §5.14) split into its fields. */
export interface SdpMediaLine {
  readonly type: string;
  readonly port: number;
  readonly protocol: string;
  readonly formats: string[];
}

/** What one media section (an m= line and the lines up to the next one) holds. */
export interface SdpMediaSection {
  /** Undefined when the m= line does not have the `m=<type> <port>[/<n>] <proto> <fmt>…` form. */
  mLine: SdpMediaLine | undefined;
  /** Address of the last media-level c= (RFC 8866 §5.7) as written, undefined when none. */
  connection: string | undefined;
  readonly rtpmaps: SdpRtpmapLine[];
  /** Port of the last a=rtcp, undefined when none or when that port is not a canonical decimal. */
  rtcpPort: number | undefined;
  /** Address of the last a=rtcp that carried `<nettype> IP<v> <address>`. */
  rtcpAddress: string | undefined;
  rtcpMux: boolean;
  direction: MediaDirection | undefined;
  /** At least one well-formed a=crypto. */
  crypto: boolean;
}

export interface SdpOriginLine {
  readonly username: string;
  readonly sessionId: string;
  readonly sessionVersion: number;
  readonly address: string;
}

/** The lines of an SDP body that siptrace uses. */
export interface SdpLines {
  /** A v= line was seen (RFC 8866 §5.1; its absence means this is not SDP). */
  hasVersion: boolean;
  /** Session-level o= (the last well-formed one). */
  origin: SdpOriginLine | undefined;
  /** Session-level s= value as written (up to a Unicode line separator), undefined when none. */
  sessionName: string | undefined;
  /** Address of the session-level c=, as written. */
  connection: string | undefined;
  /** Session-level direction attribute. */
  direction: MediaDirection | undefined;
  readonly media: SdpMediaSection[];
}

type Codes = Uint8Array | Uint16Array;

const SP = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const SLASH = 0x2f;
const EQUALS = 0x3d;

/**
 * JavaScript's whitespace (the `\s` class and String.prototype.trim): ASCII TAB..CR and space,
 * plus the Unicode spaces, line/paragraph separators and the BOM. Used so that lines read
 * with the same token boundaries as the previous regex-based parser.
 */
export function isSdpWhitespace(c: number): boolean {
  if (c < 0x80) return c === SP || (c >= TAB && c <= CR);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** RFC 8866 §9 token characters of an encoding name as the old grammar took them: [A-Za-z0-9_.-]. */
function isEncodingNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || isDigit(c) || c === 0x5f || c === 0x2d || c === 0x2e;
}

/** [A-Za-z0-9_]: the crypto-suite characters (RFC 4568 §9.2 `1*(ALPHA / DIGIT / "_")`). */
function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || isDigit(c) || c === 0x5f;
}

const lit = (s: string): Uint8Array => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
const RTPMAP = lit('rtpmap:');
const RTCP = lit('rtcp:');
const RTCP_MUX = lit('rtcp-mux');
const CRYPTO = lit('crypto:');
const IN_IP = lit('IN IP');
const DIRECTIONS: readonly (readonly [Uint8Array, MediaDirection])[] = (['sendrecv', 'sendonly', 'recvonly', 'inactive'] as const).map((d) => [lit(d), d]);

/** Does `a[at..end)` start with `prefix`? */
function startsWith(a: Codes, at: number, end: number, prefix: Uint8Array): boolean {
  if (end - at < prefix.length) return false;
  for (let k = 0; k < prefix.length; k++) if (a[at + k] !== prefix[k]) return false;
  return true;
}

/** Tokens up to this long are interned: `audio`, `RTP/AVP`, `101`, `telephone-event`. */
const INTERN_MAX_LENGTH = 24;
/** Direct-mapped: a collision only costs a fresh string. */
const INTERN_SLOTS = 1024;
const interned: (string | undefined)[] = new Array<string | undefined>(INTERN_SLOTS).fill(undefined);

/**
 * The latin1 string of buf[s..e), shared with earlier calls for the same bytes: the same few
 * tokens come in every SDP of a capture, and one string each spares the allocations (and the
 * garbage collection) of hundreds of thousands of copies. Pure: the result's value depends on
 * the bytes only.
 */
function internLatin1(buf: Buffer, s: number, e: number): string {
  const n = e - s;
  if (n > INTERN_MAX_LENGTH) return buf.toString('latin1', s, e);
  let h = n;
  for (let i = s; i < e; i++) h = Math.imul(h, 31) + buf[i]!;
  const slot = (h ^ (h >>> 11)) & (INTERN_SLOTS - 1);
  const hit = interned[slot];
  if (hit !== undefined && hit.length === n) {
    let k = 0;
    while (k < n && hit.charCodeAt(k) === buf[s + k]) k++;
    if (k === n) return hit;
  }
  const str = buf.toString('latin1', s, e);
  interned[slot] = str;
  return str;
}

/** Reading state over one body; `buf`/`text` say how to turn a range of the current line into a string. */
class Reader {
  readonly out: SdpLines = { hasVersion: false, origin: undefined, sessionName: undefined, connection: undefined, direction: undefined, media: [] };
  /** Set while the current line is read from bytes (ASCII only, so latin1 is its UTF-8 decoding). */
  buf: Buffer | undefined;
  /** Set while the current line is read from UTF-16 code units. */
  text: string | undefined;
  current: SdpMediaSection | undefined;

  str(s: number, e: number): string {
    return this.text !== undefined ? this.text.slice(s, e) : this.buf!.toString('latin1', s, e);
  }

  /** str() for the tokens that repeat from SDP to SDP (media type, protocol, formats, codec names). */
  token(s: number, e: number): string {
    return this.text !== undefined ? this.text.slice(s, e) : internLatin1(this.buf!, s, e);
  }

  /** Decimal digits a[s..e) as a number, the way Number() reads them ('' is 0). */
  digitsValue(a: Codes, s: number, e: number): number {
    if (e - s > 15) return Number(this.str(s, e)); // beyond 15 digits a double rounds: let Number() do it
    let v = 0;
    for (let k = s; k < e; k++) v = v * 10 + (a[k]! - 0x30);
    return v;
  }

  /**
   * Digits a[s..e) as a number only when written canonically (no leading zero, non-empty, as
   * String(Number(x)) prints them): the previous parser kept other forms as strings, which
   * then never matched a payload type and never replaced a default port or rate.
   */
  canonicalInt(a: Codes, s: number, e: number): number | undefined {
    if (s === e || (a[s] === 0x30 && e - s > 1)) return undefined;
    if (e - s <= 15) return this.digitsValue(a, s, e);
    const t = this.str(s, e);
    const n = Number(t);
    return String(n) === t ? n : undefined;
  }

  /** One line a[s..e), without its line end. */
  line(a: Codes, s: number, e: number): void {
    while (s < e && isSdpWhitespace(a[s]!)) s++; // leading blanks (lenience)
    if (e - s < 2 || a[s + 1] !== EQUALS) return;
    const type = a[s]!;
    const cs = s + 2; // value start
    switch (type) {
      case 0x76: // v
        this.out.hasVersion = true;
        return;
      case 0x6f: // o
        if (this.current === undefined) this.origin(a, cs, e);
        return;
      case 0x73: // s
        if (this.current === undefined) this.sessionName(a, cs, e);
        return;
      case 0x63: // c
        this.connection(a, cs, e);
        return;
      case 0x6d: // m
        this.mediaLine(a, s, e);
        return;
      case 0x61: // a
        this.attribute(a, cs, e);
        return;
    }
  }

  /** RFC 8866 §5.2 `o=<username> <sess-id> <sess-version> <nettype> IP<v> <address>`. */
  private origin(a: Codes, s: number, e: number): void {
    let i = s;
    while (i < e && !isSdpWhitespace(a[i]!)) i++;
    const userEnd = i;
    if (i >= e || a[i] !== SP) return;
    const idStart = ++i;
    while (i < e && isDigit(a[i]!)) i++;
    const idEnd = i;
    if (i >= e || a[i] !== SP) return;
    const versionStart = ++i;
    while (i < e && isDigit(a[i]!)) i++;
    const versionEnd = i;
    if (i >= e || a[i] !== SP) return;
    const addressStart = addressAfterNettype(a, i + 1, e);
    if (addressStart < 0) return;
    i = addressStart;
    while (i < e && !isSdpWhitespace(a[i]!)) i++;
    this.out.origin = {
      username: this.str(s, userEnd),
      sessionId: this.str(idStart, idEnd),
      sessionVersion: this.digitsValue(a, versionStart, versionEnd),
      address: this.str(addressStart, i),
    };
  }

  /** RFC 8866 §5.3; the value stops at U+2028/U+2029 as the old grammar's `.` did. */
  private sessionName(a: Codes, s: number, e: number): void {
    let i = s;
    if (this.text !== undefined) while (i < e && a[i] !== 0x2028 && a[i] !== 0x2029) i++;
    else i = e;
    this.out.sessionName = this.str(s, i);
  }

  /** RFC 8866 §5.7 `c=IN IP<v> <address>[/ttl][/n]`: the address token as written. */
  private connection(a: Codes, s: number, e: number): void {
    if (e - s < 7 || !startsWith(a, s, e, IN_IP) || !isDigit(a[s + 5]!) || a[s + 6] !== SP) return;
    let i = s + 7;
    while (i < e && !isSdpWhitespace(a[i]!)) i++;
    const address = this.str(s + 7, i);
    if (this.current) this.current.connection = address;
    else this.out.connection = address;
  }

  /** RFC 8866 §5.14 `m=<media> <port>[/<number of ports>] <proto> <fmt> …`, blanks = SP / HTAB. */
  private mediaLine(a: Codes, s: number, e: number): void {
    const section: SdpMediaSection = {
      mLine: undefined,
      connection: undefined,
      rtpmaps: [],
      rtcpPort: undefined,
      rtcpAddress: undefined,
      rtcpMux: false,
      direction: undefined,
      crypto: false,
    };
    this.out.media.push(section);
    this.current = section;
    while (e > s && isSdpWhitespace(a[e - 1]!)) e--;
    let i = s + 2;
    const typeStart = i;
    while (i < e && !isSdpWhitespace(a[i]!)) i++;
    const typeEnd = i;
    if (typeEnd === typeStart) return;
    if (!(i < e && (a[i] === SP || a[i] === TAB))) return;
    while (i < e && (a[i] === SP || a[i] === TAB)) i++;
    const portStart = i;
    while (i < e && isDigit(a[i]!)) i++;
    const portEnd = i;
    if (portEnd === portStart) return;
    if (i < e && a[i] === SLASH) {
      const countStart = ++i;
      while (i < e && isDigit(a[i]!)) i++;
      if (i === countStart) return;
    }
    if (!(i < e && (a[i] === SP || a[i] === TAB))) return;
    while (i < e && (a[i] === SP || a[i] === TAB)) i++;
    const protoStart = i;
    while (i < e && !isSdpWhitespace(a[i]!)) i++;
    const protoEnd = i;
    if (protoEnd === protoStart) return;
    const formats: string[] = [];
    if (i < e) {
      if (a[i] !== SP && a[i] !== TAB) return;
      while (i < e) {
        while (i < e && (a[i] === SP || a[i] === TAB)) i++;
        const f = i;
        while (i < e && a[i] !== SP && a[i] !== TAB) {
          if (a[i] === 0x2028 || a[i] === 0x2029) return; // a line separator inside the line: not an m= line
          i++;
        }
        if (i > f) formats.push(this.token(f, i));
      }
    }
    section.mLine = { type: this.token(typeStart, typeEnd), port: this.digitsValue(a, portStart, portEnd), protocol: this.token(protoStart, protoEnd), formats };
  }

  private attribute(a: Codes, s: number, e: number): void {
    const m = this.current;
    const c0 = a[s];
    if (c0 === 0x72) {
      // r: rtpmap, rtcp, rtcp-mux, recvonly
      if (m && startsWith(a, s, e, RTPMAP)) return this.rtpmap(m, a, s + RTPMAP.length, e);
      if (m && startsWith(a, s, e, RTCP)) return this.rtcp(m, a, s + RTCP.length, e);
      if (m && startsWith(a, s, e, RTCP_MUX)) {
        m.rtcpMux = true;
        return;
      }
    } else if (c0 === 0x63) {
      if (m && startsWith(a, s, e, CRYPTO)) this.crypto(m, a, s + CRYPTO.length, e);
      return;
    } else if (c0 !== 0x73 && c0 !== 0x69) return; // s(endrecv/endonly), i(nactive)
    for (const [word, direction] of DIRECTIONS) {
      if (startsWith(a, s, e, word)) {
        if (m) m.direction = direction;
        else this.out.direction = direction;
        return;
      }
    }
  }

  /** RFC 8866 §6.6 `a=rtpmap:<pt> <name>/<rate>[/<params>]`; blanks allowed around `/`. */
  private rtpmap(m: SdpMediaSection, a: Codes, s: number, e: number): void {
    let i = s;
    while (i < e && isDigit(a[i]!)) i++;
    const payloadType = this.canonicalInt(a, s, i);
    if (i >= e || a[i] !== SP) return;
    const nameStart = ++i;
    while (i < e && isEncodingNameChar(a[i]!)) i++;
    const nameEnd = i;
    // Only 0..127 can be an RTP payload type (RFC 3550 §5.1): other maps are never looked up.
    if (payloadType === undefined || payloadType > 127) return;
    let clockRate: number | undefined;
    let encodingParams = NaN;
    while (i < e && isSdpWhitespace(a[i]!)) i++;
    if (i < e && a[i] === SLASH) {
      const rateStart = ++i;
      while (i < e && isDigit(a[i]!)) i++;
      clockRate = this.canonicalInt(a, rateStart, i);
      while (i < e && isSdpWhitespace(a[i]!)) i++;
      if (i < e && a[i] === SLASH) {
        const paramsStart = ++i;
        while (i < e && !isSdpWhitespace(a[i]!)) i++;
        encodingParams = Number(this.str(paramsStart, i));
      }
    }
    m.rtpmaps.push({ payloadType, encodingName: this.token(nameStart, nameEnd), clockRate, encodingParams });
  }

  /** RFC 3605 §2.1 `a=rtcp:<port> [<nettype> IP<v> <address>]`. */
  private rtcp(m: SdpMediaSection, a: Codes, s: number, e: number): void {
    let i = s;
    while (i < e && isDigit(a[i]!)) i++;
    m.rtcpPort = this.canonicalInt(a, s, i);
    if (i >= e || a[i] !== SP) return;
    const addressStart = addressAfterNettype(a, i + 1, e);
    if (addressStart < 0) return;
    i = addressStart;
    while (i < e && !isSdpWhitespace(a[i]!)) i++;
    m.rtcpAddress = this.str(addressStart, i);
  }

  /** RFC 4568 §9.1 `a=crypto:<tag> <crypto-suite> <key-params>`: tag, suite and two blanks make it one. */
  private crypto(m: SdpMediaSection, a: Codes, s: number, e: number): void {
    let i = s;
    while (i < e && isDigit(a[i]!)) i++;
    if (i >= e || a[i] !== SP) return;
    i++;
    while (i < e && isWordChar(a[i]!)) i++;
    if (i < e && a[i] === SP) m.crypto = true;
  }
}

function codesOf(text: string): Uint16Array {
  const codes = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  return codes;
}

/** Line types whose values are read; a non-ASCII byte in one of them sends the line to the UTF-8 path. */
function isReadType(c: number): boolean {
  return c === 0x6f || c === 0x73 || c === 0x63 || c === 0x6d || c === 0x61; // o s c m a
}

/** Reads an SDP body from bytes. Never throws. */
export function readSdpBytes(body: Buffer): SdpLines {
  const r = new Reader();
  const n = body.length;
  let i = 0;
  while (i < n) {
    const start = i;
    let high = 0;
    let c = 0;
    while (i < n) {
      c = body[i]!;
      if (c === LF || c === CR) break;
      high |= c;
      i++;
    }
    const end = i;
    if (i < n) {
      i++;
      if (c === CR && i < n && body[i] === LF) i++;
    }
    let p = start;
    while (p < end && (body[p] === SP || body[p] === TAB || body[p] === 0x0b || body[p] === 0x0c)) p++;
    if (p === end) continue;
    const first = body[p]!;
    if (first >= 0x80 || (high >= 0x80 && isReadType(first) && body[p + 1] === EQUALS)) {
      // Unicode blanks before the type, or UTF-8 in a value: read this line as text.
      const text = body.toString('utf8', start, end);
      r.text = text;
      r.buf = undefined;
      r.line(codesOf(text), 0, text.length);
      r.text = undefined;
    } else {
      r.buf = body;
      r.line(body, p, end);
    }
  }
  return r.out;
}

/** Reads SDP text (UTF-16 code units, lone surrogates kept). Never throws. */
export function readSdpText(text: string): SdpLines {
  const r = new Reader();
  r.text = text;
  const a = codesOf(text);
  const n = a.length;
  let i = 0;
  while (i < n) {
    const start = i;
    while (i < n && a[i] !== LF && a[i] !== CR) i++;
    const end = i;
    if (i < n) {
      i++;
      if (a[i - 1] === CR && i < n && a[i] === LF) i++;
    }
    if (end > start) r.line(a, start, end);
  }
  return r.out;
}

/**
 * Where the address starts after `<nettype> IP<v> ` (RFC 8866 §5.2 o=, RFC 3605 a=rtcp), the
 * nettype starting at `i`; -1 when the line does not have that form.
 */
function addressAfterNettype(a: Codes, i: number, e: number): number {
  while (i < e && !isSdpWhitespace(a[i]!)) i++; // nettype
  if (e - i < 5 || a[i] !== SP || a[i + 1] !== 0x49 || a[i + 2] !== 0x50 || !isDigit(a[i + 3]!) || a[i + 4] !== SP) return -1;
  return i + 5;
}
