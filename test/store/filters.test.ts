import { beforeAll, describe, expect, it } from 'vitest';
import type { CallCorrelator } from '../../src/core/correlate/correlator.js';
import type { CallRecord } from '../../src/core/correlate/types.js';
import { callRow, type CallRow } from '../../src/core/store/attributes.js';
import { compileCliFilters, type CliFilterOptions } from '../../src/core/store/cli-filters.js';
import { compileFilterExpression } from '../../src/core/store/filter-compile.js';
import { FilterSyntaxError } from '../../src/core/store/filter-expr.js';
import { epochMs } from '../../src/core/store/format.js';
import { loadCalls } from './load-calls.js';

let aaa: CallCorrelator; // sngrep-aaa-register-invite-rtp.pcap: 6 Call-IDs
let tcp: CallCorrelator; // heplify-tcp-segmented-port6060.pcap: 70 Call-IDs
let gre: CallCorrelator; // heplify-gre-teb-mirror-udp.pcapng: 7 Call-IDs

beforeAll(async () => {
  [aaa, tcp, gre] = await Promise.all([
    loadCalls('sngrep-aaa-register-invite-rtp.pcap'),
    loadCalls('heplify-tcp-segmented-port6060.pcap'),
    loadCalls('heplify-gre-teb-mirror-udp.pcapng'),
  ]);
});

function rows(c: CallCorrelator): CallRow[] {
  return c.calls().map((call) => callRow(call));
}

/** Indexes of the calls an expression keeps. */
function sel(c: CallCorrelator, expr: string): number[] {
  const p = compileFilterExpression(expr);
  return rows(c).filter(p).map((r) => r.call.index);
}

/** Indexes of the calls a plain-code oracle keeps. */
function oracle(c: CallCorrelator, keep: (call: CallRecord) => boolean): number[] {
  return c.calls().filter(keep).map((call) => call.index);
}

function cli(c: CallCorrelator, opts: CliFilterOptions): number[] {
  const first = c.calls()[0]!;
  const p = compileCliFilters(opts, { captureStartMs: epochMs(first.startTs) });
  return rows(c).filter(p ?? (() => true)).map((r) => r.call.index);
}

