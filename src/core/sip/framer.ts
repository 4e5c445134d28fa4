/**
 * SIP message framing (RFC 3261 §18.3, §7.5).
 *
 * - `SipStreamFramer`: ordered byte chunks of one stream direction (TCP, or TLS/WebSocket
 *   payload streams) in, complete messages out, each as one owned copy. Content-Length frames
 *   the body; CRLF keep-alives (RFC 5626 §3.5.1) between messages are skipped; after a gap or
 *   at a mid-stream start the framer resynchronises on the next line that is a start line.
 * - `frameDatagram`: the message(s) in one UDP/SCTP/HEP/WebSocket payload.
 *
 * Never throws on input bytes; every leniency and every damage is a named diagnostic.
 */
import type { Diagnostic, DiagnosticSink } from '../diagnostics.js';
import type { StreamChunk } from '../reasm/tcp-stream.js';
import { MAX_START_LINE, isTokenChar, matchStartLine } from './start-line.js';

/** Largest start line + header block we wait for: far above real SIP (a few KiB), low enough
 * that a stream of garbage that looks like headers cannot pin memory. */
export const SIP_MAX_HEADER_BYTES = 256 * 1024;
/** Largest body we buffer: SIP bodies are SDP or small XML; 16 MiB bounds a lying length. */
export const SIP_MAX_BODY_BYTES = 16 * 1024 * 1024;

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

/** A complete (or, when `malformed`, partial) SIP message cut out of a stream. */
export interface FramedMessage {
  /** The message bytes: one owned copy. */
  readonly bytes: Buffer;
  /** Frame of the chunk that completed the message, and its timestamp / capture offset. */
  readonly frame: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly fileOffset: number;
  /** Every frame that carried bytes of this message, in stream order. */
  readonly frames: readonly number[];
  /** Length of start line + headers + blank line (the body starts here); bytes.length if none. */
  readonly headerLength: number;
  /** Declared Content-Length when present and valid. */
  readonly contentLength?: number;
  /** Leniencies applied and damage found (codes such as `SIP_LF_LINE_ENDS`). */
  readonly diagnostics: readonly Diagnostic[];
  /** True when the message is cut short or its framing headers are broken. */
  readonly malformed: boolean;
  /**
   * The same bytes where they were framed, when that was in place in the pushed chunk (a view
   * valid only during the callback): lets the caller find them in the capture again.
   */
  readonly inPlace?: Buffer;
}

/** Diagnostics that mean the message is damaged (others are recorded leniencies). */
const MALFORMED_CODES = new Set([
  'SIP_BAD_CONTENT_LENGTH',
  'SIP_TRUNCATED_MESSAGE',
  'SIP_TRUNCATED_BODY',
  'SIP_HEADERS_TOO_LARGE',
  'SIP_BODY_TOO_LARGE',
  'SIP_NO_HEADER_END',
  'SIP_CONFLICTING_CONTENT_LENGTH',
]);

