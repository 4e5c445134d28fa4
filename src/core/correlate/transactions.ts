/**
 * Transactions of one call. Matching follows RFC 3261 §17.1.3 (client side): top Via branch
 * with the `z9hG4bK` cookie + CSeq method; CANCEL and ACK-to-non-2xx share the INVITE's branch
 * but key on their own method and are linked to the INVITE. Without the cookie (RFC 2543
 * peers, §17.2.3 last paragraph) the key is CSeq number + From tag + top Via sent-by (+ the old
 * branch, if any) + method; the call already scopes the Call-ID.
 */
import type { SipMessage } from '../sip/types.js';
import { viaSentBy } from './name-addr.js';
import type { MessageFlow } from './flow-table.js';
import type { MessageTable } from './message-table.js';
import { retransmitRule, Train } from './retransmit.js';
import { storedEntry } from './stored-message.js';
import type { Endpoint, MessageEntry, PacketTime, RetransmitTrain, TransactionRecord } from './types.js';

/** RFC 3261 §8.1.1.7: branches of compliant elements start with this cookie. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

export interface TransactionKey {
  /** Everything but the method: shared by an INVITE, its CANCEL and its non-2xx ACK. */
  readonly base: string;
  readonly method: string;
  readonly rfc3261: boolean;
}

export function hasMagicCookie(branch: string | undefined): boolean {
  return branch !== undefined && branch.length >= 7 && branch.slice(0, 7).toLowerCase() === 'z9hg4bk';
}

/** Upper-case method, returning the parser's own (shared) string when it already is. */
export function upperMethod(m: string): string {
  for (let i = 0; i < m.length; i++) {
    const c = m.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) return m.toUpperCase();
  }
  return m;
}

/** Transaction key of a request or response (responses carry the request's top Via and CSeq). */
export function transactionKey(msg: SipMessage): TransactionKey {
  const method = upperMethod(msg.cseqMethod || msg.method || '');
  const branch = msg.viaBranch;
  if (hasMagicCookie(branch)) return { base: `b\0${branch}`, method, rfc3261: true };
  // RFC 2543 fallback: read the top Via only here, lazily (rare on modern networks).
  const sentBy = viaSentBy(msg.header('Via'));
  return { base: `l\0${msg.cseqNumber}\0${msg.fromTag ?? ''}\0${sentBy}\0${branch ?? ''}`, method, rfc3261: false };
}

/** Transactions per call looked up by scanning; above this a key index is built. */
export const TRANSACTION_SCAN_LIMIT = 16;

const NO_SEQS: readonly number[] = Object.freeze([]);

/**
 * One transaction. Messages are kept as table seqs (stored-message.ts makes the entries on
 * demand); trains exist only for messages that were resent.
 */
export class TransactionImpl implements TransactionRecord {
  /** Seq of the first copy of the request; 0 when only responses were captured. */
  requestSeq = 0;
  dialogIndex = 0;
  /** Every response seq, resends included, in capture order (exact-size: most have 1-3). */
  responseSeqs: readonly number[] = NO_SEQS;
  finalResponseSeq = 0;
  /** Trains of the messages that were resent (request and/or responses). */
  private resent?: Train[];
  timedOut = false;
  inviteIndex?: number;
  cancelIndex?: number;
  ackIndex?: number;
  /** A provisional response was seen (Timer B stops; Timer E moves to T2). */
  provisionalSeen = false;

  constructor(
    private readonly table: MessageTable,
    readonly index: number,
    /** base + NUL + method: the lookup key (holds the branch, see `branch`). */
    readonly key: string,
    readonly method: string,
    readonly rfc3261: boolean,
    readonly initial: boolean,
    /** Seq of the message that opened it (its request, or a response when that came first). */
    readonly openedBy: number,
  ) {}

