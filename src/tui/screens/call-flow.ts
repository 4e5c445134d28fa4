/**
 * The call flow: the SAME ladder as `siptrace flow` (renderTextLadder over layoutLadder and
 * fitLadder), with a fixed time gutter and header, a cursor on the arrows, horizontal
 * scrolling when the ladder is wider than the terminal, and the message pane on the right.
 */
import type { CallRecord } from '../../core/correlate/types.js';
import { sdpOfMessage } from '../../core/sdp/index.js';
import type { SipMessage } from '../../core/sip/types.js';
import { sanitizeField } from '../../core/text/sanitize.js';
import { renderTextLadder } from '../../export/text-ladder.js';
import { layoutLadder, type LadderLayout, type LadderRow } from '../../view/ladder.js';
import { fitLadder, ladderDisplayLabel } from '../../view/ladder-geometry.js';
import { rawMessageLines } from '../../view/ladder-raw.js';
import { formatDateTime } from '../../view/ladder-time.js';
import { gutterText, withoutResends } from '../flow-layout.js';
import { PANE_MIN_WIDTH, type FlowState, type Hit, type UiState } from '../ui-state.js';
import type { ScreenContext } from './context.js';
import { FrameBuilder, MIN_HEIGHT, MIN_WIDTH, sliceCells, fitText, tooSmallFrame, wrapCells, type Color, type Frame } from './frame.js';

/** Narrowest ladder kept beside the pane; below it the pane is hidden. */
export const FLOW_MIN_LADDER_WIDTH = 40;
const PALETTE: readonly Color[] = ['cyan', 'green', 'yellow', 'magenta', 'blue', 'red'];

export interface FlowLadder {
  readonly layout: LadderLayout;
  /** Lines above the first row (legend, header names, bar line). */
  readonly header: readonly string[];
  /** Lines from the first row to the end (rows, closing bar, marks). */
  readonly body: readonly string[];
  /** Body line range [start, end) of each row. */
  readonly rowSpans: readonly (readonly [number, number])[];
  readonly gutterWidth: number;
  readonly lineWidth: number;
}

/** The calls the flow draws: the chosen ones, plus their related legs when asked. */
export function flowCalls(flow: FlowState, ctx: ScreenContext): CallRecord[] {
  const ids = new Set(flow.calls);
  if (flow.related) {
    for (const id of flow.calls) for (const r of ctx.store.call(id)?.related ?? []) ids.add(r);
  }
  return [...ids].sort((a, b) => a - b).flatMap((id) => ctx.store.call(id) ?? []);
}

function sdpLabelFor(mode: FlowState['sdp']): (msg: SipMessage) => string | undefined {
  return (msg) => {
    const sdp = sdpOfMessage(msg);
    if (sdp === undefined) return undefined;
    return mode === 'marker' || sdp.label === '' ? 'SDP' : `SDP ${sdp.label}`;
  };
}

let memoKey = '';
let memo: FlowLadder | undefined;
const aliasIds = new WeakMap<ReadonlyMap<string, string>, number>();
let aliasCount = 0;
/** A key for the alias map in the memo (maps are built once per run; identity is enough). */
function aliasKey(aliases: ReadonlyMap<string, string> | undefined): number {
  if (aliases === undefined) return 0;
  let id = aliasIds.get(aliases);
  if (id === undefined) aliasIds.set(aliases, (id = ++aliasCount));
  return id;
}

/**
 * Builds the ladder text for a width and where each row's lines are. The row spans follow
 * renderTextLadder's line order: label lines, then the arrow (two lines for a self arrow).
 */
