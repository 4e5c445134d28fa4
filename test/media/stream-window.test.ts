/**
 * The RFC 3550 A.1 duplicate window of RtpStreamStats (a few 30-bit words) against a model
 * that remembers every received extended sequence number in a Set: for any arrival order the
 * duplicate / out-of-order / expected counts must agree.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyRtpHeader } from '../../src/core/rtp/rtp.js';
import { MAX_DROPOUT, MAX_MISORDER, RtpStreamStats, SEQ_WINDOW, type PacketFormat } from '../../src/core/rtp/stream-stats.js';

const PCMU: PacketFormat = { codec: 'PCMU/8000', clockRate: 8000, isEvent: false, isComfortNoise: false };
const PAYLOAD = Buffer.alloc(172);

function feed(seqs: readonly number[]): RtpStreamStats {
  const s = new RtpStreamStats(1, { ssrc: 7, srcIp: '10.0.0.1', srcPort: 4000, dstIp: '10.0.0.2', dstPort: 5000, ipVersion: 4 }, { tsSec: 1000, tsNsec: 0 }, 1);
  const h = emptyRtpHeader();
  seqs.forEach((seq, i) => {
    h.sequence = seq;
    h.timestamp = i * 160;
    h.payloadType = 0;
    h.payloadOffset = 12;
    h.payloadLength = 160;
    s.add(h, PAYLOAD, 1000, i * 20_000_000, i + 1, PCMU);
  });
  return s;
}

/** A.1 as RtpStreamStats does it, with an unbounded Set of extended sequence numbers. */
function model(seqs: readonly number[]): { duplicates: number; outOfOrder: number; expected: number } {
  let maxExt = 0;
  let baseExt = 0;
  let badSeq = -1;
  let priorExpected = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let seen = new Set<number>();
  seqs.forEach((seq, i) => {
    if (i === 0) {
      maxExt = baseExt = seq;
      seen.add(seq);
      return;
    }
    const delta = ((seq - (maxExt & 0xffff)) << 16) >> 16;
    if (delta > 0 && delta < MAX_DROPOUT) {
      maxExt += delta;
      seen.add(maxExt);
      badSeq = -1;
    } else if (delta <= 0 && delta >= -MAX_MISORDER) {
      if (seen.has(maxExt + delta)) duplicates++;
      else {
        outOfOrder++;
        seen.add(maxExt + delta);
      }
    } else if (seq === badSeq) {
      priorExpected += maxExt - baseExt + 1;
      maxExt = maxExt + 0x20000 + delta;
      baseExt = maxExt - 1;
      seen = new Set([maxExt, maxExt - 1]);
      badSeq = -1;
      if (outOfOrder > 0) outOfOrder--;
    } else {
      badSeq = (seq + 1) & 0xffff;
      outOfOrder++;
    }
  });
  return { duplicates, outOfOrder, expected: seqs.length === 0 ? 0 : priorExpected + (maxExt - baseExt + 1) };
}

/**
 * Sequence numbers as a sender with loss, reordering, duplicates and restarts produces them:
 * forward steps (small, or gaps across the window's words), late or repeated packets up to a
 * little beyond MAX_MISORDER behind the highest, and restarts (a big jump, usually followed by
 * the next number so A.1 resyncs, sometimes a lone stray).
 */
const arrivals = fc
  .tuple(
    fc.integer({ min: 0, max: 0xffff }),
    fc.array(
      fc.oneof(
        { weight: 12, arbitrary: fc.integer({ min: 1, max: 3 }).map((n) => ({ kind: 'fwd' as const, n })) },
        { weight: 8, arbitrary: fc.integer({ min: 0, max: MAX_MISORDER + 10 }).map((n) => ({ kind: 'back' as const, n })) },
        { weight: 2, arbitrary: fc.integer({ min: 4, max: SEQ_WINDOW + 40 }).map((n) => ({ kind: 'fwd' as const, n })) },
        { weight: 1, arbitrary: fc.tuple(fc.integer({ min: MAX_DROPOUT, max: 0xffff - MAX_MISORDER - 1 }), fc.boolean()).map(([n, follow]) => ({ kind: 'jump' as const, n, follow })) },
      ),
      { minLength: 1, maxLength: 600 },
    ),
  )
  .map(([start, steps]) => {
    const out = [start];
    let highest = start;
    for (const step of steps) {
      if (step.kind === 'back') out.push((highest - step.n) & 0xffff);
      else if (step.kind === 'fwd') out.push((highest = (highest + step.n) & 0xffff));
      else {
        const j = (highest + step.n) & 0xffff;
        out.push(j);
        if (step.follow) out.push((highest = (j + 1) & 0xffff));
      }
    }
    return out;
  });