function isMalformed(diags: readonly Diagnostic[]): boolean {
  for (const d of diags) if (MALFORMED_CODES.has(d.code)) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Header block helpers (shared by both framers)

/** `content-length` (RFC 3261 §20.14), compared byte | 0x20 like the rest of the framer. */
const CONTENT_LENGTH_NAME = Buffer.from('content-length', 'latin1');

/**
 * When the header line at `ls` (LF at `lf`) is Content-Length or its compact form `l`
 * (RFC 3261 §7.3.3), the offset just past its ':' (the name may be followed by SP/HT before
 * the colon, §7.3.1 HCOLON); else -1. Decided from the first byte for nearly every other
 * line, without looking for the colon.
 */
function contentLengthValueStart(buf: Buffer, ls: number, lf: number): number {
  const first = buf[ls]! | 0x20;
  let i: number;
  if (first === 0x6c) {
    i = ls + 1; // l
  } else if (first === 0x63 && lf - ls > 14) {
    for (let k = 1; k < 14; k++) if ((buf[ls + k]! | 0x20) !== CONTENT_LENGTH_NAME[k]) return -1;
    i = ls + 14;
  } else return -1;
  while (i < lf && (buf[i] === SP || buf[i] === HT)) i++;
  return i < lf && buf[i] === COLON ? i + 1 : -1;
}

/**
 * What one scan of a header block learns, line by line: line-end style, where an unfinished
 * scan resumes, and Content-Length (its value may be folded over several lines, RFC 3261
 * §7.3.1, so the digits are read piece by piece as lines complete).
 */
interface HeaderScan {
  /** A line ended with a lone LF (RFC 3261 §7 wants CRLF). */
  bareLF: boolean;
  /** Start of the first line not yet complete (where a resumed scan continues). */
  lineStart: number;
  /** Content-Length found so far: undefined absent, NaN unparsable. */
  clValue: number | undefined;
  /** Two Content-Length headers disagree. */
  clConflicting: boolean;
  /** A Content-Length header is being read (its folded continuation lines still count). */
  clOpen: boolean;
  /** The one being read: `*WS 1*DIGIT *WS` so far. */
  clDigits: number;
  clNumber: number;
  clAfterDigits: boolean;
  clBad: boolean;
}

function newHeaderScan(): HeaderScan {
  return { bareLF: false, lineStart: 0, clValue: undefined, clConflicting: false, clOpen: false, clDigits: 0, clNumber: 0, clAfterDigits: false, clBad: false };
}

/** Starts a header block: `bareLF` says how the start line ended. */
function resetHeaderScan(s: HeaderScan, bareLF: boolean): void {
  s.bareLF = bareLF;
  s.lineStart = 0;
  s.clValue = undefined;
  s.clConflicting = false;
  s.clOpen = false;
}

/** One piece (a line's value part) of the Content-Length being read: `*WS 1*DIGIT *WS`. */
function contentLengthPiece(s: HeaderScan, buf: Buffer, from: number, to: number): void {
  if (s.clBad) return;
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    if (c === SP || c === HT || c === CR) {
      if (s.clDigits > 0) s.clAfterDigits = true;
      continue;
    }
    if (c < 0x30 || c > 0x39 || s.clAfterDigits) {
      s.clBad = true;
      return;
    }
    s.clNumber = s.clNumber * 10 + (c - 0x30);
    s.clDigits++;
  }
  if (s.clDigits > 0) s.clAfterDigits = true; // a fold between digits splits the number
}

/** The Content-Length being read is complete: keep it, or note a conflict with an earlier one. */
function closeContentLength(s: HeaderScan): void {
  if (!s.clOpen) return;
  s.clOpen = false;
  const v = s.clBad || s.clDigits === 0 ? NaN : s.clDigits > 15 ? Infinity : s.clNumber;
  if (s.clValue === undefined) s.clValue = v;
  else if (!(v === s.clValue || (Number.isNaN(v) && Number.isNaN(s.clValue)))) s.clConflicting = true;
}

/**
 * Finds the blank line ending the header block: returns the offset just past it, or -1 when
 * it is not before `limit` (then `state.lineStart` is where to resume). `lineStart` is where a
 * header line begins. Reads Content-Length on the way (one pass over the lines: each complete
 * line is seen exactly once, however the block arrives).
 */
function scanHeaderBlock(buf: Buffer, lineStart: number, limit: number, state: HeaderScan): number {
  let ls = lineStart;
  for (;;) {
    const lf = buf.indexOf(LF, ls);
    if (lf < 0 || lf >= limit) {
      state.lineStart = ls;
      return -1;
    }
    if (lf === ls || buf[lf - 1] !== CR) state.bareLF = true;
    if (lf === ls || (lf === ls + 1 && buf[ls] === CR)) {
      closeContentLength(state);
      return lf + 1;
    }
    const c = buf[ls]!;
    if (c === SP || c === HT) {
      if (state.clOpen) contentLengthPiece(state, buf, ls, lf); // folded continuation
    } else {
      closeContentLength(state);
      const v = contentLengthValueStart(buf, ls, lf);
      if (v >= 0) {
        state.clOpen = true;
        state.clDigits = 0;
        state.clNumber = 0;
        state.clAfterDigits = false;
        state.clBad = false;
        contentLengthPiece(state, buf, v, lf);
      }
    }
    ls = lf + 1;
  }
}

