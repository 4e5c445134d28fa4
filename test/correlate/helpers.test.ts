import { describe, expect, it } from 'vitest';
import {
  stateAtEnd,
  stateOnBye,
  stateOnCancelAnswered,
  stateOnInitialInvite,
  stateOnInviteResponse,
  failureState,
  nonInviteOutcome,
} from '../../src/core/correlate/call-state.js';
import { parseParty, userOf, viaSentBy } from '../../src/core/correlate/name-addr.js';
import { parseReasonValue, splitOutsideQuotes } from '../../src/core/correlate/reason-header.js';
import { DeadlineQueue } from '../../src/core/correlate/timer-queue.js';
import { compareTime, diffMs } from '../../src/core/correlate/time.js';
import { endpoint } from '../../src/core/correlate/endpoint.js';

describe('call-state reducer', () => {
  it('answered wins over later failures; failures restart on a new INVITE', () => {
    expect(stateOnInviteResponse('RINGING', 200)).toBe('IN CALL');
    expect(stateOnInviteResponse('IN CALL', 486)).toBe('IN CALL');
    expect(stateOnInviteResponse('REJECTED', 200)).toBe('IN CALL');
    expect(stateOnInviteResponse('COMPLETED', 200)).toBe('COMPLETED');
    expect(stateOnInviteResponse('CANCELLED', 487)).toBe('CANCELLED');
    expect(stateOnInviteResponse('CALL SETUP', 100)).toBe('CALL SETUP');
    expect(stateOnInviteResponse('CALL SETUP', 183)).toBe('RINGING');
    expect(stateOnInviteResponse('CALL SETUP', 408, true)).toBe('CANCELLED');
    expect(stateOnInitialInvite('REJECTED')).toBe('CALL SETUP');
    expect(stateOnInitialInvite('RINGING')).toBe('RINGING');
    expect(stateOnInitialInvite('IN CALL')).toBe('IN CALL');
    expect(stateOnCancelAnswered('IN CALL')).toBe('IN CALL');
    expect(stateOnBye('RINGING')).toBe('RINGING');
    expect(stateAtEnd('RINGING', false)).toBe('FAILED');
    expect(stateAtEnd('IN CALL', false)).toBe('IN CALL');
  });
  it('classifies finals', () => {
    expect([486, 600, 480, 487, 404, 301].map(failureState)).toEqual(['BUSY', 'BUSY', 'REJECTED', 'CANCELLED', 'REJECTED', 'DIVERTED']);
    expect(nonInviteOutcome('REGISTER', undefined, false)).toBeUndefined();
    expect(nonInviteOutcome('REGISTER', undefined, true)).toBe('FAILED');
    expect(nonInviteOutcome('OPTIONS', undefined, true)).toBe('NO ANSWER');
    expect(nonInviteOutcome('REGISTER', 407, false)).toBe('AUTH CHALLENGED');
  });
});

describe('name-addr', () => {
  it('reads display, URI and user', () => {
    expect(parseParty('"Bob \\"B\\" Smith" <sip:bob@biloxi.com;transport=tcp>;tag=x', 'x')).toEqual({
      display: 'Bob "B" Smith',
      uri: 'sip:bob@biloxi.com;transport=tcp',
      user: 'bob',
      tag: 'x',
    });
    expect(parseParty('sip:+12125551212@phone2net.com;tag=887s', '887s')).toMatchObject({ display: '', uri: 'sip:+12125551212@phone2net.com', user: '+12125551212' });
    expect(parseParty('Anonymous <sip:c8oqz84zk7z@privacy.org>', undefined)).toEqual({ display: 'Anonymous', uri: 'sip:c8oqz84zk7z@privacy.org', user: 'c8oqz84zk7z' });
    expect(parseParty(undefined, undefined)).toEqual({ display: '', uri: '', user: '' });
    expect(parseParty('"<odd>" <tel:+331234;phone-context=x>', undefined)).toMatchObject({ display: '<odd>', user: '+331234' });
    expect(userOf('sip:alice:secret@a.com')).toBe('alice');
    expect(userOf('sip:a.com')).toBe('');
    expect(userOf('http://x')).toBe('');
  });
  it('reads the top Via sent-by', () => {
    expect(viaSentBy('SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;rport')).toBe('10.0.0.1:5060');
    expect(viaSentBy('SIP / 2.0 / TCP PC33.Atlanta.com ;branch=x, SIP/2.0/UDP other')).toBe('pc33.atlanta.com');
    expect(viaSentBy('SIP/2.0/UDP [2001:db8::1]:5060')).toBe('[2001:db8::1]:5060');
    expect(viaSentBy('garbage')).toBe('');
    expect(viaSentBy(undefined)).toBe('');
  });
});

