/**
 * CallCorrelator: SIP messages in capture order → calls (by Call-ID), each with dialogs,
 * transactions, resend checks, state and timings. Pure: time is packet time only, and
 * transaction timeouts fire when a later packet (or `advanceTo`) shows 64*T1 has passed.
 */
import type { SipMessage } from '../sip/types.js';
import { CallImpl, type ScheduleTimeout } from './call.js';
import { MessageTable, type PayloadReader } from './message-table.js';
import { TRANSACTION_TIMEOUT_MS } from './retransmit.js';
import { storedEntry } from './stored-message.js';
import { diffMs } from './time.js';
import { DeadlineQueue } from './timer-queue.js';
import { TransactionImpl, TxnContext } from './transactions.js';
import type { CallRecord, MessageEntry, PacketTime } from './types.js';

/** Headers that name the A-leg's Call-ID in a B-leg (sngrep's `sip.xcid` default, Homer's X-CID). */
export const DEFAULT_RELATED_CALL_HEADERS: readonly string[] = ['X-Call-ID', 'X-CID'];

/**
 * Call-IDs referenced by a related-call header before that call was seen, kept so the link is
 * made when it appears. Bounded because a live capture may see B-legs whose A-leg never shows
 * up; the oldest references are dropped first.
 */
export const MAX_PENDING_RELATED_CALL_IDS = 10_000;

export interface CorrelatorOptions {
  /** Header names whose value is another call's Call-ID (case-insensitive). */
  readonly relatedCallHeaders?: readonly string[];
  /** Reads message bytes again from the capture; without it every message keeps a copy. */
  readonly payloadReader?: PayloadReader;
}

export class CallCorrelator {
  private readonly list: CallImpl[] = [];
  private readonly byCallId = new Map<string, CallImpl>();
  /** Transaction timeouts: (call index, transaction row) by deadline. */
  private readonly deadlines = new DeadlineQueue();
  private readonly relatedHeaders: readonly string[];
  /** Referenced Call-ID → indexes of the calls that reference it. */
  private readonly pendingRelated = new Map<string, number[]>();
  /**
   * Deadlines are kept in ms relative to the first packet time, not as absolute epoch ms:
   * near 1.7e12 a double resolves only ~0.2 µs, relative values keep nanoseconds exact enough.
   */
  private origin?: PacketTime;
  private nowMs = Number.NEGATIVE_INFINITY;
  private seq = 0;
  private ended = false;
  private versionCounter = 0;

  /** Every message placed so far, one compact row each. */
  readonly table: MessageTable;
  /** Every transaction, one compact row each. */
  private readonly txnContext: TxnContext;

  constructor(options: CorrelatorOptions = {}) {
    this.relatedHeaders = options.relatedCallHeaders ?? DEFAULT_RELATED_CALL_HEADERS;
    this.table = new MessageTable(options.payloadReader, (i) => this.list[i - 1]?.callId ?? '');
    this.txnContext = new TxnContext(this.table);
  }

  /** Bumps on every change to any call. */
  get version(): number {
    return this.versionCounter;
  }

  /** Messages received so far (the last message seq). */
  get messageCount(): number {
    return this.seq;
  }

  /** One function for every call (a closure per call cost ~100 bytes each). */
  private readonly scheduleTimeout: ScheduleTimeout = (c, t) => this.deadlines.push(this.relMs(t.startTs) + TRANSACTION_TIMEOUT_MS, c.index, t.row);
  private readonly fireTimeout = (callIndex: number, row: number): void => {
    if (this.list[callIndex - 1]!.onTimeout(new TransactionImpl(this.txnContext, row))) this.versionCounter++;
  };

  /**
   * Adds one message, in capture order. Returns where it was placed (the entry holds `msg`
   * itself; what is kept is a table row). `payloadAt`: the capture offset of msg.raw when
   * those bytes are verbatim in the capture (the decoder knows), else -1: a copy is kept.
   */
  add(msg: SipMessage, payloadAt = -1): MessageEntry {
    this.seq++;
    let call = this.byCallId.get(msg.callId);
    if (call === undefined) {
      call = new CallImpl(this.list.length + 1, msg.callId, msg, this.seq, this.txnContext, this.scheduleTimeout);
      this.list.push(call);
      this.byCallId.set(msg.callId, call);
      this.resolvePendingRelated(call);
    }
    const entry = call.add(msg, this.seq, payloadAt);
    // Related-call headers are looked up (lazily parsed) only on new out-of-dialog requests.
    if (msg.isRequest && !entry.retransmission && (msg.toTag === undefined || msg.toTag === '')) this.linkRelated(call, msg);
    this.versionCounter++;
    this.advanceTo(msg);
    return entry;
  }

  /**
   * Moves packet time forward without a SIP message (e.g. RTP or any other packet of a live
   * capture), firing transaction timeouts that are due.
   */
  advanceTo(t: PacketTime): void {
    const ms = this.relMs(t);
    if (ms > this.nowMs) this.nowMs = ms;
    this.deadlines.popDue(this.nowMs, this.fireTimeout);
  }

  /**
   * End of input (end of file): unanswered transactions and unfinished calls are settled
   * (FAILED / NO ANSWER / CANCELLED). Idempotent.
   */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.deadlines.drain();
    for (const call of this.list) call.onEnd();
    this.versionCounter++;
  }

  /** Every call, in first-seen order (index i+1 at position i). */
  calls(): readonly CallRecord[] {
    return this.list;
  }

  /** Call by its 1-based index. */
  call(index: number): CallRecord | undefined {
    return this.list[index - 1];
  }

  /** The message with this seq (made on demand), or undefined. */
  entry(seq: number): MessageEntry | undefined {
    return seq >= 1 && seq <= this.table.count ? storedEntry(this.table, seq) : undefined;
  }

  callById(callId: string): CallRecord | undefined {
    return this.byCallId.get(callId);
  }

  private relMs(t: PacketTime): number {
    this.origin ??= { tsSec: t.tsSec, tsNsec: t.tsNsec };
    return diffMs(this.origin, t);
  }

  private linkRelated(call: CallImpl, msg: SipMessage): void {
    for (const name of this.relatedHeaders) {
      const value = msg.header(name)?.trim();
      if (value === undefined || value === '' || value === call.callId) continue;
      const other = this.byCallId.get(value);
      if (other !== undefined) this.link(call, other);
      else this.rememberPending(value, call.index);
    }
  }

  private link(a: CallImpl, b: CallImpl): void {
    const changedA = a.link(b.index);
    const changedB = b.link(a.index);
    if (changedA || changedB) this.versionCounter++;
  }

  private rememberPending(callId: string, index: number): void {
    const waiting = this.pendingRelated.get(callId);
    if (waiting !== undefined) {
      if (!waiting.includes(index)) waiting.push(index);
      return;
    }
    if (this.pendingRelated.size >= MAX_PENDING_RELATED_CALL_IDS) {
      const oldest = this.pendingRelated.keys().next();
      if (oldest.done !== true) this.pendingRelated.delete(oldest.value);
    }
    this.pendingRelated.set(callId, [index]);
  }

  private resolvePendingRelated(call: CallImpl): void {
    const waiting = this.pendingRelated.get(call.callId);
    if (waiting === undefined) return;
    this.pendingRelated.delete(call.callId);
    for (const i of waiting) {
      const other = this.list[i - 1];
      if (other !== undefined) this.link(call, other);
    }
  }
}
