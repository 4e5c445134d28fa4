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
import { endpoint } from './endpoint.js';
import { parseParty } from './name-addr.js';
import { rejectionDetail } from './reason-header.js';
import { retransmitRule, Train } from './retransmit.js';
import { diffMs, timeOf } from './time.js';
import { TransactionTable, transactionKey, type TransactionImpl } from './transactions.js';
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

class Timings implements CallTimings {
  srdMs?: number;
  ringingMs?: number;
  answerMs?: number;
  talkMs?: number;
  durationMs = 0;
}

/** Called when a transaction starts that may time out (the correlator keeps the deadlines). */
export type ScheduleTimeout = (call: CallImpl, txn: TransactionImpl) => void;

export class CallImpl implements CallRecord {
  readonly firstMethod: string;
  /** The Call-ID is an INVITE dialog (INVITE first, or a mid-call request of one). */
  private readonly inviteCall: boolean;
  readonly from: Party;
  readonly to: Party;
  readonly source: Endpoint;
  readonly destination: Endpoint;
  readonly startTs: PacketTime;
  endTs: PacketTime;
  state: CallState;
  finalCode?: number;
  finalReason?: string;
  rejection?: RejectionDetail;
  authChallenged = false;
  forwarded = false;
  readonly messages: MessageEntry[] = [];
  readonly timings = new Timings();
  retransmissionCount = 0;
  readonly related: number[] = [];
  readonly participants: Endpoint[] = [];
  version = 0;

  private readonly txns = new TransactionTable();
  private readonly dialogTable = new DialogTable();
  private readonly participantSet = new Set<Endpoint>();
  /** The first message was out of dialog (no To tag on a request; responses count as such). */
  private readonly firstInitial: boolean;
  private cancelSeen = false;
  /** Current INVITE attempt (restarted by a retry after a challenge or a failure). */
  private attemptTs?: PacketTime;
  private ringTs?: PacketTime;
  private answerTs?: PacketTime;
  /** Latest first-method transaction that decided a non-INVITE outcome. */
  private decidedIndex = 0;

  constructor(
    readonly index: number,
    readonly callId: string,
    first: SipMessage,
    private readonly schedule: ScheduleTimeout,
  ) {
    this.firstMethod = (first.isRequest ? first.method ?? first.cseqMethod : first.cseqMethod || first.method || '').toUpperCase();
    this.from = parseParty(first.header('From'), first.fromTag);
    this.to = parseParty(first.header('To'), first.toTag);
    this.source = endpoint(first.src, first.srcPort);
    this.destination = endpoint(first.dst, first.dstPort);
    this.startTs = timeOf(first);
    this.endTs = this.startTs;
    this.firstInitial = !first.isRequest || first.toTag === undefined || first.toTag === '';
    // A capture that starts mid-call first sees a request of an INVITE dialog: an in-dialog
    // INVITE, ACK, BYE, UPDATE or INFO (the call was answered before: IN CALL), a PRACK (early
    // dialog: RINGING) or a CANCEL (setting up). Such a Call-ID is an INVITE call, not an
    // ACK/BYE/CANCEL "dialog" with an outcome of its own.
    const m = this.firstMethod;
    this.inviteCall =
      m === 'INVITE' || m === 'ACK' || m === 'BYE' || m === 'CANCEL' || m === 'PRACK' || (!this.firstInitial && (m === 'UPDATE' || m === 'INFO'));
    this.state = !this.inviteCall ? 'PENDING' : this.firstInitial ? 'CALL SETUP' : m === 'PRACK' ? 'RINGING' : 'IN CALL';
  }

  get messageCount(): number {
    return this.messages.length;
  }
  get dialogs(): readonly DialogRecord[] {
    return this.dialogTable.list;
  }
  get transactions(): readonly TransactionRecord[] {
    return this.txns.list;
  }

  add(msg: SipMessage, seq: number): MessageEntry {
    const src = endpoint(msg.src, msg.srcPort);
    const dst = endpoint(msg.dst, msg.dstPort);
    this.addParticipant(src);
    this.addParticipant(dst);
    if (diffMs(this.endTs, msg) > 0) this.endTs = timeOf(msg);
    this.timings.durationMs = diffMs(this.startTs, this.endTs);
    const entry = msg.isRequest ? this.addRequest(msg, seq, src, dst) : this.addResponse(msg, seq, src, dst);
    this.messages.push(entry);
    if (entry.retransmission) this.retransmissionCount++;
    this.version++;
    return entry;
  }

