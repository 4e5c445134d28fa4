/** Public surface of the correlation core. */
export { CallCorrelator, DEFAULT_RELATED_CALL_HEADERS, MAX_PENDING_RELATED_CALL_IDS, type CorrelatorOptions } from './correlator.js';
export { CALL_STATES, type CallState, type DialogState, type InviteCallState, type NonInviteOutcome } from './call-state.js';
export { T1_MS, T2_MS, TRANSACTION_TIMEOUT_MS, RETRANSMIT_TOLERANCE_RATIO, RETRANSMIT_TOLERANCE_MIN_MS } from './retransmit.js';
export { BRANCH_MAGIC_COOKIE } from './transactions.js';
export { diffMs, compareTime } from './time.js';
export { q850CauseName } from './reason-header.js';
export type * from './types.js';