describe('filter expressions on real captures', () => {
  it('the captures hold the expected calls', () => {
    expect(aaa.calls()).toHaveLength(6);
    expect(tcp.calls()).toHaveLength(70);
    expect(gre.calls()).toHaveLength(7);
  });

  it('state, method and code comparisons', () => {
    expect(sel(aaa, 'state == rejected')).toEqual([3, 5, 6]);
    expect(sel(aaa, 'method == REGISTER')).toEqual([1, 4]);
    expect(sel(aaa, 'method == register')).toEqual([1, 4]); // methods ignore case
    expect(sel(aaa, 'code >= 400 and code < 500')).toEqual([1, 2, 3, 5, 6]);
    expect(sel(aaa, 'code == 4xx')).toEqual([1, 2, 3, 5, 6]);
    expect(sel(aaa, 'code == 2xx')).toEqual([4]);
    expect(sel(aaa, 'code > 4xx')).toEqual([]);
    expect(sel(aaa, 'code in (401, 408)')).toEqual([1, 2]);
    expect(sel(aaa, 'code != 403')).toEqual([1, 2, 4, 6]);
    expect(sel(tcp, 'state == busy')).toEqual(oracle(tcp, (c) => c.state === 'BUSY'));
    expect(sel(tcp, 'code == 4xx')).toEqual(oracle(tcp, (c) => c.finalCode !== undefined && c.finalCode >= 400 && c.finalCode < 500));
    // a call without a final response satisfies no comparison, but does satisfy !=
    expect(sel(tcp, 'code < 1000').length + sel(tcp, 'not code < 1000').length).toBe(70);
    expect(sel(tcp, 'code != 200')).toEqual(oracle(tcp, (c) => c.finalCode !== 200));
  });

  it('regex, contains and logical operators', () => {
    expect(sel(aaa, 'from ~ /sip:3510/')).toEqual([4, 5, 6]);
    expect(sel(aaa, 'from !~ /sip:3510/')).toEqual([1, 2, 3]);
    expect(sel(aaa, 'from ~ /SIP:VOI/i')).toEqual([1, 3]);
    expect(sel(aaa, 'not state in (completed, cancelled)')).toEqual([1, 3, 4, 5, 6]);
    expect(sel(aaa, 'state not in (completed, cancelled)')).toEqual([1, 3, 4, 5, 6]);
    expect(sel(aaa, 'state == rejected or method == register and code == 200')).toEqual([3, 4, 5, 6]);
    expect(sel(aaa, '(state == rejected or method == register) and code == 200')).toEqual([4]);
    expect(sel(aaa, '!(state == rejected) && code == 4xx || index == 6')).toEqual([1, 2, 6]);
    expect(sel(gre, 'ua contains alcatel')).toEqual([1, 2, 4, 5, 7]);
    expect(sel(gre, 'method in (subscribe)')).toEqual([1, 2, 4, 7]);
    expect(sel(gre, 'payload ~ /^INVITE /')).toEqual([3, 5, 6]);
    expect(sel(gre, 'payload !~ /^INVITE /')).toEqual([1, 2, 4, 7]);
    expect(sel(gre, 'payload contains "invite sip:"')).toEqual([3, 5, 6]);
    const anyRaw = (c: CallRecord, s: string): boolean => c.messages.some((e) => e.message.raw.toString('utf8').includes(s));
    expect(sel(tcp, 'payload ~ /Avaya/')).toEqual(oracle(tcp, (c) => anyRaw(c, 'Avaya')));
    expect(sel(tcp, 'fromname ~ /Псков/')).toEqual(oracle(tcp, (c) => c.from.display.includes('Псков')));
  });

  it('state names in every spelling', () => {
    const want = oracle(gre, (c) => c.state === 'COMPLETED');
    expect(want.length).toBeGreaterThan(0);
    expect(sel(gre, 'state == completed')).toEqual(want);
    expect(sel(gre, 'state == COMPLETED')).toEqual(want);
    const inCall = oracle(tcp, (c) => c.state === 'IN CALL');
    expect(inCall.length).toBeGreaterThan(0);
    for (const s of ['in-call', 'in_call', '"IN CALL"', "'in call'", 'In-Call']) expect(sel(tcp, `state == ${s}`)).toEqual(inCall);
    expect(sel(aaa, 'state == auth-challenged')).toEqual([1]);
  });

  it('durations with units', () => {
    expect(sel(aaa, 'duration > 1s')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(sel(aaa, 'duration > 1m')).toEqual([1, 2, 4]);
    expect(sel(aaa, 'duration > 60')).toEqual([1, 2, 4]); // a bare number is seconds
    expect(sel(aaa, 'duration >= 1.5m and duration < 15m')).toEqual([4]);
    expect(sel(tcp, 'pdd > 25ms')).toEqual(sel(tcp, 'pdd > 0.025s'));
    expect(sel(tcp, 'srd < 250ms')).toEqual(oracle(tcp, (c) => c.timings.srdMs !== undefined && c.timings.srdMs < 250));
    expect(sel(tcp, 'talk > 1m')).toEqual(oracle(tcp, (c) => c.timings.talkMs !== undefined && c.timings.talkMs > 60_000));
  });

  it('times: ISO-8601 (UTC), epoch seconds, time of day, spans', () => {
    expect(sel(aaa, 'date == 2005-07-04')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(sel(aaa, 'date != 2005-07-04')).toEqual([]);
    expect(sel(aaa, 'start >= 2005-07-04T09:50')).toEqual([4, 5, 6]);
    expect(sel(aaa, 'start >= "2005-07-04 11:50+02:00"')).toEqual([4, 5, 6]);
    expect(sel(aaa, 'time < 09:45')).toEqual([1, 2, 3]);
    expect(sel(aaa, 'time == 09:43')).toEqual([3]); // the whole minute
    expect(sel(aaa, 'start <= 2005-07-04T09:43')).toEqual([1, 2, 3]); // up to the end of that minute
    const t4 = Math.floor(epochMs(aaa.call(4)!.startTs) / 1000);
    expect(sel(aaa, `start >= ${t4}`)).toEqual([4, 5, 6]);
    expect(sel(aaa, `start == ${t4}`)).toEqual([4]);
  });

  it('media attributes of calls without streams are empty or zero', () => {
    expect(sel(aaa, 'streams == 0')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(sel(aaa, 'loss >= 0')).toEqual([]);
    expect(sel(aaa, 'jitter != 5')).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('CLI simple filters', () => {
  it('--call by index and by Call-ID, repeatable', () => {
    const id4 = aaa.call(4)!.callId;
    expect(cli(aaa, { call: ['2', id4] })).toEqual([2, 4]);
    expect(cli(aaa, { call: ['nope'] })).toEqual([]);
  });

  it('--from/--to regexes, --method, --state, --code', () => {
    expect(cli(aaa, { from: ['sip:3510'] })).toEqual([4, 5, 6]);
    expect(cli(aaa, { from: ['ARIK'], ignoreCase: true })).toEqual([2, 3, 5, 6]); // display name
    expect(cli(aaa, { from: ['/ARIK/i'] })).toEqual([2, 3, 5, 6]);
    expect(cli(aaa, { to: ['97239287044'] })).toEqual([2, 3, 5]);
    expect(cli(aaa, { method: ['register'] })).toEqual([1, 4]);
    expect(cli(aaa, { method: ['REGISTER,invite'] })).toEqual([1, 2, 3, 4, 5, 6]);
    expect(cli(aaa, { state: ['rejected', 'auth_challenged'] })).toEqual([1, 3, 5, 6]);
    expect(cli(aaa, { code: ['4xx'] })).toEqual([1, 2, 3, 5, 6]);
    expect(cli(aaa, { code: ['403', '480'] })).toEqual([3, 5, 6]);
    expect(cli(aaa, { code: ['4xx'], method: ['INVITE'], from: ['sip:3510'] })).toEqual([5, 6]);
    expect(compileCliFilters({})).toBeUndefined();
  });

  it('--match on any message of the call', () => {
    expect(cli(gre, { match: ['^INVITE sip:'] })).toEqual([3, 5, 6]);
    expect(cli(gre, { match: ['^invite sip:'] })).toEqual([]);
    expect(cli(gre, { match: ['^invite sip:'], ignoreCase: true })).toEqual([3, 5, 6]);
    expect(cli(gre, { match: ['/^invite sip:/i'] })).toEqual([3, 5, 6]);
    expect(cli(aaa, { match: ['Noisy'] })).toEqual([2]);
  });

  it('--since/--until keep calls overlapping the range', () => {
    expect(cli(aaa, { since: '+20m' })).toEqual([4, 5, 6]);
    expect(cli(aaa, { until: '2005-07-04T09:41' })).toEqual([1, 2]);
    expect(cli(aaa, { since: '2005-07-04T09:40:00Z', until: '2005-07-04T09:44' })).toEqual([1, 2, 3]);
    const t5 = Math.floor(epochMs(aaa.call(5)!.startTs) / 1000);
    expect(cli(aaa, { until: String(t5) })).toEqual([1, 2, 3, 4, 5]);
  });

  it('bad option values are FilterSyntaxErrors naming the option', () => {
    const bad: CliFilterOptions[] = [{ state: ['bogus'] }, { code: ['abc'] }, { code: ['40'] }, { from: ['('] }, { match: ['[a'] }, { since: 'yesterday' }, { until: '10:00' }];
    for (const opts of bad) {
      const name = Object.keys(opts)[0]!;
      expect(() => compileCliFilters(opts), name).toThrow(FilterSyntaxError);
      expect(() => compileCliFilters(opts)).toThrow(new RegExp(`^--${name} `));
    }
    expect(() => compileCliFilters({ since: '+10s' })).toThrow(/capture start/);
  });
});
