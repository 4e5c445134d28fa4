/**
 * SIP over WebSocket (RFC 7118) on one direction of a reassembled TCP stream.
 *
 * The stream starts with the HTTP/1.1 Upgrade handshake (RFC 6455 §4: client `GET ... Upgrade:
 * websocket`, server `HTTP/1.1 101`), then carries RFC 6455 §5 frames. Each complete text or
 * binary message is one SIP message (RFC 7118 §5). A capture that starts after the handshake
 * is recognised by a plausible frame header whose payload starts with a SIP start line.
 * Chunk-fed, state kept between chunks, payload bytes copied once; never throws.
 */
import { inflateRawSync } from 'node:zlib';
import type { Diagnostic, DiagnosticSink } from '../diagnostics.js';
import type { StreamChunk } from '../reasm/tcp-stream.js';
import { matchStartLine } from '../sip/start-line.js';

/** Largest message we assemble: SIP over WebSocket messages are a few KiB; this bounds the
 * buffer a bogus 64-bit length (or a false frame match) can make us allocate. */
export const WS_MAX_MESSAGE_BYTES = 1024 * 1024;
/** Largest HTTP Upgrade request/response head: browsers send < 4 KiB. */
export const WS_MAX_HANDSHAKE_BYTES = 16 * 1024;
/** Payload bytes unmasked to check a mid-stream frame candidate for a SIP start line. */
export const WS_HUNT_SAMPLE_BYTES = 1024;

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/** One complete WebSocket data message. */
export interface WebSocketMessage {
  /** Unmasked (and inflated) payload: one owned copy. */
  readonly data: Buffer;
  readonly opcode: 1 | 2;
  /** Frame of the chunk that completed the message, with its timestamp and capture offset. */
  readonly frame: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly fileOffset: number;
  /** Every frame that carried bytes of the message (headers included). */
  readonly frames: readonly number[];
  readonly diagnostics: readonly Diagnostic[];
}

export type WebSocketState = 'start' | 'handshake' | 'frames' | 'hunt' | 'closed' | 'not-websocket';

export interface WebSocketStreamOptions {
  onDiagnostic?: DiagnosticSink;
  maxMessageBytes?: number;
}

export interface WebSocketStats {
  messages: number;
  controlFrames: number;
  junkBytes: number;
}

interface FrameHeader {
  readonly fin: boolean;
  readonly rsv1: boolean;
  readonly opcode: number;
  readonly mask: Buffer | undefined;
  readonly length: number;
  readonly headerLength: number;
}

/**
 * Reads a frame header at `p` (RFC 6455 §5.2). Returns undefined when more bytes are needed,
 * null when the bytes cannot be a valid frame header.
 */
function readFrameHeader(buf: Buffer, p: number): FrameHeader | undefined | null {
  if (buf.length - p < 2) return undefined;
  const b0 = buf[p]!;
  const b1 = buf[p + 1]!;
  const opcode = b0 & 0x0f;
  if (b0 & 0x30) return null; // RSV2/RSV3: no extension defines them
  const control = opcode >= 0x8;
  if (!(opcode <= OP_BINARY || (control && opcode <= OP_PONG))) return null;
  const fin = (b0 & 0x80) !== 0;
  const rsv1 = (b0 & 0x40) !== 0;
  let length = b1 & 0x7f;
  let h = 2;
  if (control && (!fin || length > 125 || rsv1)) return null; // §5.5
  if (length === 126) {
    if (buf.length - p < 4) return undefined;
    length = buf.readUInt16BE(p + 2);
    h = 4;
  } else if (length === 127) {
    if (buf.length - p < 10) return undefined;
    const hi = buf.readUInt32BE(p + 2);
    if (hi & 0x80000000) return null; // §5.2: the most significant bit MUST be 0
    length = hi * 0x100000000 + buf.readUInt32BE(p + 6);
    h = 10;
  }
  let mask: Buffer | undefined;
  if (b1 & 0x80) {
    if (buf.length - p < h + 4) return undefined;
    mask = Buffer.from(buf.subarray(p + h, p + h + 4));
    h += 4;
  }
  return { fin, rsv1, opcode, mask, length, headerLength: h };
}

function unmask(data: Buffer, mask: Buffer | undefined, maskOffset: number): void {
  if (!mask) return;
  for (let i = 0; i < data.length; i++) data[i]! ^= mask[(i + maskOffset) & 3]!;
}

