import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CALL_STATES, type CallState } from '../../src/core/correlate/call-state.js';
import { CallCorrelator } from '../../src/core/correlate/correlator.js';
import type { SipMessage } from '../../src/core/sip/types.js';
import type { RtpStreamSummary } from '../../src/core/rtp/types.js';
import { CALL_ATTRIBUTES, type AttrValue } from '../../src/core/store/attributes.js';
import { CallStore, type MediaSource } from '../../src/core/store/call-store.js';
import { FilterSyntaxError } from '../../src/core/store/filter-expr.js';
import { decodeCaptureFile } from '../../src/io/decode-file.js';
import { CAPTURES, loadCalls } from './load-calls.js';

let tcp: CallCorrelator; // 70 calls: many ties on method, state, transport

beforeAll(async () => {
  tcp = await loadCalls('heplify-tcp-segmented-port6060.pcap');
});

function stream(id: number, callIndex: number, lost: number, expected: number, maxJitterMs: number): RtpStreamSummary {
  const ts = { tsSec: 0, tsNsec: 0 };
  return {
    id,
    callIndex,
    ssrc: id,
    src: '10.0.0.1:4000',
    dst: '10.0.0.2:4000',
    payloadType: 0,
    codec: 'PCMU/8000',
    clockRate: 8000,
    firstTs: ts,
    lastTs: ts,
    firstFrame: 1,
    lastFrame: 2,
    packets: expected - lost,
    expected,
    lost,
    outOfOrder: 0,
    duplicates: 0,
    maxDeltaMs: 20,
    jitterMs: maxJitterMs / 2,
    maxJitterMs,
    events: '',
    rtcp: [],
  };
}

/** Streams on every third call, with varied loss and jitter. */
const media: MediaSource & { version: number } = {
  version: 1,
  streamsOfCall: (i) => (i % 3 === 0 ? [stream(i, i, i % 7, 100, i % 11), stream(i + 1000, i, 0, 100, 1)] : []),
};

describe('sorting', () => {
  const store = (): CallStore => new CallStore(tcp, media);

  for (const attr of CALL_ATTRIBUTES) {
    for (const desc of [false, true]) {
      it(`by ${attr.id} ${desc ? 'desc' : 'asc'}: ordered, ties by index, missing last`, () => {
        const s = store();
        const { ids, total, rows } = s.query({ sort: { attr: attr.id, desc } });
        expect(total).toBe(70);
        expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
        expect(rows.map((r) => r.call.index)).toEqual(ids);
        const vals: AttrValue[] = ids.map((i) => attr.get(s.row(i)!));
        for (let k = 1; k < ids.length; k++) {
          const [a, b] = [vals[k - 1], vals[k]];
          if (a === undefined) {
            expect(b, 'missing values come last').toBeUndefined();
            expect(ids[k]!).toBeGreaterThan(ids[k - 1]!);
            continue;
          }
          if (b === undefined) continue;
          const c = attr.compare(a, b) * (desc ? -1 : 1);
          expect(c, `${String(a)} before ${String(b)}`).toBeLessThanOrEqual(0);
          if (c === 0) expect(ids[k]!, 'ties by index').toBeGreaterThan(ids[k - 1]!);
        }
      });
    }
  }

  it('sorts each type as its type, not as text', () => {
    const s = store();
    const first = (attr: string, desc = false): AttrValue => {
      const id = s.query({ sort: { attr, desc }, limit: 1 }).ids[0]!;
      return CALL_ATTRIBUTES.find((a) => a.id === attr)!.get(s.row(id)!);
    };
    const durations = tcp.calls().map((c) => c.timings.durationMs);
    expect(first('duration')).toBe(Math.min(...durations));
    expect(first('duration', true)).toBe(Math.max(...durations));
    expect(first('msgcnt', true)).toBe(Math.max(...tcp.calls().map((c) => c.messageCount)));
    // enum: setup states before outcomes, by CALL_STATES order
    const states = s.query({ sort: { attr: 'state' } }).rows.map((r) => r.call.state);
    expect(states.indexOf('IN CALL')).toBeLessThan(states.indexOf('COMPLETED'));
    expect(states.lastIndexOf('COMPLETED')).toBeLessThan(states.indexOf('FAILED'));
    // index desc is simply reversed
    expect(s.query({ sort: { attr: 'index', desc: true } }).ids).toEqual(Array.from({ length: 70 }, (_, i) => 70 - i));
    // media: worst loss first
    const loss = s.query({ sort: { attr: 'loss', desc: true }, limit: 1 }).rows[0]!;
    expect(loss.call.index % 7).toBe(6);
  });

  it('unknown sort attribute is an error', () => {
    expect(() => store().query({ sort: { attr: 'nope' } })).toThrow(/no call attribute 'nope'/);
  });
});

