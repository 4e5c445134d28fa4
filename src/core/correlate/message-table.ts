/**
 * Every correlated message as one row of typed columns (DESIGN.md "The store": messages keep
 * their place in the capture, payloads are read again on demand instead of living in memory).
 *
 * A row is 48 bytes whatever the message size; the bytes themselves stay in the capture file
 * and are re-read through a PayloadReader when a view asks for headers or the body. Messages
 * whose bytes are not verbatim in one capture record (TCP reassembled over several segments,
 * IP fragments, masked WebSocket, compressed HEP) or inputs that cannot be re-read (stdin,
 * gzip) keep one owned copy instead. Views get MessageEntry / SipMessage objects made on
 * demand (stored-message.ts); ids (seq) are stable, objects are not.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { SipMessage } from '../sip/types.js';
import { FlowTable, type MessageFlow } from './flow-table.js';

/** Reads capture bytes again (io implements it over the file; core never does I/O itself). */
export interface PayloadReader {
  /** `length` bytes at `position` of the capture, or undefined when they cannot be read. */
  read(position: number, length: number): Buffer | undefined;
}

/** Rows per column block: blocks are allocated whole, so growth never copies old rows. */
export const ROWS_PER_BLOCK = 16_384;

const F_REQUEST = 1;
const F_RETRANSMISSION = 2;
const F_MALFORMED = 4;
const F_TO_TAG = 8;
// Narrow columns: a value that does not fit is kept in a map by seq, its cell holding WIDE.
const WIDE32 = 0xffffffff;
const WIDE16 = 0xffff;
const WIDE8 = 0xff;
/** cseq cell: no CSeq number (absent or unparsable). */
const NO_CSEQ = 0xfffffffe;
/** payloadDelta cell: the bytes are kept in memory (not re-read). */
const NO_PAYLOAD_AT = 0xfffe;

/** Per-row placement decided by the correlator. */
export interface RowPlacement {
  readonly callIndex: number;
  readonly transactionIndex: number;
  readonly dialogIndex: number;
  readonly retransmission: boolean;
  readonly flow: MessageFlow;
}

class Block {
  /**
   * Capture offset of the block's first row: rows hold their offset past it (records are read
   * in order, so a block's rows span a few MB of the file and the difference fits 32 bits).
   */
  constructor(readonly offsetBase: number) {}
  readonly frame = new Uint32Array(ROWS_PER_BLOCK);
  /** Epoch seconds (WIDE32: in the overflow map: before 1970, after 2106, or not whole). */
  readonly tsSec = new Uint32Array(ROWS_PER_BLOCK);
  readonly tsNsec = new Uint32Array(ROWS_PER_BLOCK);
  /** Capture offset of the completing record's data (SipOrigin.fileOffset) minus offsetBase. */
  readonly recordOffset = new Uint32Array(ROWS_PER_BLOCK);
  /** Message's first byte minus recordOffset; NO_PAYLOAD_AT when the bytes are kept in memory. */
  readonly payloadDelta = new Uint16Array(ROWS_PER_BLOCK);
  /** Message size (WIDE16: 64 KiB or more, kept aside). */
  readonly payloadLength = new Uint16Array(ROWS_PER_BLOCK);
  readonly flow = new Uint32Array(ROWS_PER_BLOCK);
  readonly callIndex = new Uint32Array(ROWS_PER_BLOCK);
  /** Transaction index in its call (WIDE16 beyond: a call with 65,535+ transactions). */
  readonly transactionIndex = new Uint16Array(ROWS_PER_BLOCK);
  /** Dialog index in its call (WIDE16 beyond: a call with 65,535+ dialogs). */
  readonly dialogIndex = new Uint16Array(ROWS_PER_BLOCK);
  /** CSeq number, NO_CSEQ when absent (RFC 3261 §8.1.1.5 limits it to 2^31 - 1; larger ones go wide). */
  readonly cseq = new Uint32Array(ROWS_PER_BLOCK);
  /** Status code of a response, method id of a request. */
  readonly kind = new Uint16Array(ROWS_PER_BLOCK);
  /** Interned CSeq method (WIDE8 past 254 distinct method names). */
  readonly cseqMethod = new Uint8Array(ROWS_PER_BLOCK);
  readonly flags = new Uint8Array(ROWS_PER_BLOCK);
  /** Next seq of the same call (0 = last): calls keep no array of their own. */
  readonly nextInCall = new Uint32Array(ROWS_PER_BLOCK);
  /** Next response seq of the same transaction (0 = last). */
  readonly nextInTxn = new Uint32Array(ROWS_PER_BLOCK);
}

