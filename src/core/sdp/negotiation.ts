/**
 * RFC 3264 offer/answer exchanges of each call, in time order. Which message is an offer and
 * which an answer follows RFC 3261 §13.2.1 and RFC 6337 §2:
 * - an SDP in INVITE, UPDATE (RFC 3311) or PRACK (RFC 3262) is an offer, answered by an SDP in
 *   a 1xx/2xx response of the same transaction (as the correlator matched it: Via branch, CSeq);
 * - when the INVITE had none, the first SDP in a 1xx/2xx to it is the offer ("late offer"),
 *   answered in the ACK (2xx) or in a PRACK (reliable 18x);
 * - a 3xx-6xx final response to an offer rejects it (e.g. 488 to a T.38 re-INVITE);
 * - forked early dialogs each answer the same offer: one exchange per dialog.
 * Re-INVITE and UPDATE after a first answered exchange are renegotiations; hold is read from
 * the SDP of either side (SdpSession.hold).
 */
import type { Endpoint, MessageEntry, PacketTime } from '../correlate/types.js';
import type { SdpSession } from './session.js';
import { CallSlots } from '../rtp/call-slots.js';

/** One SDP as placed in an exchange. */
export interface SdpEvent {
  /** Correlator message seq (stable message id). */
  readonly seq: number;
  readonly frame: number;
  readonly ts: PacketTime;
  readonly src: Endpoint;
  readonly dst: Endpoint;
  /** `INVITE`, `ACK`, `183`, `200`, … */
  readonly carrier: string;
  /** The SDP (parsed again on read when the tracker keeps no sessions). */
  readonly session: SdpSession;
  /** That SDP puts the media on hold (SdpSession.hold). */
  readonly hold: boolean;
}

export type NegotiationState = 'offered' | 'answered' | 'rejected';

export interface Negotiation {
  readonly callIndex: number;
  /** The answer's dialog (its To tag), else the offer's. */
  readonly dialogIndex: number;
  /** Method of the transaction that carried the offer: INVITE, UPDATE, PRACK. */
  readonly method: string;
  readonly cseqNumber: number;
  /** An exchange after the call already had an answered one (re-INVITE, UPDATE). */
  readonly renegotiation: boolean;
  /** Offer in a response because the INVITE carried none (answer in ACK or PRACK). */
  readonly lateOffer: boolean;
  readonly offer: SdpEvent;
  readonly answer?: SdpEvent;
  /** The first answer when it came in a provisional response and a later response replaced it. */
  readonly earlyAnswer?: SdpEvent;
  readonly state: NegotiationState;
  /** Final status that rejected the offer. */
  readonly rejectCode?: number;
  /** Either side's SDP puts the media on hold (sendonly/recvonly/inactive or c=0.0.0.0). */
  readonly hold: boolean;
}

/** Reads an event's message and SDP again by seq (the correlator and the capture keep them). */
interface EventSources {
  readonly sessionOfSeq: (seq: number) => SdpSession | undefined;
  readonly entryOfSeq: (seq: number) => MessageEntry | undefined;
}

/** `INVITE`, `ACK`, … for a request; the status code as text for a response. */
function carrierOf(m: MessageEntry['message']): string {
  return m.isRequest ? (m.method ?? '').toUpperCase() : String(m.statusCode);
}

/**
 * An SdpEvent with its time built on read (a call keeps two or three of these for its
 * whole life; the packet time is two numbers, not an object). Used when the message cannot
 * be read again by seq.
 */
class SdpEventImpl implements SdpEvent {
  readonly seq: number;
  readonly frame: number;
  private readonly tsSec: number;
  private readonly tsNsec: number;
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly carrier: string;
  /** The session when kept; undefined when it is parsed again from the message on read. */
  private readonly kept: SdpSession | undefined;
  /** The session's hold, which the exchange logic reads (kept even when the session is not). */
  readonly hold: boolean;

  constructor(
    entry: MessageEntry,
    session: SdpSession,
    private readonly reread: ((seq: number) => SdpSession | undefined) | undefined,
  ) {
    const m = entry.message;
    this.seq = entry.seq;
    this.frame = m.frame;
    this.tsSec = m.tsSec;
    this.tsNsec = m.tsNsec;
    this.src = entry.src;
    this.dst = entry.dst;
    this.carrier = carrierOf(m);
    this.kept = reread === undefined ? session : undefined;
    this.hold = session.hold;
  }

