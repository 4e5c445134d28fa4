import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallCorrelator } from '../../src/core/correlate/correlator.js';
import { MAX_UNMATCHED_STREAMS, MediaRegistry } from '../../src/core/correlate/media-registry.js';
import { DiagnosticCounter } from '../../src/core/diagnostics.js';
import type { SipMessage } from '../../src/core/sip/types.js';
import { dtmf, rtp, sdp, sip, udp } from './helpers.js';

class Harness {
  readonly correlator = new CallCorrelator();
  readonly diags = new DiagnosticCounter();
  readonly registry: MediaRegistry;
  constructor(trackUnmatched = false) {
    this.registry = new MediaRegistry({ onDiagnostic: this.diags.sink, trackUnmatched });
  }
  msg(m: SipMessage): void {
    this.registry.onSipMessage(this.correlator.add(m));
  }
  /** `count` RTP packets, 20 ms apart from `atMs`. */
  media(src: string, srcPort: number, dst: string, dstPort: number, atMs: number, count: number, ssrc = 0xabc, pt = 0, seq0 = 1): void {
    for (let i = 0; i < count; i++) this.registry.onUdp(udp(src, srcPort, dst, dstPort, rtp({ seq: seq0 + i, ts: (seq0 + i) * 160, ssrc, pt }), atMs + 20 * i));
  }
  callIdOf(callIndex: number | undefined): string | undefined {
    return callIndex === undefined ? undefined : this.correlator.call(callIndex)?.callId;
  }
}

/** INVITE with SDP from A, 200 with SDP from B, ACK. */
function basicCall(h: Harness, callId: string, a: [string, number], b: [string, number], atMs: number): void {
  h.msg(sip({ startLine: 'INVITE sip:b@x SIP/2.0', callId, cseq: '1 INVITE', src: a[0], dst: b[0], atMs, body: sdp(a[0], a[1]) }));
  h.msg(sip({ startLine: 'SIP/2.0 200 OK', callId, cseq: '1 INVITE', toTag: 'tt', src: b[0], dst: a[0], atMs: atMs + 10, body: sdp(b[0], b[1], [], '0 101') }));
  h.msg(sip({ startLine: 'ACK sip:b@x SIP/2.0', callId, cseq: '1 ACK', toTag: 'tt', src: a[0], dst: b[0], atMs: atMs + 20 }));
}

