import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiagnosticCounter } from '../../src/core/diagnostics.js';
import { parseRtcpCompound, rtcpTypeName } from '../../src/core/rtp/rtcp.js';
import { classifyFirstByte, emptyRtpHeader, looksLikeRtcp, parseRtpHeader } from '../../src/core/rtp/rtp.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('RTP header (RFC 3550 §5.1)', () => {
  it('reads every fixed field', () => {
    // V=2 P=0 X=0 CC=0 | M=1 PT=8 | seq 0x1234 | ts 0xdeadbeef | ssrc 0x01020304 | 3 payload bytes
    const h = parseRtpHeader(hex('80 88 1234 deadbeef 01020304 aabbcc'))!;
    expect(h).toEqual({
      version: 2,
      padding: false,
      extension: false,
      csrcCount: 0,
      marker: true,
      payloadType: 8,
      sequence: 0x1234,
      timestamp: 0xdeadbeef,
      ssrc: 0x01020304,
      payloadOffset: 12,
      payloadLength: 3,
    });
  });

  it('CSRCs, header extension and padding move the payload', () => {
    // CC=2, X=1 (1 word), P=1 with 2 padding bytes
    const b = hex('b2 00 0001 00000001 00000002 aaaaaaaa bbbbbbbb bede0001 11223344 cafe 0002');
    const h = parseRtpHeader(b)!;
    expect(h.csrcCount).toBe(2);
    expect(h.extension).toBe(true);
    expect(h.padding).toBe(true);
    expect(h.payloadOffset).toBe(12 + 8 + 8);
    expect(h.payloadLength).toBe(2);
  });

  it('fills a reused header object', () => {
    const into = emptyRtpHeader();
    expect(parseRtpHeader(hex('80 00 0005 00000010 00000001'), undefined, undefined, into)).toBe(into);
    expect(into.sequence).toBe(5);
    expect(into.payloadLength).toBe(0);
  });

  it('bad input returns undefined with a named diagnostic', () => {
    const d = new DiagnosticCounter();
    expect(parseRtpHeader(hex('80 00 0001'), d.sink, 3)).toBeUndefined();
    expect(parseRtpHeader(hex('40 00 0001 00000000 00000000'), d.sink)).toBeUndefined();
    expect(parseRtpHeader(hex('8f 00 0001 00000000 00000000'), d.sink)).toBeUndefined(); // 15 CSRCs, none there
    expect(parseRtpHeader(hex('90 00 0001 00000000 00000000 bede00ff'), d.sink)).toBeUndefined(); // extension overruns
    expect(parseRtpHeader(hex('a0 00 0001 00000000 00000000 aa 09'), d.sink)).toBeUndefined(); // padding 9 > payload
    expect(d.toJSON()).toEqual({ RTP_BAD_LENGTH: 2, RTP_BAD_PADDING: 1, RTP_BAD_VERSION: 1, RTP_TOO_SHORT: 1 });
  });

  it('a packet cut by the snap length skips the padding check', () => {
    const cut = hex('a0 00 0001 00000000 00000000 aa 09');
    expect(parseRtpHeader(cut, undefined, undefined, undefined, true)?.payloadLength).toBe(2);
  });

  it('RFC 5761 §4 and RFC 7983 demultiplexing', () => {
    expect(looksLikeRtcp(hex('80 c8'))).toBe(true); // SR 200
    expect(looksLikeRtcp(hex('81 c9'))).toBe(true); // RR 201
    expect(looksLikeRtcp(hex('80 df'))).toBe(true); // 223
    expect(looksLikeRtcp(hex('80 e0'))).toBe(false); // marker + PT 96
    expect(looksLikeRtcp(hex('80 88'))).toBe(false); // marker + PCMA
    expect(looksLikeRtcp(hex('80'))).toBe(false);
    expect(classifyFirstByte(0x00)).toBe('stun');
    expect(classifyFirstByte(0x10)).toBe('zrtp');
    expect(classifyFirstByte(0x16)).toBe('dtls');
    expect(classifyFirstByte(0x40)).toBe('turn');
    expect(classifyFirstByte(0x80)).toBe('rtp');
    expect(classifyFirstByte(0xff)).toBe('other');
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (bytes, truncated) => {
        const d = new DiagnosticCounter();
        const h = parseRtpHeader(Buffer.from(bytes), d.sink, 1, undefined, truncated);
        if (h) {
          expect(h.payloadOffset + h.payloadLength).toBeLessThanOrEqual(bytes.length);
          expect(h.payloadLength).toBeGreaterThanOrEqual(0);
        } else expect(d.total()).toBe(1);
      }),
    );
  });
});

