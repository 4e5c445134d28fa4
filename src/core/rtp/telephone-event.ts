/**
 * RFC 4733 telephone events (DTMF) in RTP: one event is sent as several packets sharing one
 * RTP timestamp (§2.3.1: the timestamp marks the event's start, duration grows), the last
 * ones with the E bit, resent up to 3 times (§2.5.1.4). So a digit is counted once per
 * (timestamp, event) pair, never once per packet.
 */

/** Digits kept per stream; a longer run is cut (the count keeps going). Bounds memory on floods. */
export const MAX_EVENT_DIGITS = 256;

/** RFC 4733 §3.2 Table 3: 0-9, 10 = `*`, 11 = `#`, 12-15 = A-D; any other event as `[n]`. */
export function eventDigit(code: number): string {
  if (code >= 0 && code <= 9) return String(code);
  if (code === 10) return '*';
  if (code === 11) return '#';
  if (code >= 12 && code <= 15) return String.fromCharCode(0x41 + code - 12); // A-D
  return `[${code}]`;
}

export interface TelephoneEventPayload {
  readonly event: number;
  readonly end: boolean;
  readonly volume: number;
  readonly duration: number;
}

/** §2.3: event(8) E(1) R(1) volume(6) duration(16); undefined when shorter than 4 bytes. */
export function parseTelephoneEvent(payload: Buffer, offset: number, length: number): TelephoneEventPayload | undefined {
  if (length < 4 || offset + 4 > payload.length) return undefined;
  const b1 = payload[offset + 1]!;
  return { event: payload[offset]!, end: (b1 & 0x80) !== 0, volume: b1 & 0x3f, duration: payload.readUInt16BE(offset + 2) };
}

/** Counts events of one stream. */
export class TelephoneEventCounter {
  digits = '';
  count = 0;
  private lastTimestamp = -1;
  private lastEvent = -1;

  /** Feeds one telephone-event packet's payload; returns true when it starts a new event. */
  push(payload: Buffer, offset: number, length: number, timestamp: number): boolean {
    if (length < 4 || offset + 4 > payload.length) return false;
    const event = payload[offset]!;
    if (timestamp === this.lastTimestamp && event === this.lastEvent) return false;
    this.lastTimestamp = timestamp;
    this.lastEvent = event;
    this.count++;
    if (this.digits.length < MAX_EVENT_DIGITS) this.digits += eventDigit(event);
    return true;
  }
}