const SIP_VERSION_SP = Buffer.from('sip/2.0 ');

/**
 * True while the incomplete line at `p` (no LF before `limit`) could still turn out to be a
 * start line that `matchStartLine` accepts. Must never say "no" to a prefix of a line that
 * would match (else output would depend on where chunks split): a Status-Line prefix
 * `SIP/2.0 ddd`, or a Request-Line prefix `token SP ...`, within MAX_START_LINE bytes.
 */
function couldBecomeStartLine(buf: Buffer, p: number, limit: number): boolean {
  const lf = buf.indexOf(LF, p);
  if (lf >= 0 && lf < limit) return false;
  if (limit - p > MAX_START_LINE) return false;
  let response = true;
  for (let i = p; i < limit && i < p + 11; i++) {
    const k = i - p;
    const c = buf[i]!;
    const ok = k < 8 ? (k < 3 ? c | 0x20 : c) === SIP_VERSION_SP[k] : c >= 0x30 && c <= 0x39;
    if (!ok) {
      response = false;
      break;
    }
  }
  if (response) return true;
  let i = p;
  while (i < limit && isTokenChar(buf[i]!)) i++;
  return i === limit || (i > p && buf[i] === SP);
}

function diag(code: string, frame: number | undefined, detail?: string): Diagnostic {
  const d: { code: string; frame?: number; detail?: string } = { code };
  if (frame !== undefined) d.frame = frame;
  if (detail !== undefined) d.detail = detail;
  return d;
}

// ---------------------------------------------------------------------------------------------
// Stream framer

const enum State {
  /** Between messages: skipping keep-alives, or junk until a start line. */
  Seek,
  /** Start line matched; looking for the blank line. */
  Headers,
  /** Header block done; waiting for Content-Length body bytes. */
  Body,
}

interface Span {
  /** Absolute stream offset just past this chunk's bytes. */
  readonly absEnd: number;
  readonly frame: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly fileOffset: number;
  /** Frame (and time) at which these bytes were delivered: later than `frame` for held bytes. */
  readonly deliveredFrame: number;
  readonly deliveredTsSec: number;
  readonly deliveredTsNsec: number;
}

export interface SipStreamFramerOptions {
  /** Diagnostics that belong to no message (`SIP_STREAM_JUNK_SKIPPED`). */
  onDiagnostic?: DiagnosticSink;
  maxHeaderBytes?: number;
  maxBodyBytes?: number;
}

export interface SipStreamFramerStats {
  messages: number;
  junkBytes: number;
  keepAliveBytes: number;
}

/**
 * Frames SIP messages out of one ordered byte stream. Positions are absolute stream offsets, so
 * a scan resumes where it stopped when more bytes arrive (one message over many chunks is
 * linear). Chunks that hold whole messages are framed in place, without an intermediate copy.
 */
export class SipStreamFramer {
  private state = State.Seek;
  /** Seek: next byte to look at. */
  private seekAbs = 0;
  /** Seek: true when seekAbs is at the start of a line (else we are skipping to the next LF). */
  private atLineStart = true;
  private junk = 0;
  /** Message in progress. */
  private msgAbs = 0;
  private lineAbs = 0;
  private headerEndAbs = 0;
  private bodyEndAbs = 0;
  private contentLength: number | undefined;
  private readonly lf: HeaderScan = newHeaderScan();
  private msgDiags: Diagnostic[] = [];
  /** Stream bytes received so far (absolute offset of the next byte). */
  private endAbs = 0;
  /** Held bytes: store[0] is absolute offset storeAbs; valid from keepAbs to endAbs. */
  private store = Buffer.alloc(0);
  private storeAbs = 0;
  private keepAbs = 0;
  private spans: Span[] = [];
  private ended = false;
  private readonly maxHeader: number;
  private readonly maxBody: number;
  readonly stats: SipStreamFramerStats = { messages: 0, junkBytes: 0, keepAliveBytes: 0 };

