import { describe, expect, it } from 'vitest';
import { CallCorrelator } from '../../src/core/correlate/correlator.js';
import { Flow } from './flow.js';

const reg = (n: number) => ({ cseq: n, cseqMethod: 'REGISTER', branch: `z9hG4bK-r${n}` });

describe('REGISTER', () => {
  it('401 then 200: AUTH CHALLENGED, then REGISTERED', () => {
    const f = new Flow(undefined, 'reg@test').req('REGISTER', 0, reg(1));
    expect(f.call.state).toBe('PENDING');
    f.res(401, 30, { ...reg(1), toTag: 'r1' });
    expect(f.call.state).toBe('AUTH CHALLENGED');
    f.req('REGISTER', 50, { ...reg(2), headers: [['Authorization', 'Digest username="alice"']] });
    expect(f.call.state).toBe('AUTH CHALLENGED');
    f.res(200, 90, { ...reg(2), toTag: 'r2' });
    f.c.end();
    const call = f.call;
    expect(call.state).toBe('REGISTERED');
    expect(call.firstMethod).toBe('REGISTER');
    expect(call.authChallenged).toBe(true);
    expect(call.finalCode).toBe(200);
    expect(call.transactions.map((t) => t.finalResponseMs)).toEqual([30, 40]);
    expect(call.messageCount).toBe(4);
    expect(call.timings.durationMs).toBe(90);
    expect(call.timings.srdMs).toBeUndefined();
    expect(call.dialogs.every((d) => d.state === 'none')).toBe(true);
  });

  it('22 unanswered REGISTER copies: FAILED, resends counted (ndpi-webex-register)', () => {
    const f = new Flow(undefined, 'webex@test');
    for (let i = 0; i < 11; i++) f.req('REGISTER', Math.min(500 * (2 ** i - 1), 3500 + 4000 * (i - 3)), reg(4));
    for (let i = 0; i < 11; i++) f.req('REGISTER', 60_000 + i * 4000, reg(5));
    expect(f.call.transactions).toHaveLength(2);
    expect(f.call.retransmissionCount).toBe(20);
    f.c.end();
    expect(f.call.state).toBe('FAILED');
    expect(f.call.transactions.every((t) => t.timedOut)).toBe(true);
  });

  it('a 403 is REJECTED with its reason phrase', () => {
    const f = new Flow(undefined, 'reg@test').req('REGISTER', 0, reg(1)).res(403, 10, { ...reg(1), reason: 'Forbidden' });
    expect(f.call.state).toBe('REJECTED');
    expect(f.call.finalReason).toBe('Forbidden');
  });
});

describe('other out-of-dialog requests', () => {
  const opt = { cseqMethod: 'OPTIONS', branch: 'z9hG4bK-o' };
  it('OPTIONS with no answer: PENDING, then NO ANSWER at end of input', () => {
    const f = new Flow(undefined, 'opt@test').req('OPTIONS', 0, opt);
    expect(f.call.state).toBe('PENDING');
    f.c.end();
    expect(f.call.state).toBe('NO ANSWER');
    expect(f.call.transactions[0]!.timedOut).toBe(true);
  });

  it('OPTIONS with no answer: NO ANSWER once Timer F (64*T1) passed in packet time', () => {
    const c = new CallCorrelator();
    const f = new Flow(c, 'opt@test').req('OPTIONS', 0, opt);
    c.advanceTo({ tsSec: f.call.startTs.tsSec + 31, tsNsec: 999_999_999 });
    expect(f.call.state).toBe('PENDING');
    c.advanceTo({ tsSec: f.call.startTs.tsSec + 32, tsNsec: 0 });
    expect(f.call.state).toBe('NO ANSWER');
  });

  it('Timer F also fires after a provisional (unlike Timer B)', () => {
    const c = new CallCorrelator();
    const f = new Flow(c, 'msg@test').req('MESSAGE', 0, { branch: 'z9hG4bK-m' }).res(100, 5, { cseqMethod: 'MESSAGE', branch: 'z9hG4bK-m', toTag: undefined });
    c.advanceTo({ tsSec: f.call.startTs.tsSec + 40, tsNsec: 0 });
    expect(f.call.state).toBe('NO ANSWER');
  });

  it.each([
    [200, 'ACCEPTED'],
    [202, 'ACCEPTED'],
    [302, 'DIVERTED'],
    [404, 'REJECTED'],
    [407, 'REJECTED'],
    [503, 'REJECTED'],
  ])('OPTIONS answered %i → %s', (code, state) => {
    const f = new Flow(undefined, 'opt@test').req('OPTIONS', 0, opt).res(code, 10, opt);
    expect(f.call.state).toBe(state);
    expect(f.call.finalCode).toBe(code);
  });

  it('SUBSCRIBE/NOTIFY: outcome from the SUBSCRIBE; the NOTIFY joins its dialog', () => {
    const sub = { cseqMethod: 'SUBSCRIBE', branch: 'z9hG4bK-s' };
    const f = new Flow(undefined, 'sub@test')
      .req('SUBSCRIBE', 0, sub)
      .res(202, 10, sub)
      .req('NOTIFY', 20, { cseq: 1, fromTag: 'b1', toTag: 'a1', branch: 'z9hG4bK-n', src: '10.0.0.2:5060', dst: '10.0.0.1:5060' })
      .res(200, 30, { cseqMethod: 'NOTIFY', fromTag: 'b1', toTag: 'a1', branch: 'z9hG4bK-n', src: '10.0.0.1:5060', dst: '10.0.0.2:5060' });
    f.c.end();
    expect(f.call.state).toBe('ACCEPTED');
    expect(f.call.dialogs).toHaveLength(1);
    expect(f.call.dialogs[0]!.state).toBe('confirmed');
    expect(f.call.transactions.map((t) => `${t.method}:${t.finalCode}`)).toEqual(['SUBSCRIBE:202', 'NOTIFY:200']);
  });
});

describe('responses without their request', () => {
  it('make an orphan transaction and still drive the state', () => {
    const f = new Flow().res(180, 0).res(200, 100);
    expect(f.call.firstMethod).toBe('INVITE');
    expect(f.call.state).toBe('IN CALL');
    expect(f.call.transactions).toHaveLength(1);
    expect(f.call.transactions[0]!.request).toBeUndefined();
    expect(f.call.transactions[0]!.finalResponseMs).toBeUndefined();
    expect(f.call.timings.srdMs).toBeUndefined();
  });
});
