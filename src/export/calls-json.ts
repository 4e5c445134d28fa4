/**
 * Calls as deterministic JSON: every key always present (null when absent), keys in a fixed
 * order, times as ISO text plus exact epoch nanoseconds, durations in ms rounded to the
 * microsecond. Same input, same bytes: fit for golden tests and for diffing two runs.
 */
import type { CallRecord, DialogRecord, Party, TransactionRecord } from '../core/correlate/types.js';
import type { RtpStreamSummary } from '../core/rtp/types.js';
import { epochNs, isoNs } from '../view/ladder-time.js';

/** Version of this document's shape; bump when a key changes meaning or goes away. */
export const CALLS_JSON_SCHEMA_VERSION = 1;

/** ms rounded to 3 decimals (1 µs): below that, float noise would make goldens flap. */
function ms(value: number | undefined): number | null {
  return value === undefined || !Number.isFinite(value) ? null : Math.round(value * 1000) / 1000;
}

function opt<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}

function party(p: Party): object {
  return { display: p.display, uri: p.uri, user: p.user, tag: opt(p.tag) };
}

function transactionJson(t: TransactionRecord): object {
  return {
    index: t.index,
    method: t.method,
    cseq: Number.isFinite(t.cseqNumber) ? t.cseqNumber : null,
    branch: opt(t.branch),
    rfc3261: t.rfc3261,
    initial: t.initial,
    dialog: t.dialogIndex,
    request_frame: t.request ? t.request.message.frame : null,
    responses: t.responses.filter((r) => !r.retransmission).map((r) => r.message.statusCode ?? null),
    final_code: opt(t.finalCode),
    first_response_ms: ms(t.firstResponseMs),
    final_response_ms: ms(t.finalResponseMs),
    retransmissions: t.retransmissions,
    timed_out: t.timedOut,
    invite: opt(t.inviteIndex),
    cancel: opt(t.cancelIndex),
    ack: opt(t.ackIndex),
  };
}

function dialogJson(d: DialogRecord): object {
  return {
    index: d.index,
    from_tag: d.fromTag,
    to_tag: opt(d.toTag),
    method: d.method,
    state: d.state,
    fork_of: opt(d.forkOf),
    messages: d.messageCount,
  };
}

/** One stream's figures, as the calls JSON and the HTML report show them. */
export function streamJson(s: RtpStreamSummary): object {
  return {
    id: s.id,
    ssrc: `0x${s.ssrc.toString(16).padStart(8, '0')}`,
    src: s.src,
    dst: s.dst,
    payload_type: s.payloadType,
    codec: s.codec,
    clock_rate: s.clockRate,
    start: isoNs(s.firstTs),
    start_ns: epochNs(s.firstTs),
    end: isoNs(s.lastTs),
    end_ns: epochNs(s.lastTs),
    first_frame: s.firstFrame,
    last_frame: s.lastFrame,
    packets: s.packets,
    expected: s.expected,
    lost: s.lost,
    out_of_order: s.outOfOrder,
    duplicates: s.duplicates,
    max_delta_ms: ms(s.maxDeltaMs),
    jitter_ms: ms(s.jitterMs),
    max_jitter_ms: ms(s.maxJitterMs),
    events: s.events,
    rtcp_reports: s.rtcp.length,
  };
}

