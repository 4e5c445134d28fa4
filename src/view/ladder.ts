/**
 * The ladder (call flow) layout: one plain-data geometry that the TUI and every exporter draw
 * (DESIGN.md "view"). Columns are endpoints, rows are arrows in capture order. Nothing here
 * depends on a screen width: fitting to a width is ladder-geometry.ts's job.
 *
 * Labels are sanitised here (sanitizeField), so no renderer can forget: a Call-ID or reason
 * phrase carrying ESC [ 2 J reaches every output as the visible text `\x1b[2J`.
 */
import { compareTime, diffMs } from '../core/correlate/time.js';
import type { CallRecord, Endpoint, MessageEntry, PacketTime } from '../core/correlate/types.js';
import type { RtpStreamSummary } from '../core/rtp/types.js';
import type { SipMessage } from '../core/sip/types.js';
import { defaultSdpLabel } from './ladder-sdp.js';
import { sanitizeField } from './sanitize.js';

export interface LadderColumn {
  readonly index: number;
  /** `ip:port` (IPv6 bracketed), or the host IP alone when compressed. Never shortened. */
  readonly address: string;
  /** Host part of the address (IPv6 without brackets). */
  readonly host: string;
  /** User alias for the address or its host, sanitised; undefined when none. */
  readonly alias?: string;
  /** What a header shows: the alias when there is one, else the address. */
  readonly label: string;
}

interface LadderRowBase {
  /** Position in `rows`. */
  readonly index: number;
  readonly from: number;
  readonly to: number;
  /** Sanitised, one line, complete: renderers wrap it, never cut it. */
  readonly label: string;
  readonly ts: PacketTime;
  /** ms since the previous row (0 for the first). */
  readonly deltaPrevMs: number;
  /** ms since the first row. */
  readonly deltaFirstMs: number;
  readonly frame: number;
}

export interface LadderMessageRow extends LadderRowBase {
  readonly kind: 'message';
  readonly seq: number;
  readonly callIndex: number;
  readonly transactionIndex: number;
  readonly dialogIndex: number;
  readonly entry: MessageEntry;
  readonly request: boolean;
  /** The SDP part of the label (`SDP PCMU,PCMA`), undefined when the message has none. */
  readonly sdp?: string;
  readonly hasSdp: boolean;
  readonly malformed: boolean;
  readonly retransmission: boolean;
  /** Which copy this is: 1 for the original, 2 for the first resend, ... */
  readonly copy: number;
  /** How many resends this message had in total (same on every copy). */
  readonly resends: number;
}

export interface LadderRtpRow extends LadderRowBase {
  readonly kind: 'rtp';
  readonly stream: RtpStreamSummary;
  readonly callIndex?: number;
}

export type LadderRow = LadderMessageRow | LadderRtpRow;

export interface LadderLayout {
  readonly columns: readonly LadderColumn[];
  readonly rows: readonly LadderRow[];
  /** The calls drawn, in the order given. */
  readonly calls: readonly CallRecord[];
  /** The streams drawn (those of the selected calls), by id. */
  readonly streams: readonly RtpStreamSummary[];
  readonly compressed: boolean;
  /** Time of the first row; undefined when there are no rows. */
  readonly firstTs?: PacketTime;
}

export interface LadderInput {
  readonly calls: readonly CallRecord[];
  readonly streams?: readonly RtpStreamSummary[];
  /** One column per host IP instead of per `ip:port`. */
  readonly compress?: boolean;
  /** Address (`ip:port`) or host IP → display name. An exact address wins over its host. */
  readonly aliases?: ReadonlyMap<string, string>;
  /** Draw the selected calls' RTP streams as arrows at their first packet. */
  readonly showRtp?: boolean;
  /** SDP annotation of a message (`SDP PCMU`), undefined when it has none. Replaceable. */
  readonly sdpLabel?: (msg: SipMessage) => string | undefined;
}