export class MessageTable {
  readonly flows = new FlowTable();
  private readonly blocks: Block[] = [];
  private rows = 0;
  /** Interned method names (as written) ↔ ids. */
  private readonly methodIds = new Map<string, number>();
  private readonly methods: string[] = [];
  /** Owned copies of messages that cannot be re-read, by seq. */
  private readonly copies = new Map<number, Buffer>();
  /** Rare extras by seq: every frame of a multi-frame message, non-empty diagnostics. */
  private readonly framesBySeq = new Map<number, readonly number[]>();
  private readonly diagnosticsBySeq = new Map<number, readonly Diagnostic[]>();
  /** Values too wide for their column, by seq (rare: odd timestamps, huge CSeqs, jumbo records). */
  private readonly wideTsSec = new Map<number, number>();
  private readonly wideCseq = new Map<number, number>();
  private readonly wideDelta = new Map<number, number>();
  private readonly wideDialog = new Map<number, number>();
  private readonly wideOffset = new Map<number, number>();
  private readonly wideLength = new Map<number, number>();
  private readonly wideTxn = new Map<number, number>();
  private readonly wideCseqMethod = new Map<number, string>();

  constructor(
    /** Undefined: every message keeps a copy (stdin, gzip, tests). */
    private readonly reader?: PayloadReader,
    /** Call-ID of a call index (the call owns the string; rows keep only the index). */
    private readonly callIdOf: (callIndex: number) => string = () => '',
  ) {}

  /** Rows so far; seqs are 1..count. */
  get count(): number {
    return this.rows;
  }

