/**
 * The SIP message parser: a lazy view over one owned copy of the bytes (DESIGN.md "Hot path").
 *
 * Up front it reads only what correlation needs: the start line (RFC 3261 §7.1/§7.2), Call-ID,
 * CSeq, From/To tags, the topmost Via branch and Content-Length. Every other header is decoded
 * on first use. Lenient by default; each leniency and each kind of damage is a named
 * diagnostic on the message, and the message is always returned.
 */
import type { Diagnostic } from '../diagnostics.js';
import { bytesEqualIgnoreCase, classifyHeaderName, compactLetterOf, EagerHeader, headerKeyBit, headerNameBit, headerNameKey } from './header-names.js';
import { findHeaderParam, type ByteRange } from './params.js';
import { matchStartLine } from './start-line.js';
import type { SipHeader, SipMessage, SipOrigin } from './types.js';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

/**
 * Diagnostic codes that record a leniency (accepted deviation) rather than damage; any other
 * code, including the framer's, marks the message malformed.
 */
export const SIP_LENIENCY_CODES: ReadonlySet<string> = new Set([
  'SIP_LF_LINE_ENDS', // bare LF line ends (RFC 3261 §7.5 asks for CRLF)
  'SIP_FOLDED_HEADER', // header folding (RFC 3261 §7.3.1, deprecated by RFC 5322 style)
  'SIP_NO_CONTENT_LENGTH', // framer: none on a stream, framed by the next start line instead
  'SIP_NO_CONTENT_LENGTH_UDP', // allowed on UDP (RFC 3261 §18.3 / §20.14)
  'SIP_EXTRA_BYTES_AFTER_BODY', // framer: datagram bytes after the body, dropped (RFC 3261 §18.3)
]);

/** Bytes of a single header value decoded eagerly (a longer Call-ID or CSeq is damage anyway). */
export const MAX_EAGER_VALUE_BYTES = 4096;

const TAG = Buffer.from('tag', 'latin1');
const BRANCH = Buffer.from('branch', 'latin1');
/** Scratch range reused by the lazy param scans (single-threaded; never escapes a call). */
const scratch: ByteRange = { start: 0, end: 0 };

function isLws(c: number): boolean {
  return c === SP || c === HT || c === CR || c === LF;
}

/** Node's Buffer slice decoders, called directly: `toString(enc, s, e)` adds an encoding
 * lookup and argument checks per call, measurable at several strings per message. */
interface SliceDecoders {
  utf8Slice(start: number, end: number): string;
}

/** UTF-8 text of buf[start..end) (same result as buf.toString('utf8', start, end)). */
function utf8(buf: Buffer, start: number, end: number): string {
  return end <= start ? '' : (buf as unknown as SliceDecoders).utf8Slice(start, end);
}

/**
 * Methods of RFC 3261 §27.4 and the extension RFCs, by length: the method and the CSeq method
 * of most messages are one of these, and returning the constant string skips a decode call
 * (each costs more than the whole compare). Matched exactly: case is kept as written.
 */
const KNOWN_METHODS_BY_LENGTH: (readonly string[] | undefined)[] = [];
for (const m of ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE']) {
  KNOWN_METHODS_BY_LENGTH[m.length] = [...(KNOWN_METHODS_BY_LENGTH[m.length] ?? []), m];
}

/** The known method spelled by buf[start..end), or undefined. */
function knownMethod(buf: Buffer, start: number, end: number): string | undefined {
  const list = KNOWN_METHODS_BY_LENGTH[end - start];
  if (list === undefined) return undefined;
  for (let k = 0; k < list.length; k++) {
    const name = list[k]!;
    let i = 0;
    while (i < name.length && buf[start + i] === name.charCodeAt(i)) i++;
    if (i === name.length) return name;
  }
  return undefined;
}

/**
 * Parses one framed SIP message. Never throws; damage is reported in `diagnostics`.
 * `framingDiagnostics` (codes, or the framer's Diagnostic objects) come first in the list.
 */
export function parseSipMessage(raw: Buffer, origin: SipOrigin, framingDiagnostics: readonly (string | Diagnostic)[] = []): SipMessage {
  const msg = new ParsedSipMessage(raw, origin);
  for (const d of framingDiagnostics) {
    if (typeof d === 'string') msg.addDiagnostic(d);
    else msg.addDiagnostic(d.code, d.detail);
  }
  msg.parse();
  return msg;
}

