import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytesEqualIgnoreCase, canonicalHeaderName, classifyHeaderName, compactLetterOf, EagerHeader, expandCompactName,
  headerNameKey, headerNameMatcher, matchesHeaderName,
} from '../../src/core/sip/header-names.js';
import { headerParam, headerParams, parseParamList, splitCommaList, unquote } from '../../src/core/sip/params.js';
import { parseNameAddr, parseUri, uriUserAtHost } from '../../src/core/sip/uri.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('header-names', () => {
  it('expands compact forms and canonicalises names', () => {
    expect(expandCompactName('I')).toBe('Call-ID');
    expect(expandCompactName('q')).toBeUndefined();
    expect(expandCompactName('Via')).toBeUndefined();
    expect(compactLetterOf('content-LENGTH')).toBe('l');
    expect(compactLetterOf('User-Agent')).toBeUndefined();
    expect(canonicalHeaderName('call-id')).toBe('Call-ID');
    expect(canonicalHeaderName('cseq')).toBe('CSeq');
    expect(canonicalHeaderName('x')).toBe('Session-Expires');
    expect(canonicalHeaderName('X-Custom')).toBe('X-Custom');
    expect(headerNameKey(' T ')).toBe('to');
  });

  it('compares bytes ignoring ASCII case only', () => {
    expect(bytesEqualIgnoreCase(b('xCALL-IDx'), 1, 8, b('call-id'))).toBe(true);
    expect(bytesEqualIgnoreCase(b('call-idd'), 0, 8, b('call-id'))).toBe(false);
    // CR | 0x20 is '-': a naive fold would match this
    expect(bytesEqualIgnoreCase(b('call\rid'), 0, 7, b('call-id'))).toBe(false);
    expect(bytesEqualIgnoreCase(b('{'), 0, 1, b('['))).toBe(false);
  });

  it('classifies the eager headers by length then bytes', () => {
    const cases: [string, EagerHeader][] = [
      ['i', EagerHeader.CallId], ['I', EagerHeader.CallId], ['Call-Id', EagerHeader.CallId], ['CSEQ', EagerHeader.CSeq],
      ['f', EagerHeader.From], ['from', EagerHeader.From], ['T', EagerHeader.To], ['tO', EagerHeader.To],
      ['V', EagerHeader.Via], ['via', EagerHeader.Via], ['l', EagerHeader.ContentLength], ['Content-length', EagerHeader.ContentLength],
      ['m', EagerHeader.Other], ['Contact', EagerHeader.Other], ['Call-IDs', EagerHeader.Other], ['Frm', EagerHeader.Other], ['', EagerHeader.Other],
    ];
    for (const [name, want] of cases) expect([name, classifyHeaderName(b(name), 0, name.length)]).toEqual([name, want]);
  });

  it('matches a prepared name in long or compact form', () => {
    const m = headerNameMatcher('Contact');
    expect(matchesHeaderName(b('M'), 0, 1, m)).toBe(true);
    expect(matchesHeaderName(b('CONTACT'), 0, 7, m)).toBe(true);
    expect(matchesHeaderName(b('c'), 0, 1, m)).toBe(false);
    const ua = headerNameMatcher('user-agent');
    expect(matchesHeaderName(b('User-Agent'), 0, 10, ua)).toBe(true);
    expect(matchesHeaderName(b('u'), 0, 1, ua)).toBe(false);
  });
});

describe('params', () => {
  it('splits comma lists outside quotes and angle brackets', () => {
    expect(splitCommaList('SIP/2.0/UDP a;branch=1, SIP/2.0/TCP b;branch=2 ,SIP/2.0/UDP [::1]:5060')).toEqual([
      'SIP/2.0/UDP a;branch=1', 'SIP/2.0/TCP b;branch=2', 'SIP/2.0/UDP [::1]:5060',
    ]);
    expect(splitCommaList('"Doe, John" <sip:j@x;a=b,c>;q=0.5, <sip:k@y>')).toEqual(['"Doe, John" <sip:j@x;a=b,c>;q=0.5', '<sip:k@y>']);
    expect(splitCommaList('"a \\" , b" <sip:z>, x')).toEqual(['"a \\" , b" <sip:z>', 'x']);
    expect(splitCommaList(' , ,')).toEqual([]);
    expect(splitCommaList('"unterminated, quote')).toEqual(['"unterminated, quote']);
  });

  it('reads header parameters after the name-addr', () => {
    expect(headerParam('"Bob" <sip:b@x;tag=no>;tag=yes;expires=60', 'tag')).toBe('yes');
    expect(headerParam('"Bob" <sip:b@x;tag=no>;tag=yes;expires=60', 'EXPIRES')).toBe('60');
    expect(headerParam('<sip:b@x;tag=no>', 'tag')).toBeUndefined();
    expect(headerParam('sip:b@x;tag=addrspec', 'tag')).toBe('addrspec');
    expect(headerParam('<sip:b@x>;lr;tag=1', 'lr')).toBe('');
    expect(headerParam('<sip:b@x>;p="quoted;value \\"q\\"";tag=1', 'p')).toBe('quoted;value "q"');
    expect(headerParam('<sip:b@x>;p="quoted;value";tag=1', 'tag')).toBe('1');
    expect(headerParam('"a;tag=x" <sip:y>', 'tag')).toBeUndefined();
    expect(headerParam('SIP/2.0/UDP h;branch=z9hG4bK1, SIP/2.0/UDP g;branch=z9hG4bK2', 'branch')).toBe('z9hG4bK1');
    expect(headerParam('SIP/2.0/UDP h ; received = 1.2.3.4 ; branch = z9 ', 'branch')).toBe('z9');
    expect(headerParam('SIP/2.0/UDP h;rport;branch=z9', 'rport')).toBe('');
  });

  it('lists parameters in order', () => {
    expect(headerParams('"A" <sip:a@b;x=1>;tag=t1;q=0.7;lr')).toEqual([{ name: 'tag', value: 't1' }, { name: 'q', value: '0.7' }, { name: 'lr' }]);
    expect(parseParamList(';a=1;b;c="x;y",d=2')).toEqual([{ name: 'a', value: '1' }, { name: 'b' }, { name: 'c', value: 'x;y' }]);
    expect(headerParams('<sip:a>')).toEqual([]);
  });

  it('unquotes quoted strings', () => {
    expect(unquote(' "a \\"b\\" c" ')).toBe('a "b" c');
    expect(unquote('token')).toBe('token');
    expect(unquote('"unterminated')).toBe('unterminated');
  });
});