const CR = 0x0d;
const LF = 0x0a;

/** Offset just past the blank line ending an HTTP head (CRLFCRLF or LFLF), or -1. */
function httpHeadEnd(buf: Buffer, limit: number): number {
  let ls = 0;
  for (;;) {
    const lf = buf.indexOf(LF, ls);
    if (lf < 0 || lf >= limit) return -1;
    if (lf === ls || (lf === ls + 1 && buf[ls] === CR)) return lf + 1;
    ls = lf + 1;
  }
}

function startsWithAscii(buf: Buffer, p: number, text: string, caseless: boolean): boolean {
  if (buf.length - p < text.length) return false;
  for (let i = 0; i < text.length; i++) {
    let c = buf[p + i]!;
    if (caseless && c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== text.charCodeAt(i)) return false;
  }
  return true;
}

/** Case-insensitive search for lower-case ASCII `text` in [from, to). */
function containsAscii(buf: Buffer, from: number, to: number, text: string): boolean {
  for (let i = from; i + text.length <= to; i++) if (startsWithAscii(buf, i, text, true)) return true;
  return false;
}

/** Value range of header `name` (lower-case) in an HTTP head, or undefined. */
function httpHeader(buf: Buffer, limit: number, name: string): [number, number] | undefined {
  let ls = buf.indexOf(LF, 0) + 1;
  while (ls > 0 && ls < limit) {
    let le = buf.indexOf(LF, ls);
    if (le < 0 || le > limit) le = limit;
    if (startsWithAscii(buf, ls, name, true) && buf[ls + name.length] === 0x3a) return [ls + name.length + 1, le];
    ls = le + 1;
  }
  return undefined;
}

/**
 * True when `buf` starts an HTTP/1.1 WebSocket handshake: a request `GET ...` with an
 * `Upgrade: websocket` header (RFC 6455 §4.1), or a `HTTP/1.1 101` response (§4.2.2).
 */
export function looksLikeWebSocketUpgrade(buf: Buffer): boolean {
  if (startsWithAscii(buf, 0, 'http/1.1 101', true)) return true;
  if (!startsWithAscii(buf, 0, 'GET ', false)) return false;
  const limit = Math.min(buf.length, WS_MAX_HANDSHAKE_BYTES);
  const v = httpHeader(buf, limit, 'upgrade');
  return v !== undefined && containsAscii(buf, v[0], v[1], 'websocket');
}

/**
 * Checks for a data frame at `p` whose unmasked payload starts with a SIP start line (used when
 * the capture starts after the handshake, or after a gap). undefined = need more bytes.
 */
function plausibleSipFrame(buf: Buffer, p: number, maxPayload: number): FrameHeader | undefined | null {
  const h = readFrameHeader(buf, p);
  if (!h) return h;
  if (h.opcode !== OP_TEXT && h.opcode !== OP_BINARY) return null;
  if (h.rsv1 || h.length > maxPayload || h.length < 11) return null;
  const sampleLength = Math.min(h.length, WS_HUNT_SAMPLE_BYTES);
  const start = p + h.headerLength;
  if (buf.length - start < sampleLength) return undefined;
  const sample = Buffer.from(buf.subarray(start, start + sampleLength));
  unmask(sample, h.mask, 0);
  return matchStartLine(sample, 0, sample.length) ? h : null;
}

/** True when `buf` starts with a WebSocket data frame carrying a SIP start line. */
export function looksLikeWebSocketSipFrame(buf: Buffer): boolean {
  return !!plausibleSipFrame(buf, 0, WS_MAX_MESSAGE_BYTES);
}

/**
 * Parses one direction of a WebSocket connection. Feed ordered chunks (`push`), tell it about
 * lost bytes (`gap`), and `end()` it; complete data messages come out through `onMessage`.
 */
