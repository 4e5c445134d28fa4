/**
 * Read-only shapes the correlator exposes to the store and the views. The correlator's own
 * classes implement these with mutable fields; consumers only ever see these interfaces.
 * Ids are stable: call index = first-seen order (1-based), message seq = add() order (1-based),
 * dialog and transaction indexes are 1-based within their call.
 */
import type { SipMessage } from '../sip/types.js';
import type { CallState, DialogState } from './call-state.js';

/** A packet timestamp, kept as captured (nanosecond precision). Sort with `compareTime`. */
export interface PacketTime {
  readonly tsSec: number;
  readonly tsNsec: number;
}

/** `ip:port`, IPv6 in brackets (`[2001:db8::1]:5060`): one ladder column each. */
export type Endpoint = string;

/** A From/To party as read from the header (RFC 3261 §20.20 / §20.39 name-addr or addr-spec). */
export interface Party {
  /** Display name without quotes; '' when absent. */
  readonly display: string;
  /** The URI between `<>` (or the bare addr-spec); '' when the header is absent. */
  readonly uri: string;
  /** User part of a sip:/sips:/tel: URI; '' when there is none. */
  readonly user: string;
  readonly tag?: string;
}

/** One message as placed in its call. */
export interface MessageEntry {
  /** 1-based order in which the correlator received the message (stable message id). */
  readonly seq: number;
  readonly message: SipMessage;
  readonly callIndex: number;
  readonly transactionIndex: number;
  readonly dialogIndex: number;
  readonly src: Endpoint;
  readonly dst: Endpoint;
  /** True when this is a resend of an earlier message of the same transaction. */
  readonly retransmission: boolean;
}

/** Which RFC 3261 rule sets the expected retransmission interval. */
export type RetransmitRule =
  /** §17.1.1.2 Timer A: INVITE request, T1 doubling without cap (until Timer B). */
  | 'timer-A'
  /** §17.1.2.2 Timer E: non-INVITE request, T1 doubling capped at T2; T2 once a provisional came. */
  | 'timer-E'
  /** §17.2.1 Timer G and §13.3.1.4: final response to INVITE, T1 doubling capped at T2. */
  | 'timer-G'
  /** Resent only when the peer resends (ACK, provisional and non-INVITE responses): no timer. */
  | 'on-demand'
  /** Reliable transport (TCP, TLS, WS, SCTP): §17.1.1.2 says no retransmissions at all. */
  | 'reliable';

export interface IntervalCheck {
  /** Time since the previous copy, ms. */
  readonly intervalMs: number;
  /** What the rule expects for this resend, ms; undefined when the rule sets no interval. */
  readonly expectedMs?: number;
  /** Within tolerance of expectedMs; undefined when there is nothing to compare with. */
  readonly withinTolerance?: boolean;
}

/** Every copy of one message of a transaction (the first copy and its resends). */
export interface RetransmitTrain {
  readonly kind: 'request' | 'response';
  readonly statusCode?: number;
  readonly toTag?: string;
  readonly rule: RetransmitRule;
  readonly first: MessageEntry;
  /** Resends after the first copy. */
  readonly count: number;
  /** One per resend, in order. */
  readonly intervals: readonly IntervalCheck[];
}

export interface TransactionRecord {
  readonly index: number;
  /** CSeq method, upper case (`ACK` and `CANCEL` are transactions of their own). */
  readonly method: string;
  readonly cseqNumber: number;
  readonly branch?: string;
  /** True when the top Via branch has the RFC 3261 magic cookie; false = RFC 2543 matching. */
  readonly rfc3261: boolean;
  /** Out-of-dialog request (no To tag): a dialog-forming or stand-alone request. */
  readonly initial: boolean;
  /** First copy of the request; undefined when only responses were captured. */
  readonly request?: MessageEntry;
  readonly startTs: PacketTime;
  readonly dialogIndex: number;
  /** Every response, resends included, in capture order. */
  readonly responses: readonly MessageEntry[];
  readonly firstResponse?: MessageEntry;
  readonly finalResponse?: MessageEntry;
  /** Request → first response (any), ms. */
  readonly firstResponseMs?: number;
  /** Request → first final response, ms. */
  readonly finalResponseMs?: number;
  readonly finalCode?: number;
  /** Resends of the request and of every response. */
  readonly retransmissions: number;
  readonly requestTrain?: RetransmitTrain;
  readonly responseTrains: readonly RetransmitTrain[];
  /** No final response within 64*T1 of packet time (Timer B/F), or by the end of input. */
  readonly timedOut: boolean;
  /** CANCEL or ACK: the INVITE transaction it belongs to. */
  readonly inviteIndex?: number;
  /** INVITE: its CANCEL transaction, if any. */
  readonly cancelIndex?: number;
  /** INVITE: its ACK transaction (ACK to a non-2xx, or ACK to a 2xx matched by CSeq). */
  readonly ackIndex?: number;
}