/** One call as a plain object with a fixed key order. */
export function callJson(c: CallRecord, streams: readonly RtpStreamSummary[] = []): object {
  return {
    index: c.index,
    call_id: c.callId,
    first_method: c.firstMethod,
    from: party(c.from),
    to: party(c.to),
    source: c.source,
    destination: c.destination,
    start: isoNs(c.startTs),
    start_ns: epochNs(c.startTs),
    end: isoNs(c.endTs),
    end_ns: epochNs(c.endTs),
    state: c.state,
    final_code: opt(c.finalCode),
    final_reason: opt(c.finalReason),
    rejection: c.rejection
      ? {
          reasons: c.rejection.reasons.map((r) => ({ protocol: r.protocol, cause: opt(r.cause), text: opt(r.text), cause_name: opt(r.causeName) })),
          warnings: [...c.rejection.warnings],
        }
      : null,
    auth_challenged: c.authChallenged,
    forwarded: c.forwarded,
    message_count: c.messageCount,
    retransmission_count: c.retransmissionCount,
    timings: {
      srd_ms: ms(c.timings.srdMs),
      ringing_ms: ms(c.timings.ringingMs),
      answer_ms: ms(c.timings.answerMs),
      talk_ms: ms(c.timings.talkMs),
      duration_ms: ms(c.timings.durationMs),
    },
    related: [...c.related],
    participants: [...c.participants],
    frames: c.messages.map((m) => m.message.frame),
    dialogs: c.dialogs.map(dialogJson),
    transactions: c.transactions.map(transactionJson),
    streams: streams.filter((s) => s.callIndex === c.index).sort((a, b) => a.id - b.id).map(streamJson),
  };
}

export interface CallsJsonOptions {
  readonly streams?: readonly RtpStreamSummary[];
}

/** The document: `{ schema, calls: [...] }`. */
export function callsJson(calls: readonly CallRecord[], options: CallsJsonOptions = {}): object {
  const byCall = streamsByCall(options.streams ?? []);
  return { schema: CALLS_JSON_SCHEMA_VERSION, calls: [...calls].sort((a, b) => a.index - b.index).map((c) => callJson(c, byCall.get(c.index) ?? [])) };
}

/**
 * Pretty JSON, trailing newline. JSON.stringify escapes C0 controls but not DEL or C1
 * (U+007F..U+009F), which some terminals act on: those are escaped too.
 */
/**
 * The document as text, written a call at a time: one string for 120 000 calls would pass V8's
 * string length limit. Same bytes as `JSON.stringify(callsJson(...), null, 2)`.
 */
export function writeCallsJson(calls: readonly CallRecord[], options: CallsJsonOptions, write: (s: string) => void): void {
  for (const chunk of callsJsonChunks(calls, options)) write(chunk);
}

/** The same document as a sequence of chunks (a call each), for writers that wait for the sink. */
export function* callsJsonChunks(calls: readonly CallRecord[], options: CallsJsonOptions): Generator<string> {
  const doc = callsJson([], options) as { schema: number };
  const byCall = streamsByCall(options.streams ?? []);
  const sorted = [...calls].sort((a, b) => a.index - b.index);
  if (sorted.length === 0) {
    yield safe(JSON.stringify({ schema: doc.schema, calls: [] }, null, 2)) + '\n';
    return;
  }
  yield `{\n  "schema": ${JSON.stringify(doc.schema)},\n  "calls": [\n`;
  for (let k = 0; k < sorted.length; k++) {
    const c = sorted[k]!;
    // indent by splitting lines (a multiline /^/ replace cost more than the stringify)
    const text = '    ' + JSON.stringify(callJson(c, byCall.get(c.index) ?? []), null, 2).split('\n').join('\n    ');
    yield safe(text) + (k < sorted.length - 1 ? ',\n' : '\n');
  }
  yield '  ]\n}\n';
}

/** JSON.stringify leaves DEL and C1 controls raw; some terminals act on them. */
function safe(text: string): string {
  return text.replace(/[\u007f-\u009f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

export function renderCallsJson(calls: readonly CallRecord[], options: CallsJsonOptions = {}): string {
  const parts: string[] = [];
  writeCallsJson(calls, options, (s) => parts.push(s));
  return parts.join('');
}

/** Streams grouped by call once: filtering every stream for every call is quadratic. */
function streamsByCall(streams: readonly RtpStreamSummary[]): Map<number, RtpStreamSummary[]> {
  const byCall = new Map<number, RtpStreamSummary[]>();
  for (const st of streams) {
    if (st.callIndex === undefined) continue;
    const l = byCall.get(st.callIndex);
    if (l) l.push(st);
    else byCall.set(st.callIndex, [st]);
  }
  return byCall;
}