export class WebSocketStream {
  private st: WebSocketState = 'start';
  /** Bytes held while the handshake or a mid-stream frame is being recognised (owned copies). */
  private held: StreamChunk[] = [];
  private heldLength = 0;
  /** Current frame. */
  private header = Buffer.alloc(14);
  private headerHave = 0;
  private frame: FrameHeader | undefined;
  private payload: Buffer | undefined;
  private payloadHave = 0;
  /** Payload bytes of an over-limit or unwanted frame still to skip. */
  private discard = 0;
  /** Current message (data frames until FIN). */
  private fragments: Buffer[] = [];
  private messageLength = 0;
  private messageOpcode: 1 | 2 = OP_TEXT;
  private messageCompressed = false;
  private messageFrames: number[] = [];
  private messageDiags: Diagnostic[] = [];
  private messageTooLarge = false;
  /** Bytes skipped while hunting, not yet reported. */
  private huntJunk = 0;
  private readonly maxMessage: number;
  /** Which side of the handshake this direction carried. */
  handshake: 'request' | 'response' | undefined;
  /** `Sec-WebSocket-Protocol` of the handshake (RFC 7118 §4: `sip`), when seen. */
  subprotocol: string | undefined;
  readonly stats: WebSocketStats = { messages: 0, controlFrames: 0, junkBytes: 0 };

  constructor(
    private readonly onMessage: (message: WebSocketMessage) => void,
    private readonly options: WebSocketStreamOptions = {},
  ) {
    this.maxMessage = options.maxMessageBytes ?? WS_MAX_MESSAGE_BYTES;
  }

  get state(): WebSocketState {
    return this.st;
  }

  push(chunk: StreamChunk): void {
    // a work list instead of recursion: a bad frame header hands the rest of the chunk to the
    // hunt, and a found frame hands held bytes back to the frame parser
    const todo: StreamChunk[] = [chunk];
    while (todo.length > 0) {
      const c = todo.shift()!;
      if (c.data.length === 0) continue;
      if (this.st === 'frames') {
        const p = this.frames(c);
        if (p < c.data.length) todo.unshift({ ...c, data: c.data.subarray(p) });
        else if ((this.st as WebSocketState) === 'hunt' && this.held.length > 0) todo.unshift(...this.recognise(c.frame));
      } else if (this.st === 'closed' || this.st === 'not-websocket') {
        this.stats.junkBytes += c.data.length;
      } else {
        this.held.push({ ...c, data: Buffer.from(c.data) });
        this.heldLength += c.data.length;
        todo.unshift(...this.recognise(c.frame));
      }
    }
  }

  /** Bytes were lost: drop the frame in progress and hunt for the next SIP-carrying frame. */
  gap(frame?: number): void {
    if (this.st === 'frames') this.dropPartial('stream gap', frame);
    if (this.st === 'frames' || this.st === 'start' || this.st === 'handshake' || this.st === 'hunt') {
      this.huntJunk += this.heldLength;
      this.dropHeld(this.heldLength);
      this.st = 'hunt';
    }
  }

  end(frame?: number): void {
    if (this.st === 'frames') this.dropPartial('end of stream', frame);
    this.huntJunk += this.heldLength;
    this.dropHeld(this.heldLength);
    this.reportJunk(frame);
  }

  private reportJunk(frame: number | undefined): void {
    if (this.huntJunk === 0) return;
    this.stats.junkBytes += this.huntJunk;
    this.report('WS_JUNK_SKIPPED', frame, `${this.huntJunk} bytes`);
    this.huntJunk = 0;
  }

  // --- recognising the start (handshake, or frames mid-stream) --------------------------------

  /** Looks at the held bytes; returns held chunks to feed again once the state changed. */
  private recognise(frame: number): StreamChunk[] {
    for (;;) {
      if (this.held.length === 0) return [];
      const buf = this.held.length === 1 ? this.held[0]!.data : Buffer.concat(this.held.map((c) => c.data));
      if (this.st === 'start') {
        if (buf.length < 5) return [];
        if (startsWithAscii(buf, 0, 'GET ', false) || startsWithAscii(buf, 0, 'http/', true)) this.st = 'handshake';
        else this.st = 'hunt';
        continue;
      }
      if (this.st === 'handshake') {
        const limit = Math.min(buf.length, WS_MAX_HANDSHAKE_BYTES);
        const end = httpHeadEnd(buf, limit);
        if (end < 0) {
          if (buf.length < WS_MAX_HANDSHAKE_BYTES) return [];
          this.report('WS_HANDSHAKE_TOO_LARGE', frame);
          this.st = 'hunt';
          continue;
        }
        this.readHandshake(buf, end, frame);
        return this.takeHeld(end);
      }
      // hunt: slide until a plausible frame; decide each offset only once enough bytes are here
      let p = 0;
      let found = false;
      while (p < buf.length) {
        const h = plausibleSipFrame(buf, p, this.maxMessage);
        if (h === undefined) break;
        if (h) {
          found = true;
          break;
        }
        p++;
      }
      this.huntJunk += p;
      if (!found) {
        this.dropHeld(p);
        return [];
      }
      this.reportJunk(frame);
      this.st = 'frames';
      return this.takeHeld(p);
    }
  }