// The parse index: what parse() finds, as integers (see ParsedSipMessage.writeIndex).
const IX_FLAGS = 0;
const IX_STATUS = 1;
const IX_START_LINE_END = 2;
const IX_HEADER_START = 3;
const IX_HEADER_END = 4;
const IX_BODY_START = 5;
const IX_FROM_START = 6;
const IX_FROM_END = 7;
const IX_TO_START = 8;
const IX_TO_END = 9;
const IX_VIA_START = 10;
const IX_VIA_END = 11;
const IX_CALL_ID_START = 12;
const IX_CALL_ID_END = 13;
const IX_CSEQ_START = 14;
const IX_CSEQ_END = 15;
const IX_CONTENT_LENGTH = 16;
// Parameter value ranges (-1: none): the tags and the branch every correlation reads.
const IX_FROM_TAG = 17;
const IX_TO_TAG = 19;
const IX_BRANCH = 21;
const IX_NAME_BITS_LO = 23;
const IX_NAME_BITS_HI = 24;
/** Int32 slots a parse index takes. */
export const SIP_INDEX_SLOTS = 25;
const IXF_REQUEST = 1;
const IXF_CONTENT_LENGTH = 2;
const IXF_NAME_BITS = 4;

/**
 * Writes the parse index of a message parseSipMessage made (offsets into its raw bytes), so
 * that another thread holding a copy of the same bytes can rebuild the message without
 * scanning them again (sipMessageFromIndex). False: not indexable, parse the bytes instead.
 */
export function writeSipIndex(message: SipMessage, out: Int32Array, at: number): boolean {
  return message instanceof ParsedSipMessage && message.writeIndex(out, at);
}

/**
 * The message writeSipIndex described, over a copy of its bytes: the same fields and
 * diagnostics (in the same order) as parseSipMessage would give, without the header scan.
 */
export function sipMessageFromIndex(raw: Buffer, origin: SipOrigin, index: Int32Array, at: number, diagnostics: readonly Diagnostic[]): SipMessage {
  const msg = new ParsedSipMessage(raw, origin);
  for (const d of diagnostics) msg.addDiagnostic(d.code, d.detail);
  msg.restoreIndex(index, at);
  return msg;
}

/** Bytes that end a header name: ':' and the whitespace allowed before it (one table load per byte). */
const NAME_STOP = new Uint8Array(256);
NAME_STOP[COLON] = NAME_STOP[SP] = NAME_STOP[HT] = 1;

/** The empty diagnostics list every clean message shares (frozen: nobody may push to it). */
const NO_DIAGNOSTICS = Object.freeze([]) as unknown as Diagnostic[];

/** "Not decoded yet" marker of the lazy fields (undefined is a valid decoded value). */
const NOT_YET = null;

/**
 * Up front (what every consumer reads, `siptrace messages` included): start line kind, method
 * or status, Call-ID, CSeq, Content-Length and every diagnostic. From/To tags, the Via branch,
 * the Request-URI, the reason phrase and the body are kept as byte ranges and decoded on
 * first read (getters, cached): the same values, at no cost to consumers that never ask.
 */
class ParsedSipMessage implements SipMessage {
  frame: number;
  tsSec: number;
  tsNsec: number;
  transport: string;
  ipVersion: 4 | 6;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  fileOffset: number;
  frames?: readonly number[];

  raw: Buffer;
  isRequest = false;
  method?: string;
  statusCode?: number;
  callId = '';
  cseq = '';
  cseqNumber = NaN;
  cseqMethod = '';
  contentLength?: number;
  malformed = false;
  /** Shared empty list until the first diagnostic (most messages have none). */
  diagnostics: Diagnostic[] = NO_DIAGNOSTICS;

