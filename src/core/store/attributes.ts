/**
 * The call attributes: ONE table that drives the call-list columns, sorting, filtering
 * (filter-expr.ts) and the `calls` table/CSV output (as sngrep's attribute registry does).
 *
 * | id        | type     | value                                                                    |
 * |-----------|----------|--------------------------------------------------------------------------|
 * | index     | number   | call index (first-seen order, 1-based; the stable call id)               |
 * | callid    | string   | Call-ID                                                                   |
 * | xcallid   | string   | X-Call-ID (or X-CID) header of the call's first message                  |
 * | method    | string   | method of the first request (CSeq method when a response came first)     |
 * | from      | string   | From URI                 | fromuser: its user part | fromname: display name |
 * | to        | string   | To URI                   | touser: its user part   | toname: display name   |
 * | src, dst  | string   | first message's source / destination `ip:port` ([v6]:port)              |
 * | date      | time     | start of the call, UTC date `YYYY-MM-DD`                                 |
 * | time      | time     | start of the call, UTC time of day `HH:MM:SS.mmm`                        |
 * | start,end | time     | first / last message, ISO-8601 UTC                                       |
 * | transport | string   | first message's transport (`udp`, `tcp`, `ws`, ...)                      |
 * | msgcnt    | number   | messages in the call (resends included)                                  |
 * | state     | enum     | call state (call-state.ts), sorted setup → outcomes                      |
 * | code      | number   | final response code that decided the state; filters accept `4xx`         |
 * | reason    | string   | that response's reason phrase                                            |
 * | warning   | string   | Warning header(s) of a failure final (RFC 3261 §20.43), `; `-joined       |
 * | cause     | number   | Q.850 cause from a Reason header (RFC 3326): the failure final's, else the first BYE/CANCEL's |
 * | srd       | duration | RFC 6076 §4.1 session request delay: INVITE → first 18x or final (last attempt) |
 * | pdd       | duration | post-dial delay: first initial INVITE → first 18x or 2xx (auth retries included) |
 * | ringing   | duration | first 18x → final response                                               |
 * | answer    | duration | INVITE → 2xx                                                             |
 * | talk      | duration | 2xx → first BYE                                                          |
 * | duration  | duration | first → last message                                                     |
 * | retrans   | number   | retransmitted messages                                                   |
 * | streams   | number   | RTP streams matched to the call                                          |
 * | loss      | number   | worst packet loss over the streams, % (RFC 3550 A.3 lost / expected)     |
 * | jitter    | number   | worst RFC 3550 A.8 interarrival jitter over the streams, ms              |
 * | ua        | string   | User-Agent of the first request (Server of the first response if none)   |
 * | related   | string   | indexes of related calls (X-Call-ID links), comma-separated             |
 *
 * A missing value (no final response, no streams, ...) prints as empty, sorts last in both
 * directions and satisfies no comparison (only the negations `!=`, `!~`, `not in`).
 * Durations are float ms; human text `250ms`/`2.201s`/`1m02s`, CSV text plain ms.
 * Times are float epoch ms; printed in UTC (human: ms, CSV: µs) so output never depends on
 * the machine's time zone.
 */
import { CALL_STATES } from '../correlate/call-state.js';
import type { CallRecord } from '../correlate/types.js';
import type { RtpStreamSummary } from '../rtp/types.js';
import type { SipMessage } from '../sip/types.js';
import { sanitizeField } from '../text/sanitize.js';
import { epochMs, humanDuration, machineNumber, utcDate, utcIso, utcTimeOfDay } from './format.js';

/** What an attribute is read from: the call, its media streams and its first message. */
export interface CallRow {
  readonly call: CallRecord;
  readonly streams: readonly RtpStreamSummary[];
  readonly first: SipMessage | undefined;
}

export type AttrType = 'number' | 'string' | 'duration' | 'time' | 'enum';
export type AttrValue = number | string | undefined;