  private addRequest(msg: SipMessage, seq: number, src: Endpoint, dst: Endpoint): MessageEntry {
    const key = transactionKey(msg);
    let txn = this.txns.forRequest(key, src, dst);
    if (txn?.request !== undefined) {
      // Same transaction, same direction: a resend (§17.1.1.2 Timer A / §17.1.2.2 Timer E).
      txn.requestTrain?.resend(msg, txn.provisionalSeen);
      txn.retransmissions++;
      const d = this.dialogTable.get(txn.dialogIndex);
      d?.touch(txn.index);
      return { seq, message: msg, callIndex: this.index, transactionIndex: txn.index, dialogIndex: txn.dialogIndex, src, dst, retransmission: true };
    }
    const isNew = txn === undefined;
    txn ??= this.txns.create(key, msg, msg.toTag === undefined || msg.toTag === '', timeOf(msg));
    let invite: TransactionImpl | undefined;
    if (key.method === 'CANCEL' || key.method === 'ACK') invite = this.txns.inviteByBase(key.base, dst);
    const dialog = this.dialogTable.forRequest(msg, txn, invite);
    if (txn.dialogIndex === 0) txn.dialogIndex = dialog.index;
    if (key.method === 'ACK' && invite === undefined) invite = this.txns.inviteByCseq(msg.cseqNumber, dialog.index);
    if (invite !== undefined && invite !== txn) {
      txn.inviteIndex = invite.index;
      if (key.method === 'CANCEL') invite.cancelIndex ??= txn.index;
      else invite.ackIndex ??= txn.index;
    }
    dialog.touch(txn.index);
    const entry: MessageEntry = { seq, message: msg, callIndex: this.index, transactionIndex: txn.index, dialogIndex: dialog.index, src, dst, retransmission: false };
    txn.request = entry;
    txn.reqSrc = src;
    txn.reqDst = dst;
    txn.reqSrcIp = msg.src;
    txn.reqDstIp = msg.dst;
    txn.requestTrain = new Train('request', retransmitRule('request', key.method, undefined, msg.transport), entry);
    if (isNew && key.method !== 'ACK') this.schedule(this, txn);
    this.dialogTable.onRequest(dialog, key.method);
    this.onNewRequest(msg, txn, invite);
    return entry;
  }

  private addResponse(msg: SipMessage, seq: number, src: Endpoint, dst: Endpoint): MessageEntry {
    const key = transactionKey(msg);
    const code = msg.statusCode ?? 0;
    let txn = this.txns.forResponse(key, msg.src, msg.dst);
    if (txn === undefined) {
      // Request not captured: an orphan transaction. INVITE: initial unless the call was answered.
      const initial = key.method === 'INVITE' ? !isAnswered(this.state) : key.method === this.firstMethod;
      txn = this.txns.create(key, msg, initial, timeOf(msg));
    }
    const train = txn.responseTrain(code, msg.toTag);
    const dialog = this.dialogTable.forResponse(msg, txn);
    if (txn.dialogIndex === 0) txn.dialogIndex = dialog.index;
    dialog.touch(txn.index);
    const entry: MessageEntry = { seq, message: msg, callIndex: this.index, transactionIndex: txn.index, dialogIndex: dialog.index, src, dst, retransmission: train !== undefined };
    txn.responses.push(entry);
    if (train !== undefined) {
      train.resend(msg, false);
      txn.retransmissions++;
      return entry;
    }
    txn.responseTrains.push(new Train('response', retransmitRule('response', key.method, code, msg.transport), entry, code, msg.toTag));
    const reqTs = txn.request?.message;
    if (txn.firstResponse === undefined) {
      txn.firstResponse = entry;
      if (reqTs !== undefined) txn.firstResponseMs = diffMs(reqTs, msg);
    }
    if (code < 200) txn.provisionalSeen = true;
    else if (txn.finalResponse === undefined) {
      txn.finalResponse = entry;
      txn.finalCode = code;
      txn.timedOut = false;
      if (reqTs !== undefined) txn.finalResponseMs = diffMs(reqTs, msg);
    }
    this.dialogTable.onResponse(dialog, txn, code, msg.toTag !== undefined && msg.toTag !== '');
    this.onNewResponse(msg, txn, code);
    return entry;
  }

  /** Does this transaction drive the call state? (initial INVITEs; first-method requests otherwise) */
  private drivesState(txn: TransactionImpl): boolean {
    if (this.inviteCall) return txn.method === 'INVITE' && txn.initial;
    return txn.method === this.firstMethod && txn.initial === this.firstInitial;
  }

