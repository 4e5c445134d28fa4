import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSipMessage, SIP_INDEX_SLOTS, SIP_LENIENCY_CODES, sipMessageFromIndex, writeSipIndex } from '../../src/core/sip/message.js';
import { headerNameKey } from '../../src/core/sip/header-names.js';
import { ORIGIN } from './origin-for-test.js';

const TOKEN_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`\'~';
const token = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 16 });
const word = fc.string({ unit: fc.constantFrom(...`${TOKEN_CHARS}()<>:\\"/[]?{}@`), minLength: 1, maxLength: 24 }).filter((s) => !s.includes('"'));
const host = fc.constantFrom('example.com', '192.0.2.7:5060', '[2001:db8::1]:5070', 'h');

function exercise(buf: Buffer): void {
  const m = parseSipMessage(buf, ORIGIN);
  m.headers();
  m.header('Via');
  m.headerAll('i');
  JSON.stringify(m);
}

describe('parseSipMessage properties', () => {
  it('never throws on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => exercise(Buffer.from(bytes))), { numRuns: 3000 });
  });

  it('never throws on SIP-shaped text with random structure bytes', () => {
    const piece = fc.constantFrom('INVITE sip:x SIP/2.0', 'SIP/2.0 200 OK', '\r\n', '\n', '\r', ' ', '\t', ':', ';', ',', '"', '<', '>', '\\',
      'Call-ID', 'i', 'CSeq', 'f', 'From', 't', 'To', 'v', 'Via', 'l', 'Content-Length', 'tag=', 'branch=', '1', 'x', '\x00', '\x1b[', '\xff');
    fc.assert(fc.property(fc.array(piece, { maxLength: 80 }), (parts) => exercise(Buffer.from(parts.join(''), 'latin1'))), { numRuns: 3000 });
  });

  it('gives the same correlation fields whatever the header order, name form, case and line ends', () => {
    const arb = fc.record({
      request: fc.boolean(),
      method: token,
      status: fc.integer({ min: 100, max: 699 }),
      callId: fc.tuple(token, fc.option(token, { nil: undefined })).map(([a, b]) => (b ? `${a}@${b}` : a)),
      cseqNumber: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fromTag: token,
      toTag: fc.option(token, { nil: undefined }),
      branch: token.map((t) => `z9hG4bK${t}`),
      display: fc.option(word, { nil: undefined }),
      host,
      body: fc.string({ maxLength: 40 }),
      extraVia: fc.boolean(),
      order: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
      compact: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      caseBits: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
      lf: fc.boolean(),
      spaceBefore: fc.constantFrom('', ' ', '\t'),
      spaceAfter: fc.constantFrom('', ' ', '  ', '\t'),
      addrSpecFrom: fc.boolean(),
      fold: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, (g) => {
        const eol = g.lf ? '\n' : '\r\n';
        const body = Buffer.from(g.body, 'utf8');
        const display = g.display === undefined ? '' : `"${g.display}, \\"q\\"; x" `;
        const fromValue = g.addrSpecFrom ? `sip:alice@${g.host};tag=${g.fromTag}` : `${display}<sip:alice@${g.host};tag=notthis>;tag=${g.fromTag}`;
        const toValue = `<sip:bob@${g.host};tag=notthis>${g.toTag === undefined ? '' : `;tag=${g.toTag}`}`;
        const via = `SIP/2.0/UDP ${g.host};rport;branch=${g.branch}${g.extraVia ? ', SIP/2.0/TCP other;branch=z9hG4bKother' : ''}`;
        const cseqMethod = g.request ? g.method : 'INVITE';
        const headers: [string, string | undefined, string][] = [
          ['Call-ID', 'i', g.callId],
          ['CSeq', undefined, g.fold ? `${g.cseqNumber}${eol} ${cseqMethod}` : `${g.cseqNumber} ${cseqMethod}`],
          ['From', 'f', fromValue],
          ['To', 't', toValue],
          ['Via', 'v', via],
          ['Content-Length', 'l', String(body.length)],
          ['Max-Forwards', undefined, '70'],
          ['Subject', 's', 'hello; "world", <x>'],
        ];
        // shuffle by the generated keys
        const order = headers.map((h, i) => ({ h, k: g.order[i]! })).sort((a, b) => a.k - b.k).map((x) => x.h);
        let bit = 0;
        const flipCase = (s: string): string =>
          [...s].map((ch) => (g.caseBits[bit++ % g.caseBits.length] ? ch.toUpperCase() : ch.toLowerCase())).join('');
        const lines = order.map(([long, compact, value], i) => {
          const name = compact !== undefined && g.compact[i] ? compact : long;
          return `${flipCase(name)}${g.spaceBefore}:${g.spaceAfter}${value}`;
        });
        const startLine = g.request ? `${g.method} sip:bob@${g.host} SIP/2.0` : `SIP/2.0 ${g.status} Some Reason`;
        const raw = Buffer.concat([Buffer.from([startLine, ...lines, '', ''].join(eol), 'utf8'), body]);
        const m = parseSipMessage(raw, ORIGIN);
        expect(m.isRequest).toBe(g.request);
        if (g.request) {
          expect(m.method).toBe(g.method);
          expect(m.requestUri).toBe(`sip:bob@${g.host}`);
        } else {
          expect(m.statusCode).toBe(g.status);
          expect(m.reason).toBe('Some Reason');
        }
        expect(m.callId).toBe(g.callId);
        expect(m.cseq).toBe(`${g.cseqNumber} ${cseqMethod}`);
        expect(m.cseqNumber).toBe(g.cseqNumber);
        expect(m.cseqMethod).toBe(cseqMethod);
        expect(m.fromTag).toBe(g.fromTag);
        expect(m.toTag).toBe(g.toTag);
        expect(m.viaBranch).toBe(g.branch);
        expect(m.contentLength).toBe(body.length);
        expect(m.body.equals(body)).toBe(true);
        expect(m.malformed).toBe(false);
        for (const d of m.diagnostics) expect(SIP_LENIENCY_CODES.has(d.code)).toBe(true);
        expect(m.diagnostics.some((d) => d.code === 'SIP_LF_LINE_ENDS')).toBe(g.lf);
        expect(m.diagnostics.some((d) => d.code === 'SIP_FOLDED_HEADER')).toBe(g.fold);
        expect(m.header('Subject')).toBe('hello; "world", <x>');
        expect(m.headers()).toHaveLength(8);
      }),
      { numRuns: 1500 },
    );
  });

  it('header lookups skip nothing: header() and headerAll() agree with the decoded list, parsed or rebuilt from the index', () => {
    // lines of any shape: names in any case and compact form, bad lines, folding, odd spacing
    const line = fc.oneof(
      fc.tuple(fc.constantFrom('Via', 'v', 'X-Call-ID', 'x-cid', 'X-CID', 'Reason', 'Warning', 'c', 'Content-Type', 'i', 'Call-ID', 'Foo bar', 'X', 'q', 'Q'),
        fc.constantFrom(':', ' :', '\t: ', ': '), word).map(([n, c, v]) => `${n}${c}${v}`),
      fc.constantFrom('no colon here', ' folded continuation', '\tmore', ':empty name', 'Reason'),
    );
    const names = ['Via', 'X-Call-ID', 'X-CID', 'Reason', 'Warning', 'Content-Type', 'Call-ID', 'Foo bar', 'Foo', 'X', 'q', 'Nope', 'c', 'i'];
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom('\r\n', '\n'), (lines, eol) => {
        const raw = Buffer.from(['INVITE sip:a@b SIP/2.0', ...lines, '', 'body'].join(eol), 'latin1');
        const parsed = parseSipMessage(raw, ORIGIN);
        const index = new Int32Array(SIP_INDEX_SLOTS);
        const rebuilt = writeSipIndex(parsed, index, 0) ? sipMessageFromIndex(raw, ORIGIN, index, 0, parsed.diagnostics) : undefined;
        const listed = parseSipMessage(raw, ORIGIN).headers();
        for (const n of names) {
          const want = listed.filter((h) => headerNameKey(h.name) === headerNameKey(n)).map((h) => h.value);
          for (const m of rebuilt ? [parsed, rebuilt] : [parsed]) {
            expect(m.headerAll(n), n).toEqual(want);
            expect(m.header(n), n).toBe(want[0]);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
