/**
 * MediaRegistry.forgetCall (live capture rotation), the per-call slot table, and the stream
 * lookup paths that replaced the per-packet string key (endpoint cache, call list, index of
 * streams without a call), checked against a plain re-count of the same packets.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallCorrelator } from '../../src/core/correlate/correlator.js';
import { MediaRegistry } from '../../src/core/correlate/media-registry.js';
import { CallSlots, MAX_CALL_SLOT_GAP } from '../../src/core/rtp/call-slots.js';
import type { SipMessage } from '../../src/core/sip/types.js';
import { rtp, sdp, sip, udp } from './helpers.js';

class Harness {
  readonly correlator = new CallCorrelator();
  readonly registry: MediaRegistry;
  private frame = 1;
  constructor(trackUnmatched = false) {
    this.registry = new MediaRegistry({ trackUnmatched });
  }
  msg(m: SipMessage): void {
    this.registry.onSipMessage(this.correlator.add(m));
  }
  packet(src: string, srcPort: number, dst: string, dstPort: number, atMs: number, ssrc: number, seq: number, pt = 0): void {
    this.registry.onUdp(udp(src, srcPort, dst, dstPort, rtp({ seq, ts: seq * 160, ssrc, pt }), atMs, this.frame++));
  }
  call(callId: string, a: [string, number], b: [string, number], atMs: number): void {
    this.msg(sip({ startLine: 'INVITE sip:b@x SIP/2.0', callId, cseq: '1 INVITE', src: a[0], dst: b[0], atMs, body: sdp(a[0], a[1]) }));
    this.msg(sip({ startLine: 'SIP/2.0 200 OK', callId, cseq: '1 INVITE', toTag: 'tt', src: b[0], dst: a[0], atMs: atMs + 10, body: sdp(b[0], b[1]) }));
  }
  indexOf(callId: string): number {
    return this.correlator.calls().find((c) => c.callId === callId)!.index;
  }
}

describe('MediaRegistry.forgetCall', () => {
  it('drops the call’s endpoints, streams, counts and negotiations; other calls and stream ids are untouched', () => {
    const h = new Harness();
    h.call('c1', ['10.0.0.1', 4000], ['10.0.0.2', 5000], 0);
    h.call('c2', ['10.0.0.3', 4100], ['10.0.0.4', 5100], 0);
    for (let i = 0; i < 5; i++) {
      h.packet('10.0.0.1', 4000, '10.0.0.2', 5000, 100 + 20 * i, 0x1, i);
      h.packet('10.0.0.3', 4100, '10.0.0.4', 5100, 100 + 20 * i, 0x3, i);
    }
    const c1 = h.indexOf('c1');
    const c2 = h.indexOf('c2');
    expect(h.registry.streams().map((s) => s.id)).toEqual([1, 2]);
    const v = h.registry.version;

    h.registry.forgetCall(c1);
    expect(h.registry.version).toBeGreaterThan(v);
    expect(h.registry.streamsOfCall(c1)).toEqual([]);
    expect(h.registry.mediaCountsOfCall(c1)).toBeUndefined();
    expect(h.registry.negotiationsOfCall(c1)).toEqual([]);
    expect(h.registry.endpointAt('10.0.0.1', 4000)).toBeUndefined();
    expect(h.registry.endpointAt('10.0.0.2', 5001)).toBeUndefined();
    expect(h.registry.streams().map((s) => [s.id, s.ssrc, s.callIndex])).toEqual([[2, 0x3, c2]]);
    expect(h.registry.endpointAt('10.0.0.4', 5100)?.callIndex).toBe(c2);
    expect(h.registry.negotiationsOfCall(c2).length).toBe(1);

    // c1's media no longer matches anything; c2 keeps counting into its stream
    h.packet('10.0.0.1', 4000, '10.0.0.2', 5000, 300, 0x1, 5);
    h.packet('10.0.0.3', 4100, '10.0.0.4', 5100, 300, 0x3, 5);
    expect(h.registry.streams().map((s) => [s.id, s.packets])).toEqual([[2, 6]]);
    expect(h.registry.mediaCountsOfCall(c2)).toEqual({ rtpPackets: 6, rtcpPackets: 0, otherPackets: 0 });

    // a new call may take the forgotten endpoints; new streams get fresh ids
    h.call('c3', ['10.0.0.1', 4000], ['10.0.0.2', 5000], 1000);
    h.packet('10.0.0.1', 4000, '10.0.0.2', 5000, 1100, 0x1, 7);
    expect(h.registry.streams().map((s) => [s.id, h.correlator.call(s.callIndex!)?.callId])).toEqual([
      [2, 'c2'],
      [3, 'c3'],
    ]);
    h.registry.forgetCall(12345); // unknown: nothing happens
    expect(h.registry.streams().length).toBe(2);
  });

  it('forgetting many calls keeps memory bounded: endpoints and streams of old calls go, the rest stay exact', () => {
    const h = new Harness();
    const N = 3000;
    for (let i = 0; i < N; i++) {
      const a = `10.1.${i >> 8}.${i & 255}`;
      const b = `10.2.${i >> 8}.${i & 255}`;
      h.call(`c${i}`, [a, 4000], [b, 5000], i * 10);
      h.packet(a, 4000, b, 5000, i * 10 + 5, i, 1);
      h.packet(b, 5000, a, 4000, i * 10 + 5, i + 100000, 1);
      if (i >= 100) h.registry.forgetCall(h.indexOf(`c${i - 100}`));
    }
    const streams = h.registry.streams();
    expect(streams.length).toBe(200);
    expect(streams[0]!.id).toBe(2 * (N - 100) + 1);
    expect(new Set(streams.map((s) => s.callIndex)).size).toBe(100);
    for (const s of streams) expect(h.registry.streamsOfCall(s.callIndex!)).toContain(s);
    expect(h.registry.endpointAt('10.1.0.0', 4000)).toBeUndefined();
    expect(h.registry.endpointAt(`10.1.${(N - 1) >> 8}.${(N - 1) & 255}`, 4000)?.callIndex).toBe(h.indexOf(`c${N - 1}`));
  });
});

describe('stream lookup without a per-packet key', () => {
  it('interleaved flows of one call, a reused SSRC in every call and a shared endpoint count like a plain re-count', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ call: fc.integer({ min: 0, max: 3 }), dir: fc.boolean(), ssrc: fc.constantFrom(1, 2, 0xdeadbeef), pt: fc.constantFrom(0, 8) }), {
          minLength: 1,
          maxLength: 120,
        }),
        (packets) => {
          const h = new Harness();
          // every call's B side is the same endpoint: later calls take it over (newest claim wins)
          for (let c = 0; c < 4; c++) h.call(`c${c}`, [`10.0.0.${c + 1}`, 4000 + 2 * c], ['10.9.9.9', 5000], c);
          const expected = new Map<string, number>();
          const seqs = new Map<string, number>();
          packets.forEach((p, i) => {
            const a: [string, number] = [`10.0.0.${p.call + 1}`, 4000 + 2 * p.call];
            const [src, dst] = p.dir ? [a, ['10.9.9.9', 5000] as [string, number]] : [['10.9.9.9', 5000] as [string, number], a];
            const flow = `${p.ssrc}|${src.join(':')}|${dst.join(':')}`;
            const seq = (seqs.get(flow) ?? 0) + 1;
            seqs.set(flow, seq);
            h.packet(src[0], src[1], dst[0], dst[1], 100 + i, p.ssrc, seq, p.pt);
            // A → B: B's endpoint belongs to the newest call (c3); B → A: A's own endpoint (its call)
            const owner = p.dir ? 3 : p.call;
            const key = `${owner}|${flow}`;
            expected.set(key, (expected.get(key) ?? 0) + 1);
          });
          const got = new Map<string, number>();
          for (const s of h.registry.streams()) {
            const callId = h.correlator.call(s.callIndex!)!.callId;
            got.set(`${callId.slice(1)}|${s.ssrc}|${s.src}|${s.dst}`, s.packets);
            expect(h.registry.streamsOfCall(s.callIndex!)).toContain(s);
          }
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('an unannounced stream is adopted by the call whose SDP comes later, once, and keeps its id', () => {
    const h = new Harness(true);
    for (let i = 0; i < 5; i++) h.packet('10.0.0.1', 4000, '10.0.0.2', 5000, 20 * i, 0x77, i);
    h.packet('10.0.0.5', 6000, '10.0.0.6', 7000, 100, 0x77, 1); // another flow, same SSRC: stays unmatched
    h.call('late', ['10.0.0.1', 4000], ['10.0.0.2', 5000], 200);
    for (let i = 5; i < 10; i++) h.packet('10.0.0.1', 4000, '10.0.0.2', 5000, 300 + 20 * i, 0x77, i);
    const [adopted, other] = h.registry.streams();
    expect([adopted!.id, adopted!.packets, adopted!.lost, h.correlator.call(adopted!.callIndex!)?.callId]).toEqual([1, 10, 0, 'late']);
    expect([other!.id, other!.callIndex]).toEqual([2, undefined]);
    expect(h.registry.streamsOfCall(adopted!.callIndex!)).toEqual([adopted]);
  });
});

describe('CallSlots', () => {
  it('behaves as a Map for dense, sparse, odd and forgotten indexes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('set', 'delete'),
            fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.constantFrom(-1, 0.5, MAX_CALL_SLOT_GAP * 3, 2 ** 40)),
            fc.integer(),
          ),
          { maxLength: 400 },
        ),
        (ops) => {
          const slots = new CallSlots<number>();
          const model = new Map<number, number>();
          for (const [op, k, v] of ops) {
            if (op === 'set') {
              slots.set(k, v);
              model.set(k, v);
            } else {
              slots.delete(k);
              model.delete(k);
            }
          }
          for (const k of new Set([...ops.map((o) => o[1]), 1, 2, 3000])) expect(slots.get(k)).toBe(model.get(k));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('forgetting the oldest of many calls trims the window and keeps every live value', () => {
    const slots = new CallSlots<number>();
    for (let i = 1; i <= 20_000; i++) {
      slots.set(i, i * 2);
      if (i > 50) slots.delete(i - 50);
    }
    for (let i = 1; i <= 20_000; i++) expect(slots.get(i)).toBe(i > 19_950 ? i * 2 : undefined);
  });
});
