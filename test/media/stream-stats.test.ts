import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRtpHeader } from '../../src/core/rtp/rtp.js';
import { RtpStreamStats, type PacketFormat } from '../../src/core/rtp/stream-stats.js';
import { eventDigit, parseTelephoneEvent } from '../../src/core/rtp/telephone-event.js';
import { T0, dtmf, rtp } from './helpers.js';

const PCMU: PacketFormat = { codec: 'PCMU/8000', clockRate: 8000, isEvent: false, isComfortNoise: false };
const EVENT: PacketFormat = { codec: 'telephone-event/8000', clockRate: 8000, isEvent: true, isComfortNoise: false };
const CN: PacketFormat = { codec: 'CN/8000', clockRate: 8000, isEvent: false, isComfortNoise: true };

interface P {
  seq: number;
  ts?: number;
  atMs?: number;
  marker?: boolean;
  fmt?: PacketFormat;
  payload?: Buffer;
}

function run(packets: P[]): RtpStreamStats {
  const s = new RtpStreamStats(1, { ssrc: 7, srcIp: '10.0.0.1', srcPort: 4000, dstIp: '10.0.0.2', dstPort: 5000, ipVersion: 4 }, { tsSec: T0, tsNsec: 0 }, 1);
  packets.forEach((p, i) => {
    const fmt = p.fmt ?? PCMU;
    const bytes = rtp({ seq: p.seq, ts: p.ts ?? p.seq * 160, ssrc: 7, pt: fmt.isEvent ? 101 : fmt.isComfortNoise ? 13 : 0, marker: p.marker ?? false, ...(p.payload ? { payload: p.payload } : {}) });
    const h = parseRtpHeader(bytes)!;
    const at = p.atMs ?? i * 20;
    s.add(h, bytes, T0 + Math.floor(at / 1000), Math.round((at % 1000) * 1e6), i + 1, fmt);
  });
  return s;
}

const seqList = (list: number[]): P[] => list.map((seq, i) => ({ seq, ts: i * 160, atMs: i * 20 }));
const seqs = (...list: number[]): P[] => seqList(list);

describe('RFC 3550 A.1/A.3 sequence accounting', () => {
  it('in order: nothing lost', () => {
    const s = run(seqs(100, 101, 102, 103, 104, 105, 106, 107, 108, 109));
    expect([s.packets, s.expected, s.lost, s.outOfOrder, s.duplicates]).toEqual([10, 10, 0, 0, 0]);
  });

  it('gaps are lost packets', () => {
    const s = run(seqs(1, 2, 3, 5, 6, 9));
    expect([s.packets, s.expected, s.lost]).toEqual([6, 9, 3]);
  });

  it('a late packet is out of order, not lost', () => {
    const s = run(seqs(1, 2, 4, 3, 5));
    expect([s.expected, s.lost, s.outOfOrder, s.duplicates]).toEqual([5, 0, 1, 0]);
  });

  it('a duplicate is told apart from a late packet; lost goes negative as A.3 allows', () => {
    const s = run(seqs(1, 2, 2, 3, 1));
    expect([s.packets, s.expected, s.lost, s.outOfOrder, s.duplicates]).toEqual([5, 3, -2, 0, 2]);
  });

  it('16-bit wrap: sequence 65533..2 is one run', () => {
    const s = run(seqs(65533, 65534, 65535, 0, 1, 2));
    expect([s.expected, s.lost, s.outOfOrder]).toEqual([6, 0, 0]);
    const lossy = run(seqs(65534, 65535, 1));
    expect([lossy.expected, lossy.lost]).toEqual([4, 1]);
    const reordered = run(seqs(65535, 1, 0, 2));
    expect([reordered.expected, reordered.lost, reordered.outOfOrder]).toEqual([4, 0, 1]);
  });

  it('many wraps keep counting (extended sequence numbers)', () => {
    const list: number[] = [];
    for (let i = 0; i < 200_000; i++) if (i % 1000 !== 0 || i === 0) list.push((40_000 + i) & 0xffff);
    const s = run(seqList(list));
    expect(s.expected).toBe(200_000);
    expect(s.lost).toBe(199);
  });

  it('a big jump followed by a sequential packet restarts the run (A.1 resync)', () => {
    const s = run(seqs(100, 101, 20000, 20001, 20002));
    expect([s.packets, s.expected, s.lost, s.outOfOrder]).toEqual([5, 5, 0, 0]);
    const stray = run(seqs(100, 101, 20000, 102, 103));
    expect([stray.packets, stray.expected, stray.outOfOrder]).toEqual([5, 4, 1]);
  });

  it('duplicates far back in a long stream stay duplicates within the window', () => {
    const list = seqs(...Array.from({ length: 150 }, (_, i) => i));
    list.push({ seq: 60, ts: 60 * 160, atMs: 3000 }); // 89 behind: within MAX_MISORDER
    list.push({ seq: 10, ts: 10 * 160, atMs: 3020 }); // 139 behind: beyond the window → a big jump (stray)
    const s = run(list);
    expect(s.duplicates).toBe(1);
    expect(s.outOfOrder).toBe(1);
  });

  it('never throws and keeps counters consistent for random sequences', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 300 }), (list) => {
        const s = run(seqList(list));
        expect(s.packets).toBe(list.length);
        expect(s.expected).toBeGreaterThanOrEqual(1);
        expect(s.duplicates + s.outOfOrder).toBeLessThanOrEqual(list.length);
      }),
    );
  });
});