export interface CallAttribute {
  readonly id: string;
  readonly title: string;
  /** Column width hint (characters) for list views and the table; longer text is cut. */
  readonly width: number;
  readonly type: AttrType;
  readonly align: 'left' | 'right';
  /** String equality and `in` ignore case (methods, transports: tokens users type by hand). */
  readonly caseInsensitive: boolean;
  /** Number attribute whose filter literals may be response classes (`4xx`). */
  readonly codeClasses: boolean;
  /** Enum values in sort order. */
  readonly values?: readonly string[];
  /** The value depends only on the first message: computed once per call. */
  readonly fixed: boolean;
  get(row: CallRow): AttrValue;
  /** Orders two present values (undefined is handled by the callers: it sorts last). */
  compare(a: number | string, b: number | string): number;
  /** Human text, one line, sanitised for a terminal. '' for a missing value. */
  format(v: AttrValue): string;
  /** Machine text for CSV (plain numbers, ms, ISO-8601 UTC), one line, sanitised. */
  text(v: AttrValue): string;
}

const compareNumbers = (a: number | string, b: number | string): number => (a as number) - (b as number);
/** Code-unit order: deterministic, locale-free; the same order as a plain `Array#sort()`. */
export const compareStrings = (a: number | string, b: number | string): number => (a < b ? -1 : a > b ? 1 : 0);

interface Spec {
  title: string;
  width: number;
  get(row: CallRow): AttrValue;
  caseInsensitive?: boolean;
  codeClasses?: boolean;
  fixed?: boolean;
  compare?: (a: number | string, b: number | string) => number;
  format?: (v: number | string) => string;
  text?: (v: number | string) => string;
}

function make(id: string, type: AttrType, spec: Spec, values?: readonly string[]): CallAttribute {
  const numeric = type === 'number' || type === 'duration' || type === 'time';
  const fmt = spec.format ?? ((v: number | string) => (typeof v === 'number' ? machineNumber(v) : sanitizeField(v)));
  const txt = spec.text ?? ((v: number | string) => (typeof v === 'number' ? machineNumber(v) : sanitizeField(v)));
  return {
    id,
    title: spec.title,
    width: spec.width,
    type,
    align: type === 'number' || type === 'duration' ? 'right' : 'left',
    caseInsensitive: spec.caseInsensitive ?? false,
    codeClasses: spec.codeClasses ?? false,
    ...(values !== undefined ? { values } : {}),
    fixed: spec.fixed ?? false,
    get: spec.get,
    compare: spec.compare ?? (numeric ? compareNumbers : compareStrings),
    format: (v) => (v === undefined ? '' : fmt(v)),
    text: (v) => (v === undefined ? '' : txt(v)),
  };
}

const nonEmpty = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : s);

const str = (title: string, width: number, get: (row: CallRow) => string | undefined, extra: Partial<Spec> = {}): Spec => ({
  title,
  width,
  get: (row) => nonEmpty(get(row)),
  ...extra,
});

const dur = (title: string, get: (c: CallRecord) => number | undefined): Spec => ({
  title,
  width: 9,
  get: (row) => get(row.call),
  format: (v) => humanDuration(v as number),
});

const time = (title: string, width: number, get: (c: CallRecord) => number, format: (ms: number) => string, text: (ms: number) => string): Spec => ({
  title,
  width,
  get: (row) => get(row.call),
  format: (v) => format(v as number),
  text: (v) => text(v as number),
});

/** First request's User-Agent, else the first response's Server (RFC 3261 §20.41/§20.35). */
function userAgent(call: CallRecord): string | undefined {
  const req = call.messages.find((e) => e.message.isRequest);
  const ua = req?.message.header('User-Agent');
  if (ua !== undefined && ua !== '') return ua;
  return call.messages.find((e) => !e.message.isRequest)?.message.header('Server');
}