describe('MediaRegistry: SDP endpoints → RTP streams of calls', () => {
  it('both directions of a call land in that call, codec from the SDP', () => {
    const h = new Harness();
    basicCall(h, 'c1', ['10.0.0.1', 4000], ['10.0.0.2', 5000], 0);
    h.media('10.0.0.1', 4000, '10.0.0.2', 5000, 100, 50, 0x1);
    h.media('10.0.0.2', 5000, '10.0.0.1', 4000, 100, 40, 0x2);
    const s = h.registry.streams();
    expect(s.map((x) => [x.id, x.ssrc, x.src, x.dst, x.packets, x.codec, h.callIdOf(x.callIndex), x.matchedBy])).toEqual([
      [1, 1, '10.0.0.1:4000', '10.0.0.2:5000', 50, 'PCMU/8000', 'c1', 'dst'],
      [2, 2, '10.0.0.2:5000', '10.0.0.1:4000', 40, 'PCMU/8000', 'c1', 'dst'],
    ]);
    expect(h.registry.streamsOfCall(1)).toEqual(s);
    expect(h.registry.streamsOfCall(2)).toEqual([]);
    expect(h.registry.mediaCountsOfCall(1)).toEqual({ rtpPackets: 90, rtcpPackets: 0, otherPackets: 0 });
    expect(h.diags.total()).toBe(0);
  });

  it('matches by address AND port, never by port alone', () => {
    const h = new Harness();
    basicCall(h, 'c1', ['10.0.0.1', 4000], ['10.0.0.2', 5000], 0);
    h.media('10.9.9.9', 4000, '10.9.9.8', 5000, 100, 5);
    expect(h.registry.streams()).toEqual([]);
  });

  it('a port reused by a later call belongs to that call from its SDP on', () => {
    const h = new Harness();
    basicCall(h, 'c1', ['10.0.0.1', 4000], ['10.0.0.2', 5000], 0);
    h.media('10.0.0.1', 4000, '10.0.0.2', 5000, 100, 10, 0x1);
    // call 2, later, announces the same B endpoint (and a new A side)
    basicCall(h, 'c2', ['10.0.0.7', 4100], ['10.0.0.2', 5000], 1000);
    h.media('10.0.0.7', 4100, '10.0.0.2', 5000, 1100, 10, 0x7);
    // c1's old sender still talking to the endpoint now owned by c2: same 5-tuple + SSRC, other call
    h.media('10.0.0.1', 4000, '10.0.0.2', 5000, 1300, 3, 0x1, 0, 11);
    const s = h.registry.streams();
    expect(s.map((x) => [x.ssrc, x.src, h.callIdOf(x.callIndex), x.packets])).toEqual([
      [1, '10.0.0.1:4000', 'c1', 10],
      [7, '10.0.0.7:4100', 'c2', 10],
      [1, '10.0.0.1:4000', 'c2', 3],
    ]);
    expect(h.registry.endpointAt('10.0.0.2', 5000)?.callIndex).toBe(2);
    expect(h.registry.endpointAt('10.0.0.1', 4000)?.callIndex).toBe(1);
  });

  it('symmetric RTP / NAT: packets from an announced endpoint to an unannounced address are matched by source', () => {
    const h = new Harness();
    // A announces a private address; its packets come from the NAT's public address
    basicCall(h, 'c1', ['192.168.1.10', 4000], ['10.0.0.2', 5000], 0);
    h.media('203.0.113.5', 30000, '10.0.0.2', 5000, 100, 5, 0xa);
    h.media('10.0.0.2', 5000, '203.0.113.5', 30000, 100, 5, 0xb);
    const s = h.registry.streams();
    expect(s.map((x) => [x.ssrc, x.matchedBy, h.callIdOf(x.callIndex)])).toEqual([
      [0xa, 'dst', 'c1'],
      [0xb, 'src', 'c1'],
    ]);
  });

  it('RTCP on port+1 (and a=rtcp-mux on the RTP port) with report blocks attached to the stream they describe', () => {
    const h = new Harness();
    h.msg(sip({ startLine: 'INVITE sip:b@x SIP/2.0', callId: 'c1', cseq: '1 INVITE', src: '10.0.0.1', dst: '10.0.0.2', atMs: 0, body: sdp('10.0.0.1', 4000, ['a=rtcp-mux']) }));
    h.msg(sip({ startLine: 'SIP/2.0 200 OK', callId: 'c1', cseq: '1 INVITE', toTag: 't', src: '10.0.0.2', dst: '10.0.0.1', atMs: 10, body: sdp('10.0.0.2', 5000) }));
    h.media('10.0.0.1', 4000, '10.0.0.2', 5000, 100, 10, 0x1);
    h.media('10.0.0.2', 5000, '10.0.0.1', 4000, 100, 10, 0x2);
    // B reports (from its RTCP port 5001 to A's muxed port 4000) about A's stream 0x1: 2 lost, jitter 80 units = 10 ms
    const rr = Buffer.from('81c90007' + '00000002' + '00000001' + '02000002' + '0000000a' + '00000050' + '00000000' + '00000000', 'hex');
    h.registry.onUdp(udp('10.0.0.2', 5001, '10.0.0.1', 4000, rr, 400));
    // A reports to B's port+1 with an SR about 0x2
    const sr = Buffer.from('81c8000c' + '00000001' + '0'.repeat(40) + '00000002' + '00000000' + '0000000a' + '00000008' + '00000000' + '00000000', 'hex');
    h.registry.onUdp(udp('10.0.0.1', 4000, '10.0.0.2', 5001, sr, 410));
    const [a, b] = h.registry.streams();
    expect(a!.rtcp).toEqual([{ frame: expect.any(Number), ts: expect.any(Object), type: 'RR', reporterSsrc: 2, fractionLost: 2, cumulativeLost: 2, highestSeq: 10, jitterMs: 10 }]);
    expect(b!.rtcp.map((r) => [r.type, r.reporterSsrc, r.jitterMs])).toEqual([['SR', 1, 1]]);
    expect(h.registry.stats.rtcpPackets).toBe(2);
    expect(h.registry.mediaCountsOfCall(1)?.rtcpPackets).toBe(2);
  });

  it('a=rtcp with an address (RFC 3605) registers that endpoint', () => {
    const h = new Harness();
    h.msg(sip({ startLine: 'INVITE sip:b@x SIP/2.0', callId: 'c1', cseq: '1 INVITE', src: '10.0.0.1', dst: '10.0.0.2', atMs: 0, body: sdp('10.0.0.1', 4000, ['a=rtcp:6001 IN IP4 10.0.0.99']) }));
    expect(h.registry.endpointAt('10.0.0.99', 6001)?.kind).toBe('rtcp');
    expect(h.registry.endpointAt('10.0.0.1', 4001)).toBeUndefined();
  });

  it('STUN/ZRTP on a media port are set aside quietly; a non-v2 octet is RTP_BAD_VERSION', () => {
    const h = new Harness();
    basicCall(h, 'c1', ['10.0.0.1', 4000], ['10.0.0.2', 5000], 0);
    h.registry.onUdp(udp('10.0.0.1', 4000, '10.0.0.2', 5000, Buffer.from('000100002112a442000000000000000000000000', 'hex'), 50));
    h.registry.onUdp(udp('10.0.0.1', 4000, '10.0.0.2', 5000, Buffer.from('10000000', 'hex'), 51));
    h.registry.onUdp(udp('10.0.0.1', 4000, '10.0.0.2', 5000, Buffer.from('ffffffff', 'hex'), 52));
    expect(h.registry.stats.otherMediaPackets).toBe(2);
    expect(h.diags.toJSON()).toEqual({ RTP_BAD_VERSION: 1 });
    expect(h.registry.streams()).toEqual([]);
  });

  it('T.38 (m=image udptl) takes the port over: fax packets are not RTP', () => {
    const h = new Harness();
    basicCall(h, 'c1', ['10.0.0.1', 4000], ['10.0.0.2', 5000], 0);
    const t38 = ['v=0', 's=-', 'c=IN IP4 10.0.0.2', 't=0 0', 'm=image 5000 udptl t38', ''].join('\r\n');
    h.msg(sip({ startLine: 'INVITE sip:a@x SIP/2.0', callId: 'c1', cseq: '2 INVITE', fromTag: 'tt', toTag: 'ft', src: '10.0.0.2', dst: '10.0.0.1', atMs: 500, body: t38 }));
    h.registry.onUdp(udp('10.0.0.1', 4000, '10.0.0.2', 5000, Buffer.from('8000000100000000000000010203', 'hex'), 600));
    expect(h.registry.endpointAt('10.0.0.2', 5000)?.kind).toBe('other');
    expect(h.registry.streams()).toEqual([]);
    expect(h.registry.mediaCountsOfCall(1)?.otherPackets).toBe(1);
  });

  it('port 0, c=0.0.0.0 and the SDP of an error response register nothing', () => {
    const h = new Harness();
    h.msg(sip({ startLine: 'INVITE sip:b@x SIP/2.0', callId: 'c1', cseq: '1 INVITE', src: '10.0.0.1', dst: '10.0.0.2', atMs: 0, body: sdp('10.0.0.1', 0) }));
    h.msg(sip({ startLine: 'INVITE sip:b@x SIP/2.0', callId: 'c2', cseq: '1 INVITE', src: '10.0.0.1', dst: '10.0.0.2', atMs: 0, body: sdp('0.0.0.0', 4000) }));
    h.msg(sip({ startLine: 'SIP/2.0 488 Not Acceptable Here', callId: 'c2', cseq: '1 INVITE', toTag: 'x', src: '10.0.0.2', dst: '10.0.0.1', atMs: 5, body: sdp('10.0.0.2', 5000) }));
    expect(h.registry.endpointAt('10.0.0.1', 0)).toBeUndefined();
    expect(h.registry.endpointAt('0.0.0.0', 4000)).toBeUndefined();
    expect(h.registry.endpointAt('10.0.0.2', 5000)).toBeUndefined();
  });

  it('telephone-event PT comes from the SDP: digits are counted per stream', () => {
    const h = new Harness();
    basicCall(h, 'c1', ['10.0.0.1', 4000], ['10.0.0.2', 5000], 0);
    let seq = 1;
    for (const ev of [1, 10, 11, 15]) {
      for (let r = 0; r < 4; r++) {
        const p = rtp({ seq: seq++, ts: ev * 10000, ssrc: 5, pt: 101, marker: r === 0, payload: dtmf(ev, r >= 1, 400) });
        h.registry.onUdp(udp('10.0.0.1', 4000, '10.0.0.2', 5000, p, 100 + seq * 20));
      }
    }
    expect(h.registry.streams()[0]!.events).toBe('1*#D');
  });

  it('IPv6 endpoints match the packet text form', () => {
    const h = new Harness();
    h.msg(sip({ startLine: 'INVITE sip:b@x SIP/2.0', callId: 'v6', cseq: '1 INVITE', src: '2001:db8::1', dst: '2001:db8::2', atMs: 0, body: sdp('2001:DB8:0::1', 4000) }));
    h.media('2001:db8::2', 5000, '2001:db8::1', 4000, 100, 3);
    const s = h.registry.streams()[0]!;
    expect([s.dst, s.ipVersion, h.callIdOf(s.callIndex)]).toEqual(['[2001:db8::1]:4000', 6, 'v6']);
  });
});