describe('arrival gaps and RFC 3550 A.8 jitter', () => {
  it('matches a hand computation', () => {
    // 20 ms of PCMU each (160 timestamp units); arrivals 0, 20, 45, 60, 80 ms.
    // Transit differences D: 0, 5, 5, 0 ms (= 0, 40, 40, 0 timestamp units).
    // J: 0 → 5/16 = 0.3125 → 0.3125 + (5 - 0.3125)/16 = 0.60546875 → 0.60546875 * 15/16 = 0.567626953125
    const s = run([0, 20, 45, 60, 80].map((atMs, i) => ({ seq: i, ts: i * 160, atMs })));
    expect(s.jitterMs).toBeCloseTo(0.567626953125, 12);
    expect(s.maxJitterMs).toBeCloseTo(0.60546875, 12);
    // in timestamp units: 2.5 units after packet 3 = 0.3125 ms at 8 kHz (the A.8 definition)
    expect(run([0, 20, 45].map((atMs, i) => ({ seq: i, ts: i * 160, atMs }))).jitterMs * 8).toBeCloseTo(2.5, 12);
    expect(s.maxDeltaMs).toBeCloseTo(25, 9);
  });

  it('marker packets (talkspurt start) and comfort noise do not count for the maxima', () => {
    const s = run([
      { seq: 0, ts: 0, atMs: 0 },
      { seq: 1, ts: 160, atMs: 20 },
      { seq: 2, ts: 320, atMs: 40, fmt: CN },
      { seq: 3, ts: 8000, atMs: 1000 }, // after CN: not regular
      { seq: 4, ts: 8160, atMs: 1020 },
      { seq: 5, ts: 16000, atMs: 2000, marker: true }, // silence suppressed, then a talkspurt
      { seq: 6, ts: 16160, atMs: 2020 },
    ]);
    expect(s.maxDeltaMs).toBeCloseTo(20, 9);
    expect(s.maxJitterMs).toBeLessThan(1e-9);
  });

  it('first/last time and frame', () => {
    const s = run(seqs(1, 2, 3));
    expect(s.firstTs).toEqual({ tsSec: T0, tsNsec: 0 });
    expect(s.lastTs).toEqual({ tsSec: T0, tsNsec: 40_000_000 });
    expect([s.firstFrame, s.lastFrame]).toEqual([1, 3]);
    expect(s.src).toBe('10.0.0.1:4000');
    expect(s.dst).toBe('10.0.0.2:5000');
  });
});

describe('RFC 4733 telephone events', () => {
  it('digits for events 0-15: 10 is *, 11 is #, 12-15 are A-D; others [n]', () => {
    expect(Array.from({ length: 16 }, (_, i) => eventDigit(i)).join('')).toBe('0123456789*#ABCD');
    expect(eventDigit(16)).toBe('[16]');
    expect(parseTelephoneEvent(dtmf(11, true, 800), 0, 4)).toEqual({ event: 11, end: true, volume: 10, duration: 800 });
    expect(parseTelephoneEvent(Buffer.alloc(3), 0, 3)).toBeUndefined();
  });

  it('one digit per event, not per packet (start, updates, three end packets), and events do not disturb jitter', () => {
    const packets: P[] = [];
    let seq = 0;
    // every packet in its own 20 ms slot, so audio timestamps and arrivals agree exactly
    const slot = (): number => seq * 20;
    for (let ev = 0; ev <= 16; ev++) {
      for (let k = 0; k < 3; k++, seq++) packets.push({ seq, ts: seq * 160, atMs: slot() });
      const start = seq * 160;
      // event: marker on the first packet, same timestamp throughout, the end packet sent 3 times
      packets.push({ seq, ts: start, atMs: slot(), marker: true, fmt: EVENT, payload: dtmf(ev, false, 160) });
      seq++;
      packets.push({ seq, ts: start, atMs: slot(), fmt: EVENT, payload: dtmf(ev, false, 320) });
      seq++;
      for (let r = 0; r < 3; r++, seq++) packets.push({ seq, ts: start, atMs: slot(), fmt: EVENT, payload: dtmf(ev, true, 480) });
    }
    packets.push({ seq, ts: seq * 160, atMs: slot() });
    const s = run(packets);
    expect(s.events).toBe('0123456789*#ABCD[16]');
    expect(s.eventCount).toBe(17);
    expect(s.maxJitterMs).toBeLessThan(1e-9);
    expect(s.codec).toBe('PCMU/8000');
    expect(s.lost).toBe(0);
  });

  it('a stream starting with an event takes its codec from the first audio packet', () => {
    const s = run([
      { seq: 0, ts: 0, fmt: EVENT, payload: dtmf(1, true, 160) },
      { seq: 1, ts: 160 },
    ]);
    expect(s.codec).toBe('PCMU/8000');
    expect(s.payloadTypes).toEqual([101, 0]);
  });
});
