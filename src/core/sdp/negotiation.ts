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
  readonly session: SdpSession;
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

interface NegotiationImpl {
  callIndex: number;
  dialogIndex: number;
  method: string;
  cseqNumber: number;
  renegotiation: boolean;
  lateOffer: boolean;
  offer: SdpEvent;
  answer?: SdpEvent;
  answerDialog?: number;
  earlyAnswer?: SdpEvent;
  state: NegotiationState;
  rejectCode?: number;
  hold: boolean;
}

interface CallExchanges {
  readonly list: NegotiationImpl[];
  /**
   * Offers made in requests, by the correlator's transaction index (a response belongs to its
   * request's transaction; a proxy's two hops are two transactions): one per answering fork.
   */
  readonly requestOffers: Map<number, NegotiationImpl[]>;
  /** Late offers made in INVITE responses, by INVITE CSeq number (the 2xx ACK is a transaction of its own). */
  readonly responseOffers: Map<number, NegotiationImpl[]>;
  answered: boolean;
}

function eventOf(entry: MessageEntry, session: SdpSession): SdpEvent {
  const m = entry.message;
  return {
    seq: entry.seq,
    frame: m.frame,
    ts: { tsSec: m.tsSec, tsNsec: m.tsNsec },
    src: entry.src,
    dst: entry.dst,
    carrier: m.isRequest ? (m.method ?? '').toUpperCase() : String(m.statusCode),
    session,
  };
}

export class OfferAnswerTracker {
  private readonly calls = new Map<number, CallExchanges>();
  private static readonly NONE: readonly Negotiation[] = [];

  /** Exchanges of one call in the order their offers were seen. */
  negotiationsOfCall(callIndex: number): readonly Negotiation[] {
    return this.calls.get(callIndex)?.list ?? OfferAnswerTracker.NONE;
  }

  /**
   * Feeds one message placed by the correlator, with its parsed SDP (undefined when none).
   * Returns the exchange it opened or completed, if any. Retransmissions are ignored.
   */
  onMessage(entry: MessageEntry, sdp: SdpSession | undefined): Negotiation | undefined {
    if (entry.retransmission) return undefined;
    const m = entry.message;
    const cseqMethod = m.cseqMethod.toUpperCase();
    const calls = this.calls;
    let c = calls.get(entry.callIndex);
    if (m.isRequest) {
      if (!sdp) return undefined;
      c ??= this.newCall(entry.callIndex);
      const method = (m.method ?? cseqMethod).toUpperCase();
      if (method === 'ACK') return this.answerLateOffer(c, c.responseOffers.get(m.cseqNumber), entry, sdp);
      if (method === 'PRACK') {
        const late = this.unansweredLateOffers(c.responseOffers);
        if (late.length > 0) return this.answerLateOffer(c, late, entry, sdp);
      }
      const n = this.open(c, entry, sdp, method, false);
      const list = c.requestOffers.get(entry.transactionIndex);
      if (list) list.push(n);
      else c.requestOffers.set(entry.transactionIndex, [n]);
      return n;
    }
    const status = m.statusCode ?? 0;
    if (!c) {
      if (!sdp || status >= 300 || status < 101 || cseqMethod !== 'INVITE') return undefined;
      c = this.newCall(entry.callIndex);
    }
    const pending = c.requestOffers.get(entry.transactionIndex);
    if (status >= 300) {
      // RFC 3261 §14.1 / RFC 3311 §5.2: a failed transaction leaves the session as it was.
      const open = pending?.filter((n) => n.state === 'offered');
      if (open && open.length > 0) {
        for (const n of open) {
          n.state = 'rejected';
          n.rejectCode = status;
        }
        return open[open.length - 1];
      }
      return undefined;
    }
    if (!sdp || status < 101) return undefined;
    if (pending && pending.length > 0) return this.answerRequestOffer(c, pending, entry, sdp, status);
    if (cseqMethod !== 'INVITE') return undefined;
    // Late offer: the INVITE had no SDP. A later response of the same dialog repeats it (RFC 6337 §3.1).
    const late = c.responseOffers.get(m.cseqNumber);
    // (same dialog and same hop: a proxy relaying the 200 makes a second, separate exchange)
    if (late?.some((n) => n.dialogIndex === entry.dialogIndex && n.offer.src === entry.src && n.offer.dst === entry.dst)) return undefined;
    const n = this.open(c, entry, sdp, 'INVITE', true);
    if (late) late.push(n);
    else c.responseOffers.set(m.cseqNumber, [n]);
    return n;
  }

