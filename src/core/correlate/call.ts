/**
 * One call (one Call-ID): places each message in a transaction and a dialog, counts resends,
 * and keeps the state and timings current. Pure; fed in capture order by CallCorrelator.
 */
import type { SipMessage } from '../sip/types.js';
import {
  isAnswered,
  isChallenge,
  nonInviteOutcome,
  stateAtEnd,
  stateOnBye,
  stateOnCancelAnswered,
  stateOnInitialInvite,
  stateOnInviteResponse,
  stateOnInviteTimeout,
  type CallState,
} from './call-state.js';
import { DialogTable } from './dialogs.js';
import type { MessageFlow } from './flow-table.js';
import type { MessageTable } from './message-table.js';
import { StoredMessage, storedEntry } from './stored-message.js';
import { parseParty } from './name-addr.js';
import { rejectionDetail } from './reason-header.js';
import { diffMs, timeOf } from './time.js';
import { TransactionTable, transactionKey, type TransactionImpl, type TxnContext } from './transactions.js';
import type {
  CallRecord,
  CallTimings,
  DialogRecord,
  Endpoint,
  MessageEntry,
  PacketTime,
  Party,
  RejectionDetail,
  TransactionRecord,
} from './types.js';


/** Shared by every call without related calls (most): `link` replaces it, never pushes. */
const NO_RELATED: readonly number[] = Object.freeze([]);

/** Reason phrases kept shared at most (a capture has a few distinct ones; odd ones get their own). */
export const MAX_INTERNED_REASONS = 256;
const internedReasons = new Map<string, string>();

/** One shared string per distinct reason phrase ("OK", "Ringing", …), not one per call. */
function internReason(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  const shared = internedReasons.get(reason);
  if (shared !== undefined) return shared;
  if (internedReasons.size < MAX_INTERNED_REASONS) internedReasons.set(reason, reason);
  return reason;
}

/**
 * Participant lists shared at most per message table (calls through the same hops have equal
 * lists; beyond this each call keeps its own).
 */
export const MAX_SHARED_PARTICIPANT_LISTS = 1024;
/** Per message table (one load): the list of endpoints joined by newlines → one shared list. */
const sharedParticipants = new WeakMap<MessageTable, Map<string, readonly Endpoint[]>>();

/** `list` or an equal list another call of the same table already holds (lists are never mutated). */
function shareParticipants(table: MessageTable, list: readonly Endpoint[]): readonly Endpoint[] {
  let byKey = sharedParticipants.get(table);
  if (byKey === undefined) {
    byKey = new Map();
    sharedParticipants.set(table, byKey);
  }
  const key = list.join('\n');
  const shared = byKey.get(key);
  if (shared !== undefined) return shared;
  if (byKey.size < MAX_SHARED_PARTICIPANT_LISTS) byKey.set(key, list);
  return list;
}

// Booleans of a call, packed in one small integer (one field instead of five).
const F_INVITE_CALL = 1;
const F_FIRST_INITIAL = 2;
const F_CANCEL_SEEN = 4;
const F_AUTH_CHALLENGED = 8;
const F_FORWARDED = 16;

/** Called when a transaction starts that may time out (the correlator keeps the deadlines). */
export type ScheduleTimeout = (call: CallImpl, txn: TransactionImpl) => void;

export class CallImpl extends DialogTable implements CallRecord {
  readonly firstMethod: string;
  /** F_* bits: inviteCall, firstInitial, cancelSeen, authChallenged, forwarded. */
  private flags = 0;
  /** From/To header values and tags of the first message, read into a Party on demand. */
  private readonly fromValue: string | undefined;
  private readonly fromTagValue: string | undefined;
  private readonly toValue: string | undefined;
  private readonly toTagValue: string | undefined;
  /** Seq of the first message and of the latest-timestamped one. */
  private readonly startSeq: number;
  private endSeq: number;
  state: CallState;
  finalCode?: number;
  finalReason?: string;
  rejection?: RejectionDetail;
  retransmissionCount = 0;
  related: readonly number[] = NO_RELATED;
  participants: readonly Endpoint[] = [];
  version = 0;