/** Q.850 cause from the failure final's Reason, else from the first BYE/CANCEL's (RFC 3326). */
function q850Cause(call: CallRecord): number | undefined {
  const fromFinal = call.rejection?.reasons.find((r) => r.protocol.toUpperCase() === 'Q.850' && r.cause !== undefined);
  if (fromFinal?.cause !== undefined) return fromFinal.cause;
  for (const e of call.messages) {
    const m = e.message.method;
    if (!e.message.isRequest || e.retransmission || (m !== 'BYE' && m !== 'CANCEL')) continue;
    for (const line of e.message.headerAll('Reason')) {
      const c = /(?:^|,)\s*Q\.850\s*;(?:[^,]*;)?\s*cause\s*=\s*(\d+)/i.exec(line);
      if (c !== null) return Number(c[1]);
    }
  }
  return undefined;
}

/** Post-dial delay: first initial INVITE → first 18x or 2xx to an initial INVITE. */
function postDialDelay(call: CallRecord): number | undefined {
  let start: number | undefined;
  const txns = call.transactions; // made on demand: once, not per message
  for (const e of call.messages) {
    const m = e.message;
    const txn = txns[e.transactionIndex - 1];
    if (txn === undefined || txn.method !== 'INVITE' || !txn.initial) continue;
    if (m.isRequest) start ??= epochMs(m);
    else if (start !== undefined && m.statusCode !== undefined && m.statusCode >= 180 && m.statusCode < 300) return epochMs(m) - start;
  }
  return undefined;
}

function worstLoss(streams: readonly RtpStreamSummary[]): number | undefined {
  let worst: number | undefined;
  for (const s of streams) {
    if (s.expected <= 0) continue;
    const pct = (Math.max(0, s.lost) / s.expected) * 100;
    if (worst === undefined || pct > worst) worst = pct;
  }
  return worst;
}

function worstJitter(streams: readonly RtpStreamSummary[]): number | undefined {
  let worst: number | undefined;
  for (const s of streams) if (worst === undefined || s.maxJitterMs > worst) worst = s.maxJitterMs;
  return worst;
}