  /** Offset of the first header line. */
  private headerStart = 0;
  /** Offset of the blank line ending the header block (or raw.length when there is none). */
  private headerEnd = 0;
  /** Offset of the body (raw.length when there is none). */
  private bodyStart: number;
  /** Offset of the start line's terminator (-1 when there is no valid start line). */
  private startLineEnd = -1;
  /** Value ranges of the first From, To and Via (trimmed, capped); buf is raw unless folded. */
  private fromBuf: Buffer;
  private fromStart = -1;
  private fromEnd = -1;
  private toBuf: Buffer;
  private toStart = -1;
  private toEnd = -1;
  private viaBuf: Buffer;
  private viaStart = -1;
  private viaEnd = -1;
  private fromTagCache: string | undefined | null = NOT_YET;
  private toTagCache: string | undefined | null = NOT_YET;
  private viaBranchCache: string | undefined | null = NOT_YET;
  private requestUriCache: string | undefined | null = NOT_YET;
  private reasonCache: string | undefined | null = NOT_YET;
  private bodyCache: Buffer | undefined;
  private headerCache: SipHeader[] | undefined;
  private seen = 0; // bit per EagerHeader kind
  /** Call-ID and CSeq value ranges in raw (-1: absent), for the parse index (writeSipIndex). */
  private callIdStart = -1;
  private callIdEnd = -1;
  private cseqStart = -1;
  private cseqEnd = -1;
  /** A value the ranges cannot give back (folded, or several Call-IDs): no parse index. */
  private unindexable = false;
  /**
   * Header-name filter (header-names.ts headerNameBit): bit b of the 64 set when a header line's
   * name maps to b. Valid only after a scan that saw every line as a well-formed `name:`.
   */
  private nameBitsLo = 0;
  private nameBitsHi = 0;
  private nameBitsValid = false;

  constructor(raw: Buffer, origin: SipOrigin) {
    this.frame = origin.frame;
    this.tsSec = origin.tsSec;
    this.tsNsec = origin.tsNsec;
    this.transport = origin.transport;
    this.ipVersion = origin.ipVersion;
    this.src = origin.src;
    this.srcPort = origin.srcPort;
    this.dst = origin.dst;
    this.dstPort = origin.dstPort;
    this.fileOffset = origin.fileOffset;
    if (origin.frames !== undefined) this.frames = origin.frames;
    this.raw = raw;
    this.bodyStart = raw.length;
    this.fromBuf = raw;
    this.toBuf = raw;
    this.viaBuf = raw;
  }

  addDiagnostic(code: string, detail?: string): void {
    for (const d of this.diagnostics) if (d.code === code && d.detail === detail) return; // once per message
    if (this.diagnostics === NO_DIAGNOSTICS) this.diagnostics = [];
    this.diagnostics.push(detail === undefined ? { code, frame: this.frame } : { code, frame: this.frame, detail });
    if (!SIP_LENIENCY_CODES.has(code)) this.malformed = true;
  }

