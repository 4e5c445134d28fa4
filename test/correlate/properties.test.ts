import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALL_STATES } from '../../src/core/correlate/call-state.js';
import { CallCorrelator } from '../../src/core/correlate/correlator.js';
import { fakeMessage, type FakeMessageOptions } from './fake-message.js';

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const messageArb: fc.Arbitrary<FakeMessageOptions> = fc.record({
  method: maybe(fc.constantFrom('INVITE', 'ACK', 'BYE', 'CANCEL', 'REGISTER', 'OPTIONS', 'SUBSCRIBE', 'NOTIFY', 'PRACK', 'X')),
  status: fc.constantFrom(100, 180, 181, 183, 200, 202, 302, 401, 407, 480, 486, 487, 488, 500, 600, 603),
  callId: fc.constantFrom('c1', 'c2', 'c3', ''),
  cseq: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(Number.NaN)),
  cseqMethod: fc.constantFrom('INVITE', 'ACK', 'BYE', 'CANCEL', 'REGISTER', 'OPTIONS', ''),
  fromTag: maybe(fc.constantFrom('a', 'b', '')),
  toTag: maybe(fc.constantFrom('a', 'b', 'c', '')),
  branch: maybe(fc.constantFrom('z9hG4bK1', 'z9hG4bK2', 'Z9HG4BK3', 'old', '')),
  src: fc.constantFrom('10.0.0.1:5060', '10.0.0.2:5060', '[2001:db8::1]:5060'),
  dst: fc.constantFrom('10.0.0.1:5060', '10.0.0.2:5060', '10.0.0.3:5070'),
  atMs: fc.double({ min: 0, max: 100_000, noNaN: true }),
  transport: fc.constantFrom('udp', 'tcp'),
  headers: fc.constantFrom<ReadonlyArray<readonly [string, string]>>([], [['X-Call-ID', 'c1']], [['X-CID', 'c2'], ['Reason', 'Q.850;cause=x;text="']]),
}).map((o) => (o.method !== undefined ? { ...o, status: undefined } : { ...o, method: undefined }));

describe('correlator properties', () => {
  it('never throws and keeps its invariants on arbitrary message sequences', () => {
    fc.assert(
      fc.property(fc.array(messageArb, { maxLength: 60 }), fc.boolean(), (msgs, sorted) => {
        const list = sorted ? [...msgs].sort((a, b) => a.atMs - b.atMs) : msgs;
        const c = new CallCorrelator();
        let lastSeq = 0;
        for (const o of list) {
          const entry = c.add(fakeMessage(o));
          expect(entry.seq).toBe(lastSeq + 1);
          lastSeq = entry.seq;
        }
        c.end();
        c.end();
        const calls = c.calls();
        expect(calls.reduce((n, call) => n + call.messageCount, 0)).toBe(list.length);
        expect(c.messageCount).toBe(list.length);
        calls.forEach((call, i) => {
          expect(call.index).toBe(i + 1);
          expect(CALL_STATES).toContain(call.state);
          expect(new Set(call.participants).size).toBe(call.participants.length);
          expect(call.retransmissionCount).toBe(call.messages.filter((m) => m.retransmission).length);
          expect(call.timings.durationMs).toBeGreaterThanOrEqual(0);
          for (const m of call.messages) {
            expect(call.transactions[m.transactionIndex - 1]).toBeDefined();
            expect(call.dialogs[m.dialogIndex - 1]).toBeDefined();
            expect(m.callIndex).toBe(call.index);
          }
          for (const r of call.related) expect(c.call(r)!.related).toContain(call.index);
          expect(call.dialogs.reduce((n, d) => n + d.messageCount, 0)).toBe(call.messageCount);
        });
      }),
      { numRuns: 400 },
    );
  });
});