describe('MediaRegistry: unmatched RTP (opt-in)', () => {
  it('is ignored by default', () => {
    const h = new Harness();
    h.media('10.1.1.1', 20000, '10.1.1.2', 30000, 0, 5);
    expect(h.registry.streams()).toEqual([]);
  });

  it('with trackUnmatched: high even ports only, then adopted when an SDP announces an end', () => {
    const h = new Harness(true);
    h.media('10.1.1.1', 20000, '10.1.1.2', 30000, 0, 5, 0x55);
    h.media('10.1.1.1', 20000, '10.1.1.2', 30001, 0, 5, 0x56); // odd destination port: RTCP by convention
    h.media('10.1.1.1', 53, '10.1.1.2', 30002, 0, 5, 0x57); // well-known source port
    expect(h.registry.streams().map((s) => [s.ssrc, s.callIndex])).toEqual([[0x55, undefined]]);
    h.msg(sip({ startLine: 'INVITE sip:b@x SIP/2.0', callId: 'late', cseq: '1 INVITE', src: '10.1.1.2', dst: '10.1.1.1', atMs: 500, body: sdp('10.1.1.2', 30000) }));
    h.media('10.1.1.1', 20000, '10.1.1.2', 30000, 600, 5, 0x55, 0, 6);
    const s = h.registry.streams();
    expect(s.length).toBe(1);
    expect([s[0]!.packets, h.callIdOf(s[0]!.callIndex), s[0]!.lost]).toEqual([10, 'late', 0]);
  });

  it('is capped at MAX_UNMATCHED_STREAMS', () => {
    const h = new Harness(true);
    for (let i = 0; i < MAX_UNMATCHED_STREAMS + 10; i++) h.registry.onUdp(udp('10.1.1.1', 20000, '10.1.1.2', 30000, rtp({ seq: 1, ts: 0, ssrc: i }), i));
    expect(h.registry.streams().length).toBe(MAX_UNMATCHED_STREAMS);
  });
});

