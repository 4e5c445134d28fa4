/**
 * RtpStreamTable: streams of a registry keep their numbers in shared rows. A released stream
 * (its call forgotten) must keep reading its own figures while its row serves a new stream.
 */
import { describe, expect, it } from 'vitest';
import { emptyRtpHeader } from '../../src/core/rtp/rtp.js';
import { RtpStreamStats, RtpStreamTable, STREAM_ROWS_PER_BLOCK, type PacketFormat } from '../../src/core/rtp/stream-stats.js';

const PCMU: PacketFormat = { codec: 'PCMU/8000', clockRate: 8000, isEvent: false, isComfortNoise: false };
const PAYLOAD = Buffer.alloc(172);

function key(ssrc: number) {
  return { ssrc, srcIp: '10.0.0.1', srcPort: 4000, dstIp: '10.0.0.2', dstPort: 5000, ipVersion: 4 as const };
}

/** n packets 20 ms apart with `jitterUs` of alternating arrival skew, starting at sequence `seq0`. */
function feed(s: RtpStreamStats, n: number, seq0: number, jitterUs: number): void {
  const h = emptyRtpHeader();
  for (let i = 0; i < n; i++) {
    h.sequence = (seq0 + i) & 0xffff;
    h.timestamp = i * 160;
    h.payloadType = 0;
    h.payloadOffset = 12;
    h.payloadLength = 160;
    s.add(h, PAYLOAD, 1000, i * 20_000_000 + (i % 2) * jitterUs * 1000, 100 + i, PCMU);
  }
}

function figures(s: RtpStreamStats): unknown[] {
  return [s.id, s.ssrc, s.callIndex, s.packets, s.expected, s.lost, s.jitterMs, s.maxJitterMs, s.maxDeltaMs, s.firstFrame, s.lastFrame, s.lastTs, s.codec, s.payloadTypes];
}

describe('RtpStreamTable', () => {
  it('a stream in the table reads the same figures as one made alone', () => {
    const table = new RtpStreamTable();
    const shared = table.create(1, key(0x9abcdef0), { tsSec: 1000, tsNsec: 0 }, 100);
    const alone = new RtpStreamStats(1, key(0x9abcdef0), { tsSec: 1000, tsNsec: 0 }, 100);
    feed(shared, 50, 65_500, 700);
    feed(alone, 50, 65_500, 700);
    expect(figures(shared)).toEqual(figures(alone));
    expect(shared.jitterMs).toBeGreaterThan(0);
  });

  it('a released stream keeps its figures; its row serves the next stream from a clean start', () => {
    const table = new RtpStreamTable();
    const a = table.create(1, key(1), { tsSec: 1000, tsNsec: 0 }, 100);
    a.callIndex = 7;
    a.srtp = true;
    feed(a, 30, 10, 900);
    const before = figures(a);
    table.release(a);
    expect(figures(a)).toEqual(before);
    expect([a.callIndex, a.srtp]).toEqual([7, true]);

    const b = table.create(2, key(2), { tsSec: 1000, tsNsec: 0 }, 200);
    expect([b.packets, b.callIndex, b.srtp, b.jitterMs, b.payloadType, b.matchedBy]).toEqual([0, undefined, undefined, 0, -1, undefined]);
    feed(b, 5, 300, 0);
    expect(figures(a)).toEqual(before);
    expect([b.packets, b.expected, b.jitterMs]).toEqual([5, 5, 0]);
    table.release(a); // twice: nothing more happens
    const c = table.create(3, key(3), { tsSec: 1000, tsNsec: 0 }, 300);
    expect([b.id, c.id, b.packets, c.packets]).toEqual([2, 3, 5, 0]);
  });

  it('grows past one block without disturbing earlier rows', () => {
    const table = new RtpStreamTable();
    const streams: RtpStreamStats[] = [];
    for (let i = 0; i < STREAM_ROWS_PER_BLOCK + 3; i++) {
      const s = table.create(i + 1, key(i), { tsSec: 1000, tsNsec: 0 }, i + 1);
      feed(s, 1 + (i % 4), i, 0);
      streams.push(s);
    }
    streams.forEach((s, i) => expect([s.id, s.ssrc, s.packets, s.firstFrame]).toEqual([i + 1, i, 1 + (i % 4), i + 1]));
  });
});
