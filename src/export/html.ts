/**
 * Self-contained HTML report: the ladder as inline SVG (same column order and label fitting
 * as the text ladder, scaled from cells to pixels, never wrapped), a click on an arrow shows
 * the full message, plus call and RTP stream tables. No external URL: inline CSS and JS
 * only, and a Content-Security-Policy that forbids loading anything.
 *
 * Every string from the wire is sanitised (control characters made visible) and then
 * HTML-escaped; message text lives in inert <template> elements and is shown by cloning.
 */
import type { CallRecord } from '../core/correlate/types.js';
import type { RtpStreamSummary } from '../core/rtp/types.js';
import type { LadderLayout, LadderRow } from '../view/ladder.js';
import { fitLadder, ladderDisplayLabel } from '../view/ladder-geometry.js';
import { rawMessageLines } from '../view/ladder-raw.js';
import { formatClock, formatDateTime, formatDelta } from '../view/ladder-time.js';
import { sanitizeField } from '../view/sanitize.js';

/** Pixel metrics of the SVG (12 px monospace: about 7.2 px a cell; rounded up so text never overflows). */
const CELL_PX = 7.5;
const ROW_PX = 34;
const TOP_PX = 44;
const BOTTOM_PX = 16;

export interface HtmlOptions {
  readonly title?: string;
}

/** Escapes text for HTML element content and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** Wire text for the page: control characters made visible, then escaped. */
function safe(text: string): string {
  return escapeHtml(sanitizeField(text));
}

function arrowClass(row: LadderRow): string {
  if (row.kind === 'rtp') return 'rtp';
  const base = row.request ? 'req' : classOfStatus(row.entry.message.statusCode);
  return row.copy > 1 ? `${base} resend` : base;
}

function classOfStatus(code: number | undefined): string {
  if (code === undefined) return 'err';
  if (code < 200) return 'prov';
  if (code < 300) return 'ok';
  if (code < 400) return 'redir';
  return 'err';
}

function gutterText(row: LadderRow, multiCall: boolean): string {
  const time = `${formatClock(row.ts)} ${formatDelta(row.deltaPrevMs)}`;
  return multiCall && row.callIndex !== undefined ? `${time} #${row.callIndex}` : time;
}

function px(cells: number): string {
  return (cells * CELL_PX).toFixed(1);
}