  constructor(
    private readonly onMessage: (message: FramedMessage) => void,
    private readonly options: SipStreamFramerOptions = {},
  ) {
    this.maxHeader = options.maxHeaderBytes ?? SIP_MAX_HEADER_BYTES;
    this.maxBody = options.maxBodyBytes ?? SIP_MAX_BODY_BYTES;
  }

  /** Feeds the next ordered chunk (its data may be a view: it is copied only if needed). */
  push(chunk: StreamChunk): void {
    const data = chunk.data;
    if (this.ended || data.length === 0) return;
    this.spans.push({
      absEnd: this.endAbs + data.length,
      frame: chunk.frame,
      tsSec: chunk.tsSec,
      tsNsec: chunk.tsNsec,
      fileOffset: chunk.fileOffset,
      deliveredFrame: chunk.deliveredFrame ?? chunk.frame,
      deliveredTsSec: chunk.deliveredTsSec ?? chunk.tsSec,
      deliveredTsNsec: chunk.deliveredTsNsec ?? chunk.tsNsec,
    });
    let work: Buffer;
    let workAbs: number;
    const inPlace = this.keepAbs === this.endAbs;
    if (inPlace) {
      work = data;
      workAbs = this.endAbs;
      this.endAbs += data.length;
    } else {
      this.append(data);
      workAbs = this.storeAbs;
      work = this.store.subarray(0, this.endAbs - workAbs);
    }
    this.run(work, workAbs, chunk.frame);
    this.retain(inPlace ? work : undefined, workAbs);
  }

  /**
   * Bytes were lost before the next chunk (TCP gap): the message in progress is emitted as
   * malformed and the framer resynchronises on the next start line.
   */
  gap(frame?: number): void {
    if (this.ended) return;
    this.abandon('stream gap', frame);
  }

  /** End of stream: a partial message is emitted as malformed, leftover junk is reported. */
  end(frame?: number): void {
    if (this.ended) return;
    this.abandon('end of stream', frame);
    this.ended = true;
    this.store = Buffer.alloc(0);
    this.spans = [];
  }

  private abandon(why: string, frame: number | undefined): void {
    const work = this.store;
    const workAbs = this.storeAbs;
    if (this.state !== State.Seek) {
      this.msgDiags.push(diag('SIP_TRUNCATED_MESSAGE', this.lastFrame(frame), why));
      this.emit(work, workAbs, this.endAbs, this.state === State.Body ? this.headerEndAbs - this.msgAbs : undefined);
    } else if (this.endAbs > this.seekAbs) {
      this.junk += this.endAbs - this.seekAbs; // an unfinished start-line candidate
    }
    this.reportJunk(this.lastFrame(frame));
    this.state = State.Seek;
    this.seekAbs = this.endAbs;
    this.atLineStart = true;
    this.retain(undefined, workAbs);
  }

  private lastFrame(frame: number | undefined): number | undefined {
    return frame ?? this.spans[this.spans.length - 1]?.frame;
  }

  /** The framing state machine over `work` (whose byte 0 is absolute offset `workAbs`). */
  private run(work: Buffer, workAbs: number, frame: number): void {
    const limit = this.endAbs - workAbs;
    for (;;) {
      if (this.state === State.Seek) {
        if (!this.seek(work, workAbs, limit, frame)) return;
      } else if (this.state === State.Headers) {
        if (!this.headers(work, workAbs, limit, frame)) return;
      } else {
        if (this.bodyEndAbs > this.endAbs) return;
        this.emit(work, workAbs, this.bodyEndAbs, this.headerEndAbs - this.msgAbs);
        this.toSeek(this.bodyEndAbs, true);
      }
    }
  }