  private readHandshake(buf: Buffer, end: number, frame: number): void {
    const proto = httpHeader(buf, end, 'sec-websocket-protocol');
    if (proto) this.subprotocol = buf.toString('latin1', proto[0], proto[1]).trim();
    if (startsWithAscii(buf, 0, 'GET ', false)) {
      const up = httpHeader(buf, end, 'upgrade');
      if (up && containsAscii(buf, up[0], up[1], 'websocket')) {
        this.handshake = 'request';
        this.st = 'frames';
      } else {
        this.report('WS_NOT_WEBSOCKET', frame, 'HTTP request without Upgrade: websocket');
        this.st = 'not-websocket';
      }
    } else if (startsWithAscii(buf, 0, 'http/1.1 101', true)) {
      this.handshake = 'response';
      this.st = 'frames';
    } else {
      this.report('WS_HANDSHAKE_REJECTED', frame, 'HTTP response other than 101');
      this.st = 'start'; // the client may try again on this connection
    }
  }

  /** Forgets the first `n` held bytes. */
  private dropHeld(n: number): void {
    this.heldLength -= n;
    while (n > 0 && this.held.length > 0) {
      const c = this.held[0]!;
      if (c.data.length <= n) {
        n -= c.data.length;
        this.held.shift();
      } else {
        this.held[0] = { ...c, data: c.data.subarray(n) };
        n = 0;
      }
    }
  }

  /** Drops `n` held bytes and hands back the rest, to be fed to the new state. */
  private takeHeld(n: number): StreamChunk[] {
    this.dropHeld(n);
    const rest = this.held;
    this.held = [];
    this.heldLength = 0;
    return rest;
  }

  // --- frames ---------------------------------------------------------------------------------

  /** Parses frames from `chunk`; returns where it stopped (the end, or where the state changed). */
  private frames(chunk: StreamChunk): number {
    const data = chunk.data;
    let p = 0;
    while (p < data.length && this.st === 'frames') {
      if (this.discard > 0) {
        const n = Math.min(this.discard, data.length - p);
        this.discard -= n;
        p += n;
        continue;
      }
      const f = this.frame;
      if (!f) {
        p = this.readHeader(chunk, p);
        continue;
      }
      if (f.opcode < OP_CLOSE) this.noteFrame(chunk.frame);
      const n = Math.min(f.length - this.payloadHave, data.length - p);
      data.copy(this.payload!, this.payloadHave, p, p + n);
      this.payloadHave += n;
      p += n;
      if (this.payloadHave === f.length) this.frameDone(chunk);
    }
    if (this.st === 'closed' && p < data.length) {
      this.stats.junkBytes += data.length - p;
      return data.length;
    }
    return p;
  }

  /** Collects header bytes (a header may be split across chunks); returns the new position. */
  private readHeader(chunk: StreamChunk, p: number): number {
    const data = chunk.data;
    const before = this.headerHave;
    const take = Math.min(14 - before, data.length - p);
    data.copy(this.header, before, p, p + take);
    const have = before + take;
    const h = readFrameHeader(this.header.subarray(0, have), 0);
    if (h === undefined) {
      this.headerHave = have;
      return p + take;
    }
    this.headerHave = 0;
    if (h === null) {
      // not a frame: its first byte is junk, the bytes after it are hunted again
      this.report('WS_BAD_FRAME', chunk.frame, 'invalid frame header');
      this.dropPartial('bad frame header', chunk.frame);
      this.st = 'hunt';
      this.huntJunk++;
      if (before > 1) {
        this.held = [{ ...chunk, data: Buffer.from(this.header.subarray(1, before)) }];
        this.heldLength = before - 1;
      }
      return before >= 1 ? p : p + 1;
    }
    this.startFrame(h, chunk);
    return p + (h.headerLength - before);
  }

