/**
 * Packet-time arithmetic. Timestamps stay as (seconds, nanoseconds) so nothing is lost;
 * differences are float milliseconds, exact to well below a microsecond for any realistic span.
 */
import type { PacketTime } from './types.js';

/** b - a in milliseconds. */
export function diffMs(a: PacketTime, b: PacketTime): number {
  return (b.tsSec - a.tsSec) * 1000 + (b.tsNsec - a.tsNsec) / 1e6;
}

/** Negative when a is earlier, 0 when equal, positive when later (for sorting). */
export function compareTime(a: PacketTime, b: PacketTime): number {
  return a.tsSec !== b.tsSec ? a.tsSec - b.tsSec : a.tsNsec - b.tsNsec;
}

/** Copies only the two time fields (so a retained time does not keep a message alive). */
export function timeOf(t: PacketTime): PacketTime {
  return { tsSec: t.tsSec, tsNsec: t.tsNsec };
}
