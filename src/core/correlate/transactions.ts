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
import { StoredMessage, storedEntry } from './stored-message.js';
import { keyHash, TXN_INITIAL, TXN_PROVISIONAL_SEEN, TXN_RFC3261, TXN_TIMED_OUT, TxnColumns, TxnField } from './txn-columns.js';
import type { Endpoint, MessageEntry, PacketTime, RetransmitTrain, TransactionRecord } from './types.js';

/** RFC 3261 §8.1.1.7: branches of compliant elements start with this cookie. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

export interface TransactionKey {
  /** Everything but the method: shared by an INVITE, its CANCEL and its non-2xx ACK. */
  readonly base: string;
  readonly method: string;
  readonly rfc3261: boolean;
  /** keyHash of base + NUL + method, computed once per message. */
  readonly hash: number;
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
  if (hasMagicCookie(branch)) return keyOf(`b\0${branch}`, method, true);
  // RFC 2543 fallback: read the top Via only here, lazily (rare on modern networks).
  const sentBy = viaSentBy(msg.header('Via'));
  return keyOf(`l\0${msg.cseqNumber}\0${msg.fromTag ?? ''}\0${sentBy}\0${branch ?? ''}`, method, false);
}

function keyOf(base: string, method: string, rfc3261: boolean): TransactionKey {
  return { base, method, rfc3261, hash: keyHash(`${base}\0${method}`) };
}

/** Transactions per call looked up by scanning; above this a key index is built. */
export const TRANSACTION_SCAN_LIMIT = 16;

/** What every call's transactions share: the row columns, the message table, resend trains. */
export class TxnContext {
  readonly cols = new TxnColumns();
  /** Trains of resent messages, by transaction row (most transactions have none). */
  readonly resent = new Map<number, Train[]>();
  constructor(readonly table: MessageTable) {}
}

/**
 * One transaction: a view of its row (txn-columns.ts), made on demand; compare by `row` or
 * `index`, never by identity. Messages are table seqs; trains exist only for resent messages.
 */
export class TransactionImpl implements TransactionRecord {
  constructor(
    private readonly ctx: TxnContext,
    readonly row: number,
  ) {}

  private get cols(): TxnColumns {
    return this.ctx.cols;
  }
  get index(): number {
    return this.cols.get(this.row, TxnField.Index);
  }
  /** Hash of base + NUL + method, the lookup key. */
  get keyHash(): number {
    return this.cols.keyHash(this.row);
  }
  get method(): string {
    return this.cols.method(this.row);
  }
  get rfc3261(): boolean {
    return this.cols.hasFlag(this.row, TXN_RFC3261);
  }
  get initial(): boolean {
    return this.cols.hasFlag(this.row, TXN_INITIAL);
  }
  /** Seq of the message that opened it (its request, or a response when that came first). */
  get openedBy(): number {
    return this.cols.get(this.row, TxnField.OpenedBy);
  }
  /** Seq of the first copy of the request; 0 when only responses were captured. */
  get requestSeq(): number {
    return this.cols.get(this.row, TxnField.RequestSeq);
  }
  set requestSeq(v: number) {
    this.cols.set(this.row, TxnField.RequestSeq, v);
  }
  get dialogIndex(): number {
    return this.cols.get(this.row, TxnField.DialogIndex);
  }
  set dialogIndex(v: number) {
    this.cols.set(this.row, TxnField.DialogIndex, v);
  }
  get firstResponseSeq(): number {
    return this.cols.get(this.row, TxnField.FirstResponseSeq);
  }
  get finalResponseSeq(): number {
    return this.cols.get(this.row, TxnField.FinalResponseSeq);
  }
  set finalResponseSeq(v: number) {
    this.cols.set(this.row, TxnField.FinalResponseSeq, v);
  }
  get timedOut(): boolean {
    return this.cols.hasFlag(this.row, TXN_TIMED_OUT);
  }
  set timedOut(v: boolean) {
    this.cols.setFlag(this.row, TXN_TIMED_OUT, v);
  }
  /** A provisional response was seen (Timer B stops; Timer E moves to T2). */
  get provisionalSeen(): boolean {
    return this.cols.hasFlag(this.row, TXN_PROVISIONAL_SEEN);
  }
  set provisionalSeen(v: boolean) {
    this.cols.setFlag(this.row, TXN_PROVISIONAL_SEEN, v);
  }
  get inviteIndex(): number | undefined {
    return this.optional(TxnField.InviteIndex);
  }
  set inviteIndex(v: number | undefined) {
    this.cols.set(this.row, TxnField.InviteIndex, v ?? 0);
  }
  get cancelIndex(): number | undefined {
    return this.optional(TxnField.CancelIndex);
  }
  set cancelIndex(v: number | undefined) {
    this.cols.set(this.row, TxnField.CancelIndex, v ?? 0);
  }
  get ackIndex(): number | undefined {
    return this.optional(TxnField.AckIndex);
  }
  set ackIndex(v: number | undefined) {
    this.cols.set(this.row, TxnField.AckIndex, v ?? 0);
  }
  private optional(f: TxnField): number | undefined {
    const v = this.cols.get(this.row, f);
    return v === 0 ? undefined : v;
  }