  private readonly txns: TransactionTable;
  private readonly table: MessageTable;
  /** Current INVITE attempt (restarted by a retry after a challenge or a failure). */
  /** Timing events as message seqs (0 = not yet): the attempt's INVITE, first 18x, 2xx, and the
   * responses / BYE that closed each interval (RFC 6076 §4.1 SRD and the durations). */
  private attemptSeq = 0;
  private ringSeq = 0;
  private answerSeq = 0;
  private srdEndSeq = 0;
  private ringingEndSeq = 0;
  private talkEndSeq = 0;
  private messageTotal = 0;
  private lastSeq = 0;
  /** Latest first-method transaction that decided a non-INVITE outcome. */
  private decidedIndex = 0;

  constructor(
    readonly index: number,
    readonly callId: string,
    first: SipMessage,
    firstSeq: number,
    ctx: TxnContext,
    private readonly schedule: ScheduleTimeout,
  ) {
    super();
    this.table = ctx.table;
    this.txns = new TransactionTable(ctx);
    this.firstMethod = (first.isRequest ? first.method ?? first.cseqMethod : first.cseqMethod || first.method || '').toUpperCase();
    this.fromValue = first.header('From');
    this.fromTagValue = first.fromTag;
    this.toValue = first.header('To');
    this.toTagValue = first.toTag;
    this.startSeq = firstSeq;
    this.endSeq = firstSeq;
    // A response counts as out of dialog, unless it answers a mid-dialog request (its BYE or
    // PRACK was not captured): the call was up (or ringing) before the capture started.
    const firstCseq = first.cseqMethod.toUpperCase();
    const firstInitial = first.isRequest ? first.toTag === undefined || first.toTag === '' : firstCseq !== 'BYE' && firstCseq !== 'PRACK';
    // A capture that starts mid-call first sees a request of an INVITE dialog: an in-dialog
    // INVITE, ACK, BYE, UPDATE or INFO (the call was answered before: IN CALL), a PRACK (early
    // dialog: RINGING) or a CANCEL (setting up). Such a Call-ID is an INVITE call, not an
    // ACK/BYE/CANCEL "dialog" with an outcome of its own.
    const m = this.firstMethod;
    const inviteCall = m === 'INVITE' || m === 'ACK' || m === 'BYE' || m === 'CANCEL' || m === 'PRACK' || (!firstInitial && (m === 'UPDATE' || m === 'INFO'));
    this.flags = (inviteCall ? F_INVITE_CALL : 0) | (firstInitial ? F_FIRST_INITIAL : 0);
    this.state = !inviteCall ? 'PENDING' : firstInitial ? 'CALL SETUP' : m === 'PRACK' ? 'RINGING' : 'IN CALL';
  }

  /** The Call-ID is an INVITE dialog (INVITE first, or a mid-call request of one). */
  private get inviteCall(): boolean {
    return (this.flags & F_INVITE_CALL) !== 0;
  }
  /** The first message was out of dialog (no To tag on a request; responses count as such). */
  private get firstInitial(): boolean {
    return (this.flags & F_FIRST_INITIAL) !== 0;
  }
  private get cancelSeen(): boolean {
    return (this.flags & F_CANCEL_SEEN) !== 0;
  }
  private set cancelSeen(v: boolean) {
    this.setFlag(F_CANCEL_SEEN, v);
  }
  get authChallenged(): boolean {
    return (this.flags & F_AUTH_CHALLENGED) !== 0;
  }
  get forwarded(): boolean {
    return (this.flags & F_FORWARDED) !== 0;
  }
  private setFlag(bit: number, v: boolean): void {
    this.flags = v ? this.flags | bit : this.flags & ~bit;
  }