describe('RTP duplicate window', () => {
  it('counts as an unbounded set of received sequence numbers would', () => {
    fc.assert(
      fc.property(arrivals, (seqs) => {
        const s = feed(seqs);
        expect({ duplicates: s.duplicates, outOfOrder: s.outOfOrder, expected: s.expected }).toEqual(model(seqs));
      }),
      { numRuns: 1000 },
    );
  });

  it('a packet exactly MAX_MISORDER behind after every word boundary is still told duplicate or late', () => {
    for (let back = 1; back <= MAX_MISORDER; back++) {
      const run = Array.from({ length: MAX_MISORDER + 5 }, (_, i) => 1000 + i);
      const last = run[run.length - 1]!;
      const seqs = [...run, last - back, last - back];
      const s = feed(seqs);
      // the first late copy was received before (it is in the run): both are duplicates
      expect([s.duplicates, s.outOfOrder], `back ${back}`).toEqual([2, 0]);
      const gap = run.filter((x) => x !== last - back);
      const g = feed([...gap, last - back, last - back]);
      expect([g.duplicates, g.outOfOrder], `gap back ${back}`).toEqual([1, 1]);
    }
  });
});

describe('RtpStreamStats packed fields', () => {
  const key = { ssrc: 0xdeadbeef, srcIp: 'fe80::1', srcPort: 4000, dstIp: 'fe80::2', dstPort: 5000, ipVersion: 6 as const };

  it('an SSRC above 2^31 reads back unsigned and matches its packets', () => {
    const s = new RtpStreamStats(1, key, { tsSec: 1000, tsNsec: 0 }, 1);
    expect(s.ssrc).toBe(0xdeadbeef);
    expect(s.matches(0xdeadbeef, 'fe80::1', 4000, 'fe80::2', 5000)).toBe(true);
    expect(s.matches(0xdeadbeef - 2 ** 32, 'fe80::1', 4000, 'fe80::2', 5000)).toBe(true); // same 32 bits
    expect(s.matches(0x5eadbeef, 'fe80::1', 4000, 'fe80::2', 5000)).toBe(false);
    expect([s.ipVersion, s.src, s.dst]).toEqual([6, '[fe80::1]:4000', '[fe80::2]:5000']);
    expect(new RtpStreamStats(2, { ...key, ssrc: 0, ipVersion: 4, srcIp: '10.0.0.1' }, { tsSec: 1, tsNsec: 0 }, 1).ipVersion).toBe(4);
  });

  it('srtp and matchedBy start undefined and keep what is set, independently', () => {
    const s = new RtpStreamStats(1, key, { tsSec: 1000, tsNsec: 0 }, 1);
    expect([s.srtp, s.matchedBy]).toEqual([undefined, undefined]);
    s.srtp = true;
    expect([s.srtp, s.matchedBy]).toEqual([true, undefined]);
    s.matchedBy = 'src';
    expect([s.srtp, s.matchedBy, s.ipVersion]).toEqual([true, 'src', 6]);
    s.srtp = false;
    s.matchedBy = 'dst';
    expect([s.srtp, s.matchedBy, s.ipVersion]).toEqual([false, 'dst', 6]);
    s.srtp = undefined;
    s.matchedBy = undefined;
    expect([s.srtp, s.matchedBy, s.ipVersion]).toEqual([undefined, undefined, 6]);
  });
});
