import { describe, expect, it } from 'vitest';
import { CallCorrelator } from '../../src/core/correlate/correlator.js';
import { A, B, Flow, P } from './flow.js';

/** INVITE/100/180/200/ACK/BYE/200 with sub-millisecond times. */
function basicCall(f = new Flow()): Flow {
  return f
    .req('INVITE', 0)
    .res(100, 10.25, { toTag: undefined })
    .res(180, 200.5)
    .res(200, 2200.75)
    .req('ACK', 2210, { toTag: 'b1', branch: 'z9hG4bK-ack' })
    .req('BYE', 62200.75, { cseq: 2, toTag: 'b1', branch: 'z9hG4bK-bye' })
    .res(200, 62210.75, { cseq: 2, cseqMethod: 'BYE', branch: 'z9hG4bK-bye' });
}

describe('basic call', () => {
  it('goes CALL SETUP → RINGING → IN CALL → COMPLETED with RFC 6076 timings', () => {
    const f = new Flow();
    f.req('INVITE', 0);
    expect(f.call.state).toBe('CALL SETUP');
    f.res(100, 10.25, { toTag: undefined });
    expect(f.call.state).toBe('CALL SETUP');
    f.res(180, 200.5);
    expect(f.call.state).toBe('RINGING');
    f.res(200, 2200.75);
    expect(f.call.state).toBe('IN CALL');
    f.req('ACK', 2210, { toTag: 'b1', branch: 'z9hG4bK-ack' });
    f.req('BYE', 62200.75, { cseq: 2, toTag: 'b1', branch: 'z9hG4bK-bye' });
    expect(f.call.state).toBe('COMPLETED');
    f.res(200, 62210.75, { cseq: 2, cseqMethod: 'BYE', branch: 'z9hG4bK-bye' });
    f.c.end();

    const call = f.call;
    expect(call.state).toBe('COMPLETED');
    expect(call.index).toBe(1);
    expect(call.firstMethod).toBe('INVITE');
    expect(call.from).toEqual({ display: 'Alice', uri: 'sip:alice@example.com', user: 'alice', tag: 'a1' });
    expect(call.to.user).toBe('bob');
    expect(call.source).toBe(A);
    expect(call.destination).toBe(B);
    expect(call.messageCount).toBe(7);
    expect(call.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(call.finalCode).toBe(200);
    expect(call.finalReason).toBe('Reason');
    expect(call.retransmissionCount).toBe(0);
    expect(call.participants).toEqual([A, B]);
    expect(call.timings.srdMs).toBeCloseTo(200.5, 6);
    expect(call.timings.ringingMs).toBeCloseTo(2000.25, 6);
    expect(call.timings.answerMs).toBeCloseTo(2200.75, 6);
    expect(call.timings.talkMs).toBeCloseTo(60000, 6);
    expect(call.timings.durationMs).toBeCloseTo(62210.75, 6);
    expect(call.startTs.tsNsec).toBe(0);
    expect(call.endTs.tsNsec).toBe(210_750_000);

    expect(call.transactions.map((t) => t.method)).toEqual(['INVITE', 'ACK', 'BYE']);
    const [invite, ack, bye] = call.transactions;
    expect(invite!.responses.map((r) => r.message.statusCode)).toEqual([100, 180, 200]);
    expect(invite!.firstResponseMs).toBeCloseTo(10.25, 6);
    expect(invite!.finalResponseMs).toBeCloseTo(2200.75, 6);
    expect(invite!.finalCode).toBe(200);
    expect(invite!.ackIndex).toBe(2);
    expect(ack!.inviteIndex).toBe(1);
    expect(bye!.finalResponseMs).toBeCloseTo(10, 6);
    expect(invite!.timedOut).toBe(false);

    expect(call.dialogs).toHaveLength(1);
    expect(call.dialogs[0]).toMatchObject({ fromTag: 'a1', toTag: 'b1', state: 'terminated', messageCount: 7 });
    expect(call.dialogs[0]!.transactionIndices).toEqual([1, 2, 3]);
  });

  it('a long dialog lists each of its thousands of transactions once, in order, resends included', () => {
    const f = new Flow();
    f.req('INVITE', 0).res(200, 10).req('ACK', 20, { cseq: 1, toTag: 'b1', branch: 'z9hG4bK-ack' });
    const N = 6000;
    for (let i = 0; i < N; i++) {
      const cseq = i + 2;
      const at = 100 + i * 10;
      const o = { cseq, toTag: 'b1', branch: `z9hG4bK-info-${i}` };
      f.req('INFO', at, o);
      if (i % 3 === 0) f.req('INFO', at + 1, o); // a resend: the same transaction
      f.res(200, at + 2, { ...o, cseqMethod: 'INFO' });
      if (i % 5 === 0) f.res(200, at + 3, { ...o, cseqMethod: 'INFO' }); // a resent final
    }
    const d = f.call.dialogs[0]!;
    expect(d.transactionIndices).toEqual(Array.from({ length: N + 2 }, (_, i) => i + 1));
    expect(d.messageCount).toBe(3 + N * 2 + Math.ceil(N / 3) + Math.ceil(N / 5));
  });

  it('bumps the version on every change', () => {
    const f = new Flow();
    f.req('INVITE', 0);
    const v1 = f.call.version;
    const g1 = f.c.version;
    f.res(180, 100);
    expect(f.call.version).toBeGreaterThan(v1);
    expect(f.c.version).toBeGreaterThan(g1);
  });

  it('a BYE whose ACK was not captured still completes the call', () => {
    const f = new Flow()
      .req('INVITE', 0)
      .res(200, 1000)
      .req('BYE', 5000, { cseq: 2, toTag: 'b1', branch: 'z9hG4bK-bye' })
      .res(200, 5010, { cseq: 2, cseqMethod: 'BYE', branch: 'z9hG4bK-bye' });
    f.c.end();
    expect(f.call.state).toBe('COMPLETED');
    expect(f.call.timings.talkMs).toBeCloseTo(4000, 6);
    expect(f.call.transactions[0]!.ackIndex).toBeUndefined();
  });

  it('the callee hanging up (tags swapped) stays in the same dialog', () => {
    const f = new Flow()
      .req('INVITE', 0)
      .res(200, 1000)
      .req('ACK', 1010, { toTag: 'b1', branch: 'z9hG4bK-ack' })
      .req('BYE', 5000, { cseq: 7, fromTag: 'b1', toTag: 'a1', branch: 'z9hG4bK-bye', src: B, dst: A })
      .res(200, 5010, { cseq: 7, cseqMethod: 'BYE', fromTag: 'b1', toTag: 'a1', branch: 'z9hG4bK-bye', src: A, dst: B });
    expect(f.call.state).toBe('COMPLETED');
    expect(f.call.dialogs).toHaveLength(1);
    expect(f.call.transactions[2]!.finalCode).toBe(200);
  });
});

describe('unanswered INVITE', () => {
  it('is FAILED at the end of input', () => {
    const f = new Flow().req('INVITE', 0);
    expect(f.call.state).toBe('CALL SETUP');
    f.c.end();
    expect(f.call.state).toBe('FAILED');
    expect(f.call.transactions[0]!.timedOut).toBe(true);
    expect(f.call.finalCode).toBeUndefined();
  });

  it('is FAILED once Timer B (64*T1) has passed in packet time', () => {
    const c = new CallCorrelator();
    const f = new Flow(c).req('INVITE', 0);
    new Flow(c, 'other@test').req('OPTIONS', 31_999, { cseq: 1, branch: 'z9hG4bK-o' });
    expect(f.call.state).toBe('CALL SETUP');
    c.advanceTo({ tsSec: f.call.startTs.tsSec + 32, tsNsec: 0 });
    expect(f.call.state).toBe('FAILED');
    expect(f.call.transactions[0]!.timedOut).toBe(true);
  });

  it('a provisional stops Timer B: RINGING until the end, then FAILED', () => {
    const c = new CallCorrelator();
    const f = new Flow(c).req('INVITE', 0).res(180, 100);
    c.advanceTo({ tsSec: f.call.startTs.tsSec + 120, tsNsec: 0 });
    expect(f.call.state).toBe('RINGING');
    expect(f.call.transactions[0]!.timedOut).toBe(false);
    c.end();
    expect(f.call.state).toBe('FAILED');
  });
});

describe('failures', () => {
  it('CANCEL + 200 + 487 is CANCELLED, with CANCEL and ACK linked to the INVITE', () => {
    const f = new Flow()
      .req('INVITE', 0)
      .res(100, 5, { toTag: undefined })
      .res(180, 100)
      .req('CANCEL', 5000);
    expect(f.call.state).toBe('RINGING');
    f.res(200, 5010, { cseqMethod: 'CANCEL' });
    expect(f.call.state).toBe('CANCELLED');
    f.res(487, 5020).req('ACK', 5030, { toTag: 'b1' });
    f.c.end();
    const call = f.call;
    expect(call.state).toBe('CANCELLED');
    expect(call.finalCode).toBe(487);
    expect(call.transactions.map((t) => t.method)).toEqual(['INVITE', 'CANCEL', 'ACK']);
    const [invite, cancel, ack] = call.transactions;
    expect(invite!.cancelIndex).toBe(2);
    expect(invite!.ackIndex).toBe(3);
    expect(cancel!.inviteIndex).toBe(1);
    expect(cancel!.finalCode).toBe(200);
    expect(ack!.inviteIndex).toBe(1);
    expect(invite!.finalCode).toBe(487);
    expect(call.dialogs).toHaveLength(1);
    expect(call.dialogs[0]!.state).toBe('terminated');
    expect(call.timings.srdMs).toBeCloseTo(100, 6);
    expect(call.timings.ringingMs).toBeCloseTo(4920, 6);
    expect(call.timings.answerMs).toBeUndefined();
  });

  it('a CANCEL then a 408 from a server that ignored it is CANCELLED (aaa.pcap)', () => {
    const f = new Flow().req('INVITE', 0).res(100, 5, { toTag: undefined }).req('CANCEL', 3000).res(408, 35000);
    expect(f.call.state).toBe('CANCELLED');
    expect(f.call.finalCode).toBe(408);
  });

  it('a CANCEL never answered ends CANCELLED, not FAILED', () => {
    const f = new Flow().req('INVITE', 0).res(180, 50).req('CANCEL', 3000);
    f.c.end();
    expect(f.call.state).toBe('CANCELLED');
  });

  it.each([
    [486, 'BUSY'],
    [600, 'BUSY'],
    [480, 'REJECTED'],
    [403, 'REJECTED'],
    [503, 'REJECTED'],
    [603, 'REJECTED'],
    [302, 'DIVERTED'],
    [301, 'DIVERTED'],
  ])('final %i → %s', (code, state) => {
    const f = new Flow().req('INVITE', 0).res(100, 5, { toTag: undefined }).res(code, 300).req('ACK', 310, { toTag: 'b1' });
    f.c.end();
    expect(f.call.state).toBe(state);
    expect(f.call.finalCode).toBe(code);
    expect(f.call.timings.srdMs).toBeCloseTo(300, 6);
    expect(f.call.transactions).toHaveLength(2);
    expect(f.call.transactions[1]!.inviteIndex).toBe(1);
  });

  it('403 keeps the Reason (Q.850) and Warning headers', () => {
    const f = new Flow().req('INVITE', 0).res(403, 100, {
      headers: [
        ['Reason', 'Q.850;cause=21;text="Call rejected", SIP;cause=403'],
        ['Warning', '399 sbc.example.com "Blocked by policy"'],
      ],
    });
    expect(f.call.state).toBe('REJECTED');
    expect(f.call.rejection).toEqual({
      reasons: [
        { protocol: 'Q.850', cause: 21, text: 'Call rejected', causeName: 'Call rejected' },
        { protocol: 'SIP', cause: 403 },
      ],
      warnings: ['399 sbc.example.com "Blocked by policy"'],
    });
  });

  it('181 alone keeps RINGING and flags forwarded; DIVERTED only on a 3xx', () => {
    const f = new Flow().req('INVITE', 0).res(181, 100);
    expect(f.call.state).toBe('RINGING');
    expect(f.call.forwarded).toBe(true);
    f.res(200, 900);
    expect(f.call.state).toBe('IN CALL');
  });
});

describe('authentication', () => {
  it('407, then an authenticated INVITE answered 200: not REJECTED, timings from the retry', () => {
    const f = new Flow()
      .req('INVITE', 0)
      .res(407, 20, { toTag: 'x1' })
      .req('ACK', 25, { toTag: 'x1' });
    expect(f.call.state).toBe('REJECTED');
    f.req('INVITE', 40, { cseq: 2, branch: 'z9hG4bK-inv2', headers: [['Proxy-Authorization', 'Digest username="alice"']] });
    expect(f.call.state).toBe('CALL SETUP');
    f.res(100, 45, { cseq: 2, branch: 'z9hG4bK-inv2', toTag: undefined })
      .res(180, 140, { cseq: 2, branch: 'z9hG4bK-inv2', toTag: 'b2' })
      .res(200, 1040, { cseq: 2, branch: 'z9hG4bK-inv2', toTag: 'b2' })
      .req('ACK', 1050, { cseq: 2, toTag: 'b2', branch: 'z9hG4bK-ack2' });
    expect(f.call.state).toBe('IN CALL');
    f.req('BYE', 9050, { cseq: 3, toTag: 'b2', branch: 'z9hG4bK-bye' });
    f.c.end();
    const call = f.call;
    expect(call.state).toBe('COMPLETED');
    expect(call.authChallenged).toBe(true);
    expect(call.finalCode).toBe(200);
    expect(call.rejection).toBeUndefined();
    expect(call.timings.srdMs).toBeCloseTo(100, 6);
    expect(call.timings.answerMs).toBeCloseTo(1000, 6);
    expect(call.timings.talkMs).toBeCloseTo(8010, 6);
    expect(call.transactions.map((t) => `${t.method}:${t.finalCode ?? '-'}`)).toEqual(['INVITE:407', 'ACK:-', 'INVITE:200', 'ACK:-', 'BYE:-']);
    expect(call.transactions[1]!.inviteIndex).toBe(1);
    expect(call.transactions[3]!.inviteIndex).toBe(3);
    expect(call.dialogs.map((d) => `${d.toTag}:${d.state}`)).toEqual(['x1:terminated', 'b2:terminated']);
  });

  it('407 with no retry stays REJECTED', () => {
    const f = new Flow().req('INVITE', 0).res(407, 20).req('ACK', 25, { toTag: 'b1' });
    f.c.end();
    expect(f.call.state).toBe('REJECTED');
    expect(f.call.authChallenged).toBe(true);
    expect(f.call.finalCode).toBe(407);
  });
});

describe('re-INVITE', () => {
  it('a re-INVITE rejected with 488 does not make an answered call REJECTED', () => {
    const f = new Flow()
      .req('INVITE', 0)
      .res(200, 500)
      .req('ACK', 510, { toTag: 'b1', branch: 'z9hG4bK-ack' })
      .req('INVITE', 10_000, { cseq: 2, toTag: 'b1', branch: 'z9hG4bK-reinv' })
      .res(488, 10_050, { cseq: 2, branch: 'z9hG4bK-reinv' })
      .req('ACK', 10_060, { cseq: 2, toTag: 'b1', branch: 'z9hG4bK-reinv' });
    expect(f.call.state).toBe('IN CALL');
    expect(f.call.finalCode).toBe(200);
    expect(f.call.rejection).toBeUndefined();
    const reinvite = f.call.transactions[2]!;
    expect(reinvite).toMatchObject({ method: 'INVITE', initial: false, finalCode: 488, ackIndex: 4 });
    expect(f.call.dialogs).toHaveLength(1);
    expect(f.call.dialogs[0]!.state).toBe('confirmed');
    f.req('BYE', 20_000, { cseq: 3, toTag: 'b1', branch: 'z9hG4bK-bye' });
    expect(f.call.state).toBe('COMPLETED');
    expect(f.call.timings.talkMs).toBeCloseTo(19_500, 6);
  });

  it('a call first seen through a re-INVITE (capture started mid-call) is IN CALL', () => {
    const f = new Flow().req('INVITE', 0, { cseq: 5, toTag: 'b1' }).res(488, 50, { cseq: 5 });
    f.c.end();
    expect(f.call.state).toBe('IN CALL');
  });
});

describe('forking', () => {
  it('two To tags give two early dialogs; the answered one is confirmed', () => {
    const f = new Flow()
      .req('INVITE', 0)
      .res(100, 5, { toTag: undefined })
      .res(180, 100, { toTag: 't1' })
      .res(180, 120, { toTag: 't2' })
      .res(200, 2000, { toTag: 't2' })
      .req('ACK', 2010, { toTag: 't2', branch: 'z9hG4bK-ack' });
    const call = f.call;
    expect(call.state).toBe('IN CALL');
    expect(call.dialogs.map((d) => ({ to: d.toTag, state: d.state, forkOf: d.forkOf }))).toEqual([
      { to: 't1', state: 'early', forkOf: undefined },
      { to: 't2', state: 'confirmed', forkOf: 1 },
    ]);
    expect(call.dialogs[1]!.transactionIndices).toEqual([1, 2]);
    expect(call.transactions).toHaveLength(2);
    expect(call.transactions[0]!.responses).toHaveLength(4);
    expect(call.transactions[0]!.retransmissions).toBe(0);
    expect(call.transactions[0]!.ackIndex).toBe(2);
    expect(call.messages.map((m) => m.dialogIndex)).toEqual([1, 1, 1, 2, 2, 2]);
  });
});

describe('proxy: the same call seen at two hops', () => {
  it('is one call with three participants and one transaction per hop', () => {
    const f = new Flow();
    const hop2 = { src: P, dst: B, branch: 'z9hG4bK-p1' };
    const hop2r = { src: B, dst: P, branch: 'z9hG4bK-p1' };
    const hop1 = { src: A, dst: P };
    const hop1r = { src: P, dst: A };
    f.req('INVITE', 0, hop1)
      .res(100, 2, { ...hop1r, toTag: undefined })
      .req('INVITE', 3, hop2)
      .res(180, 50, { ...hop2r, toTag: 'b1' })
      .res(180, 52, { ...hop1r, toTag: 'b1' })
      .res(200, 1000, hop2r)
      .res(200, 1002, hop1r)
      .req('ACK', 1010, { ...hop1, toTag: 'b1', branch: 'z9hG4bK-ack1' })
      .req('ACK', 1012, { ...hop2, toTag: 'b1', branch: 'z9hG4bK-ack2' })
      .req('BYE', 5000, { ...hop1, cseq: 2, toTag: 'b1', branch: 'z9hG4bK-bye1' })
      .req('BYE', 5002, { ...hop2, cseq: 2, toTag: 'b1', branch: 'z9hG4bK-bye2' })
      .res(200, 5010, { ...hop2r, cseq: 2, cseqMethod: 'BYE', branch: 'z9hG4bK-bye2' })
      .res(200, 5012, { ...hop1r, cseq: 2, cseqMethod: 'BYE', branch: 'z9hG4bK-bye1' });
    f.c.end();
    const call = f.call;
    expect(f.c.calls()).toHaveLength(1);
    expect(call.state).toBe('COMPLETED');
    expect(call.participants).toEqual([A, P, B]);
    expect(call.retransmissionCount).toBe(0);
    expect(call.transactions.map((t) => t.method)).toEqual(['INVITE', 'INVITE', 'ACK', 'ACK', 'BYE', 'BYE']);
    const [inv1, inv2] = call.transactions;
    expect(inv1!.responses.map((r) => r.message.statusCode)).toEqual([100, 180, 200]);
    expect(inv2!.responses.map((r) => r.message.statusCode)).toEqual([180, 200]);
    expect(inv2!.finalResponseMs).toBeCloseTo(997, 6);
    expect(call.transactions[4]!.finalResponseMs).toBeCloseTo(12, 6);
    expect(call.transactions[5]!.finalResponseMs).toBeCloseTo(8, 6);
    expect(call.dialogs).toHaveLength(1);
    expect(call.timings.srdMs).toBeCloseTo(50, 6);
  });
});

describe('related calls', () => {
  it('links a B-leg by X-Call-ID in both directions', () => {
    const c = new CallCorrelator();
    basicCall(new Flow(c, 'a-leg@test'));
    new Flow(c, 'b-leg@test', { src: P, dst: B }).req('INVITE', 10, { headers: [['X-Call-ID', 'a-leg@test']] });
    new Flow(c, 'c-leg@test').req('INVITE', 20);
    expect(c.callById('a-leg@test')!.related).toEqual([2]);
    expect(c.callById('b-leg@test')!.related).toEqual([1]);
    expect(c.callById('c-leg@test')!.related).toEqual([]);
  });

  it('links when the B-leg is seen first, and honours a configured header list', () => {
    const c = new CallCorrelator({ relatedCallHeaders: ['X-Leg-Of'] });
    new Flow(c, 'b-leg@test').req('INVITE', 0, { headers: [['x-leg-of', 'a-leg@test'], ['X-Call-ID', 'ignored@test']] });
    new Flow(c, 'ignored@test').req('INVITE', 5);
    new Flow(c, 'a-leg@test').req('INVITE', 10);
    expect(c.callById('b-leg@test')!.related).toEqual([3]);
    expect(c.callById('a-leg@test')!.related).toEqual([1]);
    expect(c.callById('ignored@test')!.related).toEqual([]);
  });
});

describe('RFC 2543 transactions (no magic cookie)', () => {
  it('match by CSeq + From tag + Via sent-by; resends and ACK are recognised', () => {
    const noBranch = { branch: undefined };
    const f = new Flow()
      .req('INVITE', 0, noBranch)
      .req('INVITE', 500, noBranch)
      .res(180, 600, noBranch)
      .res(200, 1600, noBranch)
      .req('ACK', 1610, { ...noBranch, toTag: 'b1' })
      .req('BYE', 3000, { ...noBranch, cseq: 2, toTag: 'b1' })
      .res(200, 3010, { ...noBranch, cseq: 2, cseqMethod: 'BYE' });
    f.c.end();
    const call = f.call;
    expect(call.state).toBe('COMPLETED');
    expect(call.transactions.map((t) => `${t.method}:${t.rfc3261}:${t.finalCode ?? '-'}`)).toEqual(['INVITE:false:200', 'ACK:false:-', 'BYE:false:200']);
    expect(call.transactions[0]!.retransmissions).toBe(1);
    expect(call.transactions[0]!.requestTrain!.intervals[0]!.withinTolerance).toBe(true);
    expect(call.transactions[1]!.inviteIndex).toBe(1);
    expect(call.retransmissionCount).toBe(1);
    expect(call.messages[1]!.retransmission).toBe(true);
  });

  it('branch without the cookie: different sent-by means different transactions', () => {
    const f = new Flow()
      .req('INVITE', 0, { branch: 'old1' })
      .req('INVITE', 5, { branch: 'old1', src: P, dst: B, viaSentBy: P })
      .res(200, 100, { branch: 'old1', src: B, dst: P, viaSentBy: P });
    const [t1, t2] = f.call.transactions;
    expect(f.call.transactions).toHaveLength(2);
    expect(t1!.responses).toHaveLength(0);
    expect(t2!.finalCode).toBe(200);
  });
});

describe('capture started mid-call', () => {
  it('a Call-ID first seen through an in-dialog ACK then BYE is an INVITE call that completes', () => {
    const f = new Flow();
    f.req('ACK', 0, { toTag: 'b1', branch: 'z9hG4bK-ack' });
    expect(f.call.state).toBe('IN CALL');
    f.req('BYE', 1000, { cseq: 2, toTag: 'b1', branch: 'z9hG4bK-bye' }).res(200, 1010, { cseq: 2, cseqMethod: 'BYE', branch: 'z9hG4bK-bye' });
    f.c.end();
    expect(f.call.state).toBe('COMPLETED');
  });

  it('a Call-ID first seen through its CANCEL ends CANCELLED when the INVITE gets 487', () => {
    const f = new Flow();
    f.req('CANCEL', 0, { branch: 'z9hG4bK-inv' })
      .res(200, 5, { cseqMethod: 'CANCEL', toTag: undefined })
      .res(487, 10)
      .req('ACK', 20, { toTag: 'b1' });
    f.c.end();
    expect(f.call.state).toBe('CANCELLED');
    expect(f.call.finalCode).toBe(487);
  });

  it('a Call-ID first seen through the 200 to its BYE (BYE not captured) completes', () => {
    const f = new Flow();
    f.res(200, 0, { cseq: 2, cseqMethod: 'BYE', toTag: 'b1', branch: 'z9hG4bK-bye' });
    f.c.end();
    expect(f.call.firstMethod).toBe('BYE');
    expect(f.call.state).toBe('COMPLETED');
  });

  it('a Call-ID first seen through a PRACK is ringing, then answered', () => {
    const f = new Flow();
    f.req('PRACK', 0, { cseq: 2, toTag: 'b1', branch: 'z9hG4bK-prack' });
    expect(f.call.state).toBe('RINGING');
    f.res(200, 500);
    expect(f.call.state).toBe('IN CALL');
  });
});