  parse(): void {
    const raw = this.raw;
    const n = raw.length;
    let pos: number;
    const sl = matchStartLine(raw, 0, n);
    if (sl) {
      this.parseStartLine(sl.kind === 'request', sl.end);
      if (sl.end === sl.next - 1) this.addDiagnostic('SIP_LF_LINE_ENDS');
      pos = sl.next;
    } else {
      this.addDiagnostic('SIP_BAD_START_LINE');
      const lf = raw.indexOf(LF);
      pos = lf < 0 ? n : lf + 1;
    }
    this.headerStart = pos;
    this.nameBitsValid = true;
    let sawBlankLine = false;
    let bodyStart = n;
    // the header in progress (its value may continue on folded lines)
    let kind: EagerHeader | -1 = -1;
    let valueStart = 0;
    let valueEnd = 0;
    let folded = false;
    while (pos < n) {
      const lf = raw.indexOf(LF, pos);
      let lineEnd: number;
      let next: number;
      if (lf < 0) {
        lineEnd = n;
        next = n;
      } else {
        next = lf + 1;
        lineEnd = lf > pos && raw[lf - 1] === CR ? lf - 1 : lf;
        if (lineEnd === lf) this.addDiagnostic('SIP_LF_LINE_ENDS');
      }
      if (lineEnd === pos) {
        // the empty line ending the header block (RFC 3261 §7)
        this.headerEnd = pos;
        sawBlankLine = true;
        bodyStart = next;
        break;
      }
      const first = raw[pos]!;
      if (first === SP || first === HT) {
        // continuation of the previous header line (RFC 3261 §7.3.1 folding)
        if (kind !== -1) {
          valueEnd = lineEnd;
          folded = true;
          this.addDiagnostic('SIP_FOLDED_HEADER');
        } else {
          this.addDiagnostic('SIP_BAD_HEADER_LINE');
          this.nameBitsValid = false;
        }
        pos = next;
        continue;
      }
      if (kind !== -1) this.takeHeader(kind, valueStart, valueEnd, folded);
      kind = -1;
      folded = false;
      // header name, optional whitespace, ':' (RFC 3261 §7.3.1 HCOLON)
      let i = pos;
      while (i < lineEnd && NAME_STOP[raw[i]!] === 0) i++;
      const nameEnd = i;
      while (i < lineEnd && (raw[i] === SP || raw[i] === HT)) i++;
      if (i >= lineEnd || raw[i] !== COLON || nameEnd === pos) {
        this.addDiagnostic('SIP_BAD_HEADER_LINE');
        this.nameBitsValid = false; // a lookup may still read such a line: scan for every name
      } else {
        const bit = headerNameBit(raw, pos, nameEnd);
        if (bit < 32) this.nameBitsLo |= 1 << bit;
        else this.nameBitsHi |= 1 << (bit - 32);
        kind = classifyHeaderName(raw, pos, nameEnd);
        valueStart = i + 1;
        valueEnd = lineEnd;
      }
      pos = next;
    }
    if (kind !== -1) this.takeHeader(kind, valueStart, valueEnd, folded);
    if (!sawBlankLine) {
      this.headerEnd = n;
      this.addDiagnostic('SIP_NO_HEADER_END');
    }
    this.bodyStart = bodyStart;
    const seen = this.seen;
    if (!(seen & (1 << EagerHeader.CallId))) this.addDiagnostic('SIP_NO_CALL_ID');
    if (!(seen & (1 << EagerHeader.CSeq))) this.addDiagnostic('SIP_NO_CSEQ');
    if (!(seen & (1 << EagerHeader.From))) this.addDiagnostic('SIP_NO_FROM');
    if (!(seen & (1 << EagerHeader.To))) this.addDiagnostic('SIP_NO_TO');
    if (!(seen & (1 << EagerHeader.Via))) this.addDiagnostic('SIP_NO_VIA');
  }

  private parseStartLine(isRequest: boolean, end: number): void {
    const raw = this.raw;
    this.isRequest = isRequest;
    this.startLineEnd = end;
    if (isRequest) {
      // Method SP Request-URI SP SIP-Version (RFC 3261 §7.1); matchStartLine checked the
      // shape: the method is a token (ASCII) and ends at the first SP
      const sp = raw.indexOf(SP, 0);
      this.method = knownMethod(raw, 0, sp) ?? utf8(raw, 0, sp);
    } else {
      // SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2); the reason may be empty
      this.statusCode = (raw[8]! - 0x30) * 100 + (raw[9]! - 0x30) * 10 + (raw[10]! - 0x30);
    }
  }

  get requestUri(): string | undefined {
    if (this.requestUriCache === NOT_YET) {
      let uri: string | undefined;
      if (this.isRequest) {
        const raw = this.raw;
        const sp = raw.indexOf(SP, 0);
        let e = this.startLineEnd;
        while (e > sp && raw[e - 1] === SP) e--;
        uri = raw.toString('utf8', sp + 1, Math.max(sp + 1, e - 8)).trim();
      }
      this.requestUriCache = uri;
    }
    return this.requestUriCache;
  }

  get reason(): string | undefined {
    if (this.reasonCache === NOT_YET) {
      const end = this.startLineEnd;
      this.reasonCache = this.isRequest || end < 0 ? undefined : end > 12 ? this.raw.toString('utf8', 12, end).trim() : '';
    }
    return this.reasonCache;
  }

  get fromTag(): string | undefined {
    if (this.fromTagCache === NOT_YET) this.fromTagCache = paramValue(this.fromBuf, this.fromStart, this.fromEnd, TAG);
    return this.fromTagCache;
  }

  get toTag(): string | undefined {
    if (this.toTagCache === NOT_YET) this.toTagCache = paramValue(this.toBuf, this.toStart, this.toEnd, TAG);
    return this.toTagCache;
  }

  /** Branch parameter of the topmost Via (RFC 3261 §8.1.1.7, §17.2.3). */
  get viaBranch(): string | undefined {
    if (this.viaBranchCache === NOT_YET) this.viaBranchCache = paramValue(this.viaBuf, this.viaStart, this.viaEnd, BRANCH);
    return this.viaBranchCache;
  }

