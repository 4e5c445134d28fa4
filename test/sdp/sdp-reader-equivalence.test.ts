/**
 * The one-pass SDP reader gives the same SdpSession (and the same diagnostics) as the
 * sdp-transform based parser it replaced, kept here as the oracle: on every SDP body of every
 * real capture, on generated SDP, on generated SDP with hostile characters inserted, and on
 * arbitrary bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { parseSdp, parseSdpBytes, sdpOfMessage, type SdpSession } from '../../src/core/sdp/session.js';
import { captureFilesIn, FIXTURES_DIR, SHARED_CAPTURES_DIR, sdpBodiesOf, type CaptureSdp } from './capture-sdp.js';
import { parseSdpOracle } from './sdp-oracle.js';

interface Outcome {
  session: SdpSession | undefined;
  diagnostics: Diagnostic[];
}

function run(parse: (report: (d: Diagnostic) => void) => SdpSession | undefined): Outcome {
  const diagnostics: Diagnostic[] = [];
  const session = parse((d) => diagnostics.push(d));
  return { session, diagnostics };
}

/** Same value, same keys in the same order (JSON output depends on it), same diagnostics. */
function expectSameAsOracle(body: Buffer, what: string): void {
  const text = body.toString('utf8');
  const oracle = run((r) => parseSdpOracle(text, r, 7));
  const fromBytes = run((r) => parseSdpBytes(body, r, 7));
  const fromText = run((r) => parseSdp(text, r, 7));
  expect(fromBytes, what).toStrictEqual(oracle);
  expect(JSON.stringify(fromBytes), what).toBe(JSON.stringify(oracle));
  expect(fromText, what).toStrictEqual(oracle);
}

describe('SDP bodies of real captures: new reader = sdp-transform oracle', () => {
  const dirs = [SHARED_CAPTURES_DIR, FIXTURES_DIR];
  for (const dir of dirs) {
    it(`every SDP in ${dir}`, () => {
      const files = captureFilesIn(dir); // throws (fails) when the folder is missing
      expect(files.length).toBeGreaterThan(20);
      let bodies = 0;
      let withMedia = 0;
      for (const file of files) {
        for (const sdp of sdpBodiesOf(file)) {
          bodies++;
          expectSameAsOracle(sdp.body, `${sdp.file} frame ${sdp.frame}`);
          if ((parseSdpBytes(sdp.body)?.media.length ?? 0) > 0) withMedia++;
        }
      }
      // the corpus must actually exercise the parser
      expect(bodies).toBeGreaterThan(50);
      expect(withMedia).toBeGreaterThan(50);
    });
  }

  it('sdpOfMessage parses a message once and agrees with the oracle', () => {
    const files = captureFilesIn(SHARED_CAPTURES_DIR);
    const sdps: CaptureSdp[] = files.flatMap((f) => sdpBodiesOf(f)).slice(0, 200);
    expect(sdps.length).toBe(200);
    for (const { message, body, file, frame } of sdps) {
      const diagnostics: Diagnostic[] = [];
      const first = sdpOfMessage(message, (d) => diagnostics.push(d));
      expect(sdpOfMessage(message, (d) => diagnostics.push(d))).toBe(first);
      const oracle = run((r) => parseSdpOracle(body.toString('utf8'), r, message.frame));
      expect({ session: first, diagnostics }, `${file} frame ${frame}`).toStrictEqual(oracle);
    }
  });
});