function svgLadder(layout: LadderLayout): string {
  const multiCall = layout.calls.length > 1;
  const gutters = layout.rows.map((r) => gutterText(r, multiCall));
  const gutterWidth = gutters.reduce((w, s) => Math.max(w, s.length), 0) + 2;
  const labels = layout.rows.map(ladderDisplayLabel);
  // unbounded width: one line per label, gaps as wide as the labels need
  const fit = fitLadder(layout, { width: Number.MAX_SAFE_INTEGER, gutterWidth, labels });
  const width = Math.ceil(Math.max(fit.lineWidth, ...fit.headerX.map((x, i) => x + (fit.headers[i]?.length ?? 0))) * CELL_PX) + 20;
  const height = TOP_PX + layout.rows.length * ROW_PX + BOTTOM_PX;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" class="ladder" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`];
  layout.columns.forEach((c, i) => {
    const x = px(fit.columnX[i]!);
    out.push(`<text class="head" x="${x}" y="18" text-anchor="middle">${escapeHtml(c.label)}</text>`);
    if (c.alias !== undefined) out.push(`<text class="head sub" x="${x}" y="32" text-anchor="middle">${escapeHtml(c.address)}</text>`);
    out.push(`<line class="life" x1="${x}" y1="${TOP_PX - 6}" x2="${x}" y2="${height - 4}"/>`);
  });
  layout.rows.forEach((row, i) => {
    const yText = TOP_PX + i * ROW_PX + 12;
    const yArrow = yText + 9;
    const fromX = fit.columnX[row.from]! * CELL_PX;
    const toX = fit.columnX[row.to]! * CELL_PX;
    const cls = arrowClass(row);
    out.push(`<g class="arrow ${cls}" data-row="${i}" tabindex="0" role="button">`);
    out.push(`<rect class="hit" x="0" y="${yText - 12}" width="${width}" height="${ROW_PX - 2}"/>`);
    out.push(`<text class="time" x="6" y="${yArrow + 4}">${escapeHtml(gutters[i]!)}</text>`);
    if (row.from === row.to) {
      const x = fromX;
      out.push(`<path class="shaft" d="M${x.toFixed(1)},${yArrow - 4} h22 v10 h-18" fill="none"/>`);
      out.push(`<polygon class="head" points="${x.toFixed(1)},${yArrow + 6} ${(x + 7).toFixed(1)},${yArrow + 2} ${(x + 7).toFixed(1)},${yArrow + 10}"/>`);
      out.push(`<text class="label" x="${(x + 28).toFixed(1)}" y="${yText}">${escapeHtml(labels[i]!)}</text>`);
    } else {
      const dir = toX > fromX ? 1 : -1;
      const tip = toX - dir;
      out.push(`<line class="shaft" x1="${fromX.toFixed(1)}" y1="${yArrow}" x2="${(tip - dir * 8).toFixed(1)}" y2="${yArrow}"/>`);
      out.push(`<polygon class="head" points="${tip.toFixed(1)},${yArrow} ${(tip - dir * 9).toFixed(1)},${yArrow - 4} ${(tip - dir * 9).toFixed(1)},${yArrow + 4}"/>`);
      out.push(`<text class="label" x="${((fromX + toX) / 2).toFixed(1)}" y="${yText}" text-anchor="middle">${escapeHtml(labels[i]!)}</text>`);
    }
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('\n');
}

function streamRows(s: RtpStreamSummary): [string, string][] {
  const lossPct = s.expected > 0 ? ` (${((100 * s.lost) / s.expected).toFixed(1)}%)` : '';
  return [
    ['Stream', `#${s.id}, SSRC 0x${s.ssrc.toString(16).padStart(8, '0')}`],
    ['From / to', `${s.src} -> ${s.dst}`],
    ['Codec', `${s.codec} (PT ${s.payloadType})`],
    ['Packets', `${s.packets} of ${s.expected} expected, lost ${s.lost}${lossPct}`],
    ['Out of order / duplicates', `${s.outOfOrder} / ${s.duplicates}`],
    ['Max delta', `${s.maxDeltaMs.toFixed(1)} ms`],
    ['Jitter (last / max)', `${s.jitterMs.toFixed(2)} / ${s.maxJitterMs.toFixed(2)} ms`],
    ['Frames', `${s.firstFrame} - ${s.lastFrame}`],
    ['Start', formatDateTime(s.firstTs)],
    ['DTMF', s.events || '-'],
    ['RTCP reports', String(s.rtcp.length)],
  ];
}

function keyValueTable(rows: readonly [string, string][]): string {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${safe(v)}</td></tr>`).join('')}</table>`;
}

/** Detail shown when an arrow is clicked (inert until cloned by the script). */
function detailTemplate(row: LadderRow, index: number): string {
  const label = escapeHtml(ladderDisplayLabel(row));
  if (row.kind === 'rtp') {
    return `<template id="d${index}"><h3>${label}</h3>${keyValueTable(streamRows(row.stream))}</template>`;
  }
  const m = row.entry.message;
  const info: [string, string][] = [
    ['Frame', m.frames && m.frames.length > 1 ? m.frames.join(', ') : String(row.frame)],
    ['Time', formatDateTime(row.ts)],
    ['Transport', `${m.transport} ${row.entry.src} -> ${row.entry.dst}`],
    ['Call / transaction', `${row.callIndex} / ${row.transactionIndex}`],
  ];
  if (row.sdp !== undefined) info.push(['Body', row.sdp]);
  if (row.copy > 1) info.push(['Retransmission', `copy ${row.copy} of ${row.resends + 1}`]);
  if (m.diagnostics.length > 0) info.push(['Diagnostics', m.diagnostics.map((d) => d.code).join(', ')]);
  const raw = rawMessageLines(m).map(escapeHtml).join('\n');
  return `<template id="d${index}"><h3>${label}</h3>${keyValueTable(info)}<pre class="raw">${raw}</pre></template>`;
}

function callsTable(calls: readonly CallRecord[]): string {
  const head = ['#', 'Call-ID', 'Method', 'From', 'To', 'State', 'Final', 'Msgs', 'Start (UTC)', 'Duration'];
  const rows = calls.map((c) =>
    [
      String(c.index),
      c.callId,
      c.firstMethod,
      c.from.uri,
      c.to.uri,
      c.state,
      c.finalCode !== undefined ? `${c.finalCode} ${c.finalReason ?? ''}` : '-',
      String(c.messageCount),
      formatDateTime(c.startTs),
      `${(c.timings.durationMs / 1000).toFixed(3)} s`,
    ]
      .map((v) => `<td>${safe(v)}</td>`)
      .join(''),
  );
  return `<table class="list"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r}</tr>`).join('')}</tbody></table>`;
}

function streamsTable(streams: readonly RtpStreamSummary[]): string {
  if (streams.length === 0) return '<p class="none">No RTP streams.</p>';
  const head = ['#', 'Call', 'SSRC', 'From', 'To', 'Codec', 'Packets', 'Expected', 'Lost', 'Out of order', 'Dup', 'Max delta ms', 'Jitter ms', 'Max jitter ms', 'DTMF'];
  const rows = streams.map((s) =>
    [
      String(s.id),
      s.callIndex !== undefined ? String(s.callIndex) : '-',
      `0x${s.ssrc.toString(16).padStart(8, '0')}`,
      s.src,
      s.dst,
      s.codec,
      String(s.packets),
      String(s.expected),
      String(s.lost),
      String(s.outOfOrder),
      String(s.duplicates),
      s.maxDeltaMs.toFixed(1),
      s.jitterMs.toFixed(2),
      s.maxJitterMs.toFixed(2),
      s.events || '-',
    ]
      .map((v) => `<td>${safe(v)}</td>`)
      .join(''),
  );
  return `<table class="list"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r}</tr>`).join('')}</tbody></table>`;
}