  get body(): Buffer {
    return (this.bodyCache ??= this.raw.subarray(this.bodyStart));
  }

  /** Reads one eager header's value (trimmed; unfolded when it spans lines). */
  private takeHeader(kind: EagerHeader, start: number, end: number, folded: boolean): void {
    if (kind === EagerHeader.Other) return;
    let buf: Buffer = this.raw;
    if (folded) {
      this.unindexable = true;
      // folding = CRLF + WSP, equivalent to one SP (RFC 3261 §7.3.1); latin1 keeps the bytes
      buf = Buffer.from(buf.toString('latin1', start, end).replace(/\r?\n[ \t]+/g, ' '), 'latin1');
      start = 0;
      end = buf.length;
    }
    while (start < end && isLws(buf[start]!)) start++;
    while (end > start && isLws(buf[end - 1]!)) end--;
    if (end - start > MAX_EAGER_VALUE_BYTES) {
      this.addDiagnostic('SIP_HEADER_TOO_LONG', kindName(kind));
      end = start + MAX_EAGER_VALUE_BYTES;
    }
    const bit = 1 << kind;
    const duplicate = (this.seen & bit) !== 0;
    this.seen |= bit;
    switch (kind) {
      case EagerHeader.CallId: {
        // several Call-ID headers: values joined with ',' (as tshark shows them)
        const v = utf8(buf, start, end);
        this.callId = duplicate ? `${this.callId},${v}` : v;
        if (duplicate) {
          this.unindexable = true;
          this.addDiagnostic('SIP_DUPLICATE_HEADER', 'Call-ID');
        }
        this.callIdStart = start;
        this.callIdEnd = end;
        return;
      }
      case EagerHeader.CSeq:
        if (duplicate) return this.addDiagnostic('SIP_DUPLICATE_HEADER', 'CSeq');
        this.cseqStart = start;
        this.cseqEnd = end;
        this.takeCSeq(buf, start, end);
        return;
      case EagerHeader.From:
        if (duplicate) return this.addDiagnostic('SIP_DUPLICATE_HEADER', 'From');
        this.fromBuf = buf;
        this.fromStart = start;
        this.fromEnd = end;
        return;
      case EagerHeader.To:
        if (duplicate) return this.addDiagnostic('SIP_DUPLICATE_HEADER', 'To');
        this.toBuf = buf;
        this.toStart = start;
        this.toEnd = end;
        return;
      case EagerHeader.Via:
        // only the topmost Via value counts (RFC 3261 §8.1.1.7, §17.2.3)
        if (duplicate) return;
        this.viaBuf = buf;
        this.viaStart = start;
        this.viaEnd = end;
        return;
      case EagerHeader.ContentLength: {
        if (duplicate) return this.addDiagnostic('SIP_DUPLICATE_HEADER', 'Content-Length');
        let v = 0;
        let i = start;
        for (; i < end; i++) {
          const c = buf[i]!;
          if (c < 0x30 || c > 0x39) break;
          v = v * 10 + (c - 0x30);
        }
        if (i === start || i !== end || !Number.isSafeInteger(v)) this.addDiagnostic('SIP_BAD_CONTENT_LENGTH');
        else this.contentLength = v;
        return;
      }
    }
  }

  /** CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16). */
  private takeCSeq(buf: Buffer, start: number, end: number): void {
    let i = start;
    let num = 0;
    for (; i < end; i++) {
      const c = buf[i]!;
      if (c < 0x30 || c > 0x39) break;
      num = num * 10 + (c - 0x30);
    }
    const digitsEnd = i;
    while (i < end && isLws(buf[i]!)) i++;
    const known = knownMethod(buf, i, end);
    this.cseqMethod = known ?? utf8(buf, i, end);
    const digits = digitsEnd - start;
    // the common shape "<number> SP <known method>" is rebuilt from its parts (no decode call);
    // only when that gives back exactly the bytes: no leading zeros, one SP, a known method
    this.cseq =
      known !== undefined && digits > 0 && digits <= 9 && i === digitsEnd + 1 && buf[digitsEnd] === SP && (buf[start] !== 0x30 || digits === 1)
        ? `${num} ${known}`
        : utf8(buf, start, end);
    if (digitsEnd > start) this.cseqNumber = num;
    // damage: no number, no method, or no LWS between them ("1INVITE")
    if (digitsEnd === start || i === end || i === digitsEnd) this.addDiagnostic('SIP_BAD_CSEQ');
  }