  get session(): SdpSession {
    return this.kept ?? this.reread?.(this.seq) ?? EMPTY_SESSION;
  }

  get ts(): PacketTime {
    return { tsSec: this.tsSec, tsNsec: this.tsNsec };
  }
}

/**
 * The event when its message can be read again by seq (the loader's case), made on read from
 * the seq and hold an exchange keeps: the rest comes from the correlator's message row, which
 * holds the same values the message had when it was placed. A new object per read.
 */
class SeqSdpEvent implements SdpEvent {
  constructor(
    readonly seq: number,
    readonly hold: boolean,
    private readonly sources: EventSources,
  ) {}

  private entry(): MessageEntry | undefined {
    return this.sources.entryOfSeq(this.seq);
  }
  get frame(): number {
    return this.entry()?.message.frame ?? 0;
  }
  get ts(): PacketTime {
    const m = this.entry()?.message;
    return { tsSec: m?.tsSec ?? 0, tsNsec: m?.tsNsec ?? 0 };
  }
  get src(): Endpoint {
    return this.entry()?.src ?? '';
  }
  get dst(): Endpoint {
    return this.entry()?.dst ?? '';
  }
  get carrier(): string {
    const e = this.entry();
    return e === undefined ? '' : carrierOf(e.message);
  }
  get session(): SdpSession {
    return this.sources.sessionOfSeq(this.seq) ?? EMPTY_SESSION;
  }
}

/**
 * An exchange's event as kept: the event object, or its message seq alone when events are read
 * by seq (the hold of such an event is a bit of the exchange).
 */
type EventRef = SdpEvent | number;

const STATES: readonly NegotiationState[] = ['offered', 'answered', 'rejected'];
// NegotiationImpl.bits: the state's index in STATES (2 bits), then booleans.
const N_STATE = 3;
const ST_ANSWERED = 1;
const ST_REJECTED = 2;
const N_RENEGOTIATION = 4;
const N_LATE_OFFER = 8;
const N_HOLD = 16;
const N_OFFER_HOLD = 32;
const N_ANSWER_HOLD = 64;
const N_EARLY_HOLD = 128;
/** The offer's method (index in METHODS; METHOD_OTHER: kept by the tracker), 2 bits. */
const N_METHOD_SHIFT = 8;
const N_METHOD = 3 << N_METHOD_SHIFT;
const METHODS: readonly string[] = ['INVITE', 'UPDATE', 'PRACK'];
const METHOD_OTHER = 3;
/** The rejecting status from this bit on (three digits, RFC 3261 §7.2; 0: not rejected). */
const N_REJECT_SHIFT = 10;
const N_BELOW_REJECT = (1 << N_REJECT_SHIFT) - 1;

/** What exchanges share: how to read events again, and the rare offers in other methods. */
interface TrackerShared {
  readonly sources: EventSources | undefined;
  /** Methods other than INVITE, UPDATE, PRACK by exchange (an offer in those is odd). */
  readonly oddMethods: Map<NegotiationImpl, string>;
}

/**
 * One exchange. Memory: a loaded capture keeps ~1.8 per call for its whole life, so the flags,
 * the state, the method and the reject status share one small integer, the events are message
 * seqs (see EventRef) and a call's exchanges are a chain (no array per call).
 */
class NegotiationImpl implements Negotiation {
  private bits: number;
  private readonly offerRef: EventRef;
  private answerRef: EventRef | undefined = undefined;
  private earlyAnswerRef: EventRef | undefined = undefined;
  /** The call's next exchange (offer seen later). */
  next: NegotiationImpl | undefined = undefined;

  constructor(
    readonly callIndex: number,
    public dialogIndex: number,
    method: string,
    readonly cseqNumber: number,
    /**
     * Offers in requests: the correlator's transaction index (a response belongs to its
     * request's transaction; a proxy's two hops are two transactions). Late offers are found by
     * INVITE CSeq number instead (the 2xx ACK is a transaction of its own).
     */
    readonly transactionIndex: number,
    offer: EventRef,
    offerHold: boolean,
    renegotiation: boolean,
    lateOffer: boolean,
    private readonly shared: TrackerShared,
  ) {
    this.offerRef = offer;
    let methodIndex = METHODS.indexOf(method);
    if (methodIndex < 0) {
      methodIndex = METHOD_OTHER;
      shared.oddMethods.set(this, method);
    }
    this.bits =
      (offerHold ? N_OFFER_HOLD | N_HOLD : 0) | (renegotiation ? N_RENEGOTIATION : 0) | (lateOffer ? N_LATE_OFFER : 0) | (methodIndex << N_METHOD_SHIFT);
  }