describe('RTCP compound packets (RFC 3550 §6)', () => {
  const SR =
    '81 c8 000c d2bd4e3e c59286d4 f645a1cb 00000280 00000004 00000280' + // header, sender info
    ' d2bd4e3e 01fffffe 00040004 00000010 86d4f645 00000001'; // one report block: fraction 1, lost -2
  const SDES = '81 ca 0007 d2bd4e3e 01 14' + Buffer.from('unknown@200.57.7.204').toString('hex') + ' 00 00';
  const BYE = '81 cb 0001 d2bd4e3e';

  it('SR with a report block + SDES CNAME + BYE', () => {
    const p = parseRtcpCompound(hex(SR + SDES + BYE));
    expect(p.map((x) => rtcpTypeName(x.packetType))).toEqual(['SR', 'SDES', 'BYE']);
    const sr = p[0]!;
    expect(sr.ssrc).toBe(0xd2bd4e3e);
    expect(sr.sender).toEqual({ ntpSec: 0xc59286d4, ntpFrac: 0xf645a1cb, rtpTimestamp: 640, packetCount: 4, octetCount: 640 });
    expect(sr.reports).toEqual([{ ssrc: 0xd2bd4e3e, fractionLost: 1, cumulativeLost: -2, highestSeq: 0x40004, jitter: 16, lastSr: 0x86d4f645, delaySinceLastSr: 1 }]);
    expect(p[1]!.cname).toBe('unknown@200.57.7.204');
    expect(p[2]!.sources).toEqual([0xd2bd4e3e]);
  });

  it('RR, APP, XR', () => {
    const rr = '81 c9 0007 11111111 22222222 00000003 0000ffff 00000020 00000000 00000000';
    const app = '80 cc 0002 11111111 ' + Buffer.from('TEST').toString('hex');
    const xr = '80 cf 0005 11111111 04 00 0002 00000001 00000002 07 00 0000';
    const p = parseRtcpCompound(hex(rr + app + xr));
    expect(p.map((x) => x.packetType)).toEqual([201, 204, 207]);
    expect(p[0]!.reports![0]!.cumulativeLost).toBe(3);
    expect(p[1]!.appName).toBe('TEST');
    expect(p[2]!.xrBlockTypes).toEqual([4, 7]);
  });

  it('a length that overruns stops the walk with RTCP_BAD_LENGTH and keeps what came before', () => {
    const d = new DiagnosticCounter();
    const p = parseRtcpCompound(hex(BYE + '81 c9 0010 11111111'), d.sink, 9);
    expect(p.length).toBe(1);
    expect(d.counts.get('RTCP_BAD_LENGTH')).toBe(1);
    // block count larger than the packet
    const d2 = new DiagnosticCounter();
    expect(parseRtcpCompound(hex('82 c9 0001 11111111'), d2.sink)).toEqual([]);
    expect(d2.counts.get('RTCP_BAD_LENGTH')).toBe(1);
    // version 1
    const d3 = new DiagnosticCounter();
    expect(parseRtcpCompound(hex('41 c9 0001 11111111'), d3.sink)).toEqual([]);
    expect(d3.counts.get('RTCP_BAD_VERSION')).toBe(1);
  });

  it('SRTCP: only the first header and sender SSRC are read', () => {
    const p = parseRtcpCompound(hex('80 c9 0001 abcdef01 99887766 5544 80000001 aabbccddeeff00112233'), undefined, undefined, true);
    expect(p).toEqual([{ packetType: 201, count: 0, length: 28, ssrc: 0xabcdef01 }]);
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.boolean(), (bytes, first) => {
        parseRtcpCompound(Buffer.from(bytes), () => {}, 1, first);
        // a plausible start exercises the packet readers
        const b = Buffer.from(bytes);
        if (b.length >= 2) {
          b[0] = 0x80 | (b[0]! & 0x3f);
          b[1] = 200 + (b[1]! % 8);
        }
        parseRtcpCompound(b, () => {}, 1);
      }),
    );
  });
});
