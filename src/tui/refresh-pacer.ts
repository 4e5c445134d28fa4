/**
 * When the app redraws for store changes while a capture loads. A refresh (the list's new
 * rows, the header counts, the statistics when shown) costs more as the capture grows; a
 * fixed rate would end up spending all the time redrawing (and the load would crawl). So a
 * refresh waits at least RENDER_INTERVAL_MS after the last one AND REFRESH_COST_FACTOR times
 * what the last one cost: refreshing takes at most 1/(1+factor) of the time. Keys are not
 * paced: they redraw at once from what the last refresh showed.
 */

/** Store changes are drawn ~10 times a second at most: the list visibly fills, keys stay first. */
export const RENDER_INTERVAL_MS = 100;
/** Refreshes take at most 1/(1+4) = 20% of the time, the load the rest. */
export const REFRESH_COST_FACTOR = 4;

export class RefreshPacer {
  private lastEnd = Number.NEGATIVE_INFINITY;
  private lastCost = 0;

  constructor(
    readonly minIntervalMs: number = RENDER_INTERVAL_MS,
    readonly costFactor: number = REFRESH_COST_FACTOR,
  ) {}

  /** Ms from `now` until the next refresh may run (0: now). */
  delay(now: number): number {
    const gap = Math.max(this.minIntervalMs, this.costFactor * this.lastCost);
    return Math.max(0, this.lastEnd + gap - now);
  }

  /** A refresh ran from `start` to `end` (ms, same clock as delay()). */
  ran(start: number, end: number): void {
    this.lastEnd = end;
    this.lastCost = Math.max(0, end - start);
  }
}
