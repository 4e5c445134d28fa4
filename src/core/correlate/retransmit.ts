/**
 * Retransmission trains and their check against the RFC 3261 timers: a resend's interval is
 * compared with what Timer A / E / G expect (T1 doubling, §17.1.1.2, §17.1.2.2, §17.2.1).
 */
import { diffMs } from './time.js';
import type { MessageTable } from './message-table.js';
import { StoredMessage, storedEntry } from './stored-message.js';
import type { IntervalCheck, MessageEntry, PacketTime, RetransmitRule, RetransmitTrain } from './types.js';

/** RFC 3261 §17.1.1.1: T1, the RTT estimate, default 500 ms. */
export const T1_MS = 500;
/** RFC 3261 §17.1.2.2: T2, the longest retransmit interval for non-INVITE requests and INVITE responses. */
export const T2_MS = 4000;
/** RFC 3261 §17.1.1.2 Timer B / §17.1.2.2 Timer F: a client transaction gives up after 64*T1. */
export const TRANSACTION_TIMEOUT_MS = 64 * T1_MS;
/**
 * Relative tolerance on an expected interval. Stacks run their timers on ticks of 10-100 ms and
 * the capture point adds queueing jitter, yet a 25% window still tells 0.5 s from 1 s from 2 s.
 */
export const RETRANSMIT_TOLERANCE_RATIO = 0.25;
/** Absolute floor of the tolerance (timer tick granularity of common stacks), ms. */
export const RETRANSMIT_TOLERANCE_MIN_MS = 100;

/** Transports where §17.1.1.2 forbids retransmission (the transport does it). */
export function isReliableTransport(label: string): boolean {
  const slash = label.lastIndexOf('/');
  const t = (slash < 0 ? label : label.slice(slash + 1)).toLowerCase();
  return t === 'tcp' || t === 'tls' || t === 'ws' || t === 'wss' || t === 'sctp';
}

/** Which timer governs the resends of this message. */
export function retransmitRule(kind: 'request' | 'response', method: string, statusCode: number | undefined, transport: string): RetransmitRule {
  if (isReliableTransport(transport)) return 'reliable';
  if (kind === 'request') {
    if (method === 'ACK') return 'on-demand'; // §13.2.2.4: resent only when the 2xx is resent
    return method === 'INVITE' ? 'timer-A' : 'timer-E';
  }
  // §13.3.1.4 (2xx) and §17.2.1 Timer G (3xx-6xx) share the schedule; the rest follows the request.
  return method === 'INVITE' && statusCode !== undefined && statusCode >= 200 ? 'timer-G' : 'on-demand';
}

/**
 * Expected interval before resend number `n` (1 = first resend).
 * `afterProvisional`: Timer E runs at T2 once the client has a provisional (§17.1.2.2).
 */
export function expectedIntervalMs(rule: RetransmitRule, n: number, afterProvisional: boolean): number | undefined {
  const doubled = T1_MS * 2 ** Math.max(0, n - 1);
  switch (rule) {
    case 'timer-A':
      return doubled;
    case 'timer-E':
      return afterProvisional ? T2_MS : Math.min(doubled, T2_MS);
    case 'timer-G':
      return Math.min(doubled, T2_MS);
    default:
      return undefined;
  }
}

export function withinTolerance(intervalMs: number, expectedMs: number): boolean {
  const tol = Math.max(RETRANSMIT_TOLERANCE_MIN_MS, expectedMs * RETRANSMIT_TOLERANCE_RATIO);
  return Math.abs(intervalMs - expectedMs) <= tol;
}

/**
 * All copies of one message in one transaction. Made when the first resend arrives (most
 * messages are never resent, and a row per message must stay small); a transaction shows a
 * zero-count train for the others.
 */
export class Train implements RetransmitTrain {
  count = 0;
  readonly intervals: IntervalCheck[] = [];
  private lastSec: number;
  private lastNsec: number;

  constructor(
    readonly kind: 'request' | 'response',
    readonly rule: RetransmitRule,
    private readonly table: MessageTable,
    /** Seq of the first copy. */
    readonly firstSeq: number,
  ) {
    this.lastSec = table.tsSec(firstSeq);
    this.lastNsec = table.tsNsec(firstSeq);
  }

  get first(): MessageEntry {
    return storedEntry(this.table, this.firstSeq);
  }
  get statusCode(): number | undefined {
    return this.table.statusCode(this.firstSeq);
  }
  /** Read again from the first copy (trains are looked at rarely, rows are many). */
  get toTag(): string | undefined {
    return this.kind === 'response' ? new StoredMessage(this.table, this.firstSeq).toTag : undefined;
  }

  /** Records one more copy seen at `ts`. */
  resend(ts: PacketTime, afterProvisional: boolean): void {
    this.count++;
    const intervalMs = diffMs({ tsSec: this.lastSec, tsNsec: this.lastNsec }, ts);
    this.lastSec = ts.tsSec;
    this.lastNsec = ts.tsNsec;
    const expectedMs = expectedIntervalMs(this.rule, this.count, afterProvisional);
    if (expectedMs !== undefined) this.intervals.push({ intervalMs, expectedMs, withinTolerance: withinTolerance(intervalMs, expectedMs) });
    else if (this.rule === 'reliable') this.intervals.push({ intervalMs, withinTolerance: false });
    else this.intervals.push({ intervalMs });
  }
}