  /**
   * Appends the row for `seq` (must be count + 1). `payloadAt` is the capture offset of
   * msg.raw when those bytes are verbatim in the capture, else -1 (the bytes are copied).
   */
  append(seq: number, msg: SipMessage, payloadAt: number, p: RowPlacement): void {
    if (seq !== this.rows + 1) throw new Error(`message table: seq ${seq} after ${this.rows}`);
    const r = this.rows;
    let b = this.blocks[r >>> 14];
    if (b === undefined) {
      b = new Block(Number.isSafeInteger(msg.fileOffset) && msg.fileOffset >= 0 ? msg.fileOffset : 0);
      this.blocks.push(b);
    }
    const i = r & (ROWS_PER_BLOCK - 1);
    this.rows++;
    b.frame[i] = msg.frame;
    if (Number.isInteger(msg.tsSec) && msg.tsSec >= 0 && msg.tsSec < WIDE32) b.tsSec[i] = msg.tsSec;
    else {
      b.tsSec[i] = WIDE32;
      this.wideTsSec.set(seq, msg.tsSec);
    }
    b.tsNsec[i] = msg.tsNsec;
    const offset = msg.fileOffset - b.offsetBase;
    if (Number.isInteger(offset) && offset >= 0 && offset < WIDE32) b.recordOffset[i] = offset;
    else {
      b.recordOffset[i] = WIDE32;
      this.wideOffset.set(seq, msg.fileOffset);
    }
    if (msg.raw.length < WIDE16) b.payloadLength[i] = msg.raw.length;
    else {
      b.payloadLength[i] = WIDE16;
      this.wideLength.set(seq, msg.raw.length);
    }
    const delta = payloadAt - msg.fileOffset;
    if (payloadAt >= 0 && this.reader !== undefined && delta >= 0 && delta < 2 ** 32) {
      if (delta < NO_PAYLOAD_AT) b.payloadDelta[i] = delta;
      else {
        b.payloadDelta[i] = WIDE16;
        this.wideDelta.set(seq, delta);
      }
    } else {
      b.payloadDelta[i] = NO_PAYLOAD_AT;
      // One owned copy: msg.raw may be a view into a reader chunk that is about to be reused.
      this.copies.set(seq, Buffer.from(msg.raw));
    }
    b.flow[i] = p.flow.id;
    b.callIndex[i] = p.callIndex;
    if (p.transactionIndex < WIDE16) b.transactionIndex[i] = p.transactionIndex;
    else {
      b.transactionIndex[i] = WIDE16;
      this.wideTxn.set(seq, p.transactionIndex);
    }
    if (p.dialogIndex < WIDE16) b.dialogIndex[i] = p.dialogIndex;
    else {
      b.dialogIndex[i] = WIDE16;
      this.wideDialog.set(seq, p.dialogIndex);
    }
    const cseq = msg.cseqNumber;
    if (!Number.isFinite(cseq)) b.cseq[i] = NO_CSEQ;
    else if (Number.isInteger(cseq) && cseq >= 0 && cseq < NO_CSEQ) b.cseq[i] = cseq;
    else {
      b.cseq[i] = WIDE32;
      this.wideCseq.set(seq, cseq);
    }
    b.kind[i] = msg.isRequest ? this.methodId(msg.method ?? '') : (msg.statusCode ?? 0);
    const cseqMethod = this.methodId(msg.cseqMethod);
    if (cseqMethod < WIDE8) b.cseqMethod[i] = cseqMethod;
    else {
      b.cseqMethod[i] = WIDE8;
      this.wideCseqMethod.set(seq, msg.cseqMethod);
    }
    b.flags[i] = (msg.isRequest ? F_REQUEST : 0) | (p.retransmission ? F_RETRANSMISSION : 0) | (msg.malformed ? F_MALFORMED : 0) | (msg.toTag ? F_TO_TAG : 0);
    if (msg.frames !== undefined && msg.frames.length > 1) this.framesBySeq.set(seq, msg.frames);
    if (msg.diagnostics.length > 0) this.diagnosticsBySeq.set(seq, msg.diagnostics);
  }

  private methodId(name: string): number {
    let id = this.methodIds.get(name);
    if (id === undefined) {
      id = this.methods.length;
      this.methods.push(name);
      this.methodIds.set(name, id);
    }
    return id;
  }

  /** Chains `next` after `prev` in their call (prev 0: `next` is the call's first message). */
  link(prev: number, next: number): void {
    if (prev !== 0) this.block(prev).nextInCall[(prev - 1) & (ROWS_PER_BLOCK - 1)] = next;
  }
  /** Chains response `next` after `prev` in their transaction. */
  linkInTxn(prev: number, next: number): void {
    this.block(prev).nextInTxn[(prev - 1) & (ROWS_PER_BLOCK - 1)] = next;
  }
  nextInTxn(seq: number): number {
    return this.block(seq).nextInTxn[(seq - 1) & (ROWS_PER_BLOCK - 1)]!;
  }
  nextInCall(seq: number): number {
    return this.block(seq).nextInCall[(seq - 1) & (ROWS_PER_BLOCK - 1)]!;
  }

  private block(seq: number): Block {
    return this.blocks[(seq - 1) >>> 14]!;
  }

