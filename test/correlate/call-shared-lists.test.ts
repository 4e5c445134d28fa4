/**
 * CallImpl keeps one shared empty `related` list and shares equal participant lists between
 * calls: linking or adding to one call must never show in another.
 */
import { describe, expect, it } from 'vitest';
import { CallCorrelator } from '../../src/core/correlate/correlator.js';
import { B, Flow, P } from './flow.js';

describe('lists shared between calls', () => {
  it('related stays sorted, and linking one call leaves the others empty', () => {
    const c = new CallCorrelator();
    // the A-leg is seen last: each B-leg links to it as it comes, out of index order
    new Flow(c, 'b3@test').req('INVITE', 0, { headers: [['X-Call-ID', 'a@test']] });
    new Flow(c, 'plain1@test').req('INVITE', 1);
    new Flow(c, 'b1@test').req('INVITE', 2, { headers: [['X-Call-ID', 'a@test']] });
    new Flow(c, 'plain2@test').req('INVITE', 3);
    new Flow(c, 'a@test').req('INVITE', 4);
    new Flow(c, 'b2@test').req('INVITE', 5, { headers: [['X-Call-ID', 'a@test']] });
    const a = c.callById('a@test')!;
    expect(a.related).toEqual([1, 3, 6]);
    expect(c.callById('plain1@test')!.related).toEqual([]);
    expect(c.callById('plain2@test')!.related).toEqual([]);
    for (const id of ['b1@test', 'b2@test', 'b3@test']) expect(c.callById(id)!.related).toEqual([a.index]);
  });

  it('calls through the same hops share a participant list; a new hop gives one call its own', () => {
    const c = new CallCorrelator();
    new Flow(c, 'x@test').req('INVITE', 0);
    new Flow(c, 'y@test').req('INVITE', 1);
    const x = c.callById('x@test')!;
    const y = c.callById('y@test')!;
    expect(y.participants).toBe(x.participants);
    const before = [...x.participants];
    new Flow(c, 'y@test', { src: P, dst: B }).req('BYE', 2, { toTag: 't' });
    expect(x.participants).toEqual(before);
    expect(y.participants.length).toBeGreaterThan(before.length);
  });
});
