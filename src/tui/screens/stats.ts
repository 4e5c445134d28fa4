/**
 * The statistics screen (`i`): sngrep's counts as text on the left (scrolling), and three
 * charts on the right when the terminal is large enough: calls started per second over the
 * capture, response codes, and jitter per RTP stream. The frame leaves the chart areas blank;
 * app.ts puts blessed-contrib widgets there with the data chartData() gives.
 */
import { sanitizeField } from '../../core/text/sanitize.js';
import { formatClock } from '../../view/ladder-time.js';
import { statsFigures, worstByJitter, type StatsData } from '../stats-data.js';
import type { CallStoreStats } from '../../core/store/call-store.js';
import type { UiState } from '../ui-state.js';
import type { ScreenContext } from './context.js';
import { fitText, FrameBuilder, MIN_HEIGHT, MIN_WIDTH, tooSmallFrame, type Frame } from './frame.js';

/** Smallest terminal that gets charts (a chart narrower or lower than this is unreadable). */
export const CHART_MIN_WIDTH = 120;
export const CHART_MIN_HEIGHT = 24;
/** Bar geometry of the contrib bar charts (cells). */
export const BAR_WIDTH = 4;
export const BAR_SPACING = 7;
export const BAR_X_OFFSET = 2;

export interface Rect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface ChartRects {
  readonly rate: Rect;
  readonly codes: Rect;
  readonly jitter: Rect;
}

export interface StatsLayout {
  readonly textWidth: number;
  readonly charts?: ChartRects;
}

export function statsLayout(width: number, height: number): StatsLayout {
  if (width < CHART_MIN_WIDTH || height < CHART_MIN_HEIGHT) return { textWidth: width };
  const chartW = Math.min(100, Math.floor(width * 0.55));
  const left = width - chartW;
  const area = height - 2;
  const h = Math.floor(area / 3);
  return {
    textWidth: left - 1,
    charts: {
      rate: { left, top: 1, width: chartW, height: h },
      codes: { left, top: 1 + h, width: chartW, height: h },
      jitter: { left, top: 1 + 2 * h, width: chartW, height: area - 2 * h },
    },
  };
}

export interface LineSeries {
  readonly title: string;
  readonly x: readonly string[];
  readonly y: readonly number[];
}

export interface BarSeries {
  readonly titles: readonly string[];
  readonly data: readonly number[];
}

export interface ChartData {
  readonly rate: LineSeries;
  readonly codes: BarSeries;
  readonly jitter: BarSeries;
  /** Labels (box titles) of the three charts. */
  readonly labels: { readonly rate: string; readonly codes: string; readonly jitter: string };
}

/** Bars a chart of this width holds. */
export function barsThatFit(width: number): number {
  return Math.max(1, Math.floor((width - 2 - BAR_X_OFFSET) / BAR_SPACING));
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/** What the three charts draw, fitted to their areas (most frequent codes, worst streams). */
export function chartData(data: StatsData, rects: ChartRects): ChartData {
  const rate = data.rate;
  const perSec = (n: number): number => (rate === undefined ? 0 : round1(n / rate.bucketSec));
  // contrib's line chart needs two points
  const counts = rate === undefined ? [0, 0] : rate.counts.length === 1 ? [rate.counts[0]!, rate.counts[0]!] : rate.counts;
  const x = counts.map((_, i) => (rate === undefined ? '' : formatClock({ tsSec: Math.floor((rate.startMs + i * rate.bucketSec * 1000) / 1000), tsNsec: 0 }).slice(0, 8)));
  const nCodes = barsThatFit(rects.codes.width);
  const codes = [...data.codes].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, nCodes).sort((a, b) => a[0] - b[0]);
  const nStreams = barsThatFit(rects.jitter.width);
  const worst = worstByJitter(data.streams, nStreams);
  const bucket = rate === undefined ? '' : rate.bucketSec === 1 ? '' : ` (mean over ${rate.bucketSec}s)`;
  return {
    rate: { title: 'calls/s', x, y: counts.map(perSec) },
    codes: { titles: codes.map(([c]) => String(c)), data: codes.map(([, n]) => n) },
    jitter: { titles: worst.map((s) => `#${s.id}`), data: worst.map((s) => round1(s.maxJitterMs)) },
    labels: {
      rate: ` Calls started per second${bucket} `,
      codes: ` Responses by code${codes.length < data.codes.length ? ` (top ${codes.length} of ${data.codes.length})` : ''} `,
      jitter: data.streams.length === 0 ? ' Max jitter per RTP stream, ms (no streams) ' : ` Max jitter per RTP stream, ms${worst.length < (data.streamTotal ?? data.streams.length) ? ` (worst ${worst.length})` : ''} `,
    },
  };
}

/** The lines of the statistics text: the counts, then one line per RTP stream (made when shown). */
interface StatsText {
  readonly head: readonly string[];
  readonly length: number;
  line(i: number): string;
}

function streamLine(q: StatsData['streams'][number]): string {
  return `  ${String(q.id).padStart(4)} ${String(q.callIndex ?? '-').padStart(5)} ${fitText(sanitizeField(q.codec), 10)} ${String(q.packets).padStart(8)} ${q.lossPct.toFixed(1).padStart(6)} ${`${q.jitterMs.toFixed(1)}ms`.padStart(8)} ${`${q.maxJitterMs.toFixed(1)}ms`.padStart(8)}  ${sanitizeField(`${q.src} -> ${q.dst}`)}`;
}