describe('uri', () => {
  it('parses SIP URIs with user, password, port, params and headers', () => {
    expect(parseUri('sip:alice:secret@atlanta.com:5061;transport=tcp;lr?subject=project')).toEqual({
      scheme: 'sip', user: 'alice', password: 'secret', host: 'atlanta.com', port: 5061,
      params: [{ name: 'transport', value: 'tcp' }, { name: 'lr' }], headers: 'subject=project',
      raw: 'sip:alice:secret@atlanta.com:5061;transport=tcp;lr?subject=project',
    });
    const s = parseUri('SIPS:bob@biloxi.com')!;
    expect([s.scheme, s.user, s.host, s.port]).toEqual(['sips', 'bob', 'biloxi.com', undefined]);
    expect(parseUri('sip:+1-212-555-1212;npdi@gw.com;user=phone')!.user).toBe('+1-212-555-1212;npdi');
  });

  it('parses IPv6 hosts in brackets', () => {
    const u = parseUri('sip:[2001:db8::10]:5070;maddr=x')!;
    expect([u.host, u.port, u.params]).toEqual(['2001:db8::10', 5070, [{ name: 'maddr', value: 'x' }]]);
    const v = parseUri('sip:u@[::1]')!;
    expect([v.user, v.host, v.port]).toEqual(['u', '::1', undefined]);
    expect(uriUserAtHost(v)).toBe('u@[::1]');
  });

  it('parses TEL and other URIs', () => {
    const t = parseUri('tel:+1-201-555-0123;phone-context=example.com')!;
    expect([t.scheme, t.user, t.host, t.params]).toEqual(['tel', '+1-201-555-0123', '', [{ name: 'phone-context', value: 'example.com' }]]);
    expect(uriUserAtHost(t)).toBe('+1-201-555-0123');
    const h = parseUri('urn:service:sos')!;
    expect([h.scheme, h.opaque]).toEqual(['urn', 'service:sos']);
    expect(parseUri('no-scheme-here')).toBeUndefined();
    expect(parseUri(':x')).toBeUndefined();
    expect(parseUri('sip:host:99999')!.port).toBeUndefined();
  });

  it('parses name-addr and addr-spec values', () => {
    const a = parseNameAddr('"Smith, \\"J\\"; x" <sip:js@example.com:5060;transport=udp>;tag=abc;q=1');
    expect(a.displayName).toBe('Smith, "J"; x');
    expect(a.uriText).toBe('sip:js@example.com:5060;transport=udp');
    expect(a.uri!.port).toBe(5060);
    expect(a.params).toEqual([{ name: 'tag', value: 'abc' }, { name: 'q', value: '1' }]);
    const t = parseNameAddr('Bob <sip:bob@biloxi.com>');
    expect([t.displayName, t.uri!.user, t.params]).toEqual(['Bob', 'bob', []]);
    const s = parseNameAddr('sip:carol@chicago.com;tag=887s');
    expect([s.displayName, s.uriText, s.params]).toEqual([undefined, 'sip:carol@chicago.com', [{ name: 'tag', value: '887s' }]]);
    const first = parseNameAddr('<sip:a@x>;expires=5, <sip:b@y>');
    expect([first.uri!.user, first.params]).toEqual(['a', [{ name: 'expires', value: '5' }]]);
    expect(parseNameAddr('*').uri).toBeUndefined();
    expect(uriUserAtHost(parseNameAddr('<sip:h.example>').uri)).toBe('h.example');
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('<', '>', '"', '\\', ';', ',', ':', '@', '[', ']', '=', '?', ' ', 's', 'i', 'p', 't', 'e', 'l', '1') }), (s) => {
        parseUri(s);
        parseUri(`sip:${s}`);
        parseNameAddr(s);
        splitCommaList(s);
        headerParam(s, 'tag');
        headerParams(s);
      }),
      { numRuns: 2000 },
    );
  });
});