  /** Returns true when a start line was found (state moved to Headers). */
  private seek(work: Buffer, workAbs: number, limit: number, frame: number): boolean {
    for (;;) {
      const p = this.seekAbs - workAbs;
      if (p >= limit) return false;
      if (!this.atLineStart) {
        const lf = work.indexOf(LF, p);
        const found = lf >= 0 && lf < limit;
        const stop = found ? lf + 1 : limit;
        this.junk += stop - p;
        this.seekAbs = workAbs + stop;
        this.atLineStart = found;
        continue;
      }
      const c = work[p]!;
      if (c === LF) {
        this.stats.keepAliveBytes++; // RFC 5626 §3.5.1 "\r\n" pong / "\r\n\r\n" ping
        this.seekAbs++;
        continue;
      }
      if (c === CR) {
        if (p + 1 >= limit) return false; // wait: CR LF may be split
        if (work[p + 1] === LF) {
          this.stats.keepAliveBytes += 2;
          this.seekAbs += 2;
          continue;
        }
      }
      const line = matchStartLine(work, p, limit);
      if (line && line.next - 1 - p <= MAX_START_LINE) {
        this.reportJunk(frame);
        this.state = State.Headers;
        this.msgAbs = this.seekAbs;
        this.lineAbs = workAbs + line.next;
        resetHeaderScan(this.lf, line.end === line.next - 1);
        this.contentLength = undefined;
        return true;
      }
      if (couldBecomeStartLine(work, p, limit)) return false; // wait for the rest of the line
      this.atLineStart = false; // junk line: skip it
    }
  }

  /** Returns true when the state moved on (header block complete, or cut at the limit). */
  private headers(work: Buffer, workAbs: number, limit: number, frame: number): boolean {
    const cap = Math.min(limit, this.msgAbs + this.maxHeader - workAbs);
    const ls = this.lineAbs - workAbs;
    const end = scanHeaderBlock(work, ls, cap, this.lf);
    if (end < 0) {
      this.lineAbs = workAbs + this.lf.lineStart; // resume there next time: the scan stays linear
      if (cap < limit || this.endAbs - this.msgAbs >= this.maxHeader) {
        // header block beyond the limit: emit what we have and resynchronise after it
        this.msgDiags.push(diag('SIP_HEADERS_TOO_LARGE', frame, `over ${this.maxHeader} bytes`));
        const cut = this.msgAbs + this.maxHeader;
        this.emit(work, workAbs, cut, undefined);
        this.toSeek(cut, work[cut - 1 - workAbs] === LF);
        return true;
      }
      return false;
    }
    this.headerEndAbs = workAbs + end;
    if (this.lf.bareLF) this.msgDiags.push(diag('SIP_LF_LINE_ENDS', frame));
    const clValue = this.lf.clValue;
    let bodyLength = 0;
    if (this.lf.clConflicting) this.msgDiags.push(diag('SIP_CONFLICTING_CONTENT_LENGTH', frame));
    if (clValue === undefined) {
      this.msgDiags.push(diag('SIP_NO_CONTENT_LENGTH', frame)); // RFC 3261 §18.3: MUST on streams
    } else if (Number.isNaN(clValue)) {
      this.msgDiags.push(diag('SIP_BAD_CONTENT_LENGTH', frame));
    } else if (clValue > this.maxBody) {
      this.msgDiags.push(diag('SIP_BODY_TOO_LARGE', frame, `Content-Length over ${this.maxBody}`));
      this.emit(work, workAbs, this.headerEndAbs, end - (this.msgAbs - workAbs));
      this.toSeek(this.headerEndAbs, true);
      return true;
    } else {
      bodyLength = clValue;
      this.contentLength = clValue;
    }
    this.bodyEndAbs = this.headerEndAbs + bodyLength;
    this.state = State.Body;
    return true;
  }