  get from(): Party {
    return parseParty(this.fromValue, this.fromTagValue);
  }
  get to(): Party {
    return parseParty(this.toValue, this.toTagValue);
  }

  get messageCount(): number {
    return this.messageTotal;
  }
  /** The call's seqs, following the table's per-call chain (no array kept per call). */
  get messageSeqs(): readonly number[] {
    const out: number[] = [];
    for (let s = this.startSeq; s !== 0; s = this.table.nextInCall(s)) out.push(s);
    return out;
  }
  /** Entries made on demand from the message table (a new array and new objects per read). */
  get messages(): readonly MessageEntry[] {
    const out: MessageEntry[] = [];
    for (let s = this.startSeq; s !== 0; s = this.table.nextInCall(s)) out.push(storedEntry(this.table, s));
    return out;
  }
  /** First message's src / dst (the flow's shared strings). */
  get source(): Endpoint {
    return this.table.flow(this.startSeq).srcEndpoint;
  }
  get destination(): Endpoint {
    return this.table.flow(this.startSeq).dstEndpoint;
  }
  get firstEntry(): MessageEntry | undefined {
    return storedEntry(this.table, this.startSeq);
  }
  get startTs(): PacketTime {
    return this.timeAt(this.startSeq);
  }
  get endTs(): PacketTime {
    return this.timeAt(this.endSeq);
  }
  get timings(): CallTimings {
    const t: { -readonly [K in keyof CallTimings]: CallTimings[K] } = { durationMs: this.msBetween(this.startSeq, this.endSeq)! };
    const srd = this.msBetween(this.attemptSeq, this.srdEndSeq);
    if (srd !== undefined) t.srdMs = srd;
    const ringing = this.msBetween(this.ringSeq, this.ringingEndSeq);
    if (ringing !== undefined) t.ringingMs = ringing;
    const answer = this.msBetween(this.attemptSeq, this.answerSeq);
    if (answer !== undefined) t.answerMs = answer;
    const talk = this.msBetween(this.answerSeq, this.talkEndSeq);
    if (talk !== undefined) t.talkMs = talk;
    return t;
  }
  private timeAt(seq: number): PacketTime {
    return { tsSec: this.table.tsSec(seq), tsNsec: this.table.tsNsec(seq) };
  }
  private msBetween(from: number, to: number): number | undefined {
    return from === 0 || to === 0 ? undefined : diffMs(this.timeAt(from), this.timeAt(to));
  }
  protected sameTag(tag: string): string {
    return tag === this.fromTagValue ? this.fromTagValue : tag === this.toTagValue ? this.toTagValue : tag;
  }

  /** A dialog's transactions, from the rows of the call's messages. */
  dialogTransactions(dialogIndex: number): number[] {
    const out: number[] = [];
    const seen = new Set<number>();
    for (let s = this.startSeq; s !== 0; s = this.table.nextInCall(s)) {
      if (this.table.dialogIndex(s) !== dialogIndex) continue;
      const t = this.table.transactionIndex(s);
      if (!seen.has(t)) {
        seen.add(t);
        out.push(t);
      }
    }
    return out;
  }
  /** A dialog's messages (resends included), counted on the rows of the call's messages. */
  dialogMessageCount(dialogIndex: number): number {
    let n = 0;
    for (let s = this.startSeq; s !== 0; s = this.table.nextInCall(s)) if (this.table.dialogIndex(s) === dialogIndex) n++;
    return n;
  }
  get dialogs(): readonly DialogRecord[] {
    return this.dialogList;
  }
  get transactions(): readonly TransactionRecord[] {
    return this.txns.list;
  }

