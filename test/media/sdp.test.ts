import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiagnosticCounter } from '../../src/core/diagnostics.js';
import { normalizeConnectionAddress, normalizeIpv6 } from '../../src/core/sdp/address.js';
import { findSdpBody, multipartParts } from '../../src/core/sdp/body.js';
import { parseSdp, sdpOfMessage } from '../../src/core/sdp/session.js';
import { staticPayload } from '../../src/core/sdp/static-payloads.js';
import { sdp, sip } from './helpers.js';

const crlf = (lines: string[]): string => lines.join('\r\n') + '\r\n';

describe('parseSdp', () => {
  it('media-level c= wins over session-level c=; session c= applies otherwise', () => {
    const s = parseSdp(
      crlf([
        'v=0',
        'o=alice 2890844526 2890844527 IN IP4 host.example.com',
        's=call',
        'c=IN IP4 192.0.2.1',
        't=0 0',
        'm=audio 49170 RTP/AVP 0',
        'm=video 51372 RTP/AVP 31',
        'c=IN IP4 192.0.2.99',
      ]),
    )!;
    expect(s.address).toBe('192.0.2.1');
    expect(s.media.map((m) => [m.type, m.address, m.port])).toEqual([
      ['audio', '192.0.2.1', 49170],
      ['video', '192.0.2.99', 51372],
    ]);
    expect(s.origin).toEqual({ username: 'alice', sessionId: '2890844526', sessionVersion: 2890844527, address: 'host.example.com' });
    expect(s.sessionName).toBe('call');
  });

  it('IPv6 connection addresses are normalised to RFC 5952 (as packets print them)', () => {
    const s = parseSdp(crlf(['v=0', 's=-', 'c=IN IP6 2001:DB8:0:0:0:0:0:1', 't=0 0', 'm=audio 5000 RTP/AVP 0']))!;
    expect(s.media[0]!.address).toBe('2001:db8::1');
    expect(s.media[0]!.ipVersion).toBe(6);
    expect(normalizeIpv6('::ffff:192.0.2.1')).toBe('::ffff:192.0.2.1');
    expect(normalizeIpv6('fe80::1%eth0')).toBe('fe80::1');
    expect(normalizeIpv6('1::2::3')).toBeUndefined();
    expect(normalizeIpv6('12345::1')).toBeUndefined();
    expect(normalizeConnectionAddress('224.2.1.1/127/3')).toBe('224.2.1.1');
    expect(normalizeConnectionAddress('pbx.example.com')).toBe('');
  });

  it('payload formats: a=rtpmap for dynamic PTs, the RFC 3551 table for static ones without rtpmap', () => {
    const s = parseSdp(
      crlf(['v=0', 's=-', 'c=IN IP4 10.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 0 3 4 8 9 18 13 96 101 97', 'a=rtpmap:96 opus/48000/2', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15']),
    )!;
    const m = s.media[0]!;
    expect(m.payloads.map((p) => `${p.payloadType}:${p.name}/${p.clockRate}`)).toEqual([
      '0:PCMU/8000',
      '3:GSM/8000',
      '4:G723/8000',
      '8:PCMA/8000',
      '9:G722/8000',
      '18:G729/8000',
      '13:CN/8000',
      '96:opus/48000',
      '101:telephone-event/8000',
      '97:97/0',
    ]);
    expect(m.payloads[7]!.channels).toBe(2);
    expect(m.telephoneEventPt).toBe(101);
    expect(m.label).toBe('PCMU GSM G723 PCMA G722 G729 CN opus telephone-event 97');
    expect(staticPayload(9)?.clockRate).toBe(8000); // RFC 3551 §4.5.2
  });

  it('directions: media-level over session-level, default sendrecv; hold by direction or c=0.0.0.0', () => {
    const s = parseSdp(crlf(['v=0', 's=-', 'c=IN IP4 10.0.0.1', 't=0 0', 'a=sendonly', 'm=audio 4000 RTP/AVP 0', 'm=video 4002 RTP/AVP 31', 'a=recvonly']))!;
    expect(s.media.map((m) => m.direction)).toEqual(['sendonly', 'recvonly']);
    expect(s.hold).toBe(true);
    expect(s.media[0]!.label).toBe('PCMU sendonly');
    const plain = parseSdp(sdp('10.0.0.1', 4000))!;
    expect(plain.media[0]!.direction).toBe('sendrecv');
    expect(plain.hold).toBe(false);
    const inactive = parseSdp(sdp('10.0.0.1', 4000, [], '0', 'inactive'))!;
    expect(inactive.hold).toBe(true);
    const old = parseSdp(sdp('0.0.0.0', 4000))!;
    expect(old.media[0]!.holdAddress).toBe(true);
    expect(old.hold).toBe(true);
    expect(old.media[0]!.label).toContain('hold');
  });

  it('port 0 disables a stream (and does not count for hold)', () => {
    const s = parseSdp(crlf(['v=0', 's=-', 'c=IN IP4 10.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'm=video 0 RTP/AVP 31']))!;
    expect(s.media[1]!.disabled).toBe(true);
    expect(s.media[1]!.label).toBe('video H261 disabled');
    expect(s.hold).toBe(false);
  });

  it('RTCP: a=rtcp (RFC 3605) with and without address, default port+1, rtcp-mux', () => {
    const a = parseSdp(sdp('10.0.0.1', 4000, ['a=rtcp:5001 IN IP4 10.0.0.9']))!.media[0]!;
    expect([a.rtcpAddress, a.rtcpPort]).toEqual(['10.0.0.9', 5001]);
    const b = parseSdp(sdp('10.0.0.1', 4000, ['a=rtcp:4009']))!.media[0]!;
    expect([b.rtcpAddress, b.rtcpPort]).toEqual(['10.0.0.1', 4009]);
    const c = parseSdp(sdp('10.0.0.1', 4000))!.media[0]!;
    expect([c.rtcpAddress, c.rtcpPort, c.rtcpMux]).toEqual(['10.0.0.1', 4001, false]);
    const d = parseSdp(sdp('10.0.0.1', 4000, ['a=rtcp-mux']))!.media[0]!;
    expect([d.rtcpPort, d.rtcpMux]).toEqual([4000, true]);
  });

  it('SRTP (SAVP or a=crypto) and T.38 UDPTL', () => {
    const s = parseSdp(
      crlf([
        'v=0',
        's=-',
        'c=IN IP4 10.0.0.1',
        't=0 0',
        'm=audio 4000 RTP/SAVP 0',
        'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32',
        'm=image 4002 udptl t38',
        'a=T38FaxVersion:0',
      ]),
    )!;
    expect(s.media[0]!.srtp).toBe(true);
    expect(s.media[0]!.crypto).toBe(true);
    expect(s.media[0]!.isRtp).toBe(true);
    expect(s.media[1]!.isRtp).toBe(false);
    expect(s.media[1]!.protocol).toBe('udptl');
    expect(s.media[1]!.label).toBe('image t38');
    expect(s.label).toBe('PCMU SRTP | image t38');
  });

  it('m= with a port count is read (sdp-transform alone drops it)', () => {
    const s = parseSdp(crlf(['v=0', 's=-', 'c=IN IP4 224.2.1.1/127', 't=0 0', 'm=video 49170/2 RTP/AVP 31']))!;
    expect(s.media[0]!.port).toBe(49170);
    expect(s.media[0]!.address).toBe('224.2.1.1');
  });

  it('LF-only line ends are accepted', () => {
    const s = parseSdp('v=0\ns=-\nc=IN IP4 10.1.1.1\nt=0 0\nm=audio 7078 RTP/AVP 8\n')!;
    expect(s.media[0]!.address).toBe('10.1.1.1');
    expect(s.media[0]!.port).toBe(7078);
  });

  it('garbage is SDP_UNPARSABLE, a broken m= line SDP_BAD_MEDIA_LINE, never a throw', () => {
    const d = new DiagnosticCounter();
    expect(parseSdp('hello world', d.sink, 7)).toBeUndefined();
    expect(parseSdp('', d.sink)).toBeUndefined();
    expect(d.counts.get('SDP_UNPARSABLE')).toBe(2);
    const s = parseSdp(crlf(['v=0', 'm=audio port RTP/AVP 0', 'm=audio 4000 RTP/AVP 0']), d.sink)!;
    expect(s.media.length).toBe(1);
    expect(s.media[0]!.index).toBe(1);
    expect(d.counts.get('SDP_BAD_MEDIA_LINE')).toBe(1);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.array(fc.constantFrom('v=0', 'm=audio 1 RTP/AVP 0', 'c=IN IP6 ::', 'a=rtcp:', 'a=rtpmap:x', 'c=IN IP4 1.2.3.4/'), { maxLength: 8 }), (junk, lines) => {
        parseSdp(junk);
        parseSdp([...lines, junk].join('\r\n'));
      }),
    );
  });
});

describe('SDP in SIP messages', () => {
  it('application/sdp body, parsed once per message', () => {
    const m = sip({ startLine: 'INVITE sip:b@x SIP/2.0', cseq: '1 INVITE', src: '10.0.0.1', dst: '10.0.0.2', atMs: 0, body: sdp('10.0.0.1', 4000) });
    const a = sdpOfMessage(m);
    expect(a?.media[0]?.port).toBe(4000);
    expect(sdpOfMessage(m)).toBe(a);
  });

  it('multipart/mixed: the application/sdp part is found (SIP-I style)', () => {
    const body = [
      '--unique-boundary-1',
      'Content-Type: application/sdp',
      '',
      sdp('10.0.0.7', 30000).trimEnd(),
      '--unique-boundary-1',
      'Content-Type: application/ISUP; version=nxv3; base=etsi121',
      'Content-Disposition: signal; handling=optional',
      '',
      '\u0001\u0002\u0003',
      '--unique-boundary-1--',
      '',
    ].join('\r\n');
    const m = sip({ startLine: 'INVITE sip:b@x SIP/2.0', cseq: '1 INVITE', src: '10.0.0.1', dst: '10.0.0.2', atMs: 0, contentType: 'multipart/mixed;boundary="unique-boundary-1"', body });
    const s = sdpOfMessage(m)!;
    expect(s.media[0]!.address).toBe('10.0.0.7');
    expect(s.media[0]!.port).toBe(30000);
    const parts = multipartParts(Buffer.from(body), 'unique-boundary-1');
    expect(parts.map((p) => p.contentType)).toEqual(['application/sdp', 'application/ISUP; version=nxv3; base=etsi121']);
  });

  it('multipart where the SDP is the second part, LF-only', () => {
    const body = ['--b', 'Content-Type: text/plain', '', 'hi', '--b', 'Content-Type: application/sdp', '', 'v=0', 's=-', 'c=IN IP4 1.2.3.4', 't=0 0', 'm=audio 9 RTP/AVP 0', '--b--', ''].join('\n');
    const m = sip({ startLine: 'INVITE sip:b@x SIP/2.0', cseq: '1 INVITE', src: '10.0.0.1', dst: '10.0.0.2', atMs: 0, contentType: 'multipart/mixed; boundary=b', body });
    expect(sdpOfMessage(m)?.media[0]?.address).toBe('1.2.3.4');
  });

  it('non-SDP bodies have no SDP; garbage SDP is reported once', () => {
    const pidf = sip({ startLine: 'PUBLISH sip:b@x SIP/2.0', cseq: '1 PUBLISH', src: '10.0.0.1', dst: '10.0.0.2', atMs: 0, contentType: 'application/pidf+xml', body: '<presence/>' });
    expect(findSdpBody(pidf)).toBeUndefined();
    expect(sdpOfMessage(pidf)).toBeUndefined();
    const d = new DiagnosticCounter();
    const bad = sip({ startLine: 'INVITE sip:b@x SIP/2.0', cseq: '1 INVITE', src: '10.0.0.1', dst: '10.0.0.2', atMs: 0, body: 'not sdp at all' });
    expect(sdpOfMessage(bad, d.sink)).toBeUndefined();
    expect(sdpOfMessage(bad, d.sink)).toBeUndefined();
    expect(d.counts.get('SDP_UNPARSABLE')).toBe(1);
  });
});