  private toSeek(abs: number, atLineStart: boolean): void {
    this.state = State.Seek;
    this.seekAbs = abs;
    this.atLineStart = atLineStart;
  }

  private reportJunk(frame: number | undefined): void {
    if (this.junk === 0) return;
    this.stats.junkBytes += this.junk;
    this.options.onDiagnostic?.(diag('SIP_STREAM_JUNK_SKIPPED', frame, `${this.junk} bytes`));
    this.junk = 0;
  }

  /** Emits [msgAbs, endAbs) as one owned copy, with the frames that carried it. */
  private emit(work: Buffer, workAbs: number, endAbs: number, headerLength: number | undefined): void {
    // one owned copy, without a view in between (Buffer.from(subarray) makes both)
    const from = this.msgAbs - workAbs;
    const copy = Buffer.allocUnsafe(endAbs - this.msgAbs);
    const copied = work.copy(copy, 0, from, from + copy.length);
    const bytes = copied === copy.length ? copy : copy.subarray(0, copied); // never uninitialised bytes
    const frames: number[] = [];
    let last: Span | undefined;
    for (const s of this.spans) {
      if (s.absEnd <= this.msgAbs) continue;
      if (!frames.includes(s.frame)) frames.push(s.frame);
      last = s;
      if (s.absEnd >= endAbs) break;
    }
    const diagnostics = this.msgDiags;
    const inPlace = work !== this.store && copied === copy.length ? work.subarray(from, from + copied) : undefined;
    const message: FramedMessage = {
      bytes,
      frame: last?.deliveredFrame ?? 0,
      tsSec: last?.deliveredTsSec ?? 0,
      tsNsec: last?.deliveredTsNsec ?? 0,
      fileOffset: last?.fileOffset ?? 0,
      frames,
      headerLength: headerLength ?? bytes.length,
      contentLength: this.state === State.Body ? this.contentLength : undefined,
      diagnostics,
      malformed: isMalformed(diagnostics),
      ...(inPlace !== undefined ? { inPlace } : {}),
    };
    this.msgDiags = [];
    this.contentLength = undefined;
    this.stats.messages++;
    this.onMessage(message);
  }

  /** Appends a chunk after the held bytes, growing geometrically (amortised linear). */
  private append(data: Buffer): void {
    const keepFrom = this.keepAbs - this.storeAbs;
    const used = this.endAbs - this.keepAbs;
    const need = used + data.length;
    if (this.endAbs - this.storeAbs + data.length > this.store.length) {
      if (need * 2 > this.store.length) {
        const grown = Buffer.allocUnsafe(Math.max(4096, need * 2));
        this.store.copy(grown, 0, keepFrom, keepFrom + used);
        this.store = grown;
      } else {
        this.store.copyWithin(0, keepFrom, keepFrom + used);
      }
      this.storeAbs = this.keepAbs;
    }
    data.copy(this.store, this.endAbs - this.storeAbs);
    this.endAbs += data.length;
  }

  /** After a run: forget consumed bytes and spans; copy an in-place chunk's tail we still need. */
  private retain(inPlaceChunk: Buffer | undefined, chunkAbs: number): void {
    const keep = this.state === State.Seek ? this.seekAbs : this.msgAbs;
    this.keepAbs = keep;
    if (inPlaceChunk && keep < this.endAbs) {
      const tail = inPlaceChunk.subarray(keep - chunkAbs);
      if (this.store.length < tail.length) this.store = Buffer.allocUnsafe(Math.max(4096, tail.length * 2));
      tail.copy(this.store, 0);
      this.storeAbs = keep;
    }
    let drop = 0;
    while (drop < this.spans.length && this.spans[drop]!.absEnd <= keep) drop++;
    if (drop > 0) this.spans.splice(0, drop);
  }
}

// ---------------------------------------------------------------------------------------------
// Datagram framer

