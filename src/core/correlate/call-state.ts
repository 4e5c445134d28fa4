/**
 * Call state: a small pure reducer fed with the events of a call's INITIAL INVITE transactions
 * (requests without a To tag; re-INVITEs carry a To tag and never change the state), plus the
 * outcome of non-INVITE "calls" (a Call-ID whose first request is REGISTER, OPTIONS, ...).
 *
 * INVITE calls
 * | state       | entered when                                                  | vs sngrep, and why                                   |
 * |-------------|---------------------------------------------------------------|------------------------------------------------------|
 * | CALL SETUP  | initial INVITE seen, nothing beyond 100 Trying yet; also a    | same name. A retry after 401/407, 3xx or 422 (same    |
 * |             | new initial INVITE after a failure final (auth retry, 3xx     | Call-ID, RFC 3261 §8.1.3.4/§22.2) starts a new        |
 * |             | recursion, 422 retry) restarts the attempt                    | attempt instead of leaving the call REJECTED          |
 * | RINGING     | 180-183 on an initial INVITE (181 included: it is provisional)| sngrep has no RINGING (Wireshark does)                |
 * | IN CALL     | 2xx to an initial INVITE. The ACK is NOT required.            | sngrep waits for the ACK, so a call whose ACK was not |
 * |             | A 2xx wins over any failure seen on another fork or hop.      | captured stays CALL SETUP forever (ipip.pcap)         |
 * | COMPLETED   | BYE (answered or not) in a call that was IN CALL              | sngrep needs the ACK first                            |
 * | CANCELLED   | 487 to an initial INVITE, or 2xx to its CANCEL before any     | same; a CANCEL with no answer at all also ends        |
 * |             | final, or any 3xx-6xx final after a CANCEL was sent (a 408    | CANCELLED instead of FAILED. aaa.pcap: CANCEL, then   |
 * |             | from a server that ignored the CANCEL: the caller abandoned); | 408 to the INVITE: CANCELLED in both tools            |
 * |             | at end of input, a CANCEL was sent and no final came          |                                                      |
 * | BUSY        | 486 Busy Here, 600 Busy Everywhere                            | sngrep also counts 480. We do NOT: RFC 3261 §21.4.18  |
 * |             |                                                               | 480 means the callee is unreachable/unregistered/DND, |
 * |             |                                                               | not busy (Q.850 maps it to causes 18-20, not 17)      |
 * | DIVERTED    | 3xx final response                                            | sngrep also sets it on 181; 181 is provisional and    |
 * |             |                                                               | the call may still be answered, so we only flag it    |
 * |             |                                                               | (`forwarded`) and keep RINGING                        |
 * | REJECTED    | any other 4xx-6xx final, including 401/407 - but a later      | sngrep flips to REJECTED on every >400 on the INVITE  |
 * |             | initial INVITE (the authenticated retry) restarts CALL SETUP, | CSeq and stays there; we restart the attempt, so the  |
 * |             | so a challenge only sticks when no retry followed             | call ends with the retry's outcome                    |
 * | FAILED      | no response at all within Timer B = 64*T1 of packet time      | sngrep has no such state (stays CALL SETUP)           |
 * |             | (RFC 3261 §17.1.1.2), or CALL SETUP/RINGING at end of input   |                                                      |
 *
 * A Call-ID first seen through a mid-call request of an INVITE dialog (ACK, BYE, CANCEL, PRACK,
 * in-dialog UPDATE/INFO: the capture started late) is an INVITE call: IN CALL (RINGING after a
 * PRACK, CALL SETUP after a CANCEL), then the rules above.
 *
 * Non-INVITE calls (outcome of the latest out-of-dialog request of the first method; a pending
 * request shows the previous outcome until it is answered)
 * | outcome         | REGISTER                  | other methods (OPTIONS, MESSAGE, SUBSCRIBE, ...)    |
 * |-----------------|---------------------------|-----------------------------------------------------|
 * | PENDING         | no final yet, none before | same                                                |
 * | REGISTERED      | 2xx                       | -                                                   |
 * | ACCEPTED        | -                         | 2xx                                                 |
 * | AUTH CHALLENGED | 401/407 with no retry     | - (REJECTED)                                        |
 * | DIVERTED        | 3xx                       | 3xx                                                 |
 * | REJECTED        | other 4xx-6xx             | 4xx-6xx                                             |
 * | FAILED          | no final (Timer F / end)  | -                                                   |
 * | NO ANSWER       | -                         | no final (Timer F / end)                            |
 */

export type InviteCallState =
  | 'CALL SETUP'
  | 'RINGING'
  | 'IN CALL'
  | 'CANCELLED'
  | 'REJECTED'
  | 'BUSY'
  | 'DIVERTED'
  | 'COMPLETED'
  | 'FAILED';