  frame(seq: number): number {
    return this.block(seq).frame[(seq - 1) & (ROWS_PER_BLOCK - 1)]!;
  }
  tsSec(seq: number): number {
    const v = this.block(seq).tsSec[(seq - 1) & (ROWS_PER_BLOCK - 1)]!;
    return v === WIDE32 ? this.wideTsSec.get(seq)! : v;
  }
  tsNsec(seq: number): number {
    return this.block(seq).tsNsec[(seq - 1) & (ROWS_PER_BLOCK - 1)]!;
  }
  recordOffset(seq: number): number {
    const b = this.block(seq);
    const v = b.recordOffset[(seq - 1) & (ROWS_PER_BLOCK - 1)]!;
    return v === WIDE32 ? this.wideOffset.get(seq)! : b.offsetBase + v;
  }
  flow(seq: number): MessageFlow {
    return this.flows.get(this.block(seq).flow[(seq - 1) & (ROWS_PER_BLOCK - 1)]!);
  }
  callIndex(seq: number): number {
    return this.block(seq).callIndex[(seq - 1) & (ROWS_PER_BLOCK - 1)]!;
  }
  callId(seq: number): string {
    return this.callIdOf(this.callIndex(seq));
  }
  transactionIndex(seq: number): number {
    const v = this.block(seq).transactionIndex[(seq - 1) & (ROWS_PER_BLOCK - 1)]!;
    return v === WIDE16 ? this.wideTxn.get(seq)! : v;
  }
  dialogIndex(seq: number): number {
    const v = this.block(seq).dialogIndex[(seq - 1) & (ROWS_PER_BLOCK - 1)]!;
    return v === WIDE16 ? this.wideDialog.get(seq)! : v;
  }
  isRequest(seq: number): boolean {
    return (this.block(seq).flags[(seq - 1) & (ROWS_PER_BLOCK - 1)]! & F_REQUEST) !== 0;
  }
  retransmission(seq: number): boolean {
    return (this.block(seq).flags[(seq - 1) & (ROWS_PER_BLOCK - 1)]! & F_RETRANSMISSION) !== 0;
  }
  /** The message had a non-empty To tag. */
  hasToTag(seq: number): boolean {
    return (this.block(seq).flags[(seq - 1) & (ROWS_PER_BLOCK - 1)]! & F_TO_TAG) !== 0;
  }
  malformed(seq: number): boolean {
    return (this.block(seq).flags[(seq - 1) & (ROWS_PER_BLOCK - 1)]! & F_MALFORMED) !== 0;
  }
  /** Method as written, undefined for responses. */
  method(seq: number): string | undefined {
    const b = this.block(seq);
    const i = (seq - 1) & (ROWS_PER_BLOCK - 1);
    return (b.flags[i]! & F_REQUEST) !== 0 ? this.methods[b.kind[i]!] : undefined;
  }
  /** Status code, undefined for requests. */
  statusCode(seq: number): number | undefined {
    const b = this.block(seq);
    const i = (seq - 1) & (ROWS_PER_BLOCK - 1);
    return (b.flags[i]! & F_REQUEST) !== 0 ? undefined : b.kind[i];
  }
  cseqNumber(seq: number): number {
    const v = this.block(seq).cseq[(seq - 1) & (ROWS_PER_BLOCK - 1)]!;
    return v === NO_CSEQ ? NaN : v === WIDE32 ? this.wideCseq.get(seq)! : v;
  }
  cseqMethod(seq: number): string {
    const v = this.block(seq).cseqMethod[(seq - 1) & (ROWS_PER_BLOCK - 1)]!;
    return v === WIDE8 ? this.wideCseqMethod.get(seq)! : (this.methods[v] ?? '');
  }
  frames(seq: number): readonly number[] | undefined {
    return this.framesBySeq.get(seq);
  }
  diagnostics(seq: number): readonly Diagnostic[] | undefined {
    return this.diagnosticsBySeq.get(seq);
  }
  payloadLength(seq: number): number {
    const v = this.block(seq).payloadLength[(seq - 1) & (ROWS_PER_BLOCK - 1)]!;
    return v === WIDE16 ? this.wideLength.get(seq)! : v;
  }

  /**
   * The message bytes: the kept copy, or read again from the capture. An empty buffer when the
   * file can no longer be read (moved or truncated since it was loaded).
   */
  payload(seq: number): Buffer {
    const copy = this.copies.get(seq);
    if (copy !== undefined) return copy;
    const len = this.payloadLength(seq);
    const cell = this.block(seq).payloadDelta[(seq - 1) & (ROWS_PER_BLOCK - 1)]!;
    const delta = cell === WIDE16 ? this.wideDelta.get(seq)! : cell;
    const got = this.reader?.read(this.recordOffset(seq) + delta, len);
    return got !== undefined && got.length === len ? got : Buffer.alloc(0);
  }

  /** Messages whose bytes are held in memory (the rest are re-read from the capture). */
  get copiedMessages(): number {
    return this.copies.size;
  }
}
