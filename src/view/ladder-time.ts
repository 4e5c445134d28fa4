/**
 * Time text for ladders and exports. Always UTC, so an export reads the same on every
 * machine (and golden files do not depend on the test machine's time zone).
 */
import type { PacketTime } from '../core/correlate/types.js';

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function utcParts(ts: PacketTime): { date: string; clock: string } {
  const d = new Date(ts.tsSec * 1000);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  const clock = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  return { date, clock };
}

/** `HH:MM:SS.mmm` (UTC; milliseconds truncated, never rounded up into the next second). */
export function formatClock(ts: PacketTime): string {
  return `${utcParts(ts).clock}.${pad(Math.floor(ts.tsNsec / 1_000_000), 3)}`;
}

/** `YYYY-MM-DD`, UTC. */
export function formatDate(ts: PacketTime): string {
  return utcParts(ts).date;
}

/** Fraction digits a capture actually has: 6 for microsecond captures, 9 when nanoseconds are set. */
function fraction(tsNsec: number): string {
  return tsNsec % 1000 === 0 ? pad(tsNsec / 1000, 6) : pad(tsNsec, 9);
}

/** `YYYY-MM-DD HH:MM:SS.ffffff UTC` for headings and the raw section. */
export function formatDateTime(ts: PacketTime): string {
  const { date, clock } = utcParts(ts);
  return `${date} ${clock}.${fraction(ts.tsNsec)} UTC`;
}

/** ISO 8601 with all nine fraction digits: `2013-03-09T22:37:58.972518000Z`. */
export function isoNs(ts: PacketTime): string {
  const { date, clock } = utcParts(ts);
  return `${date}T${clock}.${pad(ts.tsNsec, 9)}Z`;
}

/** Nanoseconds since the epoch, exact (a decimal string: beyond 2^53). */
export function epochNs(ts: PacketTime): string {
  return (BigInt(ts.tsSec) * 1_000_000_000n + BigInt(ts.tsNsec)).toString();
}

/** `+0.123s`: milliseconds as seconds with three decimals. */
export function formatDelta(ms: number): string {
  return `+${(Math.max(0, ms) / 1000).toFixed(3)}s`;
}