export function buildFlowLadder(flow: FlowState, ctx: ScreenContext, width: number, showAliases = true): FlowLadder {
  const calls = flowCalls(flow, ctx);
  const aliases = showAliases ? ctx.aliases : undefined;
  const key = [ctx.store.version, calls.map((c) => `${c.index}.${c.version}`).join(','), flow.compress, flow.rtp, flow.sdp, flow.retrans, aliasKey(aliases), width].join('|');
  if (key === memoKey && memo !== undefined) return memo;
  const streams = calls.flatMap((c) => ctx.store.streams(c.index));
  const full = layoutLadder({ calls, streams, compress: flow.compress, showRtp: flow.rtp, sdpLabel: sdpLabelFor(flow.sdp), ...(aliases ? { aliases } : {}) });
  const layout = flow.retrans ? full : withoutResends(full);
  const lines = renderTextLadder(layout, { width, summary: false }).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  // the same geometry renderTextLadder used, to know which lines belong to which row
  const multiCall = layout.calls.length > 1;
  const gutters = layout.rows.map((r) => gutterText(r, 'delta', multiCall));
  const gutterWidth = gutters.reduce((w, s) => Math.max(w, s.length), 0) + 1;
  const fit = fitLadder(layout, { width, gutterWidth, labels: layout.rows.map(ladderDisplayLabel) });
  const headerCount = layout.rows.length === 0 ? 0 : (fit.headerMode === 'legend' ? layout.columns.length + 1 : 0) + 2;
  const rowSpans: [number, number][] = [];
  let at = 0;
  layout.rows.forEach((row, i) => {
    const n = fit.labelLines[i]!.length + (row.from === row.to ? 2 : 1);
    rowSpans.push([at, at + n]);
    at += n;
  });
  memo = { layout, header: lines.slice(0, headerCount), body: lines.slice(headerCount), rowSpans, gutterWidth, lineWidth: fit.lineWidth };
  memoKey = key;
  return memo;
}

function rowColor(row: LadderRow, flow: FlowState): Color {
  if (row.kind === 'rtp') return 'magenta';
  if (flow.color === 'callid') return PALETTE[(row.callIndex - 1) % PALETTE.length]!;
  if (flow.color === 'cseq') return PALETTE[(row.transactionIndex - 1) % PALETTE.length]!;
  if (row.request) return 'cyan';
  const code = row.entry.message.statusCode ?? 0;
  return code < 200 ? 'yellow' : code < 300 ? 'green' : 'red';
}

interface PaneSpan {
  from: number;
  to: number;
  fg?: Color;
  bold?: boolean;
}

interface PaneLine {
  text: string;
  spans: PaneSpan[];
}

/** Highlights of one raw line (cells): header names, tags, branch; SDP m=/c= lines. */
export function highlightRawLine(line: string, index: number, request: boolean, inBody: boolean): PaneSpan[] {
  const len = Array.from(line).length;
  if (index === 0) return [{ from: 0, to: len, bold: true, fg: request ? 'cyan' : 'green' }];
  if (inBody) return /^[mc]=/.test(line) ? [{ from: 0, to: len, fg: 'green' }] : [];
  const spans: PaneSpan[] = [];
  const colon = line.indexOf(':');
  if (colon > 0 && !/^\s/.test(line)) spans.push({ from: 0, to: Array.from(line.slice(0, colon)).length, bold: true });
  for (const m of line.matchAll(/[;?](tag|branch)=([^;>,\s]*)/gi)) {
    const at = Array.from(line.slice(0, m.index + 1)).length;
    spans.push({ from: at, to: at + Array.from(m[0]).length - 1, fg: m[1]!.toLowerCase() === 'tag' ? 'yellow' : 'magenta' });
  }
  return spans;
}

/** Cuts a line into pieces of `width` cells, each with its share of the spans. */
function wrapWithSpans(text: string, spans: readonly PaneSpan[], width: number): PaneLine[] {
  const pieces = wrapCells(text, width);
  return pieces.map((piece, k) => {
    const off = k * width;
    const len = Array.from(piece).length;
    const own = spans
      .filter((sp) => sp.to > off && sp.from < off + len)
      .map((sp) => ({ ...sp, from: Math.max(0, sp.from - off), to: Math.min(len, sp.to - off) }));
    return { text: piece, spans: own };
  });
}