function compareIndexLists(a: number | string, b: number | string): number {
  const x = String(a).split(',').map(Number);
  const y = String(b).split(',').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

const round1 = (n: number): string => n.toFixed(1);

const SPECS: ReadonlyArray<readonly [string, AttrType, Spec, (readonly string[])?]> = [
  ['index', 'number', { title: 'Idx', width: 6, get: (r) => r.call.index }],
  ['callid', 'string', str('Call-ID', 32, (r) => r.call.callId)],
  ['xcallid', 'string', str('X-Call-ID', 32, (r) => r.first?.header('X-Call-ID') ?? r.first?.header('X-CID'), { fixed: true })],
  ['method', 'string', str('Method', 9, (r) => r.call.firstMethod, { caseInsensitive: true })],
  ['from', 'string', str('From', 30, (r) => r.call.from.uri)],
  ['fromuser', 'string', str('From user', 16, (r) => r.call.from.user)],
  ['fromname', 'string', str('From name', 16, (r) => r.call.from.display)],
  ['to', 'string', str('To', 30, (r) => r.call.to.uri)],
  ['touser', 'string', str('To user', 16, (r) => r.call.to.user)],
  ['toname', 'string', str('To name', 16, (r) => r.call.to.display)],
  ['src', 'string', str('Source', 22, (r) => r.call.source)],
  ['dst', 'string', str('Destination', 22, (r) => r.call.destination)],
  ['date', 'time', time('Date', 10, (c) => epochMs(c.startTs), utcDate, utcDate)],
  ['time', 'time', time('Time', 12, (c) => epochMs(c.startTs), (ms) => utcTimeOfDay(ms, 3), (ms) => utcTimeOfDay(ms, 6))],
  ['start', 'time', time('Start (UTC)', 24, (c) => epochMs(c.startTs), (ms) => utcIso(ms, 3), (ms) => utcIso(ms, 6))],
  ['end', 'time', time('End (UTC)', 24, (c) => epochMs(c.endTs), (ms) => utcIso(ms, 3), (ms) => utcIso(ms, 6))],
  ['transport', 'string', str('Proto', 5, (r) => r.first?.transport, { caseInsensitive: true, fixed: true })],
  ['msgcnt', 'number', { title: 'Msgs', width: 5, get: (r) => r.call.messageCount }],
  ['state', 'enum', { title: 'State', width: 15, get: (r) => r.call.state, caseInsensitive: true, compare: (a, b) => CALL_STATES.indexOf(a as never) - CALL_STATES.indexOf(b as never) }, CALL_STATES],
  ['code', 'number', { title: 'Code', width: 4, get: (r) => r.call.finalCode, codeClasses: true }],
  ['reason', 'string', str('Reason', 24, (r) => r.call.finalReason)],
  ['warning', 'string', str('Warning', 30, (r) => r.call.rejection?.warnings.join('; '))],
  ['cause', 'number', { title: 'Cause', width: 5, get: (r) => q850Cause(r.call) }],
  ['srd', 'duration', dur('SRD', (c) => c.timings.srdMs)],
  ['pdd', 'duration', { ...dur('PDD', () => undefined), get: (r) => postDialDelay(r.call) }],
  ['ringing', 'duration', dur('Ringing', (c) => c.timings.ringingMs)],
  ['answer', 'duration', dur('Answer', (c) => c.timings.answerMs)],
  ['talk', 'duration', dur('Talk', (c) => c.timings.talkMs)],
  ['duration', 'duration', dur('Duration', (c) => c.timings.durationMs)],
  ['retrans', 'number', { title: 'Rtx', width: 4, get: (r) => r.call.retransmissionCount }],
  ['streams', 'number', { title: 'RTP', width: 4, get: (r) => r.streams.length }],
  ['loss', 'number', { title: 'Loss%', width: 6, get: (r) => worstLoss(r.streams), format: (v) => round1(v as number) }],
  ['jitter', 'number', { title: 'Jitter', width: 7, get: (r) => worstJitter(r.streams), format: (v) => `${round1(v as number)}ms` }],
  ['ua', 'string', str('User-Agent', 24, (r) => userAgent(r.call), { fixed: true })],
  ['related', 'string', str('Related', 10, (r) => r.call.related.join(','), { compare: compareIndexLists })],
];

/** Every attribute, in table order. */
export const CALL_ATTRIBUTES: readonly CallAttribute[] = SPECS.map(([id, type, spec, values]) => make(id, type, spec, values));

const BY_ID = new Map(CALL_ATTRIBUTES.map((a) => [a.id, a] as const));

/** Other names users may type (sngrep's attribute names, spelled-out forms). */
export const ATTRIBUTE_ALIASES: Readonly<Record<string, string>> = {
  idx: 'index',
  'call-id': 'callid',
  call_id: 'callid',
  'x-call-id': 'xcallid',
  xcid: 'xcallid',
  sipfrom: 'from',
  sipfromuser: 'fromuser',
  sipto: 'to',
  siptouser: 'touser',
  source: 'src',
  destination: 'dst',
  msgs: 'msgcnt',
  messages: 'msgcnt',
  status: 'code',
  totaldur: 'duration',
  convdur: 'talk',
  proto: 'transport',
  rtp: 'streams',
  useragent: 'ua',
  'user-agent': 'ua',
};

/** Attribute by id or alias, case-insensitive. */
export function findAttribute(name: string): CallAttribute | undefined {
  const key = name.toLowerCase();
  return BY_ID.get(key) ?? BY_ID.get(ATTRIBUTE_ALIASES[key] ?? '');
}

/** Attribute by exact id; throws on a programming error (an id not in the table). */
export function attribute(id: string): CallAttribute {
  const a = BY_ID.get(id);
  if (a === undefined) throw new Error(`no call attribute '${id}'`);
  return a;
}

export const ATTRIBUTE_IDS: readonly string[] = CALL_ATTRIBUTES.map((a) => a.id);

/** The row of a call: what the attribute getters read. */
export function callRow(call: CallRecord, streams: readonly RtpStreamSummary[] = []): CallRow {
  return { call, streams, first: call.firstEntry?.message };
}