  /** Places one message (seq = correlator order); `payloadAt` as in MessageTable.append. */
  add(msg: SipMessage, seq: number, payloadAt: number): MessageEntry {
    const flow = this.table.flows.intern(msg);
    this.addParticipant(flow.srcEndpoint);
    this.addParticipant(flow.dstEndpoint);
    if (this.endSeq !== seq && diffMs(this.timeAt(this.endSeq), msg) > 0) this.endSeq = seq;
    const entry = msg.isRequest ? this.addRequest(msg, seq, payloadAt, flow) : this.addResponse(msg, seq, payloadAt, flow);
    this.table.link(this.lastSeq, seq);
    this.lastSeq = seq;
    this.messageTotal++;
    if (entry.retransmission) this.retransmissionCount++;
    this.version++;
    return entry;
  }

  /** Stores the row and returns the entry the caller sees while `msg` is still at hand. */
  private place(msg: SipMessage, seq: number, payloadAt: number, flow: MessageFlow, txn: TransactionImpl, dialogIndex: number, retransmission: boolean): MessageEntry {
    this.table.append(seq, msg, payloadAt, { callIndex: this.index, transactionIndex: txn.index, dialogIndex, retransmission, flow });
    return { seq, message: msg, callIndex: this.index, transactionIndex: txn.index, dialogIndex, src: flow.srcEndpoint, dst: flow.dstEndpoint, retransmission };
  }

  private addRequest(msg: SipMessage, seq: number, payloadAt: number, flow: MessageFlow): MessageEntry {
    const src = flow.srcEndpoint;
    const dst = flow.dstEndpoint;
    const key = transactionKey(msg);
    let txn = this.txns.forRequest(key, src, dst);
    if (txn !== undefined && txn.requestSeq !== 0) {
      // Same transaction, same direction: a resend (§17.1.1.2 Timer A / §17.1.2.2 Timer E).
      txn.resend('request', txn.requestSeq, msg, txn.provisionalSeen);
      return this.place(msg, seq, payloadAt, flow, txn, txn.dialogIndex, true);
    }
    const isNew = txn === undefined;
    txn ??= this.txns.create(key, seq, msg.toTag === undefined || msg.toTag === '');
    let invite: TransactionImpl | undefined;
    if (key.method === 'CANCEL' || key.method === 'ACK') invite = this.txns.inviteByBase(key.base, dst);
    const dialog = this.dialogForRequest(msg, txn, invite);
    if (txn.dialogIndex === 0) txn.dialogIndex = dialog.index;
    if (key.method === 'ACK' && invite === undefined) invite = this.txns.inviteByCseq(msg.cseqNumber, dialog.index);
    if (invite !== undefined && invite.row !== txn.row) {
      txn.inviteIndex = invite.index;
      if (key.method === 'CANCEL') invite.cancelIndex ??= txn.index;
      else invite.ackIndex ??= txn.index;
    }
    const entry = this.place(msg, seq, payloadAt, flow, txn, dialog.index, false);
    txn.requestSeq = seq;
    if (isNew && key.method !== 'ACK') this.schedule(this, txn);
    this.dialogOnRequest(dialog, key.method);
    this.onNewRequest(msg, seq, txn, invite);
    return entry;
  }

  private addResponse(msg: SipMessage, seq: number, payloadAt: number, flow: MessageFlow): MessageEntry {
    const key = transactionKey(msg);
    const code = msg.statusCode ?? 0;
    let txn = this.txns.forResponse(key, msg.src, msg.dst);
    if (txn === undefined) {
      // Request not captured: an orphan transaction. INVITE: initial unless the call was answered.
      const initial = key.method === 'INVITE' ? !isAnswered(this.state) : key.method === this.firstMethod;
      txn = this.txns.create(key, seq, initial);
    }
    const dialog = this.dialogForResponse(msg, txn);
    if (txn.dialogIndex === 0) txn.dialogIndex = dialog.index;
    const hasToTag = msg.toTag !== undefined && msg.toTag !== '';
    const firstCopy = txn.firstCopyOf(code, dialog.index, hasToTag);
    if (firstCopy !== 0) {
      txn.resend('response', firstCopy, msg, false);
      const entry = this.place(msg, seq, payloadAt, flow, txn, dialog.index, true);
      txn.addResponse(seq);
      return entry;
    }
    const entry = this.place(msg, seq, payloadAt, flow, txn, dialog.index, false);
    txn.addResponse(seq);
    if (code < 200) txn.provisionalSeen = true;
    else if (txn.finalResponseSeq === 0) {
      txn.finalResponseSeq = seq;
      txn.timedOut = false;
    }
    this.dialogOnResponse(dialog, txn, code, hasToTag);
    this.onNewResponse(msg, txn, code, seq);
    return entry;
  }

