/**
 * Literal values of the filter language and of the CLI filters: numbers, durations with units,
 * response-code classes and points in time. Every parser returns undefined on anything it does
 * not recognise (the caller turns that into a positioned FilterSyntaxError).
 *
 * Intervals: a literal written with limited precision stands for the whole span it names, so
 * `date == 2024-01-01` means "that day", `code == 4xx` means 400..499 and `time >= 10:05`
 * means "from 10:05:00.000 on". Each is [lo, hi): lo included, hi excluded.
 */
import { MS_PER_DAY } from './format.js';

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

export interface TimeLiteral extends Interval {
  /** Only a time of day was given (`10:05:30`): compare with the value's UTC time of day. */
  readonly timeOfDay: boolean;
}

const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

export function parseNumber(text: string): number | undefined {
  if (!NUMBER_RE.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  us: 0.001,
  µs: 0.001,
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
};

const DURATION_RE = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(us|µs|ms|s|sec|m|min|h)?$/i;

/**
 * `250ms`, `3s`, `1.5m`, `2h`, `30us`; a bare number is seconds (like sngrep's convdur and
 * totaldur columns). Returns milliseconds.
 */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text);
  if (m === null) return undefined;
  const n = Number(m[1]);
  const unit = UNIT_MS[(m[2] ?? 's').toLowerCase()];
  if (!Number.isFinite(n) || unit === undefined) return undefined;
  return n * unit;
}

/** `4xx` → [400, 500): RFC 3261 §7.2 response classes 1xx..6xx. */
export function parseCodeClass(text: string): Interval | undefined {
  const m = /^([1-6])xx$/i.exec(text);
  if (m === null) return undefined;
  const lo = Number(m[1]) * 100;
  return { lo, hi: lo + 100 };
}

/** Span named by a fraction with `digits` digits (`.5` → 100 ms, `.123` → 1 ms). */
function fractionMs(frac: string | undefined): { ms: number; step: number } {
  if (frac === undefined) return { ms: 0, step: 1000 };
  return { ms: Number(`0.${frac}`) * 1000, step: 1000 / 10 ** frac.length };
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const TIME_OF_DAY_RE = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const EPOCH_RE = /^(\d+)(?:\.(\d{1,9}))?$/;

function validClock(h: number, m: number, s: number): boolean {
  return h < 24 && m < 60 && s < 60;
}

/** `+05:30` / `-0800` / `Z` → offset in ms to subtract from the written wall time. */
function zoneOffsetMs(zone: string | undefined): number | undefined {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (m === null) return undefined;
  const h = Number(m[2]);
  const min = Number(m[3]);
  if (h > 23 || min > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (h * 3_600_000 + min * 60_000);
}

/**
 * A point in time: ISO-8601 date or date-time (no zone = UTC, never local time), epoch seconds
 * (`1704067200.25`), or a UTC time of day (`10:05`, `10:05:30.5`).
 */
export function parseTime(text: string): TimeLiteral | undefined {
  let m = ISO_RE.exec(text);
  if (m !== null) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const day = Date.UTC(y, mo - 1, d);
    const check = new Date(day);
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined;
    if (m[4] === undefined) return { lo: day, hi: day + MS_PER_DAY, timeOfDay: false };
    const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? '0')];
    if (!validClock(h, mi, s)) return undefined;
    const offset = zoneOffsetMs(m[8]);
    if (offset === undefined) return undefined;
    const f = m[6] === undefined ? { ms: 0, step: 60_000 } : fractionMs(m[7]);
    const lo = day + h * 3_600_000 + mi * 60_000 + s * 1000 + f.ms - offset;
    return { lo, hi: lo + f.step, timeOfDay: false };
  }
  m = TIME_OF_DAY_RE.exec(text);
  if (m !== null) {
    const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? '0')];
    if (!validClock(h, mi, s)) return undefined;
    const f = m[3] === undefined ? { ms: 0, step: 60_000 } : fractionMs(m[4]);
    const lo = h * 3_600_000 + mi * 60_000 + s * 1000 + f.ms;
    return { lo, hi: lo + f.step, timeOfDay: true };
  }
  m = EPOCH_RE.exec(text);
  if (m !== null) {
    const f = fractionMs(m[2]);
    const lo = Number(m[1]) * 1000 + f.ms;
    if (!Number.isFinite(lo)) return undefined;
    return { lo, hi: lo + f.step, timeOfDay: false };
  }
  return undefined;
}

/** `+10s`, `+1.5m`, `+250ms`: an offset from the capture start (CLI --since/--until). */
export function parseRelativeOffset(text: string): number | undefined {
  if (!text.startsWith('+')) return undefined;
  return parseDuration(text.slice(1));
}

/** State names as users type them: case, `-`, `_` and spaces do not matter (`in-call` = "IN CALL"). */
export function normalizeEnumText(text: string): string {
  return text.trim().toUpperCase().replace(/[-_\s]+/g, ' ');
}

/** The spelling the printer uses for an enum value: `IN CALL` → `in-call`. */
export function enumWord(value: string): string {
  return value.toLowerCase().replace(/\s+/g, '-');
}