function statsText(s: CallStoreStats, data: StatsData): StatsText {
  const pct = (n: number): string => (s.calls === 0 ? '' : ` (${((n / s.calls) * 100).toFixed(1)}%)`);
  const lines = [`Calls: ${s.calls}   Messages: ${s.messages}   Retransmissions: ${s.retransmissions}   RTP streams: ${s.streams}`, ''];
  lines.push('Calls by state:');
  for (const [k, v] of Object.entries(s.callsByState)) lines.push(`  ${k.padEnd(16)} ${String(v).padStart(8)}${pct(v)}`);
  lines.push('', 'Calls by first method:');
  for (const [k, v] of Object.entries(s.callsByMethod)) lines.push(`  ${sanitizeField(k).padEnd(16)} ${String(v).padStart(8)}${pct(v)}`);
  lines.push('', 'Requests by method:');
  for (const [k, v] of Object.entries(s.requestsByMethod)) lines.push(`  ${sanitizeField(k).padEnd(16)} ${String(v).padStart(8)}`);
  lines.push('', 'Responses by class:');
  for (const [k, v] of Object.entries(s.responsesByClass)) lines.push(`  ${k.padEnd(16)} ${String(v).padStart(8)}`);
  lines.push('', 'Responses by code (resends not counted):');
  for (const [code, n] of data.codes) lines.push(`  ${String(code).padEnd(16)} ${String(n).padStart(8)}`);
  const rate = data.rate;
  if (rate !== undefined) {
    let peak = 0;
    rate.counts.forEach((n, i) => {
      if (n > rate.counts[peak]!) peak = i;
    });
    const at = formatClock({ tsSec: Math.floor((rate.startMs + peak * rate.bucketSec * 1000) / 1000), tsNsec: 0 }).slice(0, 8);
    lines.push('', `Calls started: peak ${rate.counts[peak]} in ${rate.bucketSec}s at ${at} UTC, ${rate.counts.length} bucket${rate.counts.length === 1 ? '' : 's'} of ${rate.bucketSec}s`);
  }
  if (data.streamTotal !== undefined) {
    // while loading: a list of 100 000+ streams would be stale at once; it comes at the end
    lines.push('', `RTP streams (${data.streamTotal}), worst jitter so far (all when loaded):`);
  } else lines.push('', `RTP streams (${data.streams.length}):`);
  if (data.streams.length > 0) {
    lines.push(`  ${'#'.padStart(4)} ${'Call'.padStart(5)} ${'Codec'.padEnd(10)} ${'Packets'.padStart(8)} ${'Loss%'.padStart(6)} ${'Jitter'.padStart(8)} ${'Max'.padStart(8)}  Source -> Destination`);
  }
  // 100 000+ streams on a big capture: only the lines on screen are formatted
  return { head: lines, length: lines.length + data.streams.length, line: (i) => (i < lines.length ? lines[i]! : streamLine(data.streams[i - lines.length]!)) };
}

/** Chart data per figures and areas (sorting 100 000+ streams by jitter once, not per key). */
const chartMemo = new WeakMap<StatsData, { rects: ChartRects; charts: ChartData }>();

function chartDataOnce(data: StatsData, rects: ChartRects): ChartData {
  const hit = chartMemo.get(data);
  if (hit !== undefined && JSON.stringify(hit.rects) === JSON.stringify(rects)) return hit.charts;
  const charts = chartData(data, rects);
  chartMemo.set(data, { rects, charts });
  return charts;
}

export interface StatsView {
  readonly frame: Frame;
  readonly lines: number;
  readonly pageRows: number;
  readonly layout: StatsLayout;
  readonly charts?: ChartData;
}

export function statsView(state: UiState, ctx: ScreenContext, width: number, height: number): StatsView {
  if (width < MIN_WIDTH || height < MIN_HEIGHT) return { frame: tooSmallFrame(width, height), lines: 0, pageRows: 1, layout: { textWidth: width } };
  const loading = ctx.load !== undefined && !ctx.load.done;
  const counted = ctx.load?.calls !== undefined && ctx.load.messages !== undefined;
  const shown = counted ? { calls: ctx.load!.calls!, messages: ctx.load!.messages!, allStreams: !loading } : undefined;
  const figures = statsFigures(ctx.store, shown);
  const data = figures.data;
  const layout = statsLayout(width, height);
  const all = statsText(figures.stats, data);
  const page = height - 2;
  const scroll = Math.min(state.textScroll, Math.max(0, all.length - page));
  const b = new FrameBuilder(width);
  const asOf = loading ? `   (loading: figures of the first ${figures.calls} calls)` : '';
  b.line(` Statistics${asOf}${layout.charts === undefined ? `   (charts need a ${CHART_MIN_WIDTH}x${CHART_MIN_HEIGHT} terminal)` : ''}`, { inverse: true });
  for (let i = scroll; i < Math.min(all.length, scroll + page); i++) b.line(' ' + fitText(all.line(i), layout.textWidth - 1));
  b.fill(height - 1);
  b.line(' Esc Back  Q Quit  Up/Down/PgUp/PgDn Scroll', { inverse: true });
  return { frame: b.frame(), lines: all.length, pageRows: page, layout, ...(layout.charts !== undefined ? { charts: chartDataOnce(data, layout.charts) } : {}) };
}
