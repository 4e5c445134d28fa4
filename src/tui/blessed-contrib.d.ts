/**
 * The parts of blessed-contrib 4.11 siptrace uses (no @types package exists). The chart
 * modules are required one by one (charts.ts): the package's index loads every widget and
 * its dependencies, which takes about a second.
 */
declare module 'blessed-contrib/lib/widget/charts/line.js' {
  import type { Widgets } from 'blessed';

  interface LineSeries {
    title: string;
    x: string[];
    y: number[];
    style?: { line?: string };
  }

  interface LineOptions extends Widgets.BoxOptions {
    showLegend?: boolean;
    /** Draw every nth x label (labels overlap otherwise). */
    showNthLabel?: number;
    wholeNumbersOnly?: boolean;
    xLabelPadding?: number;
    xPadding?: number;
    numYLabels?: number;
    minY?: number;
    maxY?: number;
    style?: Widgets.Types.TStyle & { line?: string; text?: string; baseline?: string };
  }

  interface LineElement extends Widgets.BoxElement {
    setData(series: LineSeries[]): void;
  }

  /** A line chart on a braille canvas; setData only after the widget is appended to a screen. */
  function line(options: LineOptions): LineElement;
  export = line;
}

declare module 'blessed-contrib/lib/widget/charts/bar.js' {
  import type { Widgets } from 'blessed';

  interface BarOptions extends Widgets.BoxOptions {
    barWidth?: number;
    barSpacing?: number;
    xOffset?: number;
    maxHeight?: number;
    showText?: boolean;
    barBgColor?: string;
    barFgColor?: string;
    labelColor?: string;
  }

  interface BarElement extends Widgets.BoxElement {
    setData(data: { titles: string[]; data: number[] }): void;
  }

  /** A bar chart; setData only after the widget is appended to a screen. */
  function bar(options: BarOptions): BarElement;
  export = bar;
}
