/**
 * Transactions of one call. Matching follows RFC 3261 §17.1.3 (client side): top Via branch
 * with the `z9hG4bK` cookie + CSeq method; CANCEL and ACK-to-non-2xx share the INVITE's branch
 * but key on their own method and are linked to the INVITE. Without the cookie (RFC 2543
 * peers, §17.2.3 last paragraph) the key is CSeq number + From tag + top Via sent-by (+ the old
 * branch, if any) + method; the call already scopes the Call-ID.
 */
import type { SipMessage } from '../sip/types.js';
import { viaSentBy } from './name-addr.js';
import type { Train } from './retransmit.js';
import type { Endpoint, MessageEntry, PacketTime, TransactionRecord } from './types.js';

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

/** Transaction key of a request or response (responses carry the request's top Via and CSeq). */
export function transactionKey(msg: SipMessage): TransactionKey {
  const method = (msg.cseqMethod || msg.method || '').toUpperCase();
  const branch = msg.viaBranch;
  if (hasMagicCookie(branch)) return { base: `b\0${branch}`, method, rfc3261: true };
  // RFC 2543 fallback: read the top Via only here, lazily (rare on modern networks).
  const sentBy = viaSentBy(msg.header('Via'));
  return { base: `l\0${msg.cseqNumber}\0${msg.fromTag ?? ''}\0${sentBy}\0${branch ?? ''}`, method, rfc3261: false };
}

export class TransactionImpl implements TransactionRecord {
  request?: MessageEntry;
  dialogIndex = 0;
  readonly responses: MessageEntry[] = [];
  firstResponse?: MessageEntry;
  finalResponse?: MessageEntry;
  firstResponseMs?: number;
  finalResponseMs?: number;
  finalCode?: number;
  retransmissions = 0;
  requestTrain?: Train;
  readonly responseTrains: Train[] = [];
  timedOut = false;
  inviteIndex?: number;
  cancelIndex?: number;
  ackIndex?: number;
  /** A provisional response was seen (Timer B stops; Timer E moves to T2). */
  provisionalSeen = false;
  /** Request direction, for retransmission (same src,dst) and response matching. */
  reqSrc?: Endpoint;
  reqDst?: Endpoint;
  reqSrcIp?: string;
  reqDstIp?: string;

  constructor(
    readonly index: number,
    readonly key: string,
    readonly base: string,
    readonly method: string,
    readonly cseqNumber: number,
    readonly branch: string | undefined,
    readonly rfc3261: boolean,
    readonly initial: boolean,
    readonly startTs: PacketTime,
  ) {}

  responseTrain(statusCode: number, toTag: string | undefined): Train | undefined {
    for (const t of this.responseTrains) if (t.statusCode === statusCode && t.toTag === toTag) return t;
    return undefined;
  }
}

export class TransactionTable {
  readonly list: TransactionImpl[] = [];
  /** Usually one transaction per key; several when the same key is seen at several hops. */
  private readonly byKey = new Map<string, TransactionImpl[]>();

  create(key: TransactionKey, msg: SipMessage, initial: boolean, ts: PacketTime): TransactionImpl {
    const full = `${key.base}\0${key.method}`;
    const branch = msg.viaBranch;
    const txn = new TransactionImpl(this.list.length + 1, full, key.base, key.method, msg.cseqNumber, branch, key.rfc3261, initial, ts);
    this.list.push(txn);
    const same = this.byKey.get(full);
    if (same === undefined) this.byKey.set(full, [txn]);
    else same.push(txn);
    return txn;
  }

  /** The transaction a request belongs to: same key and same direction, or one known only from responses. */
  forRequest(key: TransactionKey, src: Endpoint, dst: Endpoint): TransactionImpl | undefined {
    const same = this.byKey.get(`${key.base}\0${key.method}`);
    if (same === undefined) return undefined;
    for (let i = same.length - 1; i >= 0; i--) {
      const t = same[i]!;
      if (t.request === undefined || (t.reqSrc === src && t.reqDst === dst)) return t;
    }
    return undefined;
  }

  /**
   * The transaction a response belongs to. When a key was seen at several hops, the one whose
   * request went to the responder's address wins (ports are ignored: UDP responses may leave
   * from another port, RFC 3261 §18.2.2).
   */
  forResponse(key: TransactionKey, srcIp: string, dstIp: string): TransactionImpl | undefined {
    const same = this.byKey.get(`${key.base}\0${key.method}`);
    if (same === undefined) return undefined;
    if (same.length === 1) return same[0];
    for (let i = same.length - 1; i >= 0; i--) if (same[i]!.reqDstIp === srcIp) return same[i];
    for (let i = same.length - 1; i >= 0; i--) if (same[i]!.reqSrcIp === dstIp) return same[i];
    return same[same.length - 1];
  }

  /** The INVITE a CANCEL or a non-2xx ACK belongs to (same branch / same RFC 2543 base). */
  inviteByBase(base: string, dst: Endpoint): TransactionImpl | undefined {
    const same = this.byKey.get(`${base}\0INVITE`);
    if (same === undefined) return undefined;
    for (let i = same.length - 1; i >= 0; i--) if (same[i]!.reqDst === dst) return same[i];
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