describe('filtering, paging and caching', () => {
  it('pages concatenate to the whole result', () => {
    const s = new CallStore(tcp, media);
    const all = s.query({ filter: 'method == INVITE', sort: { attr: 'duration', desc: true } });
    expect(all.total).toBe(tcp.calls().filter((c) => c.firstMethod === 'INVITE').length);
    const pages: number[] = [];
    for (let off = 0; off < all.total; off += 7) {
      const page = s.query({ filter: 'method == INVITE', sort: { attr: 'duration', desc: true }, offset: off, limit: 7 });
      expect(page.total).toBe(all.total);
      expect(page.ids.length).toBe(Math.min(7, all.total - off));
      pages.push(...page.ids);
    }
    expect(pages).toEqual(all.ids);
    expect(s.query({ offset: 1000 }).ids).toEqual([]);
    expect(s.query({ offset: -5, limit: 2 }).ids).toEqual([1, 2]);
    expect(s.query({ limit: 0 }).ids).toEqual([]);
  });

  it('accepts predicates and expressions, empty expression = no filter, bad expression throws FilterSyntaxError', () => {
    const s = new CallStore(tcp, media);
    expect(s.query({ filter: (r) => r.call.index % 10 === 0 }).ids).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(s.query({ filter: '  ' }).total).toBe(70);
    expect(s.query({ filter: 'streams > 0' }).ids).toEqual(Array.from({ length: 23 }, (_, i) => 3 * (i + 1)));
    expect(() => s.query({ filter: 'state ==' })).toThrow(FilterSyntaxError);
  });

  it('a repeated query returns the cached result', () => {
    const s = new CallStore(tcp, media);
    const q = { filter: 'code == 2xx', sort: { attr: 'from' } } as const;
    const a = s.query(q);
    const b = s.query({ ...q, offset: 3 });
    expect(b.ids).toEqual(a.ids.slice(3));
    expect(s.query(q).ids).toEqual(a.ids);
  });
});

describe('stats and messages', () => {
  it('counts calls per state and method, messages per method and class', () => {
    const s = new CallStore(tcp);
    const st = s.stats();
    expect(st.calls).toBe(70);
    expect(Object.values(st.callsByState).reduce((a, b) => a + b, 0)).toBe(70);
    expect(Object.values(st.callsByMethod).reduce((a, b) => a + b, 0)).toBe(70);
    const msgs = tcp.calls().flatMap((c) => c.messages);
    expect(st.messages).toBe(msgs.length);
    expect(st.messages).toBe(tcp.messageCount);
    expect(st.requestsByMethod.INVITE).toBe(msgs.filter((e) => e.message.method === 'INVITE').length);
    expect(st.responsesByClass['2xx']).toBe(msgs.filter((e) => (e.message.statusCode ?? 0) >= 200 && (e.message.statusCode ?? 0) < 300).length);
    expect(st.callsByState.COMPLETED).toBe(tcp.calls().filter((c) => c.state === 'COMPLETED').length);
    expect(Object.keys(st.callsByState)).toEqual(Object.keys(st.callsByState).sort((a, b) => CALL_STATES.indexOf(a as CallState) - CALL_STATES.indexOf(b as CallState)));
    expect(st.streams).toBe(0);
    expect(new CallStore(tcp, media).stats().streams).toBe(46);
  });

  it('message(seq) finds every message by its stable seq', () => {
    const s = new CallStore(tcp);
    // entries are made on demand: the same seq gives an equal entry, not the same object
    for (const c of tcp.calls())
      for (const e of c.messages) {
        const got = s.message(e.seq)!;
        expect({ ...got, message: undefined }).toEqual({ ...e, message: undefined });
        expect(got.message.frame).toBe(e.message.frame);
        expect(got.message.raw.equals(e.message.raw)).toBe(true);
      }
    expect(s.message(0)).toBeUndefined();
    expect(s.message(tcp.messageCount + 1)).toBeUndefined();
    expect(s.call(3)).toBe(tcp.call(3));
    expect(s.call(71)).toBeUndefined();
  });
});


describe('version and subscribe', () => {
  it('bumps on change, tells subscribers on notify(), and queries follow', async () => {
    const file = path.join(CAPTURES, 'sngrep-aaa-register-invite-rtp.pcap');
    expect(existsSync(file)).toBe(true);
    const msgs: SipMessage[] = [];
    await decodeCaptureFile(file, { onMessage: (m) => msgs.push(m) });
    const corr = new CallCorrelator();
    const store = new CallStore(corr);
    const seen: number[] = [];
    const unsubscribe = store.subscribe((v) => seen.push(v));
    const v0 = store.version;
    expect(store.query().total).toBe(0);

    store.notify();
    expect(seen, 'no change, no notification').toEqual([]);
    expect(store.version).toBe(v0);

    const half = Math.floor(msgs.length / 2);
    for (const m of msgs.slice(0, half)) corr.add(m);
    expect(store.version).toBeGreaterThan(v0); // read-time check sees the change
    store.notify();
    expect(seen).toEqual([store.version]);
    const mid = store.query({ sort: { attr: 'msgcnt', desc: true } });
    const midTotal = mid.total;

    for (const m of msgs.slice(half)) corr.add(m);
    corr.end();
    store.notify();
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBeGreaterThan(seen[0]!);
    const end = store.query({ sort: { attr: 'msgcnt', desc: true } });
    expect(end.version).toBe(seen[1]);
    expect(end.total).toBe(6);
    expect(end.total).toBeGreaterThanOrEqual(midTotal);
    expect(store.stats().messages).toBe(msgs.length);

    unsubscribe();
    corr.advanceTo({ tsSec: 2e9, tsNsec: 0 });
    store.notify();
    expect(seen).toHaveLength(2);
  });

  it('media changes bump the version; media without a version bumps on every notify()', () => {
    const m = { version: 1, streamsOfCall: (): RtpStreamSummary[] => [] };
    const s = new CallStore(tcp, m);
    const v = s.version;
    expect(s.version).toBe(v);
    m.version++;
    expect(s.version).toBe(v + 1);
    const plain = new CallStore(tcp, { streamsOfCall: () => [] });
    let calls = 0;
    plain.subscribe(() => calls++);
    plain.notify();
    plain.notify();
    expect(calls).toBe(2);
  });
});
