import { describe, expect, it } from 'vitest';
import { DiagnosticCounter } from '../../src/core/diagnostics.js';
import { isSdpWhitespace, readSdpBytes, readSdpText } from '../../src/core/sdp/sdp-reader.js';
import { MAX_SDP_BYTES, parseSdp, parseSdpBytes } from '../../src/core/sdp/session.js';
import { parseSdpOracle } from './sdp-oracle.js';

const crlf = (lines: string[]): string => lines.join('\r\n') + '\r\n';
const bytes = (lines: string[]): Buffer => Buffer.from(crlf(lines), 'utf8');
const HEAD = ['v=0', 'o=- 1 1 IN IP4 10.0.0.1', 's=-', 'c=IN IP4 10.0.0.1', 't=0 0'];

/** Parses from bytes, checks text and the old parser agree, returns the session. */
function parse(lines: string[]) {
  const b = bytes(lines);
  const s = parseSdpBytes(b);
  expect(parseSdp(b.toString('utf8'))).toStrictEqual(s);
  expect(parseSdpOracle(b.toString('utf8'))).toStrictEqual(s);
  return s;
}

describe('m= line', () => {
  it('port/count (RFC 8866 §5.14) is read, the count ignored', () => {
    const s = parse([...HEAD, 'm=video 49170/2 RTP/AVP 31 34'])!;
    const m = s.media[0]!;
    expect([m.type, m.port, m.protocol, m.formats]).toEqual(['video', 49170, 'RTP/AVP', ['31', '34']]);
    expect(m.rtcpPort).toBe(49171);
    expect(m.label).toBe('video H261 H263');
  });

  it('malformed m= lines are reported and keep their index for offer/answer matching', () => {
    const d = new DiagnosticCounter();
    const s = parseSdpBytes(bytes([...HEAD, 'm=audio 49170/ RTP/AVP 0', 'm=audio RTP/AVP 0', 'm=audio 4000 RTP/AVP\v0', 'm=audio 4000 RTP/AVP 0']), d.sink, 3)!;
    expect(s.media.map((m) => m.index)).toEqual([3]);
    expect(d.counts.get('SDP_BAD_MEDIA_LINE')).toBe(3);
  });

  it('tabs and runs of blanks separate fields; a format list may be empty', () => {
    const s = parse([...HEAD, 'm=audio\t4000  RTP/AVP \t 0\t8 ', 'm=application 5000 TCP/MSRP'])!;
    expect(s.media[0]!.formats).toEqual(['0', '8']);
    expect(s.media[1]!.formats).toEqual([]);
    expect(s.media[1]!.isRtp).toBe(false);
  });

  it('T.38 over UDPTL: formats are labels, not payloads', () => {
    const s = parse([...HEAD, 'm=image 6000 udptl t38'])!;
    expect(s.media[0]!.payloads).toEqual([]);
    expect(s.media[0]!.label).toBe('image t38');
  });
});

describe('a=rtcp (RFC 3605)', () => {
  it('port with an address', () => {
    const m = parse([...HEAD, 'm=audio 4000 RTP/AVP 0', 'a=rtcp:5001 IN IP4 10.0.0.9'])!.media[0]!;
    expect([m.rtcpAddress, m.rtcpPort]).toEqual(['10.0.0.9', 5001]);
  });

  it('an IPv6 address is normalised', () => {
    const m = parse([...HEAD, 'm=audio 4000 RTP/AVP 0', 'a=rtcp:5001 IN IP6 2001:DB8::0:9'])!.media[0]!;
    expect([m.rtcpAddress, m.rtcpPort]).toEqual(['2001:db8::9', 5001]);
  });

  it('port only: the media address', () => {
    const m = parse([...HEAD, 'm=audio 4000 RTP/AVP 0', 'a=rtcp:4009'])!.media[0]!;
    expect([m.rtcpAddress, m.rtcpPort]).toEqual(['10.0.0.1', 4009]);
  });

  it('a later port-only a=rtcp keeps the earlier address; a non-canonical port is ignored', () => {
    const m = parse([...HEAD, 'm=audio 4000 RTP/AVP 0', 'a=rtcp:5001 IN IP4 10.0.0.9', 'a=rtcp:6001'])!.media[0]!;
    expect([m.rtcpAddress, m.rtcpPort]).toEqual(['10.0.0.9', 6001]);
    const z = parse([...HEAD, 'm=audio 4000 RTP/AVP 0', 'a=rtcp:05001 IN IP4 10.0.0.9'])!.media[0]!;
    expect([z.rtcpAddress, z.rtcpPort]).toEqual(['10.0.0.1', 4001]);
  });

  it('rtcp-mux puts RTCP on the RTP port; session-level rtcp attributes do not apply', () => {
    const m = parse([...HEAD, 'a=rtcp:7000', 'a=rtcp-mux', 'm=audio 4000 RTP/AVP 0', 'a=rtcp-mux'])!.media[0]!;
    expect([m.rtcpMux, m.rtcpPort]).toEqual([true, 4000]);
    const n = parse([...HEAD, 'a=rtcp-mux', 'm=audio 4000 RTP/AVP 0'])!.media[0]!;
    expect([n.rtcpMux, n.rtcpPort]).toEqual([false, 4001]);
  });
});