/** The whole page as one string. */
export function renderHtml(layout: LadderLayout, options: HtmlOptions = {}): string {
  const title = safe(options.title ?? 'SIP call flow');
  const start = layout.firstTs ? `First message ${formatDateTime(layout.firstTs)}; ladder times are UTC, +delta from the previous arrow.` : 'No messages.';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${HTML_STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${title}</h1>`,
    `<p class="meta">${escapeHtml(start)}</p>`,
    '<h2>Calls</h2>',
    callsTable(layout.calls),
    '<div class="flow">',
    `<div class="ladder-box">${svgLadder(layout)}</div>`,
    '<aside id="detail" class="detail" aria-live="polite"><p class="none">Click an arrow to see the message.</p></aside>',
    '</div>',
    '<h2>RTP streams</h2>',
    streamsTable(layout.streams),
    ...layout.rows.map(detailTemplate),
    `<script>${HTML_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

const HTML_STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:16px;color:#1f2328;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:18px 0 6px}
.meta,.none{color:#59636e}
table{border-collapse:collapse;font-size:13px}
table.list th,table.list td{border:1px solid #d1d9e0;padding:3px 7px;text-align:left;white-space:nowrap}
table.list th{background:#f6f8fa}
table.kv th{text-align:left;padding:2px 10px 2px 0;color:#59636e;font-weight:600;vertical-align:top;white-space:nowrap}
table.kv td{padding:2px 0;word-break:break-all}
.flow{display:grid;grid-template-columns:minmax(0,1fr) minmax(300px,34%);gap:12px;margin-top:14px;align-items:start}
.ladder-box{overflow:auto;border:1px solid #d1d9e0;border-radius:6px;max-height:85vh}
.detail{position:sticky;top:8px;border:1px solid #d1d9e0;border-radius:6px;padding:8px 10px;max-height:85vh;overflow:auto}
.detail h3{font:600 13px ui-monospace,monospace;margin:0 0 6px;word-break:break-all}
pre.raw{font:12px/1.35 ui-monospace,monospace;background:#f6f8fa;padding:8px;white-space:pre-wrap;word-break:break-all;margin:8px 0 0}
svg.ladder{font:12px ui-monospace,"DejaVu Sans Mono",monospace;display:block}
svg .head{font-weight:600;fill:#1f2328}svg .head.sub{font-weight:400;fill:#59636e}
svg .life{stroke:#afb8c1;stroke-width:1}
svg .time{fill:#59636e}
svg .hit{fill:transparent}
svg .arrow{cursor:pointer;outline:none}
svg .arrow:hover .hit,svg .arrow:focus .hit{fill:#f6f8fa}
svg .arrow.sel .hit{fill:#ddf4ff}
svg .shaft{stroke-width:1.6}
svg .req .shaft{stroke:#0969da}svg .req polygon,svg .req .label{fill:#0969da}
svg .prov .shaft{stroke:#6e7781}svg .prov polygon,svg .prov .label{fill:#57606a}
svg .ok .shaft{stroke:#1a7f37}svg .ok polygon,svg .ok .label{fill:#1a7f37}
svg .redir .shaft{stroke:#9a6700}svg .redir polygon,svg .redir .label{fill:#9a6700}
svg .err .shaft{stroke:#cf222e}svg .err polygon,svg .err .label{fill:#cf222e}
svg .rtp .shaft{stroke:#8250df;stroke-dasharray:2 3}svg .rtp polygon,svg .rtp .label{fill:#8250df}
svg .resend .shaft{stroke-dasharray:7 3}
`;

/** Shows the clicked arrow's template in the detail panel (cloned: template text is inert). */
const HTML_SCRIPT = `
(function () {
  var detail = document.getElementById('detail');
  var selected = null;
  function show(g) {
    var t = document.getElementById('d' + g.getAttribute('data-row'));
    if (!t) return;
    detail.replaceChildren(t.content.cloneNode(true));
    if (selected) selected.classList.remove('sel');
    selected = g;
    g.classList.add('sel');
  }
  var arrows = document.querySelectorAll('g.arrow');
  arrows.forEach(function (g) {
    g.addEventListener('click', function () { show(g); });
    g.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); show(g); }
    });
  });
  if (arrows.length > 0) show(arrows[0]);
})();
`;