// ---- generated SDP -------------------------------------------------------------------------

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const ipv6 = fc.oneof(
  fc.ipV6(),
  fc.constantFrom('2001:DB8:0:0:0:0:0:1', '::', '::1', 'FF1E:03AD::7F2E:172A:1E24', '::ffff:192.0.2.1', 'fe80::1%eth0', '1::2::3'),
);
const address = fc.oneof(
  ipv4.map((a) => `IN IP4 ${a}`),
  fc.tuple(ipv4, fc.nat(255)).map(([a, ttl]) => `IN IP4 ${a}/${ttl}`),
  fc.tuple(ipv4, fc.nat(255), fc.integer({ min: 1, max: 9 })).map(([a, ttl, n]) => `IN IP4 ${a}/${ttl}/${n}`),
  ipv6.map((a) => `IN IP6 ${a}`),
  fc.tuple(ipv6, fc.integer({ min: 1, max: 9 })).map(([a, n]) => `IN IP6 ${a}/${n}`),
  fc.constantFrom('IN IP4 0.0.0.0', 'IN IP6 ::', 'IN IP4 pbx.example.com', 'IN IP4 5', 'IN IP4 ', 'IN IP4 256.1.1.1', 'IN IP44 1.2.3.4', 'IN  IP4 1.2.3.4'),
);
const direction = fc.constantFrom('sendrecv', 'sendonly', 'recvonly', 'inactive', 'sendrecvx');
const codec = fc.constantFrom('PCMU', 'PCMA', 'opus', 'telephone-event', 'G729', 'AMR-WB', 'H264', 'VP8', 'speex', 'iLBC', 'x.y_z', '', 'G726-32');
const pt = fc.oneof(fc.integer({ min: 0, max: 34 }), fc.integer({ min: 96, max: 127 }), fc.constantFrom(128, 300));
const rtpmap = fc
  .tuple(
    fc.oneof(pt.map(String), fc.constantFrom('096', '', 'x')),
    codec,
    fc.oneof(fc.constantFrom('', '/8000', '/16000', '/48000', '/90000', '/0', '/08000', '/', ' / 8000', '/8000/2', '/48000/2', '/8000/1', '/8000/0', '/8000/x', '/8000/02', '/8000/0x2', '/8000 /2')),
  )
  .map(([p, c, rest]) => `a=rtpmap:${p} ${c}${rest}`);
const rtcp = fc.oneof(
  fc.integer({ min: 0, max: 65535 }).map((p) => `a=rtcp:${p}`),
  fc.tuple(fc.integer({ min: 0, max: 65535 }), address).map(([p, a]) => `a=rtcp:${p} ${a}`),
  fc.constantFrom('a=rtcp:', 'a=rtcp:053 IN IP4 1.2.3.4', 'a=rtcp:5000 IN IP4', 'a=rtcp:x', 'a=rtcp:6000 IN IP6 2001:db8::9', 'a=rtcp:6000 IN IP4 5'),
);
const attribute = fc.oneof(
  rtpmap,
  rtpmap,
  rtcp,
  direction.map((d) => `a=${d}`),
  fc.constantFrom(
    'a=rtcp-mux',
    'a=rtcp-mux-only',
    'a=rtcp-fb:* nack',
    'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32',
    'a=crypto:2 AES-CM inline:x',
    'a=crypto:1 AES_CM_128_HMAC_SHA1_32',
    'a=fmtp:101 0-15',
    'a=ptime:20',
    'a=T38FaxVersion:0',
    'b=AS:64',
    'i=info',
    'k=prompt',
    'z=2882844526 -1h',
    'r=7d 1h 0 25h',
    'u=http://x',
    'e=j@x',
    'M=audio 1 RTP/AVP 0',
    'A=sendonly',
    'x=sendonly',
    'a= sendonly',
    'a=sendonly ',
  ),
  address.map((a) => `c=${a}`),
);
const proto = fc.constantFrom('RTP/AVP', 'RTP/SAVP', 'RTP/AVPF', 'RTP/SAVPF', 'UDP/TLS/RTP/SAVPF', 'udptl', 'TCP/MSRP', 'TCP/TLS/BFCP', 'rtp/avp');
const mediaType = fc.constantFrom('audio', 'video', 'image', 'application', 'message', 'text');
const formats = fc.oneof(fc.array(pt.map(String), { maxLength: 8 }), fc.constantFrom(['t38'], ['*'], ['0x10', '1e1', '+5', '5.0'], []));
const mLine = fc
  .tuple(mediaType, fc.oneof(fc.integer({ min: 0, max: 65535 }).map(String), fc.constantFrom('0', '49170/2', '007', '99999999999999999999', 'port', '5/')), proto, formats, fc.constantFrom(' ', '\t', '  ', ' \t'))
  .map(([t, port, p, f, sep]) => `m=${t}${sep}${port}${sep}${p}${f.length ? sep + f.join(sep) : ''}`);