  /**
   * Writes what parse() found as SIP_INDEX_SLOTS integers at out[at..]: offsets into raw and
   * the start line's numbers. False when a value is not a plain range of raw (a folded header,
   * several Call-IDs): such a message is parsed again instead.
   */
  writeIndex(out: Int32Array, at: number): boolean {
    if (this.unindexable) return false;
    out[at + IX_FLAGS] =
      (this.isRequest ? IXF_REQUEST : 0) | (this.contentLength !== undefined ? IXF_CONTENT_LENGTH : 0) | (this.nameBitsValid ? IXF_NAME_BITS : 0);
    out[at + IX_NAME_BITS_LO] = this.nameBitsLo;
    out[at + IX_NAME_BITS_HI] = this.nameBitsHi;
    out[at + IX_STATUS] = this.statusCode ?? -1;
    out[at + IX_START_LINE_END] = this.startLineEnd;
    out[at + IX_HEADER_START] = this.headerStart;
    out[at + IX_HEADER_END] = this.headerEnd;
    out[at + IX_BODY_START] = this.bodyStart;
    out[at + IX_FROM_START] = this.fromStart;
    out[at + IX_FROM_END] = this.fromEnd;
    out[at + IX_TO_START] = this.toStart;
    out[at + IX_TO_END] = this.toEnd;
    out[at + IX_VIA_START] = this.viaStart;
    out[at + IX_VIA_END] = this.viaEnd;
    out[at + IX_CALL_ID_START] = this.callIdStart;
    out[at + IX_CALL_ID_END] = this.callIdEnd;
    out[at + IX_CSEQ_START] = this.cseqStart;
    out[at + IX_CSEQ_END] = this.cseqEnd;
    out[at + IX_CONTENT_LENGTH] = this.contentLength ?? 0;
    paramRange(this.raw, this.fromStart, this.fromEnd, TAG, out, at + IX_FROM_TAG);
    paramRange(this.raw, this.toStart, this.toEnd, TAG, out, at + IX_TO_TAG);
    paramRange(this.raw, this.viaStart, this.viaEnd, BRANCH, out, at + IX_BRANCH);
    return true;
  }

  /** The inverse of writeIndex over the same bytes: parse()'s result without scanning the headers. */
  restoreIndex(ix: Int32Array, at: number): void {
    const flags = ix[at + IX_FLAGS]!;
    const raw = this.raw;
    this.isRequest = (flags & IXF_REQUEST) !== 0;
    this.startLineEnd = ix[at + IX_START_LINE_END]!;
    if (this.isRequest) {
      const sp = raw.indexOf(SP, 0);
      this.method = knownMethod(raw, 0, sp) ?? utf8(raw, 0, sp);
    } else if (ix[at + IX_STATUS]! >= 0) this.statusCode = ix[at + IX_STATUS]!;
    this.headerStart = ix[at + IX_HEADER_START]!;
    this.headerEnd = ix[at + IX_HEADER_END]!;
    this.bodyStart = ix[at + IX_BODY_START]!;
    this.fromStart = ix[at + IX_FROM_START]!;
    this.fromEnd = ix[at + IX_FROM_END]!;
    this.toStart = ix[at + IX_TO_START]!;
    this.toEnd = ix[at + IX_TO_END]!;
    this.viaStart = ix[at + IX_VIA_START]!;
    this.viaEnd = ix[at + IX_VIA_END]!;
    const cs = ix[at + IX_CALL_ID_START]!;
    if (cs >= 0) this.callId = utf8(raw, cs, ix[at + IX_CALL_ID_END]!);
    const qs = ix[at + IX_CSEQ_START]!;
    if (qs >= 0) this.takeCSeq(raw, qs, ix[at + IX_CSEQ_END]!); // its diagnostics are already in the list
    if ((flags & IXF_CONTENT_LENGTH) !== 0) this.contentLength = ix[at + IX_CONTENT_LENGTH]!;
    this.fromTagCache = rangeText(raw, ix, at + IX_FROM_TAG);
    this.toTagCache = rangeText(raw, ix, at + IX_TO_TAG);
    this.viaBranchCache = rangeText(raw, ix, at + IX_BRANCH);
    this.nameBitsValid = (flags & IXF_NAME_BITS) !== 0;
    this.nameBitsLo = ix[at + IX_NAME_BITS_LO]!;
    this.nameBitsHi = ix[at + IX_NAME_BITS_HI]!;
  }