/** Splits `ip:port` / `[v6]:port` into host and port; a bare host comes back with port ''. */
export function splitAddress(address: string): { host: string; port: string } {
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    if (close > 0) return { host: address.slice(1, close), port: address.slice(close + 2) };
  }
  const colon = address.lastIndexOf(':');
  // a bare IPv6 host has several colons and no brackets
  if (colon < 0 || address.indexOf(':') !== colon) return { host: address, port: '' };
  return { host: address.slice(0, colon), port: address.slice(colon + 1) };
}

/** `PCMU/8000` → `PCMU`. */
function codecName(codec: string): string {
  const slash = codec.indexOf('/');
  return slash < 0 ? codec : codec.slice(0, slash);
}

function round1(n: number): string {
  return (Math.round(n * 10) / 10).toFixed(1);
}

/** `RTP PCMU 250 pkts lost 0 jitter 1.2ms` (+ ` DTMF 12#` when RFC 4733 events were seen). */
export function rtpStreamLabel(s: RtpStreamSummary): string {
  const codec = codecName(s.codec) || `PT${s.payloadType}`;
  const dtmf = s.events !== '' ? ` DTMF ${s.events}` : '';
  return sanitizeField(`RTP ${codec} ${s.packets} pkts lost ${s.lost} jitter ${round1(s.jitterMs)}ms${dtmf}`);
}

/** Label of a message whose start line could not be read (it is still drawn). */
export const UNREADABLE_START_LINE = '(unreadable start line)';

/** `INVITE`, `183 Session Progress`, each with ` (SDP ...)` when the body has SDP. */
function messageLabel(msg: SipMessage, sdp: string | undefined): string {
  const head = (msg.isRequest ? (msg.method ?? '') : `${msg.statusCode ?? ''} ${msg.reason ?? ''}`.trim()) || UNREADABLE_START_LINE;
  return sanitizeField(sdp === undefined ? head : `${head} (${sdp})`);
}

/** Identity of a message within its transaction, for counting resend copies. */
function copyKey(e: MessageEntry): string {
  const m = e.message;
  return m.isRequest ? `${e.callIndex}|${e.transactionIndex}|q` : `${e.callIndex}|${e.transactionIndex}|${m.statusCode}|${m.toTag ?? ''}`;
}

interface PendingRow {
  ts: PacketTime;
  frame: number;
  seq: number;
  entry?: MessageEntry;
  stream?: RtpStreamSummary;
}

function comparePending(a: PendingRow, b: PendingRow): number {
  return compareTime(a.ts, b.ts) || a.frame - b.frame || a.seq - b.seq;
}