const media = fc.tuple(mLine, fc.array(attribute, { maxLength: 8 })).map(([m, attrs]) => [m, ...attrs]);
const origin = fc.oneof(
  fc.tuple(fc.constantFrom('-', 'alice', 'user123', '42', 'Zoë'), fc.bigInt({ min: 0n, max: 10n ** 22n }), fc.bigInt({ min: 0n, max: 10n ** 20n }), address).map(([u, id, v, a]) => `o=${u} ${id} ${v} ${a}`),
  fc.constantFrom('o=- 1 2 IN IP4', 'o=- 1 2 IN IP4 ', 'o=-  1 2 IN IP4 1.2.3.4', 'o=- x 2 IN IP4 1.2.3.4', 'o=- 007 0100 IN IP4 h'),
);
const session = fc
  .tuple(
    fc.boolean(),
    fc.option(origin),
    fc.option(fc.constantFrom('s=-', 's=call', 's= ', 's=', 's=123', 's=NaN', 's=1e3', 's=Infinity', 's=-0', 's=Sêssion', 's=SIP Call ')),
    fc.array(attribute, { maxLength: 4 }),
    fc.array(media, { maxLength: 5 }),
  )
  .map(([v, o, s, sessionAttrs, ms]) => [...(v ? ['v=0'] : []), ...(o ? [o] : []), ...(s ? [s] : []), 't=0 0', ...sessionAttrs, ...ms.flat()]);
const eol = fc.constantFrom('\r\n', '\n', '\r');
const sdpText = fc.tuple(session, eol, fc.constantFrom('', ' ', '\t', '  ')).map(([lines, e, lead]) => lines.map((l, i) => (i % 3 === 1 ? lead + l : l)).join(e) + e);

/** Characters that sit on the edges of the grammar: blanks JavaScript counts as whitespace, line ends, UTF-8, digits, slashes. */
const hostile = fc.constantFrom(' ', '\t', '\v', '\f', '\r', '\n', '\r\n', '/', '0', '9', ':', '=', 'a=', 'm=', 'v=', 'c=', 's=', '\u00a0', '\u2028', '\u2029', '\ufeff', '\u3000', '\u0085', 'é', '€', '😀', 'IN IP4 ', ' IP6 ', '\0');

describe('generated SDP: new reader = sdp-transform oracle', () => {
  it('well-formed and near-well-formed SDP', () => {
    fc.assert(
      fc.property(sdpText, (text) => expectSameAsOracle(Buffer.from(text, 'utf8'), JSON.stringify(text))),
      { numRuns: 3000 },
    );
  });

  it('generated SDP with hostile characters inserted anywhere', () => {
    fc.assert(
      fc.property(sdpText, fc.array(fc.tuple(fc.nat(), hostile), { minLength: 1, maxLength: 6 }), (text, edits) => {
        let t = text;
        for (const [at, s] of edits) {
          const i = at % (t.length + 1);
          t = t.slice(0, i) + s + t.slice(i);
        }
        expectSameAsOracle(Buffer.from(t, 'utf8'), JSON.stringify(t));
      }),
      { numRuns: 3000 },
    );
  });

  it('generated SDP with invalid UTF-8 bytes inserted', () => {
    fc.assert(
      fc.property(sdpText, fc.array(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 3, min: 0x80 })), { minLength: 1, maxLength: 4 }), (text, edits) => {
        let b = Buffer.from(text, 'utf8');
        for (const [at, bytes] of edits) {
          const i = at % (b.length + 1);
          b = Buffer.concat([b.subarray(0, i), bytes, b.subarray(i)]);
        }
        expectSameAsOracle(b, b.toString('hex'));
      }),
      { numRuns: 2000 },
    );
  });

  it('text with lone surrogates (parseSdp on strings) equals the oracle', () => {
    fc.assert(
      fc.property(sdpText, fc.nat(), fc.constantFrom('\ud800', '\udc00', '\udbff\u0041'), (text, at, s) => {
        const i = at % (text.length + 1);
        const t = text.slice(0, i) + s + text.slice(i);
        expect(parseSdp(t)).toStrictEqual(parseSdpOracle(t));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('arbitrary bytes', () => {
  it('never throw and equal the oracle', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const b = Buffer.from(bytes);
        expect(() => parseSdpBytes(b)).not.toThrow();
        expectSameAsOracle(b, b.toString('hex'));
      }),
      { numRuns: 2000 },
    );
  });

  it('arbitrary bytes after v=0 and SDP-looking prefixes never throw and equal the oracle', () => {
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u)),
      fc.constantFrom('v=0', 'm=audio 1 RTP/AVP 0', 'a=rtpmap:0 ', 'a=rtcp:9 IN IP', 'c=IN IP4 ', 'o=- 1 1 IN IP', 's=', '\r\n', '\n', '\r').map((s) => Buffer.from(s)),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const b = Buffer.concat([Buffer.from('v=0\r\n'), ...pieces]);
        expectSameAsOracle(b, b.toString('hex'));
      }),
      { numRuns: 2000 },
    );
  });
});