  /** False when no header line can have this key (headerNameKey form); true: maybe. */
  private mayHave(key: string): boolean {
    if (!this.nameBitsValid) return true;
    const bit = headerKeyBit(key);
    return bit < 32 ? (this.nameBitsLo & (1 << bit)) !== 0 : (this.nameBitsHi & (1 << (bit - 32))) !== 0;
  }

  headers(): readonly SipHeader[] {
    if (this.headerCache === undefined) this.headerCache = decodeHeaders(this.raw, this.headerStart, this.headerEnd);
    return this.headerCache;
  }

  /**
   * Looks a header up without keeping the decoded list: correlation asks every message for a
   * few headers, and caching all of them per retained message cost more memory than the
   * message bytes themselves. An explicit headers() call (views, JSON) does cache.
   */
  header(name: string): string | undefined {
    const key = headerNameKey(name);
    if (!this.mayHave(key)) return undefined;
    if (this.headerCache === undefined) {
      // One header wanted: scan the names and decode only the matching value.
      const found = findHeaderValue(this.raw, this.headerStart, this.headerEnd, wantedName(key));
      if (found !== FOLDED) return found;
    }
    const hs = this.headerCache ?? decodeHeaders(this.raw, this.headerStart, this.headerEnd);
    for (let i = 0; i < hs.length; i++) if (headerNameKey(hs[i]!.name) === key) return hs[i]!.value;
    return undefined;
  }

  headerAll(name: string): string[] {
    const key = headerNameKey(name);
    if (!this.mayHave(key)) return [];
    const hs = this.headerCache ?? decodeHeaders(this.raw, this.headerStart, this.headerEnd);
    const out: string[] = [];
    for (let i = 0; i < hs.length; i++) if (headerNameKey(hs[i]!.name) === key) out.push(hs[i]!.value);
    return out;
  }

  /** JSON shows the fields (lazy ones decoded), not the bytes or the caches. */
  toJSON(): Record<string, unknown> {
    return {
      frame: this.frame,
      tsSec: this.tsSec,
      tsNsec: this.tsNsec,
      transport: this.transport,
      ipVersion: this.ipVersion,
      src: this.src,
      srcPort: this.srcPort,
      dst: this.dst,
      dstPort: this.dstPort,
      fileOffset: this.fileOffset,
      frames: this.frames,
      isRequest: this.isRequest,
      method: this.method,
      requestUri: this.requestUri,
      statusCode: this.statusCode,
      reason: this.reason,
      callId: this.callId,
      cseq: this.cseq,
      cseqNumber: this.cseqNumber,
      cseqMethod: this.cseqMethod,
      fromTag: this.fromTag,
      toTag: this.toTag,
      viaBranch: this.viaBranch,
      contentLength: this.contentLength,
      malformed: this.malformed,
      diagnostics: this.diagnostics,
      bodyLength: this.raw.length - this.bodyStart,
    };
  }
}

/** A header name to look for: lower-case long form bytes and its compact letter (or -1). */
interface WantedName {
  readonly long: Uint8Array;
  readonly compact: number;
}

const wantedNames = new Map<string, WantedName>();
/** Distinct names remembered (views ask for a few dozen; a bound keeps odd callers harmless). */
const MAX_WANTED_NAMES = 256;

function wantedName(key: string): WantedName {
  let w = wantedNames.get(key);
  if (w === undefined) {
    const letter = compactLetterOf(key);
    w = { long: Buffer.from(key, 'latin1'), compact: letter === undefined ? -1 : letter.charCodeAt(0) };
    if (wantedNames.size < MAX_WANTED_NAMES) wantedNames.set(key, w);
  }
  return w;
}

/** findHeaderValue's answer when the matching header is folded: decode the full list instead. */
const FOLDED = '\0folded';

/**
 * The first value of header `w` in raw[start..end) (trimmed), undefined when absent, FOLDED
 * when that header continues on a folded line (RFC 3261 §7.3.1; the full decoder joins it).
 */