describe('Reason header', () => {
  it('splits values and reads Q.850 causes', () => {
    expect(splitOutsideQuotes('Q.850;cause=16;text="a, b", SIP;cause=200')).toEqual(['Q.850;cause=16;text="a, b"', 'SIP;cause=200']);
    expect(parseReasonValue('Q.850 ; cause=17 ; text="User busy"')).toEqual({ protocol: 'Q.850', cause: 17, text: 'User busy', causeName: 'User busy' });
    expect(parseReasonValue('SIP;cause=600')).toEqual({ protocol: 'SIP', cause: 600 });
    expect(parseReasonValue('Q.850;cause=abc')).toEqual({ protocol: 'Q.850' });
  });
});

describe('time and endpoints', () => {
  it('keeps nanoseconds in differences and sorts', () => {
    expect(diffMs({ tsSec: 10, tsNsec: 999_999_999 }, { tsSec: 11, tsNsec: 1 })).toBeCloseTo(0.000002, 9);
    expect(compareTime({ tsSec: 1, tsNsec: 5 }, { tsSec: 1, tsNsec: 6 })).toBeLessThan(0);
    expect(endpoint('2001:db8::1', 5060)).toBe('[2001:db8::1]:5060');
    expect(endpoint('10.0.0.1', 5060)).toBe('10.0.0.1:5060');
  });
});

describe('DeadlineQueue', () => {
  const popped = (q: DeadlineQueue, now: number): number[][] => {
    const out: number[][] = [];
    q.popDue(now, (a, b) => void out.push([a, b]));
    return out;
  };
  it('returns due items in deadline order even when pushed out of order', () => {
    const q = new DeadlineQueue();
    q.push(30, 3, 30);
    q.push(10, 1, 10);
    q.push(20, 2, 2 ** 32 - 1);
    q.push(40, 4, 40);
    expect(popped(q, 25)).toEqual([[1, 10], [2, 2 ** 32 - 1]]);
    expect(q.size).toBe(2);
    expect(popped(q, 25)).toEqual([]);
    const rest: number[][] = [];
    q.drain((a, b) => void rest.push([a, b]));
    expect(rest).toEqual([[3, 30], [4, 40]]);
    expect(q.size).toBe(0);
  });
  it('grows, slides and keeps order over many pushes and pops, in and out of order', () => {
    const q = new DeadlineQueue();
    const model: [number, number][] = [];
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let now = 0;
    for (let step = 0; step < 20_000; step++) {
      // mostly in time order, sometimes earlier (packets out of order), in bursts that outgrow the columns
      const at = now + (rnd() < 0.1 ? -rnd() * 50 : rnd() * 100);
      q.push(at, step, step * 3);
      model.push([at, step]);
      if (step % 97 === 0) {
        now += 40;
        const got = popped(q, now).map(([a]) => a);
        const due = model.filter(([t]) => t <= now).sort((x, y) => x[0] - y[0] || x[1] - y[1]).map(([, s]) => s);
        expect(got).toEqual(due);
        for (const s of due) model.splice(model.findIndex(([, m]) => m === s), 1);
        expect(q.size).toBe(model.length);
      }
    }
    const rest: number[] = [];
    q.drain((a, b) => {
      expect(b).toBe(a * 3);
      rest.push(a);
    });
    expect(rest).toEqual(model.sort((x, y) => x[0] - y[0] || x[1] - y[1]).map(([, s]) => s));
  });
});