  private onNewRequest(msg: SipMessage, txn: TransactionImpl, invite: TransactionImpl | undefined): void {
    if (!this.inviteCall) return;
    if (txn.method === 'INVITE' && txn.initial) {
      const next = stateOnInitialInvite(this.state);
      if (next !== this.state || this.attemptTs === undefined) {
        // A new attempt (first INVITE, or retry after 401/407/3xx/422): timings restart.
        this.state = next;
        this.attemptTs = timeOf(msg);
        this.ringTs = undefined;
        this.cancelSeen = false;
        this.answerTs = undefined;
        this.timings.srdMs = this.timings.ringingMs = this.timings.answerMs = this.timings.talkMs = undefined;
      }
    } else if (txn.method === 'CANCEL') {
      if (invite === undefined || invite.initial) this.cancelSeen = true;
    } else if (txn.method === 'BYE') {
      this.state = stateOnBye(this.state) ?? this.state;
      if (this.answerTs !== undefined && this.timings.talkMs === undefined) this.timings.talkMs = diffMs(this.answerTs, msg);
    }
  }

  private onNewResponse(msg: SipMessage, txn: TransactionImpl, code: number): void {
    if (!this.inviteCall) {
      if (code >= 200 && this.drivesState(txn)) this.decideNonInvite(txn);
      return;
    }
    if (txn.method === 'CANCEL') {
      const invite = txn.inviteIndex !== undefined ? this.txns.list[txn.inviteIndex - 1] : undefined;
      if (code >= 200 && code < 300 && (invite === undefined || invite.initial)) this.state = stateOnCancelAnswered(this.state) ?? this.state;
      return;
    }
    if (!this.drivesState(txn)) return;
    const prev = this.state;
    this.state = stateOnInviteResponse(prev, code, this.cancelSeen) ?? prev;
    const t = this.timings;
    if (code >= 180 && t.srdMs === undefined && this.attemptTs !== undefined) t.srdMs = diffMs(this.attemptTs, msg);
    if (code >= 180 && code < 190 && this.ringTs === undefined) this.ringTs = timeOf(msg);
    if (code === 181) this.forwarded = true;
    if (code < 200) return;
    if (this.ringTs !== undefined && t.ringingMs === undefined) t.ringingMs = diffMs(this.ringTs, msg);
    if (code < 300) {
      if (this.answerTs === undefined) {
        this.answerTs = timeOf(msg);
        if (this.attemptTs !== undefined) t.answerMs = diffMs(this.attemptTs, msg);
        this.setFinal(msg, code);
      }
    } else if (!isAnswered(prev)) {
      this.setFinal(msg, code);
      if (isChallenge(code)) this.authChallenged = true;
    }
  }

  private setFinal(msg: SipMessage, code: number): void {
    this.finalCode = code;
    this.finalReason = msg.reason;
    // Reason/Warning are read only for failures (RFC 3326 Q.850 cause), through the lazy header().
    this.rejection = code >= 400 ? rejectionDetail(msg) : undefined;
  }

  /** Non-INVITE calls: the latest decided first-method transaction gives the outcome. */
  private decideNonInvite(txn: TransactionImpl): void {
    const outcome = nonInviteOutcome(this.firstMethod, txn.finalCode, txn.timedOut);
    if (outcome === undefined || txn.index < this.decidedIndex) return;
    this.decidedIndex = txn.index;
    this.state = outcome;
    if (txn.finalCode !== undefined && isChallenge(txn.finalCode)) this.authChallenged = true;
    if (txn.finalResponse !== undefined) this.setFinal(txn.finalResponse.message, txn.finalCode ?? 0);
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
    if (txn.finalResponse !== undefined || txn.timedOut) return false;
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
      if (txn.finalResponse !== undefined || txn.method === 'ACK' || txn.timedOut) continue;
      txn.timedOut = true;
      if (!this.inviteCall && this.drivesState(txn)) this.decideNonInvite(txn);
    }
    if (this.inviteCall) this.state = stateAtEnd(this.state, this.cancelSeen) ?? this.state;
    this.version++;
  }

  private attemptHasResponse(): boolean {
    const since = this.attemptTs;
    for (const t of this.txns.list) {
      if (t.method !== 'INVITE' || !t.initial || t.firstResponse === undefined) continue;
      if (since === undefined || diffMs(since, t.startTs) >= 0) return true;
    }
    return false;
  }

  private addParticipant(e: Endpoint): void {
    if (this.participantSet.has(e)) return;
    this.participantSet.add(e);
    this.participants.push(e);
  }

  /** Links another call (B-leg); returns false when already linked. */
  link(other: number): boolean {
    if (other === this.index || this.related.includes(other)) return false;
    let i = this.related.length;
    while (i > 0 && this.related[i - 1]! > other) i--;
    this.related.splice(i, 0, other);
    this.version++;
    return true;
  }
}