function findHeaderValue(raw: Buffer, start: number, end: number, w: WantedName): string | undefined {
  let pos = start;
  while (pos < end) {
    let lf = raw.indexOf(LF, pos);
    if (lf < 0 || lf >= end) lf = end;
    const first = raw[pos]!;
    if (first !== SP && first !== HT) {
      let i = pos;
      while (i < lf && NAME_STOP[raw[i]!] === 0) i++;
      const nameEnd = i;
      const n = nameEnd - pos;
      if (n === w.long.length ? bytesEqualIgnoreCase(raw, pos, nameEnd, w.long) : n === 1 && (raw[pos]! | 0x20) === w.compact) {
        while (i < lf && (raw[i] === SP || raw[i] === HT)) i++;
        if (i < lf && raw[i] === COLON) {
          if (lf + 1 < end && (raw[lf + 1] === SP || raw[lf + 1] === HT)) return FOLDED;
          let lineEnd = lf;
          if (lineEnd > i && raw[lineEnd - 1] === CR) lineEnd--;
          return decodeTrimmed(raw, i + 1, lineEnd);
        }
      }
    }
    pos = lf + 1;
  }
  return undefined;
}

/** Header parameter `lowerName` of the value buf[start..end) (utf8), or undefined. */
function paramValue(buf: Buffer, start: number, end: number, lowerName: Uint8Array): string | undefined {
  if (start < 0 || !findHeaderParam(buf, start, end, lowerName, scratch)) return undefined;
  return utf8(buf, scratch.start, scratch.end);
}

/** Writes the range of parameter `lowerName` of buf[start..end) at out[at], out[at + 1] (-1, -1: none). */
function paramRange(buf: Buffer, start: number, end: number, lowerName: Uint8Array, out: Int32Array, at: number): void {
  const found = start >= 0 && findHeaderParam(buf, start, end, lowerName, scratch);
  out[at] = found ? scratch.start : -1;
  out[at + 1] = found ? scratch.end : -1;
}

/** The text of a range paramRange wrote, undefined for none. */
function rangeText(raw: Buffer, ix: Int32Array, at: number): string | undefined {
  const start = ix[at]!;
  return start < 0 ? undefined : utf8(raw, start, ix[at + 1]!);
}

function kindName(kind: EagerHeader): string {
  return ['Other', 'Call-ID', 'CSeq', 'From', 'To', 'Via', 'Content-Length'][kind] ?? 'Other';
}

/**
 * Decodes every header line of raw[start..end): names as written, values unfolded (a folded
 * continuation joins with one SP, RFC 3261 §7.3.1) and trimmed. Lines without ':' are skipped
 * (the eager scan already reported them).
 */
export function decodeHeaders(raw: Buffer, start: number, end: number): SipHeader[] {
  const out: SipHeader[] = [];
  let pos = start;
  let last: { name: string; value: string } | undefined;
  while (pos < end) {
    const lf = raw.indexOf(LF, pos);
    const next = lf < 0 || lf >= end ? end : lf + 1;
    let lineEnd = lf < 0 || lf >= end ? end : lf;
    if (lineEnd > pos && raw[lineEnd - 1] === CR) lineEnd--;
    const first = raw[pos];
    if (first === SP || first === HT) {
      if (last) {
        const more = decodeTrimmed(raw, pos, lineEnd);
        if (more !== '') last.value = last.value === '' ? more : `${last.value} ${more}`;
      }
      pos = next;
      continue;
    }
    let i = pos;
    while (i < lineEnd && raw[i] !== COLON && raw[i] !== SP && raw[i] !== HT) i++;
    const nameEnd = i;
    while (i < lineEnd && (raw[i] === SP || raw[i] === HT)) i++;
    if (i < lineEnd && raw[i] === COLON && nameEnd > pos) {
      last = { name: raw.toString('utf8', pos, nameEnd), value: decodeTrimmed(raw, i + 1, lineEnd) };
      out.push(last);
    } else last = undefined;
    pos = next;
  }
  return out;
}

/** Decodes raw[start..end) without leading/trailing SP/HT (other control bytes are kept verbatim). */
function decodeTrimmed(raw: Buffer, start: number, end: number): string {
  while (start < end && (raw[start] === SP || raw[start] === HT)) start++;
  while (end > start && (raw[end - 1] === SP || raw[end - 1] === HT)) end--;
  return raw.toString('utf8', start, end);
}