describe('offer/answer per call (RFC 3264)', () => {
  it('INVITE offer / 200 answer, then a re-INVITE putting the call on hold, a 488 rejected T.38 offer, an UPDATE', () => {
    const h = new Harness();
    basicCall(h, 'c1', ['10.0.0.1', 4000], ['10.0.0.2', 5000], 0);
    h.msg(sip({ startLine: 'INVITE sip:b@x SIP/2.0', callId: 'c1', cseq: '2 INVITE', toTag: 'tt', src: '10.0.0.1', dst: '10.0.0.2', atMs: 1000, body: sdp('10.0.0.1', 4000, [], '0', 'sendonly') }));
    h.msg(sip({ startLine: 'SIP/2.0 200 OK', callId: 'c1', cseq: '2 INVITE', toTag: 'tt', src: '10.0.0.2', dst: '10.0.0.1', atMs: 1010, body: sdp('10.0.0.2', 5000, [], '0', 'recvonly') }));
    const t38 = ['v=0', 's=-', 'c=IN IP4 10.0.0.1', 't=0 0', 'm=image 4000 udptl t38', ''].join('\r\n');
    h.msg(sip({ startLine: 'INVITE sip:b@x SIP/2.0', callId: 'c1', cseq: '3 INVITE', toTag: 'tt', src: '10.0.0.1', dst: '10.0.0.2', atMs: 2000, body: t38 }));
    h.msg(sip({ startLine: 'SIP/2.0 488 Not Acceptable Here', callId: 'c1', cseq: '3 INVITE', toTag: 'tt', src: '10.0.0.2', dst: '10.0.0.1', atMs: 2010 }));
    h.msg(sip({ startLine: 'UPDATE sip:b@x SIP/2.0', callId: 'c1', cseq: '4 UPDATE', toTag: 'tt', src: '10.0.0.1', dst: '10.0.0.2', atMs: 3000, body: sdp('10.0.0.1', 4000) }));
    h.msg(sip({ startLine: 'SIP/2.0 200 OK', callId: 'c1', cseq: '4 UPDATE', toTag: 'tt', src: '10.0.0.2', dst: '10.0.0.1', atMs: 3010, body: sdp('10.0.0.2', 5000) }));
    const n = h.registry.negotiationsOfCall(1);
    expect(n.map((x) => [x.method, x.cseqNumber, x.offer.carrier, x.answer?.carrier, x.state, x.renegotiation, x.hold, x.rejectCode])).toEqual([
      ['INVITE', 1, 'INVITE', '200', 'answered', false, false, undefined],
      ['INVITE', 2, 'INVITE', '200', 'answered', true, true, undefined],
      ['INVITE', 3, 'INVITE', undefined, 'rejected', true, false, 488],
      ['UPDATE', 4, 'UPDATE', '200', 'answered', true, false, undefined],
    ]);
    expect(n[0]!.offer.session.label).toBe('PCMU PCMA telephone-event');
  });

  it('late offer: INVITE without SDP, offer in the 200, answer in the ACK', () => {
    const h = new Harness();
    h.msg(sip({ startLine: 'INVITE sip:b@x SIP/2.0', callId: 'c1', cseq: '1 INVITE', src: '10.0.0.1', dst: '10.0.0.2', atMs: 0 }));
    h.msg(sip({ startLine: 'SIP/2.0 200 OK', callId: 'c1', cseq: '1 INVITE', toTag: 't', src: '10.0.0.2', dst: '10.0.0.1', atMs: 10, body: sdp('10.0.0.2', 5000) }));
    h.msg(sip({ startLine: 'ACK sip:b@x SIP/2.0', callId: 'c1', cseq: '1 ACK', toTag: 't', src: '10.0.0.1', dst: '10.0.0.2', atMs: 20, body: sdp('10.0.0.1', 4000) }));
    const [n] = h.registry.negotiationsOfCall(1);
    expect([n!.lateOffer, n!.offer.carrier, n!.answer?.carrier, n!.state]).toEqual([true, '200', 'ACK', 'answered']);
    // the ACK's SDP registered A's endpoint
    expect(h.registry.endpointAt('10.0.0.1', 4000)?.callIndex).toBe(1);
  });

  it('early answer in 183 then final answer in 200; forked 183s are separate exchanges', () => {
    const h = new Harness();
    h.msg(sip({ startLine: 'INVITE sip:b@x SIP/2.0', callId: 'c1', cseq: '1 INVITE', src: '10.0.0.1', dst: '10.0.0.2', atMs: 0, body: sdp('10.0.0.1', 4000) }));
    h.msg(sip({ startLine: 'SIP/2.0 183 Session Progress', callId: 'c1', cseq: '1 INVITE', toTag: 'fork1', src: '10.0.0.2', dst: '10.0.0.1', atMs: 10, body: sdp('10.0.0.2', 5000) }));
    h.msg(sip({ startLine: 'SIP/2.0 183 Session Progress', callId: 'c1', cseq: '1 INVITE', toTag: 'fork2', src: '10.0.0.3', dst: '10.0.0.1', atMs: 15, body: sdp('10.0.0.3', 6000) }));
    h.msg(sip({ startLine: 'SIP/2.0 200 OK', callId: 'c1', cseq: '1 INVITE', toTag: 'fork1', src: '10.0.0.2', dst: '10.0.0.1', atMs: 20, body: sdp('10.0.0.2', 5002) }));
    const n = h.registry.negotiationsOfCall(1);
    expect(n.length).toBe(2);
    expect([n[0]!.earlyAnswer?.carrier, n[0]!.answer?.carrier, n[0]!.answer?.session.media[0]?.port]).toEqual(['183', '200', 5002]);
    expect([n[1]!.answer?.carrier, n[1]!.answer?.src]).toEqual(['183', '10.0.0.3:5060']);
    expect(n[0]!.dialogIndex).not.toBe(n[1]!.dialogIndex);
    expect(n[1]!.offer).toBe(n[0]!.offer);
  });

  it('retransmissions neither renegotiate nor re-register', () => {
    const h = new Harness();
    const invite = (at: number): SipMessage => sip({ startLine: 'INVITE sip:b@x SIP/2.0', callId: 'c1', cseq: '1 INVITE', branch: 'z9hG4bKsame', src: '10.0.0.1', dst: '10.0.0.2', atMs: at, body: sdp('10.0.0.1', 4000) });
    h.msg(invite(0));
    h.msg(invite(500));
    expect(h.registry.negotiationsOfCall(1).length).toBe(1);
  });
});

