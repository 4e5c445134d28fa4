/**
 * The statistics screen's charts: blessed-contrib line and bar widgets placed over the areas
 * the stats frame leaves blank (screens/stats.ts decides where and with which data). They
 * are created when the screen shows charts and destroyed when it stops, so every other
 * screen stays one plain text box; new figures in the same areas go into the widgets there.
 */
import type { Widgets } from 'blessed';
import { createRequire } from 'node:module';
import type { ChartData, ChartRects, Rect } from './screens/stats.js';
import { BAR_SPACING, BAR_WIDTH, BAR_X_OFFSET } from './screens/stats.js';

type LineFactory = typeof import('blessed-contrib/lib/widget/charts/line.js');
type BarFactory = typeof import('blessed-contrib/lib/widget/charts/bar.js');
type LineWidget = ReturnType<LineFactory>;
type BarWidget = ReturnType<BarFactory>;

let factories: { line: LineFactory; bar: BarFactory } | undefined;

/** Loaded on first use: only the two chart modules, not the package's every widget. */
function load(): { line: LineFactory; bar: BarFactory } {
  if (factories === undefined) {
    const require = createRequire(import.meta.url);
    factories = {
      line: require('blessed-contrib/lib/widget/charts/line.js') as LineFactory,
      bar: require('blessed-contrib/lib/widget/charts/bar.js') as BarFactory,
    };
  }
  return factories;
}

/**
 * Loads the chart modules ahead of time (the app does it once the first rows are up), so the
 * first `i` during a load does not wait for require() on top of drawing.
 */
export function preloadCharts(): void {
  load();
}

const box = (r: Rect, label: string): Widgets.BoxOptions => ({
  top: r.top,
  left: r.left,
  width: r.width,
  height: r.height,
  label,
  border: { type: 'line' },
  style: { border: { fg: 'cyan' } },
});

export class StatsCharts {
  private widgets: Widgets.BoxElement[] = [];
  private key = '';
  private rectsKey = '';
  private rateZero = false;
  private ratePoints = 0;

  constructor(private readonly screen: Widgets.Screen) {}

  /** Charts are on the screen now. */
  get visible(): boolean {
    return this.widgets.length > 0;
  }

  /** Shows the charts (recreated when the areas or the data changed); undefined hides them. */
  show(charts: { rects: ChartRects; data: ChartData } | undefined): void {
    if (charts === undefined) return this.hide();
    const key = JSON.stringify(charts);
    if (key === this.key) return;
    const { rects, data } = charts;
    // same areas, new figures (a refresh while loading): new data into the widgets there,
    // cheaper than making them again
    const rectsKey = JSON.stringify(rects);
    if (rectsKey === this.rectsKey && this.sameScale(data)) {
      this.key = key;
      this.fill(data);
      return;
    }
    this.hide();
    this.key = key;
    this.rectsKey = rectsKey;
    this.rateZero = Math.max(0, ...data.rate.y) === 0;
    this.ratePoints = data.rate.x.length;
    const { line, bar } = load();
    const points = data.rate.x.length;
    const rate = line({
      ...box(rects.rate, data.labels.rate),
      showLegend: false,
      xLabelPadding: 3,
      xPadding: 5,
      // an x label is 8 cells (HH:MM:SS) plus a gap; contrib divides by the top value
      showNthLabel: Math.max(1, Math.ceil((points * 10) / Math.max(1, rects.rate.width - 8))),
      ...(Math.max(0, ...data.rate.y) === 0 ? { maxY: 1 } : {}),
      style: { line: 'yellow', text: 'green', baseline: 'white' },
    });
    const codes = bar({ ...box(rects.codes, data.labels.codes), barWidth: BAR_WIDTH, barSpacing: BAR_SPACING, xOffset: BAR_X_OFFSET, maxHeight: 1 });
    const jitter = bar({ ...box(rects.jitter, data.labels.jitter), barWidth: BAR_WIDTH, barSpacing: BAR_SPACING, xOffset: BAR_X_OFFSET, maxHeight: 1, barBgColor: 'magenta' });
    // contrib charts get their canvas when attached: append first, then set the data
    for (const w of [rate, codes, jitter]) this.screen.append(w);
    this.widgets = [rate, codes, jitter];
    this.fill(data);
  }

  /** Options set at creation (no maxY, label spacing by point count) still fit `data`. */
  private sameScale(data: ChartData): boolean {
    return this.widgets.length === 3 && this.rateZero === (Math.max(0, ...data.rate.y) === 0) && this.ratePoints === data.rate.x.length;
  }

  private fill(data: ChartData): void {
    const [rate, codes, jitter] = this.widgets as unknown as [LineWidget, BarWidget, BarWidget];
    rate.setLabel(data.labels.rate);
    codes.setLabel(data.labels.codes);
    jitter.setLabel(data.labels.jitter);
    rate.setData([{ title: data.rate.title, x: [...data.rate.x], y: [...data.rate.y] }]);
    codes.setData({ titles: [...data.codes.titles], data: [...data.codes.data] });
    jitter.setData({ titles: [...data.jitter.titles], data: [...data.jitter.data] });
  }

  hide(): void {
    for (const w of this.widgets) w.destroy();
    this.widgets = [];
    this.key = '';
    this.rectsKey = '';
  }
}