  /** Does this transaction drive the call state? (initial INVITEs; first-method requests otherwise) */
  private drivesState(txn: TransactionImpl): boolean {
    if (this.inviteCall) return txn.method === 'INVITE' && txn.initial;
    return txn.method === this.firstMethod && txn.initial === this.firstInitial;
  }

  private onNewRequest(msg: SipMessage, seq: number, txn: TransactionImpl, invite: TransactionImpl | undefined): void {
    if (!this.inviteCall) return;
    if (txn.method === 'INVITE' && txn.initial) {
      const next = stateOnInitialInvite(this.state);
      if (next !== this.state || this.attemptSeq === 0) {
        // A new attempt (first INVITE, or retry after 401/407/3xx/422): timings restart.
        this.state = next;
        this.attemptSeq = seq;
        this.ringSeq = 0;
        this.cancelSeen = false;
        this.answerSeq = 0;
        this.srdEndSeq = this.ringingEndSeq = this.talkEndSeq = 0;
      }
    } else if (txn.method === 'CANCEL') {
      if (invite === undefined || invite.initial) this.cancelSeen = true;
    } else if (txn.method === 'BYE') {
      this.state = stateOnBye(this.state) ?? this.state;
      if (this.answerSeq !== 0 && this.talkEndSeq === 0) this.talkEndSeq = seq;
    }
  }

  private onNewResponse(msg: SipMessage, txn: TransactionImpl, code: number, seq: number): void {
    if (!this.inviteCall) {
      if (code >= 200 && this.drivesState(txn)) this.decideNonInvite(txn, txn.finalResponseSeq === seq ? msg : undefined);
      return;
    }
    if (txn.method === 'BYE') {
      // The BYE itself was not captured: its 2xx still ends the call (RFC 3261 §15.1.2).
      if (txn.requestSeq === 0 && code >= 200 && code < 300) this.state = stateOnBye(this.state) ?? this.state;
      return;
    }
    if (txn.method === 'CANCEL') {
      const invite = txn.inviteIndex !== undefined ? this.txns.at(txn.inviteIndex) : undefined;
      if (code >= 200 && code < 300 && (invite === undefined || invite.initial)) this.state = stateOnCancelAnswered(this.state) ?? this.state;
      return;
    }
    if (!this.drivesState(txn)) return;
    const prev = this.state;
    this.state = stateOnInviteResponse(prev, code, this.cancelSeen) ?? prev;
    if (code >= 180 && this.srdEndSeq === 0 && this.attemptSeq !== 0) this.srdEndSeq = seq;
    if (code >= 180 && code < 190 && this.ringSeq === 0) this.ringSeq = seq;
    if (code === 181) this.setFlag(F_FORWARDED, true);
    if (code < 200) return;
    if (this.ringSeq !== 0 && this.ringingEndSeq === 0) this.ringingEndSeq = seq;
    if (code < 300) {
      if (this.answerSeq === 0) {
        this.answerSeq = seq;
        this.setFinal(msg, code);
      }
    } else if (!isAnswered(prev)) {
      this.setFinal(msg, code);
      if (isChallenge(code)) this.setFlag(F_AUTH_CHALLENGED, true);
    }
  }

