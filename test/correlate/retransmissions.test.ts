import { describe, expect, it } from 'vitest';
import { expectedIntervalMs, retransmitRule, withinTolerance } from '../../src/core/correlate/retransmit.js';
import { A, B, Flow } from './flow.js';

describe('request retransmissions', () => {
  it('INVITE resent after 0.5, 1 and 2 s follows Timer A', () => {
    const f = new Flow().req('INVITE', 0).req('INVITE', 500).req('INVITE', 1500).req('INVITE', 3500).res(100, 3510, { toTag: undefined });
    const call = f.call;
    expect(call.transactions).toHaveLength(1);
    const t = call.transactions[0]!;
    expect(t.retransmissions).toBe(3);
    expect(call.retransmissionCount).toBe(3);
    expect(t.requestTrain!.rule).toBe('timer-A');
    expect(t.requestTrain!.count).toBe(3);
    expect(t.requestTrain!.intervals).toEqual([
      { intervalMs: 500, expectedMs: 500, withinTolerance: true },
      { intervalMs: 1000, expectedMs: 1000, withinTolerance: true },
      { intervalMs: 2000, expectedMs: 2000, withinTolerance: true },
    ]);
    expect(call.messages.map((m) => m.retransmission)).toEqual([false, true, true, true, false]);
    // the first response time is measured from the first copy of the request
    expect(t.firstResponseMs).toBeCloseTo(3510, 6);
  });

  it('two resends (0.5 s, 1 s): counter 2', () => {
    const f = new Flow().req('INVITE', 0).req('INVITE', 510).req('INVITE', 1490);
    expect(f.call.transactions[0]!.retransmissions).toBe(2);
    expect(f.call.transactions[0]!.requestTrain!.intervals.every((i) => i.withinTolerance === true)).toBe(true);
  });

  it('INVITE resent at odd intervals is flagged', () => {
    const f = new Flow().req('INVITE', 0).req('INVITE', 300).req('INVITE', 600).req('INVITE', 2600);
    const iv = f.call.transactions[0]!.requestTrain!.intervals;
    expect(iv.map((i) => i.withinTolerance)).toEqual([false, false, true]);
    expect(iv.map((i) => i.expectedMs)).toEqual([500, 1000, 2000]);
  });

  it('non-INVITE follows Timer E: doubling capped at T2 = 4 s', () => {
    const f = new Flow(undefined, 'opt@test');
    const times = [0, 500, 1500, 3500, 7500, 11500];
    for (const t of times) f.req('OPTIONS', t, { branch: 'z9hG4bK-o' });
    const train = f.call.transactions[0]!.requestTrain!;
    expect(train.rule).toBe('timer-E');
    expect(train.intervals.map((i) => i.expectedMs)).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(train.intervals.every((i) => i.withinTolerance === true)).toBe(true);
  });

  it('Timer E runs at T2 once a provisional came', () => {
    const f = new Flow(undefined, 'msg@test')
      .req('MESSAGE', 0, { branch: 'z9hG4bK-m' })
      .res(100, 10, { cseqMethod: 'MESSAGE', branch: 'z9hG4bK-m', toTag: undefined })
      .req('MESSAGE', 4010, { branch: 'z9hG4bK-m' });
    expect(f.call.transactions[0]!.requestTrain!.intervals).toEqual([{ intervalMs: 4010, expectedMs: 4000, withinTolerance: true }]);
  });

  it('the same request in the other direction is another transaction, not a resend', () => {
    const f = new Flow().req('INVITE', 0).req('INVITE', 500, { src: B, dst: A });
    expect(f.call.transactions).toHaveLength(2);
    expect(f.call.retransmissionCount).toBe(0);
  });

  it('a resend over TCP is flagged: reliable transports never retransmit', () => {
    const f = new Flow(undefined, 'tcp@test', { transport: 'tcp' }).req('INVITE', 0).req('INVITE', 500);
    const train = f.call.transactions[0]!.requestTrain!;
    expect(train.rule).toBe('reliable');
    expect(train.intervals).toEqual([{ intervalMs: 500, withinTolerance: false }]);
  });
});

describe('response retransmissions', () => {
  it('a 2xx resent with T1 doubling (Timer G schedule) and ACKs resent on demand', () => {
    const f = new Flow()
      .req('INVITE', 0)
      .res(200, 100)
      .res(200, 600)
      .res(200, 1600)
      .req('ACK', 1610, { toTag: 'b1', branch: 'z9hG4bK-ack' })
      .req('ACK', 1620, { toTag: 'b1', branch: 'z9hG4bK-ack' });
    const call = f.call;
    const invite = call.transactions[0]!;
    expect(invite.responseTrains).toHaveLength(1);
    const train = invite.responseTrains[0]!;
    expect(train).toMatchObject({ kind: 'response', statusCode: 200, toTag: 'b1', rule: 'timer-G', count: 2 });
    expect(train.intervals.map((i) => i.withinTolerance)).toEqual([true, true]);
    expect(invite.retransmissions).toBe(2);
    expect(invite.finalResponseMs).toBeCloseTo(100, 6);
    const ack = call.transactions[1]!;
    expect(ack.requestTrain!.rule).toBe('on-demand');
    expect(ack.requestTrain!.intervals).toEqual([{ intervalMs: 10 }]);
    expect(call.retransmissionCount).toBe(3);
    expect(call.state).toBe('IN CALL');
  });

  it('same status with another To tag is not a resend (fork)', () => {
    const f = new Flow().req('INVITE', 0).res(180, 100, { toTag: 't1' }).res(180, 110, { toTag: 't2' });
    expect(f.call.retransmissionCount).toBe(0);
    expect(f.call.transactions[0]!.responseTrains).toHaveLength(2);
  });
});

describe('timer rules', () => {
  it('expected intervals', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => expectedIntervalMs('timer-A', n, false))).toEqual([500, 1000, 2000, 4000, 8000, 16000, 32000]);
    expect([1, 2, 3, 4, 5].map((n) => expectedIntervalMs('timer-G', n, false))).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(expectedIntervalMs('timer-E', 1, true)).toBe(4000);
    expect(expectedIntervalMs('on-demand', 1, false)).toBeUndefined();
  });
  it('tolerance: 25% with a 100 ms floor', () => {
    expect(withinTolerance(600, 500)).toBe(true);
    expect(withinTolerance(626, 500)).toBe(false);
    expect(withinTolerance(1240, 1000)).toBe(true);
    expect(withinTolerance(1260, 1000)).toBe(false);
  });
  it('rules by method, status and transport', () => {
    expect(retransmitRule('request', 'INVITE', undefined, 'udp')).toBe('timer-A');
    expect(retransmitRule('request', 'BYE', undefined, 'hep3/udp')).toBe('timer-E');
    expect(retransmitRule('request', 'ACK', undefined, 'udp')).toBe('on-demand');
    expect(retransmitRule('response', 'INVITE', 486, 'udp')).toBe('timer-G');
    expect(retransmitRule('response', 'INVITE', 180, 'udp')).toBe('on-demand');
    expect(retransmitRule('response', 'BYE', 200, 'udp')).toBe('on-demand');
    expect(retransmitRule('request', 'INVITE', undefined, 'wss')).toBe('reliable');
  });
});