  private startFrame(h: FrameHeader, chunk: StreamChunk): void {
    const isData = h.opcode <= OP_BINARY;
    const inMessage = this.fragments.length > 0 || this.messageTooLarge;
    if (h.opcode === OP_CONTINUATION && !inMessage) {
      this.report('WS_UNEXPECTED_CONTINUATION', chunk.frame);
      this.discard = h.length;
      return;
    }
    if (h.opcode !== OP_CONTINUATION && isData) {
      if (inMessage) {
        // RFC 6455 §5.4 forbids a new message inside a fragmented one: keep what we have
        this.messageDiags.push({ code: 'WS_FRAGMENT_INTERRUPTED', frame: chunk.frame });
        if (this.messageTooLarge) this.resetMessage();
        else this.emitMessage(chunk);
      }
      this.messageOpcode = h.opcode as 1 | 2;
      this.messageCompressed = h.rsv1;
    }
    if (isData) this.noteFrame(chunk.frame);
    if (isData && (this.messageTooLarge || this.messageLength + h.length > this.maxMessage)) {
      if (!this.messageTooLarge) this.report('WS_MESSAGE_TOO_LARGE', chunk.frame, `over ${this.maxMessage} bytes`);
      this.messageTooLarge = true;
      this.discard = h.length;
      if (h.fin) this.resetMessage();
      return;
    }
    this.frame = h;
    this.payload = Buffer.allocUnsafe(h.length);
    this.payloadHave = 0;
    if (h.length === 0) this.frameDone(chunk);
  }

  private frameDone(chunk: StreamChunk): void {
    const f = this.frame!;
    const payload = this.payload!;
    this.frame = undefined;
    this.payload = undefined;
    unmask(payload, f.mask, 0);
    if (f.opcode >= OP_CLOSE) {
      this.stats.controlFrames++;
      if (f.opcode === OP_CLOSE) this.st = 'closed';
      return;
    }
    this.fragments.push(payload);
    this.messageLength += payload.length;
    if (f.fin) this.emitMessage(chunk);
  }

  private emitMessage(chunk: StreamChunk): void {
    let data = this.fragments.length === 1 ? this.fragments[0]! : Buffer.concat(this.fragments, this.messageLength);
    const diagnostics = this.messageDiags;
    if (this.messageCompressed) {
      // RFC 7692 §7.2.2: append 00 00 ff ff and inflate (stateless: no context takeover)
      try {
        data = inflateRawSync(Buffer.concat([data, Buffer.from([0, 0, 0xff, 0xff])]), { maxOutputLength: this.maxMessage });
        diagnostics.push({ code: 'WS_COMPRESSED', frame: chunk.frame });
      } catch {
        this.report('WS_INFLATE_FAILED', chunk.frame);
        this.resetMessage();
        return;
      }
    }
    const message: WebSocketMessage = {
      data,
      opcode: this.messageOpcode,
      frame: chunk.frame,
      tsSec: chunk.tsSec,
      tsNsec: chunk.tsNsec,
      fileOffset: chunk.fileOffset,
      frames: this.messageFrames,
      diagnostics,
    };
    this.resetMessage();
    this.stats.messages++;
    this.onMessage(message);
  }

  private resetMessage(): void {
    this.fragments = [];
    this.messageLength = 0;
    this.messageFrames = [];
    this.messageDiags = [];
    this.messageTooLarge = false;
    this.messageCompressed = false;
  }

  /** A partial frame/message cannot be completed: report it and forget it. */
  private dropPartial(why: string, frame: number | undefined): void {
    if (this.frame || this.fragments.length > 0 || this.headerHave > 0) {
      this.report('WS_TRUNCATED_MESSAGE', frame, why);
    }
    this.frame = undefined;
    this.payload = undefined;
    this.headerHave = 0;
    this.discard = 0;
    this.resetMessage();
  }

  private noteFrame(frame: number): void {
    if (this.messageFrames[this.messageFrames.length - 1] !== frame) this.messageFrames.push(frame);
  }

  private report(code: string, frame: number | undefined, detail?: string): void {
    const d: { code: string; frame?: number; detail?: string } = { code };
    if (frame !== undefined) d.frame = frame;
    if (detail !== undefined) d.detail = detail;
    this.options.onDiagnostic?.(d);
  }
}