/** A SIP message found in a datagram. `bytes` is a VIEW into the payload: copy to retain. */
export interface DatagramMessage {
  readonly bytes: Buffer;
  /** Offset of bytes within the payload. */
  readonly offset: number;
  readonly headerLength: number;
  readonly contentLength?: number;
  readonly diagnostics: readonly Diagnostic[];
  readonly malformed: boolean;
}

function skipLineEnds(buf: Buffer, pos: number): number {
  while (pos < buf.length && (buf[pos] === CR || buf[pos] === LF)) pos++;
  return pos;
}

/** No diagnostics (shared: most messages have none, and nobody writes to the list). */
const NO_DIAGNOSTICS: readonly Diagnostic[] = Object.freeze([]);
/** No messages (shared: most UDP payloads that reach the framer are not SIP). */
const NO_MESSAGES: readonly DatagramMessage[] = Object.freeze([]);
/** Header scan state of frameDatagram (it makes no callbacks, so one is enough). */
const datagramScan = newHeaderScan();

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Frames the SIP message(s) in one datagram (UDP, SCTP DATA, HEP payload, WebSocket message).
 * Returns none when the payload does not start with a start line (after optional CRLFs).
 * RFC 3261 §18.3: without Content-Length the body runs to the end of the datagram; bytes
 * after the body are discarded unless they start another message.
 */
export function frameDatagram(payload: Buffer, frame?: number): readonly DatagramMessage[] {
  let out: Mutable<DatagramMessage>[] | undefined;
  let pos = skipLineEnds(payload, 0);
  while (pos < payload.length) {
    const line = matchStartLine(payload, pos);
    if (!line) {
      const prev = out?.[out.length - 1];
      if (prev) prev.diagnostics = [...prev.diagnostics, diag('SIP_EXTRA_BYTES_AFTER_BODY', frame, `${payload.length - pos} bytes`)];
      break;
    }
    let diags: Diagnostic[] | undefined;
    const scan = datagramScan;
    resetHeaderScan(scan, line.end === line.next - 1);
    const headerEnd = scanHeaderBlock(payload, line.next, payload.length, scan);
    if (scan.bareLF) (diags ??= []).push(diag('SIP_LF_LINE_ENDS', frame));
    if (headerEnd < 0) {
      (diags ??= []).push(diag('SIP_NO_HEADER_END', frame));
      (out ??= []).push(datagramMessage(payload, pos, payload.length, payload.length - pos, undefined, diags));
      break;
    }
    if (scan.clConflicting) (diags ??= []).push(diag('SIP_CONFLICTING_CONTENT_LENGTH', frame));
    const clValue = scan.clValue;
    let end = payload.length;
    let contentLength: number | undefined;
    if (clValue === undefined) {
      (diags ??= []).push(diag('SIP_NO_CONTENT_LENGTH_UDP', frame));
    } else if (Number.isNaN(clValue)) {
      (diags ??= []).push(diag('SIP_BAD_CONTENT_LENGTH', frame));
    } else if (headerEnd + clValue > payload.length) {
      (diags ??= []).push(diag('SIP_TRUNCATED_BODY', frame, `Content-Length ${clValue}, ${payload.length - headerEnd} bytes present`));
    } else {
      contentLength = clValue;
      end = headerEnd + clValue;
    }
    (out ??= []).push(datagramMessage(payload, pos, end, headerEnd - pos, contentLength, diags));
    pos = skipLineEnds(payload, end);
  }
  return out ?? NO_MESSAGES;
}

function datagramMessage(
  payload: Buffer,
  start: number,
  end: number,
  headerLength: number,
  contentLength: number | undefined,
  diagnostics: Diagnostic[] | undefined,
): Mutable<DatagramMessage> {
  return {
    // the whole payload is the usual case: hand it out as is (a view costs as much as a copy's allocation)
    bytes: start === 0 && end === payload.length ? payload : payload.subarray(start, end),
    offset: start,
    headerLength,
    contentLength,
    diagnostics: diagnostics ?? NO_DIAGNOSTICS,
    malformed: diagnostics !== undefined && isMalformed(diagnostics),
  };
}