  /** Method of the transaction that carried the offer: INVITE, UPDATE, PRACK. */
  get method(): string {
    const i = (this.bits & N_METHOD) >> N_METHOD_SHIFT;
    return i === METHOD_OTHER ? (this.shared.oddMethods.get(this) ?? '') : METHODS[i]!;
  }

  /** Another fork's exchange of the same offer, not answered yet. */
  forkCopy(): NegotiationImpl {
    return new NegotiationImpl(
      this.callIndex,
      this.dialogIndex,
      this.method,
      this.cseqNumber,
      this.transactionIndex,
      this.offerRef,
      this.offerHold,
      this.renegotiation,
      this.lateOffer,
      this.shared,
    );
  }

  private eventOf(ref: EventRef | undefined, holdBit: number): SdpEvent | undefined {
    if (typeof ref !== 'number') return ref;
    return new SeqSdpEvent(ref, (this.bits & holdBit) !== 0, this.shared.sources!);
  }

  get offer(): SdpEvent {
    return this.eventOf(this.offerRef, N_OFFER_HOLD)!;
  }
  get answer(): SdpEvent | undefined {
    return this.eventOf(this.answerRef, N_ANSWER_HOLD);
  }
  get earlyAnswer(): SdpEvent | undefined {
    return this.eventOf(this.earlyAnswerRef, N_EARLY_HOLD);
  }
  /** The dialog of the latest answer (-1: none yet): setAnswer makes it the exchange's dialog. */
  get answerDialog(): number {
    return this.answerRef === undefined ? -1 : this.dialogIndex;
  }
  get hasAnswer(): boolean {
    return this.answerRef !== undefined;
  }
  get hasEarlyAnswer(): boolean {
    return this.earlyAnswerRef !== undefined;
  }
  get offerHold(): boolean {
    return (this.bits & N_OFFER_HOLD) !== 0;
  }
  get state(): NegotiationState {
    return STATES[this.bits & N_STATE]!;
  }
  get renegotiation(): boolean {
    return (this.bits & N_RENEGOTIATION) !== 0;
  }
  get lateOffer(): boolean {
    return (this.bits & N_LATE_OFFER) !== 0;
  }
  get hold(): boolean {
    return (this.bits & N_HOLD) !== 0;
  }
  get rejectCode(): number | undefined {
    const status = this.bits >>> N_REJECT_SHIFT;
    return status === 0 ? undefined : status;
  }

  reject(status: number): void {
    this.bits = (this.bits & N_BELOW_REJECT & ~N_STATE) | ST_REJECTED | (status << N_REJECT_SHIFT);
  }

  /** The (final) answer; the answer so far becomes the early one when `keepEarly`. */
  setAnswer(ref: EventRef, hold: boolean, dialogIndex: number, keepEarly: boolean): void {
    let bits = this.bits;
    if (keepEarly) {
      this.earlyAnswerRef = this.answerRef;
      bits = (bits & N_ANSWER_HOLD) !== 0 ? bits | N_EARLY_HOLD : bits & ~N_EARLY_HOLD;
    }
    this.answerRef = ref;
    bits = hold ? bits | N_ANSWER_HOLD : bits & ~N_ANSWER_HOLD;
    // Either side's SDP puts the media on hold.
    bits = (bits & N_OFFER_HOLD) !== 0 || hold ? bits | N_HOLD : bits & ~N_HOLD;
    this.bits = (bits & ~N_STATE) | ST_ANSWERED;
    this.dialogIndex = dialogIndex;
  }
}

/**
 * Memory: per call with SDP, its first exchange in a slot by call index, the others chained
 * (`next`). The lookups by transaction and by CSeq walk that chain (a call has one to a few
 * exchanges) instead of keeping two Maps per call.
 */
/** What an event shows if its message can no longer be read (the capture file changed). */
const EMPTY_SESSION: SdpSession = Object.freeze({ sessionName: '', address: '', media: [], hold: false, label: '' });

export class OfferAnswerTracker {
  /** First exchange of each call. */
  private readonly calls = new CallSlots<NegotiationImpl>();
  private static readonly NONE: readonly Negotiation[] = [];