/** The message pane: heading and the whole raw message, wrapped (never cut sideways). */
function paneLines(row: LadderRow | undefined, width: number): PaneLine[] {
  const plain = (text: string, fg?: Color): PaneLine[] => wrapWithSpans(text, fg ? [{ from: 0, to: Array.from(text).length, fg }] : [], width);
  if (row === undefined) return plain('(no message)');
  if (row.kind === 'rtp') {
    const st = row.stream;
    return [
      ...wrapWithSpans(row.label, [{ from: 0, to: row.label.length, bold: true }], width),
      ...plain(sanitizeField(`${st.src} -> ${st.dst}`)),
      ...plain(`SSRC 0x${st.ssrc.toString(16).padStart(8, '0')}  PT ${st.payloadType}`),
      ...plain(`packets ${st.packets}  lost ${st.lost}  expected ${st.expected}`),
      ...plain(`jitter ${st.jitterMs.toFixed(1)}ms  max ${st.maxJitterMs.toFixed(1)}ms`),
    ];
  }
  const m = row.entry.message;
  const out: PaneLine[] = [];
  out.push(...plain(sanitizeField(`${formatDateTime(row.ts)}  frame ${row.frame}${row.copy > 1 ? `  resend x${row.copy}` : ''}`), 'gray'));
  out.push(...plain(sanitizeField(`${m.transport} ${row.entry.src} -> ${row.entry.dst}`), 'gray'));
  let inBody = false;
  rawMessageLines(m).forEach((line, i) => {
    out.push(...wrapWithSpans(line, highlightRawLine(line, i, row.request, inBody), width));
    if (i > 0 && line === '') inBody = true;
  });
  return out;
}

export interface FlowView {
  readonly frame: Frame;
  /** Lines of the cursor's message in the pane, and how many the pane shows. */
  readonly paneLines: number;
  readonly paneRows: number;
  hitTest(x: number, y: number): Hit | undefined;
  /** Scroll (body lines) used, kept in the state so the next move starts from it. */
  readonly scroll: number;
  readonly rows: number;
  readonly hscrollMax: number;
  readonly pageRows: number;
  /** Message seq of a ladder row (undefined for RTP rows). */
  seqAt(row: number): number | undefined;
}

const FLOW_FOOTER = 'Q Quit  Esc Back  Enter Raw  F1 Help  t Pane  9/0 Pane size  J/K Pane scroll  c Colour  s Compress  d SDP  m RTP  x Related  w Time  h/l Scroll';