describe('c=', () => {
  it('IPv6 (RFC 5952 form), media over session', () => {
    const s = parse(['v=0', 's=-', 'c=IN IP6 2001:DB8:0:0:0:0:0:1', 't=0 0', 'm=audio 5000 RTP/AVP 0', 'm=video 5002 RTP/AVP 31', 'c=IN IP6 FF1E:03AD::7F2E:172A:1E24/3'])!;
    expect(s.address).toBe('2001:db8::1');
    expect(s.media.map((m) => [m.address, m.ipVersion])).toEqual([
      ['2001:db8::1', 6],
      ['ff1e:3ad::7f2e:172a:1e24', 6],
    ]);
  });

  it('multicast /ttl and /ttl/count suffixes are dropped', () => {
    const s = parse(['v=0', 's=-', 'c=IN IP4 224.2.1.1/127/3', 't=0 0', 'm=audio 5000 RTP/AVP 0', 'm=audio 5002 RTP/AVP 0', 'c=IN IP4 233.252.0.1/127'])!;
    expect(s.address).toBe('224.2.1.1');
    expect(s.media.map((m) => m.address)).toEqual(['224.2.1.1', '233.252.0.1']);
  });

  it('an FQDN or a number is not an address; c=0.0.0.0 is RFC 2543 hold', () => {
    const s = parse(['v=0', 's=-', 'c=IN IP4 pbx.example.com', 't=0 0', 'm=audio 5000 RTP/AVP 0', 'm=audio 5002 RTP/AVP 0', 'c=IN IP4 0.0.0.0'])!;
    expect(s.media.map((m) => [m.address, m.holdAddress, m.ipVersion])).toEqual([
      ['', false, undefined],
      ['0.0.0.0', true, 4],
    ]);
    expect(s.hold).toBe(false);
    // sdp-transform made `5` a number and the old code threw a TypeError on it
    const n = parseSdpBytes(bytes(['v=0', 's=-', 'c=IN IP4 5', 't=0 0', 'm=audio 5000 RTP/AVP 0', 'c=IN IP4 0']))!;
    expect([n.address, n.media[0]!.address]).toEqual(['', '']);
  });
});

describe('directions', () => {
  it('session-level direction is inherited; media-level wins', () => {
    const s = parse([...HEAD, 'a=sendonly', 'm=audio 4000 RTP/AVP 0', 'm=video 4002 RTP/AVP 31', 'a=recvonly', 'm=audio 4004 RTP/AVP 8', 'a=sendrecv'])!;
    expect(s.media.map((m) => m.direction)).toEqual(['sendonly', 'recvonly', 'sendrecv']);
    expect(s.hold).toBe(false);
  });

  it('every enabled stream held: the session is on hold; disabled streams do not count', () => {
    const s = parse([...HEAD, 'a=inactive', 'm=audio 4000 RTP/AVP 0', 'm=video 0 RTP/AVP 31', 'a=sendrecv'])!;
    expect(s.hold).toBe(true);
    expect(s.label).toBe('PCMU inactive | video H261 disabled');
  });
});