  get firstResponseSeq(): number {
    return this.responseSeqs[0] ?? 0;
  }
  get finalCode(): number | undefined {
    return this.finalResponseSeq === 0 ? undefined : this.table.statusCode(this.finalResponseSeq);
  }
  /** Resends of the request and of every response. */
  get retransmissions(): number {
    let n = 0;
    if (this.resent !== undefined) for (const t of this.resent) n += t.count;
    return n;
  }
  /** Flow of the request (direction for resends and response matching). */
  get reqFlow(): MessageFlow | undefined {
    return this.requestSeq === 0 ? undefined : this.table.flow(this.requestSeq);
  }

  get startTs(): PacketTime {
    return { tsSec: this.table.tsSec(this.openedBy), tsNsec: this.table.tsNsec(this.openedBy) };
  }
  get cseqNumber(): number {
    return this.table.cseqNumber(this.openedBy);
  }
  /** Request → first response (any), ms; undefined when the request came after it or never. */
  get firstResponseMs(): number | undefined {
    return this.msFromRequest(this.firstResponseSeq);
  }
  /** Request → first final response, ms. */
  get finalResponseMs(): number | undefined {
    return this.msFromRequest(this.finalResponseSeq);
  }
  private msFromRequest(seq: number): number | undefined {
    const r = this.requestSeq;
    if (r === 0 || seq === 0 || seq < r) return undefined;
    const t = this.table;
    return (t.tsSec(seq) - t.tsSec(r)) * 1000 + (t.tsNsec(seq) - t.tsNsec(r)) / 1e6;
  }

  /** The top Via branch, read back from the key (`b\0branch` or RFC 2543 `…\0branch`). */
  get branch(): string | undefined {
    const end = this.key.lastIndexOf('\0');
    const start = this.rfc3261 ? 2 : this.key.lastIndexOf('\0', end - 1) + 1;
    const b = this.key.slice(start, end);
    return b === '' ? undefined : b;
  }

  get request(): MessageEntry | undefined {
    return this.requestSeq === 0 ? undefined : storedEntry(this.table, this.requestSeq);
  }
  get responses(): readonly MessageEntry[] {
    return this.responseSeqs.map((s) => storedEntry(this.table, s));
  }
  get firstResponse(): MessageEntry | undefined {
    return this.firstResponseSeq === 0 ? undefined : storedEntry(this.table, this.firstResponseSeq);
  }
  get finalResponse(): MessageEntry | undefined {
    return this.finalResponseSeq === 0 ? undefined : storedEntry(this.table, this.finalResponseSeq);
  }

  /** The train of the copy `firstSeq` (a zero-count one when it was never resent). */
  private trainOf(kind: 'request' | 'response', firstSeq: number): Train {
    const found = this.resent?.find((t) => t.firstSeq === firstSeq);
    if (found !== undefined) return found;
    const code = kind === 'response' ? this.table.statusCode(firstSeq) : undefined;
    return new Train(kind, retransmitRule(kind, this.method, code, this.table.flow(firstSeq).transport), this.table, firstSeq);
  }

  get requestTrain(): RetransmitTrain | undefined {
    return this.requestSeq === 0 ? undefined : this.trainOf('request', this.requestSeq);
  }
  get responseTrains(): readonly RetransmitTrain[] {
    const out: RetransmitTrain[] = [];
    for (const s of this.responseSeqs) if (!this.table.retransmission(s)) out.push(this.trainOf('response', s));
    return out;
  }

  /** Records a resend of the copy `firstSeq` at `ts`. */
  resend(kind: 'request' | 'response', firstSeq: number, ts: PacketTime, afterProvisional: boolean): void {
    let t = this.resent?.find((x) => x.firstSeq === firstSeq);
    if (t === undefined) {
      t = this.trainOf(kind, firstSeq);
      (this.resent ??= []).push(t);
    }
    t.resend(ts, afterProvisional);
  }

  addResponse(seq: number): void {
    // copy on append: a pushed array reserves 17 slots, and there are millions of these
    this.responseSeqs = this.responseSeqs === NO_SEQS ? [seq] : this.responseSeqs.concat(seq);
  }

  /**
   * The earlier response this one resends: same status code, same dialog (= same To tag within
   * one transaction) and the same presence of a To tag; 0 when it is a new response.
   */
  firstCopyOf(code: number, dialogIndex: number, hasToTag: boolean): number {
    for (const s of this.responseSeqs) {
      const t = this.table;
      if (!t.retransmission(s) && t.statusCode(s) === code && t.dialogIndex(s) === dialogIndex && t.hasToTag(s) === hasToTag) return s;
    }
    return 0;
  }
}