/** Builds the ladder of the given calls (merged by time, then frame, then message seq). */
export function layoutLadder(input: LadderInput): LadderLayout {
  const compress = input.compress === true;
  const sdpLabel = input.sdpLabel ?? defaultSdpLabel;
  const aliases = input.aliases ?? new Map<string, string>();
  const selected = new Set(input.calls.map((c) => c.index));
  const streams = input.showRtp === true ? (input.streams ?? []).filter((s) => s.callIndex !== undefined && selected.has(s.callIndex)) : [];

  const pending: PendingRow[] = [];
  for (const call of input.calls) {
    for (const entry of call.messages) pending.push({ ts: entry.message, frame: entry.message.frame, seq: entry.seq, entry });
  }
  // RTP rows sort after SIP messages of the same time and frame (seq = +Infinity)
  for (const stream of streams) pending.push({ ts: stream.firstTs, frame: stream.firstFrame, seq: Number.POSITIVE_INFINITY, stream });
  pending.sort(comparePending);

  // Copies of each message, in capture order (a resend is flagged by the correlator): each
  // original starts a train, each resend joins the latest train with the same identity.
  const latestTrain = new Map<string, number>();
  const trainSizes: number[] = [];
  const copyOf: number[] = [];
  const trainOf: number[] = [];
  for (const p of pending) {
    if (!p.entry) {
      copyOf.push(0);
      trainOf.push(-1);
      continue;
    }
    const key = copyKey(p.entry);
    let train = latestTrain.get(key);
    if (train === undefined || !p.entry.retransmission) {
      train = trainSizes.length;
      trainSizes.push(0);
      latestTrain.set(key, train);
    }
    trainSizes[train] = trainSizes[train]! + 1;
    copyOf.push(trainSizes[train]!);
    trainOf.push(train);
  }

  const columns: LadderColumn[] = [];
  const byAddress = new Map<string, number>();
  const byHost = new Map<string, number>();
  const columnFor = (endpoint: Endpoint): number => {
    const { host } = splitAddress(endpoint);
    const address = compress ? host : endpoint;
    const known = byAddress.get(address);
    if (known !== undefined) return known;
    const index = columns.length;
    const alias = aliases.get(address) ?? aliases.get(host);
    const safeAlias = alias === undefined ? undefined : sanitizeField(alias);
    columns.push({ index, address, host, ...(safeAlias !== undefined ? { alias: safeAlias } : {}), label: safeAlias ?? address });
    byAddress.set(address, index);
    if (!byHost.has(host)) byHost.set(host, index);
    return index;
  };
  // SIP endpoints first, in row order; media endpoints then join the column of their exact
  // address, else the first column of their host (so RTP lands on the phone that signalled it).
  for (const p of pending) {
    if (p.entry) {
      columnFor(p.entry.src);
      columnFor(p.entry.dst);
    }
  }
  const mediaColumn = (endpoint: Endpoint): number => {
    const exact = byAddress.get(compress ? splitAddress(endpoint).host : endpoint);
    if (exact !== undefined) return exact;
    return byHost.get(splitAddress(endpoint).host) ?? columnFor(endpoint);
  };

  const rows: LadderRow[] = [];
  const firstTs = pending[0]?.ts;
  let prevTs = firstTs;
  pending.forEach((p, i) => {
    const ts = { tsSec: p.ts.tsSec, tsNsec: p.ts.tsNsec };
    const base = {
      index: rows.length,
      ts,
      deltaPrevMs: prevTs ? diffMs(prevTs, ts) : 0,
      deltaFirstMs: firstTs ? diffMs(firstTs, ts) : 0,
      frame: p.frame,
    };
    prevTs = ts;
    if (p.entry) {
      const e = p.entry;
      const sdp = sdpLabel(e.message);
      rows.push({
        ...base,
        kind: 'message',
        from: columnFor(e.src),
        to: columnFor(e.dst),
        label: messageLabel(e.message, sdp === undefined ? undefined : sanitizeField(sdp)),
        seq: e.seq,
        callIndex: e.callIndex,
        transactionIndex: e.transactionIndex,
        dialogIndex: e.dialogIndex,
        entry: e,
        request: e.message.isRequest,
        ...(sdp !== undefined ? { sdp: sanitizeField(sdp) } : {}),
        hasSdp: sdp !== undefined,
        malformed: e.message.malformed,
        retransmission: e.retransmission,
        copy: copyOf[i]!,
        resends: trainSizes[trainOf[i]!]! - 1,
      });
    } else if (p.stream) {
      const s = p.stream;
      rows.push({
        ...base,
        kind: 'rtp',
        from: mediaColumn(s.src),
        to: mediaColumn(s.dst),
        label: rtpStreamLabel(s),
        stream: s,
        ...(s.callIndex !== undefined ? { callIndex: s.callIndex } : {}),
      });
    }
  });

  return {
    columns,
    rows,
    calls: input.calls,
    streams: [...streams].sort((a, b) => a.id - b.id),
    compressed: compress,
    ...(firstTs ? { firstTs: { tsSec: firstTs.tsSec, tsNsec: firstTs.tsNsec } } : {}),
  };
}