  /** Every response seq, resends included, in capture order (the table's per-transaction chain). */
  get responseSeqs(): readonly number[] {
    const out: number[] = [];
    const t = this.ctx.table;
    for (let s = this.firstResponseSeq; s !== 0; s = t.nextInTxn(s)) out.push(s);
    return out;
  }
  get finalCode(): number | undefined {
    const f = this.finalResponseSeq;
    return f === 0 ? undefined : this.ctx.table.statusCode(f);
  }
  /** Resends of the request and of every response. */
  get retransmissions(): number {
    let n = 0;
    const trains = this.ctx.resent.get(this.row);
    if (trains !== undefined) for (const t of trains) n += t.count;
    return n;
  }
  /** Flow of the request (direction for resends and response matching). */
  get reqFlow(): MessageFlow | undefined {
    const r = this.requestSeq;
    return r === 0 ? undefined : this.ctx.table.flow(r);
  }
  get startTs(): PacketTime {
    const t = this.ctx.table;
    return { tsSec: t.tsSec(this.openedBy), tsNsec: t.tsNsec(this.openedBy) };
  }
  get cseqNumber(): number {
    return this.ctx.table.cseqNumber(this.openedBy);
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
    const t = this.ctx.table;
    return (t.tsSec(seq) - t.tsSec(r)) * 1000 + (t.tsNsec(seq) - t.tsNsec(r)) / 1e6;
  }

  /** The top Via branch, read again from the message that opened the transaction. */
  get branch(): string | undefined {
    const b = new StoredMessage(this.ctx.table, this.openedBy).viaBranch;
    return b === '' ? undefined : b;
  }

  get request(): MessageEntry | undefined {
    const r = this.requestSeq;
    return r === 0 ? undefined : storedEntry(this.ctx.table, r);
  }
  get responses(): readonly MessageEntry[] {
    return this.responseSeqs.map((s) => storedEntry(this.ctx.table, s));
  }
  get firstResponse(): MessageEntry | undefined {
    const f = this.firstResponseSeq;
    return f === 0 ? undefined : storedEntry(this.ctx.table, f);
  }
  get finalResponse(): MessageEntry | undefined {
    const f = this.finalResponseSeq;
    return f === 0 ? undefined : storedEntry(this.ctx.table, f);
  }

  /** The train of the copy `firstSeq` (a zero-count one when it was never resent). */
  private trainOf(kind: 'request' | 'response', firstSeq: number): Train {
    const found = this.ctx.resent.get(this.row)?.find((t) => t.firstSeq === firstSeq);
    if (found !== undefined) return found;
    const table = this.ctx.table;
    const code = kind === 'response' ? table.statusCode(firstSeq) : undefined;
    return new Train(kind, retransmitRule(kind, this.method, code, table.flow(firstSeq).transport), table, firstSeq);
  }

  get requestTrain(): RetransmitTrain | undefined {
    const r = this.requestSeq;
    return r === 0 ? undefined : this.trainOf('request', r);
  }
  get responseTrains(): readonly RetransmitTrain[] {
    const out: RetransmitTrain[] = [];
    const table = this.ctx.table;
    for (const s of this.responseSeqs) if (!table.retransmission(s)) out.push(this.trainOf('response', s));
    return out;
  }

  /** Records a resend of the copy `firstSeq` at `ts`. */
  resend(kind: 'request' | 'response', firstSeq: number, ts: PacketTime, afterProvisional: boolean): void {
    let trains = this.ctx.resent.get(this.row);
    let t = trains?.find((x) => x.firstSeq === firstSeq);
    if (t === undefined) {
      t = this.trainOf(kind, firstSeq);
      if (trains === undefined) this.ctx.resent.set(this.row, (trains = []));
      trains.push(t);
    }
    t.resend(ts, afterProvisional);
  }

  /** Appends a response (its row must be in the table already). */
  addResponse(seq: number): void {
    const last = this.cols.get(this.row, TxnField.LastResponseSeq);
    if (last === 0) this.cols.set(this.row, TxnField.FirstResponseSeq, seq);
    else this.ctx.table.linkInTxn(last, seq);
    this.cols.set(this.row, TxnField.LastResponseSeq, seq);
  }

  /**
   * The earlier response this one resends: same status code, same dialog (= same To tag within
   * one transaction) and the same presence of a To tag; 0 when it is a new response.
   */
  firstCopyOf(code: number, dialogIndex: number, hasToTag: boolean): number {
    const t = this.ctx.table;
    for (let s = this.firstResponseSeq; s !== 0; s = t.nextInTxn(s)) {
      if (!t.retransmission(s) && t.statusCode(s) === code && t.dialogIndex(s) === dialogIndex && t.hasToTag(s) === hasToTag) return s;
    }
    return 0;
  }
}

/** One call's transactions: a chain of rows, plus a key index for calls with many. */
export class TransactionTable {
  private firstRow = -1;
  private lastRow = -1;
  private count = 0;
  /** Rows by index - 1, and rows by key: made only past TRANSACTION_SCAN_LIMIT transactions. */
  private rowsByIndex?: number[];
  private byKey?: Map<number, number[]>;