export class TransactionTable {
  readonly list: TransactionImpl[] = [];
  /**
   * Usually one transaction per key; several when the same key is seen at several hops. Made
   * only for calls with many transactions: most calls have a handful, scanned directly.
   */
  private byKey?: Map<string, TransactionImpl[]>;

  constructor(private readonly table: MessageTable) {}

  /** A new transaction opened by message `seq` (its row is appended right after). */
  create(key: TransactionKey, seq: number, initial: boolean): TransactionImpl {
    const full = `${key.base}\0${key.method}`;
    const txn = new TransactionImpl(this.table, this.list.length + 1, full, key.method, key.rfc3261, initial, seq);
    this.list.push(txn);
    if (this.byKey !== undefined) this.index(txn);
    else if (this.list.length > TRANSACTION_SCAN_LIMIT) {
      this.byKey = new Map();
      for (const t of this.list) this.index(t);
    }
    return txn;
  }

  private index(t: TransactionImpl): void {
    const same = this.byKey!.get(t.key);
    if (same === undefined) this.byKey!.set(t.key, [t]);
    else same.push(t);
  }

  /** Transactions with this full key, oldest first. */
  private withKey(full: string): readonly TransactionImpl[] | undefined {
    if (this.byKey !== undefined) return this.byKey.get(full);
    let out: TransactionImpl[] | undefined;
    for (const t of this.list) if (t.key === full) (out ??= []).push(t);
    return out;
  }

  /** The transaction a request belongs to: same key and same direction, or one known only from responses. */
  forRequest(key: TransactionKey, src: Endpoint, dst: Endpoint): TransactionImpl | undefined {
    const same = this.withKey(`${key.base}\0${key.method}`);
    if (same === undefined) return undefined;
    for (let i = same.length - 1; i >= 0; i--) {
      const t = same[i]!;
      if (t.reqFlow === undefined || (t.reqFlow.srcEndpoint === src && t.reqFlow.dstEndpoint === dst)) return t;
    }
    return undefined;
  }

  /**
   * The transaction a response belongs to. When a key was seen at several hops, the one whose
   * request went to the responder's address wins (ports are ignored: UDP responses may leave
   * from another port, RFC 3261 §18.2.2).
   */
  forResponse(key: TransactionKey, srcIp: string, dstIp: string): TransactionImpl | undefined {
    const same = this.withKey(`${key.base}\0${key.method}`);
    if (same === undefined) return undefined;
    if (same.length === 1) return same[0];
    for (let i = same.length - 1; i >= 0; i--) if (same[i]!.reqFlow?.dst === srcIp) return same[i];
    for (let i = same.length - 1; i >= 0; i--) if (same[i]!.reqFlow?.src === dstIp) return same[i];
    return same[same.length - 1];
  }

  /** The INVITE a CANCEL or a non-2xx ACK belongs to (same branch / same RFC 2543 base). */
  inviteByBase(base: string, dst: Endpoint): TransactionImpl | undefined {
    const same = this.withKey(`${base}\0INVITE`);
    if (same === undefined) return undefined;
    for (let i = same.length - 1; i >= 0; i--) if (same[i]!.reqFlow?.dstEndpoint === dst) return same[i];
    return same[same.length - 1];
  }

  /** RFC 3261 §13.2.2.4: the ACK to a 2xx has a new branch but the INVITE's CSeq number. */
  inviteByCseq(cseqNumber: number, dialogIndex: number): TransactionImpl | undefined {
    let fallback: TransactionImpl | undefined;
    for (let i = this.list.length - 1; i >= 0; i--) {
      const t = this.list[i]!;
      if (t.method !== 'INVITE' || t.cseqNumber !== cseqNumber) continue;
      if (dialogIndex === 0 || t.dialogIndex === dialogIndex) return t;
      fallback ??= t;
    }
    return fallback;
  }
}