describe('MediaRegistry: robustness', () => {
  it('never throws on random datagrams to, from or beside announced endpoints (RTP, RTCP, mux, SRTP)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ bytes: fc.uint8Array({ maxLength: 64 }), dir: fc.integer({ min: 0, max: 3 }), v2: fc.boolean(), rtcpType: fc.boolean() }), { maxLength: 60 }),
        (packets) => {
          const h = new Harness(true);
          h.msg(sip({ startLine: 'INVITE sip:b@x SIP/2.0', callId: 'c1', cseq: '1 INVITE', src: '10.0.0.1', dst: '10.0.0.2', atMs: 0, body: sdp('10.0.0.1', 4000, ['a=rtcp-mux', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:x']) }));
          h.msg(sip({ startLine: 'SIP/2.0 200 OK', callId: 'c1', cseq: '1 INVITE', toTag: 't', src: '10.0.0.2', dst: '10.0.0.1', atMs: 5, body: sdp('10.0.0.2', 5000) }));
          packets.forEach((p, i) => {
            const b = Buffer.from(p.bytes);
            if (p.v2 && b.length > 0) b[0] = 0x80 | (b[0]! & 0x3f);
            if (p.rtcpType && b.length > 1) b[1] = 200 + (b[1]! % 8);
            const ends: [string, number, string, number][] = [
              ['10.0.0.2', 5000, '10.0.0.1', 4000],
              ['10.0.0.1', 4000, '10.0.0.2', 5000],
              ['10.0.0.1', 4001, '10.0.0.2', 5001],
              ['10.9.9.9', 20000, '10.9.9.8', 30000],
            ];
            const [sa, sp, da, dp] = ends[p.dir]!;
            h.registry.onUdp(udp(sa, sp, da, dp, b, 10 + i));
          });
          for (const s of h.registry.streams()) {
            expect(s.lost).toBe(s.expected - s.packets);
            expect(Number.isFinite(s.maxJitterMs)).toBe(true);
          }
        },
      ),
    );
  });
});