  constructor(private readonly ctx: TxnContext) {}

  /** Every transaction, index order (views made on demand). */
  get list(): readonly TransactionImpl[] {
    const out: TransactionImpl[] = [];
    for (let r = this.firstRow; r >= 0; r = this.ctx.cols.get(r, TxnField.NextInCall) - 1) out.push(new TransactionImpl(this.ctx, r));
    return out;
  }

  /** Transaction by its 1-based index. */
  at(index: number): TransactionImpl | undefined {
    if (index < 1 || index > this.count) return undefined;
    if (this.rowsByIndex !== undefined) return new TransactionImpl(this.ctx, this.rowsByIndex[index - 1]!);
    let r = this.firstRow;
    for (let i = 1; i < index; i++) r = this.ctx.cols.get(r, TxnField.NextInCall) - 1;
    return new TransactionImpl(this.ctx, r);
  }

  /** A new transaction opened by message `seq` (its row is appended right after). */
  create(key: TransactionKey, seq: number, initial: boolean): TransactionImpl {
    const cols = this.ctx.cols;
    const row = cols.add(this.count + 1, key.hash, key.method, (key.rfc3261 ? TXN_RFC3261 : 0) | (initial ? TXN_INITIAL : 0), seq);
    if (this.lastRow >= 0) cols.set(this.lastRow, TxnField.NextInCall, row + 1);
    else this.firstRow = row;
    this.lastRow = row;
    this.count++;
    if (this.byKey !== undefined) this.index(row);
    else if (this.count > TRANSACTION_SCAN_LIMIT) {
      this.byKey = new Map();
      this.rowsByIndex = [];
      for (let r = this.firstRow; r >= 0; r = cols.get(r, TxnField.NextInCall) - 1) this.index(r);
    }
    return new TransactionImpl(this.ctx, row);
  }

  private index(row: number): void {
    this.rowsByIndex!.push(row);
    const k = this.ctx.cols.keyHash(row);
    const same = this.byKey!.get(k);
    if (same === undefined) this.byKey!.set(k, [row]);
    else same.push(row);
  }

  /** Transactions with this full key, oldest first. */
  private withKey(h: number): TransactionImpl[] | undefined {
    let rows: readonly number[] | undefined;
    if (this.byKey !== undefined) rows = this.byKey.get(h);
    else {
      const cols = this.ctx.cols;
      let found: number[] | undefined;
      for (let r = this.firstRow; r >= 0; r = cols.get(r, TxnField.NextInCall) - 1) if (cols.keyHash(r) === h) (found ??= []).push(r);
      rows = found;
    }
    return rows?.map((r) => new TransactionImpl(this.ctx, r));
  }

  /** The transaction a request belongs to: same key and same direction, or one known only from responses. */
  forRequest(key: TransactionKey, src: Endpoint, dst: Endpoint): TransactionImpl | undefined {
    const same = this.withKey(key.hash);
    if (same === undefined) return undefined;
    for (let i = same.length - 1; i >= 0; i--) {
      const t = same[i]!;
      const f = t.reqFlow;
      if (f === undefined || (f.srcEndpoint === src && f.dstEndpoint === dst)) return t;
    }
    return undefined;
  }

  /**
   * The transaction a response belongs to. When a key was seen at several hops, the one whose
   * request went to the responder's address wins (ports are ignored: UDP responses may leave
   * from another port, RFC 3261 §18.2.2).
   */
  forResponse(key: TransactionKey, srcIp: string, dstIp: string): TransactionImpl | undefined {
    const same = this.withKey(key.hash);
    if (same === undefined) return undefined;
    if (same.length === 1) return same[0];
    for (let i = same.length - 1; i >= 0; i--) if (same[i]!.reqFlow?.dst === srcIp) return same[i];
    for (let i = same.length - 1; i >= 0; i--) if (same[i]!.reqFlow?.src === dstIp) return same[i];
    return same[same.length - 1];
  }

  /** The INVITE a CANCEL or a non-2xx ACK belongs to (same branch / same RFC 2543 base). */
  inviteByBase(base: string, dst: Endpoint): TransactionImpl | undefined {
    const same = this.withKey(keyHash(`${base}\0INVITE`));
    if (same === undefined) return undefined;
    for (let i = same.length - 1; i >= 0; i--) if (same[i]!.reqFlow?.dstEndpoint === dst) return same[i];
    return same[same.length - 1];
  }

  /** RFC 3261 §13.2.2.4: the ACK to a 2xx has a new branch but the INVITE's CSeq number. */
  inviteByCseq(cseqNumber: number, dialogIndex: number): TransactionImpl | undefined {
    let fallback: TransactionImpl | undefined;
    const list = this.list;
    for (let i = list.length - 1; i >= 0; i--) {
      const t = list[i]!;
      if (t.method !== 'INVITE' || t.cseqNumber !== cseqNumber) continue;
      if (dialogIndex === 0 || t.dialogIndex === dialogIndex) return t;
      fallback ??= t;
    }
    return fallback;
  }
}