describe('payloads and crypto', () => {
  it('rtpmap wins over the static table; the first rtpmap of a PT wins; channels and default rates', () => {
    const m = parse([...HEAD, 'm=audio 4000 RTP/SAVP 0 96 97 98 99 101', 'a=rtpmap:0 PCMX/8000', 'a=rtpmap:96 opus/48000/2', 'a=rtpmap:96 other/1', 'a=rtpmap:97 AMR-WB', 'a=rtpmap:98 speex /16000 /1', 'a=rtpmap:99 speex/ 16000', 'a=rtpmap:101 telephone-event/8000', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:abc'])!.media[0]!;
    expect(m.payloads).toEqual([
      { payloadType: 0, name: 'PCMX', clockRate: 8000 },
      { payloadType: 96, name: 'opus', clockRate: 48000, channels: 2 },
      { payloadType: 97, name: 'AMR-WB', clockRate: 16000 },
      { payloadType: 98, name: 'speex', clockRate: 16000, channels: 1 },
      // blanks may precede a `/`, not follow it (the old grammar): the rate is then the default
      { payloadType: 99, name: 'speex', clockRate: 8000 },
      { payloadType: 101, name: 'telephone-event', clockRate: 8000 },
    ]);
    expect(m.telephoneEventPt).toBe(101);
    expect([m.srtp, m.crypto]).toEqual([true, true]);
  });

  it('a=crypto without a suite is not crypto; SAVP alone means SRTP', () => {
    const m = parse([...HEAD, 'm=audio 4000 RTP/AVP 0', 'a=crypto:1 AES-CM inline:x'])!.media[0]!;
    expect([m.srtp, m.crypto]).toEqual([false, false]);
    const s = parse([...HEAD, 'm=audio 4000 UDP/TLS/RTP/SAVPF 0'])!.media[0]!;
    expect([s.srtp, s.crypto, s.label]).toEqual([true, false, 'PCMU SRTP']);
  });
});

describe('whole body', () => {
  it('missing v= is not SDP', () => {
    const d = new DiagnosticCounter();
    expect(parseSdpBytes(bytes(['s=-', 'c=IN IP4 10.0.0.1', 'm=audio 4000 RTP/AVP 0']), d.sink, 9)).toBeUndefined();
    expect(parseSdpBytes(Buffer.alloc(0), d.sink)).toBeUndefined();
    expect(d.counts.get('SDP_UNPARSABLE')).toBe(2);
  });

  it('bodies over MAX_SDP_BYTES are rejected, counted in decoded UTF-16 units as before', () => {
    const pad = 'a=x:' + 'y'.repeat(MAX_SDP_BYTES);
    const seen: string[] = [];
    expect(parseSdpBytes(bytes([...HEAD, pad]), (d) => seen.push(`${d.code} ${d.frame} ${d.detail}`), 4)).toBeUndefined();
    expect(seen).toEqual([`SDP_UNPARSABLE 4 body of ${bytes([...HEAD, pad]).length} bytes exceeds MAX_SDP_BYTES`]);
    // more bytes than the limit but fewer characters (3-byte UTF-8): still parsed, like the old code
    const wide = bytes([...HEAD, 'm=audio 4000 RTP/AVP 0', 'a=x:' + '€'.repeat(MAX_SDP_BYTES / 2)]);
    expect(wide.length).toBeGreaterThan(MAX_SDP_BYTES);
    expect(parseSdpBytes(wide)?.media[0]?.port).toBe(4000);
    expect(parseSdpOracle(wide.toString('utf8'))?.media[0]?.port).toBe(4000);
  });

  it('LF, CR and CRLF line ends, blanks before lines, unknown lines', () => {
    for (const eol of ['\n', '\r', '\r\n']) {
      const text = ['v=0', '  s=call', '\tc=IN IP4 10.1.1.1', 'X-junk', 'k=clear:x', 't=0 0', ' m=audio 7078 RTP/AVP 8', ''].join(eol);
      const s = parseSdpBytes(Buffer.from(text))!;
      expect([s.sessionName, s.media[0]!.address, s.media[0]!.port, s.label]).toEqual(['call', '10.1.1.1', 7078, 'PCMA']);
    }
  });

  it('UTF-8 values are decoded; Unicode blanks before a line are skipped like trimStart', () => {
    const s = parse(['\ufeffv=0', 'o=Zoë 1 2 IN IP4 10.0.0.1', 's=Sêssion €', '\u00a0c=IN IP4 10.0.0.3', 't=0 0', 'm=audio 4000 RTP/AVP 0'])!;
    expect([s.origin?.username, s.sessionName, s.address]).toEqual(['Zoë', 'Sêssion €', '10.0.0.3']);
  });

  it('o= fields; later o=/s= at media level do not replace the session ones', () => {
    const s = parse(['v=0', 'o=alice 2890844526 2890844527 IN IP4 host.example.com', 's=call', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'o=bob 1 1 IN IP4 x', 's=other'])!;
    expect(s.origin).toEqual({ username: 'alice', sessionId: '2890844526', sessionVersion: 2890844527, address: 'host.example.com' });
    expect(s.sessionName).toBe('call');
  });

  it('a session name that reads as a number is dropped, as the old parser did', () => {
    expect(parse([...HEAD.filter((l) => !l.startsWith('s=')), 's=123'])!.sessionName).toBe('');
    expect(parse([...HEAD.filter((l) => !l.startsWith('s=')), 's=0123'])!.sessionName).toBe('0123');
  });
});

describe('reader', () => {
  it('isSdpWhitespace is exactly JavaScript\u2019s \\s over the BMP', () => {
    const re = /\s/;
    for (let c = 0; c <= 0xffff; c++) expect(isSdpWhitespace(c), c.toString(16)).toBe(re.test(String.fromCharCode(c)));
  });

  it('bytes and text give the same lines', () => {
    const text = crlf([...HEAD, 'm=audio 4000 RTP/AVP 0 8', 'a=rtpmap:8 PCMA/8000', 'a=rtcp:4001 IN IP4 10.0.0.2', 'a=sendonly']);
    expect(readSdpBytes(Buffer.from(text))).toStrictEqual(readSdpText(text));
    expect(readSdpText(text).media[0]).toMatchObject({ rtcpPort: 4001, rtcpAddress: '10.0.0.2', direction: 'sendonly', rtpmaps: [{ payloadType: 8, encodingName: 'PCMA', clockRate: 8000 }] });
  });

  it('reads a view inside a larger buffer without looking outside it', () => {
    const whole = Buffer.from('XXXX' + crlf([...HEAD, 'm=audio 4000 RTP/AVP 0']) + 'm=video 1 RTP/AVP 31');
    const view = whole.subarray(4, whole.length - 'm=video 1 RTP/AVP 31'.length);
    expect(parseSdpBytes(view)!.media.length).toBe(1);
  });
});