  private readonly sources: EventSources | undefined;
  private readonly shared: TrackerShared;

  /**
   * `sessionOfSeq`: parses a message's SDP again by seq (the correlator re-reads the capture);
   * given, exchanges keep no parsed sessions, which are the bulk of a call's SDP memory.
   * `entryOfSeq` (with `sessionOfSeq`): the message by seq; events then keep only seq and hold.
   */
  constructor(
    private readonly sessionOfSeq?: (seq: number) => SdpSession | undefined,
    entryOfSeq?: (seq: number) => MessageEntry | undefined,
  ) {
    this.sources = sessionOfSeq !== undefined && entryOfSeq !== undefined ? { sessionOfSeq, entryOfSeq } : undefined;
    this.shared = { sources: this.sources, oddMethods: new Map() };
  }

  /** What an exchange keeps of an event: its seq when events are read by seq, else the event. */
  private eventRef(entry: MessageEntry, sdp: SdpSession): EventRef {
    return this.sources !== undefined ? entry.seq : new SdpEventImpl(entry, sdp, this.sessionOfSeq);
  }

  /** Exchanges of one call in the order their offers were seen (a new array per read, same exchanges). */
  negotiationsOfCall(callIndex: number): readonly Negotiation[] {
    const first = this.calls.get(callIndex);
    if (first === undefined) return OfferAnswerTracker.NONE;
    const out: Negotiation[] = [];
    for (let n: NegotiationImpl | undefined = first; n !== undefined; n = n.next) out.push(n);
    return out;
  }

  /** Drops a call's exchanges (a live capture forgetting its oldest calls). */
  forgetCall(callIndex: number): void {
    const oddMethods = this.shared.oddMethods;
    if (oddMethods.size > 0) for (let n = this.calls.get(callIndex); n !== undefined; n = n.next) oddMethods.delete(n);
    this.calls.delete(callIndex);
  }

  /**
   * Feeds one message placed by the correlator, with its parsed SDP (undefined when none).
   * Returns the exchange it opened or completed, if any. Retransmissions are ignored.
   */
  onMessage(entry: MessageEntry, sdp: SdpSession | undefined): Negotiation | undefined {
    if (entry.retransmission) return undefined;
    const m = entry.message;
    if (m.isRequest) {
      if (!sdp) return undefined;
      const list = this.calls.get(entry.callIndex);
      const method = (m.method ?? m.cseqMethod).toUpperCase();
      if (method === 'ACK') return this.answerLateOffer(lateOffersOf(list, m.cseqNumber), entry, sdp);
      if (method === 'PRACK') {
        const late = unansweredLateOffers(list);
        if (late.length > 0) return this.answerLateOffer(late, entry, sdp);
      }
      return this.open(list, entry, sdp, method, false);
    }
    const status = m.statusCode ?? 0;
    const list = this.calls.get(entry.callIndex);
    // (a call without exchanges reads as an empty chain: only an INVITE's 1xx/2xx SDP opens one)
    if (status >= 300) {
      // RFC 3261 §14.1 / RFC 3311 §5.2: a failed transaction leaves the session as it was.
      let last: NegotiationImpl | undefined;
      for (let n = list; n !== undefined; n = n.next) {
        if (n.lateOffer || n.transactionIndex !== entry.transactionIndex || n.state !== 'offered') continue;
        n.reject(status);
        last = n;
      }
      return last;
    }
    if (!sdp || status < 101) return undefined;
    const pending = requestOffersOf(list, entry.transactionIndex);
    if (pending.length > 0) return this.answerRequestOffer(list, pending, entry, sdp, status);
    if (!isInvite(m.cseqMethod)) return undefined;
    // Late offer: the INVITE had no SDP. A later response of the same dialog repeats it (RFC 6337 §3.1).
    // (same dialog and same hop: a proxy relaying the 200 makes a second, separate exchange)
    for (let n = list; n !== undefined; n = n.next) {
      if (n.lateOffer && n.cseqNumber === m.cseqNumber && n.dialogIndex === entry.dialogIndex && n.offer.src === entry.src && n.offer.dst === entry.dst) return undefined;
    }
    return this.open(list, entry, sdp, 'INVITE', true);
  }

  /** Appends n to the call's chain that starts at `first`. */
  private append(first: NegotiationImpl | undefined, n: NegotiationImpl): void {
    if (first === undefined) {
      this.calls.set(n.callIndex, n);
      return;
    }
    let last = first;
    while (last.next !== undefined) last = last.next;
    last.next = n;
  }