export type NonInviteOutcome =
  | 'PENDING'
  | 'REGISTERED'
  | 'ACCEPTED'
  | 'AUTH CHALLENGED'
  | 'DIVERTED'
  | 'REJECTED'
  | 'FAILED'
  | 'NO ANSWER';

export type CallState = InviteCallState | NonInviteOutcome;

/** Every state, in the order a state column sorts by (setup first, outcomes after). */
export const CALL_STATES: readonly CallState[] = [
  'CALL SETUP',
  'RINGING',
  'IN CALL',
  'COMPLETED',
  'CANCELLED',
  'REJECTED',
  'BUSY',
  'DIVERTED',
  'FAILED',
  'PENDING',
  'REGISTERED',
  'ACCEPTED',
  'AUTH CHALLENGED',
  'NO ANSWER',
];

/**
 * RFC 3261 §12 dialog states, plus `none` for requests that never form a dialog (REGISTER,
 * OPTIONS, ...; grouped by tags all the same so the ladder can show them).
 */
export type DialogState = 'init' | 'early' | 'confirmed' | 'terminated' | 'none';

/** RFC 3261 §12.1 / RFC 6665 / RFC 3515: requests whose 2xx creates a dialog. */
export function isDialogCreating(method: string): boolean {
  return method === 'INVITE' || method === 'SUBSCRIBE' || method === 'REFER' || method === 'NOTIFY';
}

/** States from which a new initial INVITE starts a new attempt. */
function isFailure(s: CallState | undefined): boolean {
  return s === 'REJECTED' || s === 'BUSY' || s === 'DIVERTED' || s === 'FAILED';
}

/** The call has been answered (nothing but BYE changes it any more). */
export function isAnswered(s: CallState | undefined): boolean {
  return s === 'IN CALL' || s === 'COMPLETED';
}

export function isChallenge(code: number): boolean {
  return code === 401 || code === 407;
}

/** A new (not resent) initial INVITE. */
export function stateOnInitialInvite(s: CallState | undefined): CallState {
  return s === undefined || isFailure(s) ? 'CALL SETUP' : s;
}

/** Classification of a 3xx-6xx final to an initial INVITE. */
export function failureState(code: number): InviteCallState {
  if (code < 400) return 'DIVERTED';
  if (code === 486 || code === 600) return 'BUSY';
  if (code === 487) return 'CANCELLED';
  return 'REJECTED';
}

/**
 * A response to an initial INVITE. `cancelSent`: the caller sent a CANCEL in this attempt, so
 * any failure final (487, but also a 408/5xx from a server that did not handle the CANCEL) means
 * the caller abandoned the call.
 */
export function stateOnInviteResponse(s: CallState | undefined, code: number, cancelSent = false): CallState | undefined {
  if (code < 200) {
    const ringing = code >= 180 && code <= 183;
    if (s === undefined || s === 'CALL SETUP' || s === 'FAILED') return ringing ? 'RINGING' : 'CALL SETUP';
    return s;
  }
  if (code < 300) return s === 'COMPLETED' ? s : 'IN CALL';
  if (isAnswered(s) || s === 'CANCELLED') return s;
  return cancelSent ? 'CANCELLED' : failureState(code);
}

/** A 2xx to a CANCEL of an initial INVITE (RFC 3261 §9.2): the call will not be answered. */
export function stateOnCancelAnswered(s: CallState | undefined): CallState | undefined {
  return s === undefined || s === 'CALL SETUP' || s === 'RINGING' ? 'CANCELLED' : s;
}

/** A BYE anywhere in the call. Before an answer it changes nothing (see FAILED at end). */
export function stateOnBye(s: CallState | undefined): CallState | undefined {
  return s === 'IN CALL' ? 'COMPLETED' : s;
}

/** Timer B fired on an initial INVITE and no initial INVITE has any response. */
export function stateOnInviteTimeout(s: CallState | undefined): CallState | undefined {
  return s === undefined || s === 'CALL SETUP' ? 'FAILED' : s;
}

/** End of input: an attempt still open did not succeed. */
export function stateAtEnd(s: CallState | undefined, cancelSeen: boolean): CallState | undefined {
  if (s === 'CALL SETUP' || s === 'RINGING') return cancelSeen ? 'CANCELLED' : 'FAILED';
  return s;
}

/** Outcome of one non-INVITE request; undefined while it is pending. */
export function nonInviteOutcome(method: string, finalCode: number | undefined, timedOut: boolean): NonInviteOutcome | undefined {
  const register = method === 'REGISTER';
  if (finalCode === undefined) {
    if (!timedOut) return undefined;
    return register ? 'FAILED' : 'NO ANSWER';
  }
  if (finalCode < 300) return register ? 'REGISTERED' : 'ACCEPTED';
  if (finalCode < 400) return 'DIVERTED';
  if (register && isChallenge(finalCode)) return 'AUTH CHALLENGED';
  return 'REJECTED';
}