  private newCall(callIndex: number): CallExchanges {
    const c: CallExchanges = { list: [], requestOffers: new Map(), responseOffers: new Map(), answered: false };
    this.calls.set(callIndex, c);
    return c;
  }

  private open(c: CallExchanges, entry: MessageEntry, sdp: SdpSession, method: string, lateOffer: boolean): NegotiationImpl {
    const n: NegotiationImpl = {
      callIndex: entry.callIndex,
      dialogIndex: entry.dialogIndex,
      method,
      cseqNumber: entry.message.cseqNumber,
      renegotiation: c.answered,
      lateOffer,
      offer: eventOf(entry, sdp),
      state: 'offered',
      hold: sdp.hold,
    };
    c.list.push(n);
    return n;
  }

  private answerRequestOffer(c: CallExchanges, pending: NegotiationImpl[], entry: MessageEntry, sdp: SdpSession, status: number): NegotiationImpl {
    const ev = eventOf(entry, sdp);
    const sameDialog = pending.find((n) => n.answerDialog === entry.dialogIndex);
    if (sameDialog) {
      // A 2xx after an 18x answer: the final answer wins, the first is kept as the early one.
      if (status >= 200 && sameDialog.answer && sameDialog.earlyAnswer === undefined && sameDialog.answer.carrier.startsWith('1')) {
        sameDialog.earlyAnswer = sameDialog.answer;
        sameDialog.answer = ev;
        sameDialog.hold = sameDialog.offer.session.hold || sdp.hold;
      }
      return sameDialog;
    }
    const unanswered = pending.find((n) => n.answer === undefined);
    let n: NegotiationImpl;
    if (unanswered) n = unanswered;
    else {
      // Another fork answers the same offer: an exchange of its own.
      const first = pending[0]!;
      n = { ...first, answer: undefined, earlyAnswer: undefined, state: 'offered', hold: first.offer.session.hold };
      delete n.answer;
      delete n.earlyAnswer;
      delete n.rejectCode;
      pending.push(n);
      c.list.push(n);
    }
    this.setAnswer(c, n, entry, ev);
    return n;
  }

  private answerLateOffer(c: CallExchanges, offers: NegotiationImpl[] | undefined, entry: MessageEntry, sdp: SdpSession): NegotiationImpl | undefined {
    if (!offers || offers.length === 0) return undefined;
    // Prefer the offer of this hop (the ACK/PRACK goes back to where the offer came from), then this dialog.
    const open = offers.filter((o) => o.answer === undefined);
    const n =
      open.find((o) => o.offer.dst === entry.src && o.offer.src === entry.dst) ??
      open.find((o) => o.dialogIndex === entry.dialogIndex) ??
      open[open.length - 1];
    if (!n) return undefined;
    this.setAnswer(c, n, entry, eventOf(entry, sdp));
    return n;
  }

  private setAnswer(c: CallExchanges, n: NegotiationImpl, entry: MessageEntry, ev: SdpEvent): void {
    n.answer = ev;
    n.answerDialog = entry.dialogIndex;
    n.dialogIndex = entry.dialogIndex;
    n.state = 'answered';
    n.hold = n.offer.session.hold || ev.session.hold;
    c.answered = true;
  }

  private unansweredLateOffers(map: Map<number, NegotiationImpl[]>): NegotiationImpl[] {
    const out: NegotiationImpl[] = [];
    for (const list of map.values()) for (const n of list) if (n.state === 'offered') out.push(n);
    return out;
  }
}