export interface DialogRecord {
  readonly index: number;
  readonly fromTag: string;
  /** undefined until a response (or in-dialog request) brings the To tag. */
  readonly toTag?: string;
  /** Method of the request that formed the dialog. */
  readonly method: string;
  readonly state: DialogState;
  /** Set on sibling early dialogs created by forking: the dialog they forked from. */
  readonly forkOf?: number;
  readonly transactionIndices: readonly number[];
  readonly messageCount: number;
}

/** RFC 3326 Reason header value, e.g. `Q.850;cause=17;text="User busy"`. */
export interface ReasonValue {
  readonly protocol: string;
  readonly cause?: number;
  readonly text?: string;
  /** Name of a Q.850 cause when the protocol is Q.850 and the cause is known. */
  readonly causeName?: string;
}

/** Why a call failed, read from its final response (only for 4xx-6xx). */
export interface RejectionDetail {
  readonly reasons: readonly ReasonValue[];
  /** RFC 3261 §20.43 Warning header value(s), as written. */
  readonly warnings: readonly string[];
}

/** Call timings in ms (float, sub-ms precision); undefined when the events did not happen. */
export interface CallTimings {
  /** RFC 6076 §4.1 Session Request Delay: INVITE → first 18x or final response. */
  readonly srdMs?: number;
  /** First 18x → final response. */
  readonly ringingMs?: number;
  /** INVITE → 2xx. */
  readonly answerMs?: number;
  /** 2xx → first BYE. */
  readonly talkMs?: number;
  /** First → last message of the call. */
  readonly durationMs: number;
}

export interface CallRecord {
  readonly index: number;
  readonly callId: string;
  /** Method of the first request (or the CSeq method of a first response). */
  readonly firstMethod: string;
  readonly from: Party;
  readonly to: Party;
  /** First message's src / dst. */
  readonly source: Endpoint;
  readonly destination: Endpoint;
  readonly startTs: PacketTime;
  readonly endTs: PacketTime;
  readonly state: CallState;
  /** Final code and reason phrase that decided the state (initial INVITE transactions only). */
  readonly finalCode?: number;
  readonly finalReason?: string;
  readonly rejection?: RejectionDetail;
  /** A 401/407 challenge was seen on the first method (answered by a retry or not). */
  readonly authChallenged: boolean;
  /** A 181 Call Is Being Forwarded was seen (state stays RINGING; see call-state.ts). */
  readonly forwarded: boolean;
  readonly messageCount: number;
  /** Message seqs in capture order (cheap: no objects made). */
  readonly messageSeqs: readonly number[];
  /** The messages as entries, made on demand: prefer messageSeqs + CallCorrelator.entry(). */
  readonly messages: readonly MessageEntry[];
  /** The first message (made on demand, without making the others). */
  readonly firstEntry: MessageEntry | undefined;
  readonly dialogs: readonly DialogRecord[];
  readonly transactions: readonly TransactionRecord[];
  readonly timings: CallTimings;
  readonly retransmissionCount: number;
  /** Indexes of calls linked by X-Call-ID-like headers (both directions), ascending. */
  readonly related: readonly number[];
  /** Distinct endpoints in first-seen order (src before dst): the ladder columns. */
  readonly participants: readonly Endpoint[];
  /** Bumps on every change to this call. */
  readonly version: number;
}