  private open(list: NegotiationImpl | undefined, entry: MessageEntry, sdp: SdpSession, method: string, lateOffer: boolean): NegotiationImpl {
    const n = new NegotiationImpl(
      entry.callIndex,
      entry.dialogIndex,
      method,
      entry.message.cseqNumber,
      entry.transactionIndex,
      this.eventRef(entry, sdp),
      sdp.hold,
      anyAnswered(list),
      lateOffer,
      this.shared,
    );
    this.append(list, n);
    return n;
  }

  private answerRequestOffer(list: NegotiationImpl | undefined, pending: NegotiationImpl[], entry: MessageEntry, sdp: SdpSession, status: number): NegotiationImpl {
    const sameDialog = pending.find((n) => n.answerDialog === entry.dialogIndex);
    if (sameDialog) {
      // A 2xx after an 18x answer: the final answer wins, the first is kept as the early one.
      if (status >= 200 && sameDialog.hasAnswer && !sameDialog.hasEarlyAnswer && sameDialog.answer!.carrier.startsWith('1')) {
        sameDialog.setAnswer(this.eventRef(entry, sdp), sdp.hold, entry.dialogIndex, true);
      }
      return sameDialog;
    }
    const unanswered = pending.find((n) => !n.hasAnswer);
    let n: NegotiationImpl;
    if (unanswered) n = unanswered;
    else {
      // Another fork answers the same offer: an exchange of its own.
      const first = pending[0]!;
      n = first.forkCopy();
      this.append(list, n);
    }
    n.setAnswer(this.eventRef(entry, sdp), sdp.hold, entry.dialogIndex, false);
    return n;
  }

  private answerLateOffer(offers: NegotiationImpl[], entry: MessageEntry, sdp: SdpSession): NegotiationImpl | undefined {
    if (offers.length === 0) return undefined;
    // Prefer the offer of this hop (the ACK/PRACK goes back to where the offer came from), then this dialog.
    const open = offers.filter((o) => !o.hasAnswer);
    const n =
      open.find((o) => o.offer.dst === entry.src && o.offer.src === entry.dst) ??
      open.find((o) => o.dialogIndex === entry.dialogIndex) ??
      open[open.length - 1];
    if (!n) return undefined;
    n.setAnswer(this.eventRef(entry, sdp), sdp.hold, entry.dialogIndex, false);
    return n;
  }
}

/** `INVITE` in any letter case, without allocating an upper-cased copy per message. */
function isInvite(method: string): boolean {
  return method === 'INVITE' || (method.length === 6 && method.toUpperCase() === 'INVITE');
}

/** A call has had an answered exchange (an answer is never taken back, so this is "ever answered"). */
function anyAnswered(first: NegotiationImpl | undefined): boolean {
  for (let n = first; n !== undefined; n = n.next) if (n.state === 'answered') return true;
  return false;
}

/** Offers made in requests of this transaction, in the order they were made: one per answering fork. */
function requestOffersOf(first: NegotiationImpl | undefined, transactionIndex: number): NegotiationImpl[] {
  const out: NegotiationImpl[] = [];
  for (let n = first; n !== undefined; n = n.next) if (!n.lateOffer && n.transactionIndex === transactionIndex) out.push(n);
  return out;
}

/** Late offers made in responses to the INVITE with this CSeq number, in order. */
function lateOffersOf(first: NegotiationImpl | undefined, cseqNumber: number): NegotiationImpl[] {
  const out: NegotiationImpl[] = [];
  for (let n = first; n !== undefined; n = n.next) if (n.lateOffer && n.cseqNumber === cseqNumber) out.push(n);
  return out;
}

/** Unanswered late offers, grouped by CSeq number in the order each number was first offered. */
function unansweredLateOffers(first: NegotiationImpl | undefined): NegotiationImpl[] {
  const out: NegotiationImpl[] = [];
  const numbers: number[] = [];
  for (let n = first; n !== undefined; n = n.next) if (n.lateOffer && !numbers.includes(n.cseqNumber)) numbers.push(n.cseqNumber);
  for (const cseq of numbers) for (let n = first; n !== undefined; n = n.next) if (n.lateOffer && n.cseqNumber === cseq && n.state === 'offered') out.push(n);
  return out;
}
