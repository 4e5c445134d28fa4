import { describe, expect, it } from 'vitest';
import { parseSipMessage } from '../../src/core/sip/message.js';
import { ORIGIN } from './origin-for-test.js';

const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');
const codes = (m: { diagnostics: readonly { code: string }[] }): string[] => m.diagnostics.map((d) => d.code);

const INVITE = crlf([
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.example.com>',
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.example.com>',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\n',
]);

describe('parseSipMessage: requests and responses', () => {
  it('reads the correlation fields of a request', () => {
    const m = parseSipMessage(INVITE, ORIGIN);
    expect(m.isRequest).toBe(true);
    expect(m.method).toBe('INVITE');
    expect(m.requestUri).toBe('sip:bob@biloxi.example.com');
    expect(m.statusCode).toBeUndefined();
    expect(m.callId).toBe('a84b4c76e66710@pc33.atlanta.example.com');
    expect(m.cseq).toBe('314159 INVITE');
    expect(m.cseqNumber).toBe(314159);
    expect(m.cseqMethod).toBe('INVITE');
    expect(m.fromTag).toBe('1928301774');
    expect(m.toTag).toBeUndefined();
    expect(m.viaBranch).toBe('z9hG4bK776asdhds');
    expect(m.contentLength).toBe(4);
    expect(m.body.toString()).toBe('v=0\n');
    expect(m.malformed).toBe(false);
    expect(m.diagnostics).toEqual([]);
  });

  it('copies the origin and keeps raw as given (no copy)', () => {
    const m = parseSipMessage(INVITE, ORIGIN);
    expect(m.frame).toBe(7);
    expect(m.src).toBe('10.0.0.1');
    expect(m.dstPort).toBe(5062);
    expect(m.fileOffset).toBe(123);
    expect(m.transport).toBe('udp');
    expect(m.raw).toBe(INVITE);
    expect(m.body.buffer).toBe(INVITE.buffer); // a view into raw
  });

  it('reads a response with its reason phrase and To tag', () => {
    const m = parseSipMessage(
      crlf([
        'SIP/2.0 180 Ringing',
        'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;received=192.0.2.1',
        'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
        'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
        'Call-ID: a84b4c76e66710',
        'CSeq: 314159 INVITE',
        'Content-Length: 0',
        '',
        '',
      ]),
      ORIGIN,
    );
    expect(m.isRequest).toBe(false);
    expect(m.statusCode).toBe(180);
    expect(m.reason).toBe('Ringing');
    expect(m.method).toBeUndefined();
    expect(m.toTag).toBe('a6c85cf');
    expect(m.viaBranch).toBe('z9hG4bKnashds8');
    expect(m.body.length).toBe(0);
    expect(m.malformed).toBe(false);
  });

  it('accepts an empty reason phrase (with and without the trailing space)', () => {
    for (const line of ['SIP/2.0 200', 'SIP/2.0 200 ']) {
      const m = parseSipMessage(crlf([line, 'Call-ID: x', 'CSeq: 1 BYE', 'From: <sip:a@b>;tag=1', 'To: <sip:c@d>;tag=2', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', '', '']), ORIGIN);
      expect(m.statusCode).toBe(200);
      expect(m.reason).toBe('');
      expect(m.malformed).toBe(false);
    }
  });

  it('accepts an unknown method (any token)', () => {
    const m = parseSipMessage(crlf(['X-FOO.bar! sip:x@y SIP/2.0', 'Call-ID: c', 'CSeq: 9 X-FOO.bar!', 'From: <sip:a@b>;tag=f', 'To: <sip:x@y>', 'Via: SIP/2.0/TCP h;branch=z9hG4bKq', '', '']), ORIGIN);
    expect(m.method).toBe('X-FOO.bar!');
    expect(m.cseqMethod).toBe('X-FOO.bar!');
    expect(m.cseqNumber).toBe(9);
    expect(m.malformed).toBe(false);
  });
});

describe('parseSipMessage: header names and forms', () => {
  it('reads every compact form of the correlation headers', () => {
    const m = parseSipMessage(
      crlf([
        'BYE sip:x@y SIP/2.0',
        'v: SIP/2.0/UDP h:5060;branch=z9hG4bKcompact',
        'f: "A" <sip:a@b>;tag=ftag',
        't: <sip:x@y>;tag=ttag',
        'i: compact-call-id',
        'CSeq: 2 BYE',
        'l: 0',
        '',
        '',
      ]),
      ORIGIN,
    );
    expect([m.callId, m.fromTag, m.toTag, m.viaBranch, m.contentLength]).toEqual(['compact-call-id', 'ftag', 'ttag', 'z9hG4bKcompact', 0]);
    expect(m.header('Call-ID')).toBe('compact-call-id');
    expect(m.header('i')).toBe('compact-call-id');
    expect(m.header('VIA')).toBe('SIP/2.0/UDP h:5060;branch=z9hG4bKcompact');
    expect(m.header('content-length')).toBe('0');
    expect(m.malformed).toBe(false);
  });

  it('maps every compact letter to its long header in header()/headerAll()', () => {
    const table: Record<string, string> = {
      i: 'Call-ID', m: 'Contact', e: 'Content-Encoding', l: 'Content-Length', c: 'Content-Type', f: 'From', s: 'Subject',
      k: 'Supported', t: 'To', v: 'Via', o: 'Event', u: 'Allow-Events', r: 'Refer-To', b: 'Referred-By', x: 'Session-Expires',
      y: 'Identity', a: 'Accept-Contact', j: 'Reject-Contact', d: 'Request-Disposition', n: 'Identity-Info',
    };
    const lines = ['OPTIONS sip:x SIP/2.0'];
    for (const [letter, long] of Object.entries(table)) {
      lines.push(`${letter}: short-${letter}`);
      lines.push(`${long.toUpperCase()}: long-${letter}`);
    }
    const m = parseSipMessage(crlf([...lines, '', '']), ORIGIN);
    for (const [letter, long] of Object.entries(table)) {
      expect(m.headerAll(long)).toEqual([`short-${letter}`, `long-${letter}`]);
      expect(m.headerAll(letter.toUpperCase())).toEqual([`short-${letter}`, `long-${letter}`]);
      expect(m.header(long.toLowerCase())).toBe(`short-${letter}`);
    }
    expect(m.header('q')).toBeUndefined();
    expect(m.header('Nope')).toBeUndefined();
    expect(m.headerAll('Nope')).toEqual([]);
  });

  it('matches header names in odd case, with whitespace around the colon', () => {
    const m = parseSipMessage(
      crlf(['REGISTER sip:r SIP/2.0', 'cAlL-iD  :   odd@case  ', 'cseq\t: 3 REGISTER', 'FROM:<sip:a@r>;TAG=Up', 'tO :<sip:a@r>', 'vIa: SIP/2.0/UDP h;BRANCH=z9hG4bKup', 'CONTENT-length : 0', '', '']),
      ORIGIN,
    );
    expect(m.callId).toBe('odd@case');
    expect(m.cseq).toBe('3 REGISTER');
    expect(m.fromTag).toBe('Up');
    expect(m.viaBranch).toBe('z9hG4bKup');
    expect(m.contentLength).toBe(0);
    expect(m.headers().map((h) => h.name)).toEqual(['cAlL-iD', 'cseq', 'FROM', 'tO', 'vIa', 'CONTENT-length']);
    expect(m.header('Call-Id')).toBe('odd@case');
    expect(m.malformed).toBe(false);
  });

  it('unfolds folded header lines (RFC 3261 §7.3.1) and records it', () => {
    const m = parseSipMessage(
      crlf([
        'INVITE sip:x SIP/2.0',
        'Subject: I know you\'re there,',
        '         pick up the phone',
        '\tand talk to me!',
        'Via: SIP/2.0/UDP h',
        ' ;branch=z9hG4bKfold',
        'Call-ID:',
        '  folded-id',
        'CSeq: 1',
        '  INVITE',
        'From: <sip:a@b>',
        '  ;tag=foldtag',
        'To: <sip:x>',
        '',
        '',
      ]),
      ORIGIN,
    );
    expect(m.header('Subject')).toBe("I know you're there, pick up the phone and talk to me!");
    expect(m.header('s')).toBe("I know you're there, pick up the phone and talk to me!");
    expect(m.viaBranch).toBe('z9hG4bKfold');
    expect(m.callId).toBe('folded-id');
    expect(m.cseq).toBe('1 INVITE');
    expect(m.cseqMethod).toBe('INVITE');
    expect(m.fromTag).toBe('foldtag');
    expect(codes(m)).toEqual(['SIP_FOLDED_HEADER']);
    expect(m.malformed).toBe(false);
  });

  it('accepts LF-only line ends and records it', () => {
    const m = parseSipMessage(Buffer.from('ACK sip:x SIP/2.0\nCall-ID: lf\nCSeq: 1 ACK\nFrom: <sip:a>;tag=1\nTo: <sip:b>;tag=2\nVia: SIP/2.0/UDP h;branch=z9hG4bKlf\n\nbody'), ORIGIN);
    expect(m.callId).toBe('lf');
    expect(m.viaBranch).toBe('z9hG4bKlf');
    expect(m.body.toString()).toBe('body');
    expect(codes(m)).toEqual(['SIP_LF_LINE_ENDS']);
    expect(m.malformed).toBe(false);
    expect(m.headers()).toHaveLength(5);
  });

  it('skips a header line without a colon', () => {
    const m = parseSipMessage(crlf(['BYE sip:x SIP/2.0', 'Call-ID: c', 'this line has no colon', 'CSeq: 1 BYE', 'From: <sip:a>;tag=1', 'To: <sip:b>;tag=2', 'Via: SIP/2.0/UDP h;branch=z9hG4bKb', '', '']), ORIGIN);
    expect(codes(m)).toEqual(['SIP_BAD_HEADER_LINE']);
    expect(m.malformed).toBe(true);
    expect(m.headers().map((h) => h.name)).toEqual(['Call-ID', 'CSeq', 'From', 'To', 'Via']);
    expect(m.cseq).toBe('1 BYE');
  });
});

describe('parseSipMessage: parameters', () => {
  it('does not take a tag inside the URI angle brackets for the header tag', () => {
    const m = parseSipMessage(
      crlf(['INVITE sip:x SIP/2.0', 'From: "Tag;tag=quoted" <sip:a@b;tag=inuri>;tag=real', 'To: <sip:x@y;tag=onlyuri>', 'Call-ID: c', 'CSeq: 1 INVITE', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', '', '']),
      ORIGIN,
    );
    expect(m.fromTag).toBe('real');
    expect(m.toTag).toBeUndefined();
  });

  it('takes the tag of an addr-spec without angle brackets', () => {
    const m = parseSipMessage(crlf(['INVITE sip:x SIP/2.0', 'From: sip:a@b;tag=plain', 'To: sip:x@y ; tag = spaced', 'Call-ID: c', 'CSeq: 1 INVITE', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', '', '']), ORIGIN);
    expect(m.fromTag).toBe('plain');
    expect(m.toTag).toBe('spaced');
  });

  it('handles quoted display names holding commas, semicolons and escapes', () => {
    const m = parseSipMessage(
      crlf(['INVITE sip:x SIP/2.0', 'From: "Smith, John; \\"JS\\" <x>" <sip:js@b>;tag=js1', 'To: <sip:x>', 'Call-ID: c', 'CSeq: 1 INVITE', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', '', '']),
      ORIGIN,
    );
    expect(m.fromTag).toBe('js1');
  });

  it('takes the branch of the first value of the topmost Via (comma list)', () => {
    const m = parseSipMessage(
      crlf([
        'SIP/2.0 200 OK',
        'Via: SIP/2.0/UDP first.example.com;branch=z9hG4bKfirst;received=1.2.3.4, SIP/2.0/UDP second;branch=z9hG4bKsecond',
        'Via: SIP/2.0/UDP third;branch=z9hG4bKthird',
        'Call-ID: c', 'CSeq: 1 INVITE', 'From: <sip:a>;tag=1', 'To: <sip:b>;tag=2', '', '',
      ]),
      ORIGIN,
    );
    expect(m.viaBranch).toBe('z9hG4bKfirst');
    expect(m.headerAll('v')).toHaveLength(2);
  });

  it('finds no branch when the first Via value has none, even if a later one has', () => {
    const m = parseSipMessage(crlf(['SIP/2.0 200 OK', 'Via: SIP/2.0/UDP rfc2543host, SIP/2.0/UDP b;branch=z9hG4bKlater', 'Call-ID: c', 'CSeq: 1 INVITE', 'From: <sip:a>;tag=1', 'To: <sip:b>', '', '']), ORIGIN);
    expect(m.viaBranch).toBeUndefined();
  });
});

describe('parseSipMessage: duplicates and missing headers', () => {
  it('keeps two To headers, takes the first for the tag, and records it (suricata-duplicate-to-header)', () => {
    const m = parseSipMessage(
      crlf(['INVITE sip:97239287044@voip.brujula.net SIP/2.0', 'v: SIP/2.0/UDP 192.168.1.2:5060;branch=z9hG4bKnp', 'f: "arik" <sip:816666@voip.brujula.net>;tag=6433ef9', 't: <sip:97239287044@voip.brujula.net>;tag=first', 'To: <sip:12345@voip.brujula.net>;tag=second', 'Call-ID: 105090259-446faf7a@192.168.1.2', 'CSeq: 1 INVITE', '', '']),
      ORIGIN,
    );
    expect(m.toTag).toBe('first');
    expect(m.headerAll('To')).toEqual(['<sip:97239287044@voip.brujula.net>;tag=first', '<sip:12345@voip.brujula.net>;tag=second']);
    expect(m.diagnostics).toContainEqual({ code: 'SIP_DUPLICATE_HEADER', frame: 7, detail: 'To' });
  });

  it('joins several Call-ID headers with commas', () => {
    const m = parseSipMessage(crlf(['BYE sip:x SIP/2.0', 'Call-ID: one', 'i: two', 'CALL-ID: three', 'CSeq: 1 BYE', 'From: <sip:a>;tag=1', 'To: <sip:b>;tag=2', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', '', '']), ORIGIN);
    expect(m.callId).toBe('one,two,three');
    expect(m.header('Call-ID')).toBe('one');
    expect(m.headerAll('Call-ID')).toEqual(['one', 'two', 'three']);
  });

  it('reports every missing correlation header and still returns the message', () => {
    const m = parseSipMessage(crlf(['REGISTER sip:x SIP/2.0', 'Expires: 3600', '', '']), ORIGIN);
    expect(m.method).toBe('REGISTER');
    expect(m.callId).toBe('');
    expect(m.cseq).toBe('');
    expect(m.cseqNumber).toBeNaN();
    expect(m.cseqMethod).toBe('');
    expect(m.malformed).toBe(true);
    expect(codes(m)).toEqual(['SIP_NO_CALL_ID', 'SIP_NO_CSEQ', 'SIP_NO_FROM', 'SIP_NO_TO', 'SIP_NO_VIA']);
    expect(m.header('Expires')).toBe('3600');
  });

  it('reports a bad Content-Length and a bad CSeq', () => {
    const m = parseSipMessage(crlf(['INVITE sip:x SIP/2.0', 'Content-Length: bad', 'CSeq: INVITE', 'Call-ID: c', 'From: <sip:a>;tag=1', 'To: <sip:b>', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', '', '']), ORIGIN);
    expect(m.contentLength).toBeUndefined();
    expect(m.cseqNumber).toBeNaN();
    expect(m.cseq).toBe('INVITE');
    expect(codes(m)).toEqual(['SIP_BAD_CONTENT_LENGTH', 'SIP_BAD_CSEQ']);
    expect(m.malformed).toBe(true);
  });

  it('reports a bad start line and a missing header end', () => {
    const m = parseSipMessage(Buffer.from('HELLO\r\nCall-ID: x\r\n'), ORIGIN);
    expect(m.isRequest).toBe(false);
    expect(m.method).toBeUndefined();
    expect(m.callId).toBe('x');
    expect(codes(m)).toContain('SIP_BAD_START_LINE');
    expect(codes(m)).toContain('SIP_NO_HEADER_END');
    expect(m.body.length).toBe(0);
  });

  it('adds framing diagnostics; leniencies do not make the message malformed', () => {
    const ok = parseSipMessage(INVITE, ORIGIN, ['SIP_NO_CONTENT_LENGTH']);
    expect(codes(ok)).toEqual(['SIP_NO_CONTENT_LENGTH']);
    expect(ok.malformed).toBe(false);
    const bad = parseSipMessage(INVITE, ORIGIN, ['SIP_TRUNCATED_BODY']);
    expect(bad.diagnostics[0]).toEqual({ code: 'SIP_TRUNCATED_BODY', frame: 7 });
    expect(bad.malformed).toBe(true);
    const objs = parseSipMessage(Buffer.from(INVITE.toString().replace(/\r\n/g, '\n')), ORIGIN, [{ code: 'SIP_LF_LINE_ENDS', frame: 7 }, { code: 'SIP_EXTRA_BYTES_AFTER_BODY', frame: 7, detail: '3 bytes' }]);
    expect(objs.diagnostics).toEqual([{ code: 'SIP_LF_LINE_ENDS', frame: 7 }, { code: 'SIP_EXTRA_BYTES_AFTER_BODY', frame: 7, detail: '3 bytes' }]);
    expect(objs.malformed).toBe(false);
  });
});

describe('parseSipMessage: raw bytes kept verbatim', () => {
  it('keeps escape sequences and control characters in values without crashing', () => {
    const m = parseSipMessage(
      Buffer.concat([
        Buffer.from('MESSAGE sip:x SIP/2.0\r\nUser-Agent: evil\x1b[2J\x07\x00bell\r\nCall-ID: id\x1b]0;t\x07\r\nSubject: caf'),
        Buffer.from([0xc3, 0xa9, 0xff]),
        Buffer.from('\r\nCSeq: 1 MESSAGE\r\nFrom: <sip:a>;tag=1\r\nTo: <sip:b>\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n'),
      ]),
      ORIGIN,
    );
    expect(m.header('User-Agent')).toBe('evil\x1b[2J\x07\x00bell');
    expect(m.callId).toBe('id\x1b]0;t\x07');
    expect(m.header('Subject')).toBe('café\ufffd');
    expect(m.malformed).toBe(false);
  });

  it('serialises to JSON without the raw bytes', () => {
    const json = JSON.parse(JSON.stringify(parseSipMessage(INVITE, ORIGIN))) as Record<string, unknown>;
    expect(json.callId).toBe('a84b4c76e66710@pc33.atlanta.example.com');
    expect(json.bodyLength).toBe(4);
    expect(json.raw).toBeUndefined();
  });
});
