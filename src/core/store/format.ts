/**
 * Text forms of attribute values. Two forms per value: `human` (list columns, the table) and
 * `machine` (CSV: plain numbers, durations in ms, ISO-8601 times). Times are always printed in
 * UTC so a capture prints the same on every machine (no local time zone anywhere in core).
 */
import type { PacketTime } from '../correlate/types.js';

export const MS_PER_DAY = 86_400_000;

/** Packet time as float epoch milliseconds (~0.25 µs resolution near 2024: enough to sort and print µs). */
export function epochMs(t: PacketTime): number {
  return t.tsSec * 1000 + t.tsNsec / 1e6;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Drops trailing zeros of a fixed-point number (`2200.750` → `2200.75`, `3.000` → `3`). */
function trimFixed(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Number as CSV/JSON-ish text: up to 3 decimals, no trailing zeros, no exponent for sane values. */
export function machineNumber(n: number): string {
  if (!Number.isFinite(n)) return '';
  return Number.isInteger(n) ? String(n) : trimFixed(n.toFixed(3));
}

/**
 * Human duration: `0.4ms`, `250ms`, `2.201s`, `1m02s`, `1h02m03s`. Sub-second values keep ms
 * because PDD/SRD live there; past a minute the seconds are enough.
 */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  if (ms < 0) return '-' + humanDuration(-ms);
  if (ms < 10) return `${trimFixed(ms.toFixed(1))}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(3)}s`;
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h${pad(m)}m${pad(s)}s` : `${m}m${pad(s)}s`;
}

/** Splits epoch ms into the UTC calendar fields and the sub-second part in ms. */
function utcParts(ms: number): { d: Date; fracMs: number } {
  const whole = Math.floor(ms / 1000) * 1000;
  return { d: new Date(whole), fracMs: ms - whole };
}

function fraction(fracMs: number, digits: 3 | 6): string {
  const scaled = Math.min(Math.floor(fracMs * (digits === 3 ? 1 : 1000) + 1e-6), digits === 3 ? 999 : 999_999);
  return pad(scaled, digits);
}

export function utcDate(ms: number): string {
  const { d } = utcParts(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

export function utcTimeOfDay(ms: number, digits: 3 | 6 = 3): string {
  const { d, fracMs } = utcParts(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${fraction(fracMs, digits)}`;
}

/** `2024-01-01T10:00:05.123Z` (3 digits) or with µs (6 digits). */
export function utcIso(ms: number, digits: 3 | 6 = 3): string {
  if (!Number.isFinite(ms)) return '';
  return `${utcDate(ms)}T${utcTimeOfDay(ms, digits)}Z`;
}
