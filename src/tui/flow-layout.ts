/**
 * What the flow screen changes on the shared ladder layout, as pure functions of it: dropping
 * resent copies (settings: show retransmissions off) and the time gutter's format. The
 * geometry stays the export's (renderTextLadder over the same layout).
 */
import { diffMs } from '../core/correlate/time.js';
import type { LadderLayout, LadderRow } from '../view/ladder.js';
import { formatClock, formatDelta } from '../view/ladder-time.js';
import type { TimeFormat } from './flow-settings.js';

/**
 * The layout without resent copies: each original says how often it was resent in its label
 * (`INVITE [resent x2]`), rows are re-indexed and deltas measured between the rows kept.
 */
export function withoutResends(layout: LadderLayout): LadderLayout {
  const kept = layout.rows.filter((r) => r.kind !== 'message' || r.copy <= 1);
  if (kept.length === layout.rows.length) return layout;
  let prev: LadderRow | undefined;
  const rows = kept.map((r, index): LadderRow => {
    const deltaPrevMs = prev === undefined ? 0 : diffMs(prev.ts, r.ts);
    prev = r;
    if (r.kind === 'message' && r.resends > 0) return { ...r, index, deltaPrevMs, label: `${r.label} [resent x${r.resends}]` };
    return { ...r, index, deltaPrevMs };
  });
  return { ...layout, rows };
}

/**
 * The gutter of a row in a time format. `delta` is the export's own gutter text; the others
 * are never wider than it, so the ladder's geometry does not move.
 */
export function gutterText(row: LadderRow, format: TimeFormat, multiCall: boolean): string {
  const time =
    format === 'relative' ? `+${(Math.max(0, row.deltaFirstMs) / 1000).toFixed(3)}s` : format === 'clock' ? formatClock(row.ts) : `${formatClock(row.ts)} ${formatDelta(row.deltaPrevMs)}`;
  return multiCall && row.callIndex !== undefined ? `${time} #${row.callIndex}` : time;
}