export function callFlowView(state: UiState, ctx: ScreenContext, width: number, height: number): FlowView {
  const f = state.flow;
  if (width < MIN_WIDTH || height < MIN_HEIGHT) {
    return { frame: tooSmallFrame(width, height), scroll: f.scroll, rows: 0, hscrollMax: 0, pageRows: 1, paneLines: 0, paneRows: 0, seqAt: () => undefined, hitTest: () => undefined };
  }
  let paneW = f.pane ? Math.min(f.paneWidth, width - FLOW_MIN_LADDER_WIDTH - 1) : 0;
  if (paneW < PANE_MIN_WIDTH) paneW = 0;
  const ladderW = paneW > 0 ? width - paneW - 1 : width;
  const ladder = buildFlowLadder(f, ctx, ladderW, state.aliases);
  const rows = ladder.layout.rows;
  const cursor = Math.max(0, Math.min(f.cursor, rows.length - 1));
  const area = height - 2;
  const header = ladder.header.slice(0, Math.max(0, area - 2));
  const page = Math.max(1, area - header.length);

  // scroll so the cursor row's lines are all on screen
  const span = ladder.rowSpans[cursor] ?? [0, 0];
  let scroll = Math.min(f.scroll, Math.max(0, ladder.body.length - page));
  if (span[0] < scroll) scroll = span[0];
  if (span[1] > scroll + page) scroll = Math.max(0, span[1] - page);
  const hscrollMax = Math.max(0, ladder.lineWidth - ladderW);
  const hscroll = Math.min(f.hscroll, hscrollMax);
  const g = Math.min(ladder.gutterWidth, ladderW);

  const b = new FrameBuilder(width);
  const ids = ladder.layout.calls.map((c) => c.index);
  const modes = `SDP ${f.sdp}  RTP ${f.rtp ? 'on' : 'off'}  colour ${f.color}  ${f.compress ? 'per host' : 'per address'}${f.retrans ? '' : '  no resends'}${f.related ? '  +related' : ''}`;
  const hint = hscrollMax > 0 ? `  cols ${hscroll + 1}-${Math.min(ladder.lineWidth, hscroll + ladderW - g)}/${ladder.lineWidth} (h/l)` : '';
  b.line(` Call flow: call${ids.length > 1 ? 's' : ''} ${ids.join(',')}   arrow ${rows.length === 0 ? 0 : cursor + 1}/${rows.length}${hint}   ${modes}`, { inverse: true });

  // the time gutter in the chosen format, on each row's arrow line (its first line after the label)
  const multiCall = ladder.layout.calls.length > 1;
  const gutterOf = new Map<number, string>();
  if (f.timeFormat !== 'delta') {
    ladder.rowSpans.forEach(([, e], r) => gutterOf.set(e - (rows[r]!.from === rows[r]!.to ? 2 : 1), gutterText(rows[r]!, f.timeFormat, multiCall)));
  }
  const view = (line: string, bodyLine: number): string => {
    const gutter = gutterOf.get(bodyLine);
    return fitText(gutter ?? line, g) + sliceCells(line, g + hscroll, ladderW - g);
  };
  const allPane = paneW > 0 ? paneLines(rows[cursor], paneW) : [];
  // a message taller than the pane scrolls (J/K, wheel); the last line says how much is left
  const paneScroll = Math.max(0, Math.min(f.paneScroll, allPane.length - area));
  const pane = allPane.slice(paneScroll, paneScroll + area);
  if (allPane.length > paneScroll + area) {
    const more = `-- ${allPane.length - paneScroll - area + 1} more lines (J/K or wheel) --`;
    pane[area - 1] = { text: more, spans: [{ from: 0, to: more.length, fg: 'gray', bold: true }] };
  }
  const rowOfLine = new Map<number, number>();
  ladder.rowSpans.forEach(([s, e], r) => {
    for (let k = s; k < e; k++) rowOfLine.set(k, r);
  });
  for (let y = 0; y < area; y++) {
    const bodyLine = y - header.length + scroll;
    const text = y < header.length ? header[y]! : (ladder.body[bodyLine] ?? '');
    const left = rows.length === 0 && y === 0 ? fitText(' (no messages)', ladderW) : view(text, y < header.length ? -1 : bodyLine);
    const p = pane[y];
    const i = b.line(paneW > 0 ? `${left}│${fitText(p?.text ?? '', paneW)}` : left);
    if (y >= header.length) {
      const r = rowOfLine.get(bodyLine);
      if (r !== undefined) {
        b.mark({ line: i, from: g, to: ladderW, fg: rowColor(rows[r]!, f) });
        if (r === cursor) b.mark({ line: i, from: 0, to: ladderW, inverse: true });
        const row = rows[r]!;
        if (row.kind === 'message' && f.marked.includes(row.seq)) b.mark({ line: i, from: 0, to: g, bold: true, fg: 'yellow' });
      }
    } else {
      b.mark({ line: i, from: 0, to: ladderW, bold: true });
    }
    if (paneW > 0) {
      b.mark({ line: i, from: ladderW, to: ladderW + 1, fg: 'gray' });
      for (const sp of p?.spans ?? []) {
        b.mark({ line: i, from: ladderW + 1 + sp.from, to: ladderW + 1 + sp.to, ...(sp.bold ? { bold: true } : {}), ...(sp.fg ? { fg: sp.fg } : {}) });
      }
    }
  }
  b.line(` ${ctx.status !== undefined ? sanitizeField(ctx.status) : FLOW_FOOTER}`, { inverse: true });
  const seqAt = (r: number): number | undefined => {
    const row = rows[r];
    return row?.kind === 'message' ? row.seq : undefined;
  };
  const hitTest = (x: number, y: number): Hit | undefined => {
    if (y < 1 || y > area) return undefined;
    if (paneW > 0 && x > ladderW) return { kind: 'pane' };
    const line = y - 1;
    if (line < header.length) return undefined;
    const r = rowOfLine.get(line - header.length + scroll);
    return r === undefined ? undefined : { kind: 'flowRow', row: r };
  };
  return { frame: b.frame(), scroll, rows: rows.length, hscrollMax, pageRows: page, paneLines: allPane.length, paneRows: area, seqAt, hitTest };
}

export function renderCallFlow(state: UiState, ctx: ScreenContext, width: number, height: number): string[] {
  return callFlowView(state, ctx, width, height).frame.lines;
}