  private setFinal(msg: SipMessage, code: number): void {
    this.finalCode = code;
    this.finalReason = internReason(msg.reason);
    // Reason/Warning are read only for failures (RFC 3326 Q.850 cause), through the lazy header().
    this.rejection = code >= 400 ? rejectionDetail(msg) : undefined;
  }

  /** Non-INVITE calls: the latest decided first-method transaction gives the outcome. */
  private decideNonInvite(txn: TransactionImpl, finalMsg?: SipMessage): void {
    const outcome = nonInviteOutcome(this.firstMethod, txn.finalCode, txn.timedOut);
    if (outcome === undefined || txn.index < this.decidedIndex) return;
    this.decidedIndex = txn.index;
    this.state = outcome;
    if (txn.finalCode !== undefined && isChallenge(txn.finalCode)) this.setFlag(F_AUTH_CHALLENGED, true);
    // The final response is at hand when it is the message being added; else it is read again.
    if (txn.finalResponseSeq !== 0) this.setFinal(finalMsg ?? new StoredMessage(this.table, txn.finalResponseSeq), txn.finalCode ?? 0);
    else {
      this.finalCode = undefined;
      this.finalReason = undefined;
      this.rejection = undefined;
    }
  }

  /**
   * Timer B / F expired on packet time (RFC 3261 §17.1.1.2, §17.1.2.2). Timer B only runs
   * while no provisional has come. Returns true when the call changed.
   */
  onTimeout(txn: TransactionImpl): boolean {
    if (txn.finalResponseSeq !== 0 || txn.timedOut) return false;
    if (txn.method === 'INVITE' && txn.provisionalSeen) return false;
    txn.timedOut = true;
    if (this.inviteCall) {
      if (this.drivesState(txn) && !this.attemptHasResponse()) this.state = stateOnInviteTimeout(this.state) ?? this.state;
    } else if (this.drivesState(txn)) this.decideNonInvite(txn);
    this.version++;
    return true;
  }

  /** End of input: every open transaction is unanswered for good. */
  onEnd(): void {
    for (const txn of this.txns.list) {
      if (txn.finalResponseSeq !== 0 || txn.method === 'ACK' || txn.timedOut) continue;
      txn.timedOut = true;
      if (!this.inviteCall && this.drivesState(txn)) this.decideNonInvite(txn);
    }
    if (this.inviteCall) this.state = stateAtEnd(this.state, this.cancelSeen) ?? this.state;
    this.version++;
  }

  private attemptHasResponse(): boolean {
    const since = this.attemptSeq === 0 ? undefined : this.timeAt(this.attemptSeq);
    for (const t of this.txns.list) {
      if (t.method !== 'INVITE' || !t.initial || t.firstResponseSeq === 0) continue;
      if (since === undefined || diffMs(since, t.startTs) >= 0) return true;
    }
    return false;
  }

  private addParticipant(e: Endpoint): void {
    // A call has a few endpoints (one per hop): a scan beats a Set per call in memory.
    // copy on append: exact size (a pushed array reserves 17 slots), then shared with calls of
    // the same hops; a list is replaced, never changed in place, so sharing it is safe.
    if (!this.participants.includes(e)) this.participants = shareParticipants(this.table, this.participants.concat(e));
  }

  /** Links another call (B-leg); returns false when already linked. */
  link(other: number): boolean {
    const old = this.related;
    if (other === this.index || old.includes(other)) return false;
    // A new exact-size array (the empty one is shared and frozen), kept sorted.
    let i = old.length;
    while (i > 0 && old[i - 1]! > other) i--;
    const next = new Array<number>(old.length + 1);
    for (let k = 0; k < i; k++) next[k] = old[k]!;
    next[i] = other;
    for (let k = i; k < old.length; k++) next[k + 1] = old[k]!;
    this.related = next;
    this.version++;
    return true;
  }
}
