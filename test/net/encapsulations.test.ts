import { describe, expect, it } from 'vitest';
import { linkTypeSupported } from '../../src/core/net/net-decoder.js';
import { brief, decodeAll } from './decode-helpers.js';
import {
  ethernet,
  ext6,
  frag6,
  gre,
  hex,
  ipv4,
  ipv6,
  pppoe,
  record,
  SIP,
  SIP_UDP,
  sctp,
  sctpChunk,
  sctpData,
  sll1,
  sll2,
  tcp,
  udp,
  vlanTag,
} from './packet-builders.js';

const V4 = ipv4('10.0.0.1', '10.0.0.2', 17, SIP_UDP);
const V4_BRIEF = `udp 10.0.0.1:5060 > 10.0.0.2:5070 ${SIP.length}`;
const V6 = ipv6('2001:db8::1', '2001:db8::2', 17, SIP_UDP);
const V6_BRIEF = `udp 2001:db8::1:5060 > 2001:db8::2:5070 ${SIP.length}`;

function one(linkType: number, data: Buffer): string[] {
  const { segs, diags } = decodeAll([record(linkType, data)]);
  expect(diags).toEqual([]);
  return segs.map(brief);
}

describe('link layers', () => {
  it('Ethernet II with IPv4 and IPv6', () => {
    expect(one(1, ethernet(0x0800, V4))).toEqual([V4_BRIEF]);
    expect(one(1, ethernet(0x86dd, V6))).toEqual([V6_BRIEF]);
  });

  it('segment fields: frame, timestamps, payload bytes, file offset', () => {
    const { segs } = decodeAll([record(1, ethernet(0x0800, V4), 7, 1234, { tsNsec: 5 })]);
    expect(segs).toHaveLength(1);
    const s = segs[0]!;
    expect(s.frame).toBe(7);
    expect(s.tsSec).toBe(1234);
    expect(s.tsNsec).toBe(5);
    expect(s.ipVersion).toBe(4);
    expect(s.fileOffset).toBe(700);
    expect(s.payload.equals(SIP)).toBe(true);
    expect(s.truncated).toBeUndefined();
    expect(s.fragmentFrames).toBeUndefined();
  });

  it('802.1Q, QinQ 802.1ad and 0x9100 tags at any depth', () => {
    expect(one(1, ethernet(0x8100, Buffer.concat([vlanTag(100, 0x0800), V4])))).toEqual([V4_BRIEF]);
    const qinq = Buffer.concat([vlanTag(200, 0x8100), vlanTag(100, 0x0800), V4]);
    expect(one(1, ethernet(0x88a8, qinq))).toEqual([V4_BRIEF]);
    const triple = Buffer.concat([vlanTag(1, 0x88a8), vlanTag(2, 0x8100), vlanTag(3, 0x86dd), V6]);
    expect(one(1, ethernet(0x9100, triple))).toEqual([V6_BRIEF]);
  });

  it('802.3 length + LLC/SNAP carrying IPv4; STP over LLC is skipped quietly', () => {
    const snap = Buffer.concat([hex('aa aa 03 00 00 00 08 00'), V4]);
    expect(one(1, ethernet(snap.length, snap))).toEqual([V4_BRIEF]);
    const stp = hex('42 42 03 00 00 00 00 00 00 00 00 00');
    expect(one(1, ethernet(stp.length, stp))).toEqual([]);
  });

  it('ARP and LLDP are skipped quietly; an unknown EtherType is reported once', () => {
    expect(one(1, ethernet(0x0806, Buffer.alloc(28)))).toEqual([]);
    expect(one(1, ethernet(0x88cc, Buffer.alloc(20)))).toEqual([]);
    const { codes } = decodeAll([record(1, ethernet(0x1234, V4)), record(1, ethernet(0x1234, V4), 2)]);
    expect(codes).toEqual(['ETHERTYPE_UNSUPPORTED']);
  });

  it('Ethernet padding after a short IPv4 packet is trimmed by the total length', () => {
    const small = ipv4('10.0.0.1', '10.0.0.2', 17, udp(1, 2, Buffer.from('ab')));
    const { segs } = decodeAll([record(1, ethernet(0x0800, Buffer.concat([small, Buffer.alloc(16, 0xee)])))]);
    expect(segs[0]!.payload.toString()).toBe('ab');
  });

  it('PPPoE session with PPP IPv4 and IPv6', () => {
    expect(one(1, ethernet(0x8864, pppoe(Buffer.concat([hex('00 21'), V4]))))).toEqual([V4_BRIEF]);
    expect(one(1, ethernet(0x8864, pppoe(Buffer.concat([hex('00 57'), V6]))))).toEqual([V6_BRIEF]);
    // VLAN then PPPoE
    expect(one(1, ethernet(0x8100, Buffer.concat([vlanTag(7, 0x8864), pppoe(Buffer.concat([hex('00 21'), V4]))])))).toEqual([V4_BRIEF]);
  });

  it('PPPoE length bounds the PPP payload (trailing padding dropped)', () => {
    const frame = ethernet(0x8864, Buffer.concat([pppoe(Buffer.concat([hex('00 21'), V4])), Buffer.alloc(10)]));
    expect(one(1, frame)).toEqual([V4_BRIEF]);
  });

  it('PPP link types: with and without ff03, protocol-field compression; LCP skipped', () => {
    expect(one(9, Buffer.concat([hex('ff 03 00 21'), V4]))).toEqual([V4_BRIEF]);
    expect(one(9, Buffer.concat([hex('00 21'), V4]))).toEqual([V4_BRIEF]);
    expect(one(9, Buffer.concat([hex('21'), V4]))).toEqual([V4_BRIEF]);
    expect(one(50, Buffer.concat([hex('ff 03 57'), V6]))).toEqual([V6_BRIEF]);
    expect(one(9, Buffer.concat([hex('ff 03 c0 21 01 01 00 04')]))).toEqual([]);
    expect(one(51, pppoe(Buffer.concat([hex('00 21'), V4])))).toEqual([V4_BRIEF]);
  });

  it('Linux cooked v1 and v2, with a VLAN tag after the cooked header', () => {
    expect(one(113, sll1(0x0800, V4))).toEqual([V4_BRIEF]);
    expect(one(113, sll1(0x86dd, V6))).toEqual([V6_BRIEF]);
    expect(one(276, sll2(0x0800, V4))).toEqual([V4_BRIEF]);
    expect(one(113, sll1(0x8100, Buffer.concat([vlanTag(100, 0x0800), V4])))).toEqual([V4_BRIEF]);
    expect(one(276, sll2(0x8100, Buffer.concat([vlanTag(100, 0x86dd), V6])))).toEqual([V6_BRIEF]);
  });

  it('BSD NULL in both byte orders and all AF_INET6 values; LOOP in network order', () => {
    expect(one(0, Buffer.concat([hex('02 00 00 00'), V4]))).toEqual([V4_BRIEF]);
    expect(one(0, Buffer.concat([hex('00 00 00 02'), V4]))).toEqual([V4_BRIEF]);
    for (const af of [24, 28, 30]) {
      const le = Buffer.alloc(4);
      le.writeUInt32LE(af);
      const be = Buffer.alloc(4);
      be.writeUInt32BE(af);
      expect(one(0, Buffer.concat([le, V6]))).toEqual([V6_BRIEF]);
      expect(one(0, Buffer.concat([be, V6]))).toEqual([V6_BRIEF]);
      expect(one(108, Buffer.concat([be, V6]))).toEqual([V6_BRIEF]);
    }
    expect(one(108, Buffer.concat([hex('00 00 00 02'), V4]))).toEqual([V4_BRIEF]);
    expect(decodeAll([record(0, Buffer.concat([hex('07 00 00 00'), V4]))]).codes).toEqual(['NULL_FAMILY_UNSUPPORTED']);
  });

  it('raw IP link types 101, 12, 14 sniff the version; 228 is IPv4; 229 is IPv6', () => {
    for (const lt of [101, 12, 14]) {
      expect(one(lt, V4)).toEqual([V4_BRIEF]);
      expect(one(lt, V6)).toEqual([V6_BRIEF]);
    }
    expect(one(228, V4)).toEqual([V4_BRIEF]);
    expect(one(229, V6)).toEqual([V6_BRIEF]);
  });

  it('Cisco HDLC and MPLS', () => {
    expect(one(104, Buffer.concat([hex('0f 00 08 00'), V4]))).toEqual([V4_BRIEF]);
    const labels = hex('00 01 00 40 00 02 01 40'); // two labels, second has bottom-of-stack
    expect(one(1, ethernet(0x8847, Buffer.concat([labels, V6])))).toEqual([V6_BRIEF]);
  });

  it('unknown link type: reported once, nothing emitted', () => {
    const { segs, codes } = decodeAll([record(147, V4), record(147, V4, 2)]);
    expect(segs).toEqual([]);
    expect(codes).toEqual(['LINK_UNSUPPORTED']);
    expect(linkTypeSupported(147)).toBe(false);
    for (const lt of [0, 1, 9, 12, 14, 50, 51, 101, 104, 108, 113, 228, 229, 276]) expect(linkTypeSupported(lt)).toBe(true);
  });
});

describe('IP layer', () => {
  it('IPv4 options are skipped by the IHL', () => {
    const withOpts = ipv4('10.0.0.1', '10.0.0.2', 17, SIP_UDP, { options: hex('01 01 01 00') });
    expect(one(101, withOpts)).toEqual([V4_BRIEF]);
  });

  it('IPv4 total length 0 (TSO capture) uses the captured length', () => {
    expect(one(101, ipv4('10.0.0.1', '10.0.0.2', 17, SIP_UDP, { totalLength: 0 }))).toEqual([V4_BRIEF]);
  });

  it('IPv6 hop-by-hop + destination options + routing before UDP', () => {
    const chain = Buffer.concat([ext6(60, 1), ext6(43, 2), ext6(17, 1), SIP_UDP]);
    expect(one(101, ipv6('2001:db8::1', '2001:db8::2', 0, chain))).toEqual([V6_BRIEF]);
  });

  it('IPv6 AH is skipped; ESP and no-next-header stop quietly', () => {
    const ah = Buffer.alloc(24);
    ah[0] = 17;
    ah[1] = 4; // (4 + 2) * 4 = 24 bytes
    expect(one(101, ipv6('2001:db8::1', '2001:db8::2', 51, Buffer.concat([ah, SIP_UDP])))).toEqual([V6_BRIEF]);
    expect(one(101, ipv6('2001:db8::1', '2001:db8::2', 50, Buffer.concat([Buffer.alloc(8), SIP_UDP])))).toEqual([]);
    expect(one(101, ipv6('2001:db8::1', '2001:db8::2', 59, SIP_UDP))).toEqual([]);
  });

  it('IPv4 AH is skipped', () => {
    const ah = Buffer.alloc(24);
    ah[0] = 17;
    ah[1] = 4;
    expect(one(101, ipv4('10.0.0.1', '10.0.0.2', 51, Buffer.concat([ah, SIP_UDP])))).toEqual([V4_BRIEF]);
  });

  it('IPv6 atomic fragment (offset 0, M=0) is decoded directly', () => {
    const rest = Buffer.concat([frag6(17, 0, false, 9), SIP_UDP]);
    expect(one(101, ipv6('2001:db8::1', '2001:db8::2', 44, rest))).toEqual([V6_BRIEF]);
  });

  it('IPv6 hop-by-hop + destination options + fragment header, two fragments', () => {
    const dgram = SIP_UDP;
    const cut = 16;
    const f1 = ipv6('2001:db8::1', '2001:db8::2', 0, Buffer.concat([ext6(60), ext6(44), frag6(17, 0, true, 77), dgram.subarray(0, cut)]));
    const f2 = ipv6('2001:db8::1', '2001:db8::2', 0, Buffer.concat([ext6(60), ext6(44), frag6(17, cut, false, 77), dgram.subarray(cut)]));
    const { segs, diags } = decodeAll([record(101, f2, 1), record(101, f1, 2)]);
    expect(diags).toEqual([]);
    expect(segs.map(brief)).toEqual([V6_BRIEF]);
    expect(segs[0]!.frame).toBe(2);
    expect(segs[0]!.fragmentFrames).toEqual([1, 2]);
    expect(segs[0]!.payload.equals(SIP)).toBe(true);
  });

  it('ICMP and ICMPv6 errors quoting SIP are not decoded', () => {
    const quoted = ipv4('10.0.0.2', '10.0.0.1', 17, SIP_UDP);
    const icmp = Buffer.concat([hex('03 03 00 00 00 00 00 00'), quoted]);
    expect(one(101, ipv4('10.0.0.1', '10.0.0.2', 1, icmp))).toEqual([]);
    const icmp6 = Buffer.concat([hex('01 04 00 00 00 00 00 00'), V6]);
    expect(one(101, ipv6('2001:db8::1', '2001:db8::2', 58, icmp6))).toEqual([]);
  });

  it('other IP protocols (OSPF, VRRP) are skipped quietly', () => {
    expect(one(101, ipv4('10.0.0.1', '224.0.0.5', 89, Buffer.alloc(40)))).toEqual([]);
    expect(one(101, ipv4('10.0.0.1', '224.0.0.18', 112, Buffer.alloc(20)))).toEqual([]);
  });
});

describe('tunnels: innermost addresses win', () => {
  it('IP-in-IP 4-in-4, 6-in-4, 4-in-6, 6-in-6', () => {
    expect(one(101, ipv4('1.1.1.1', '2.2.2.2', 4, V4))).toEqual([V4_BRIEF]);
    expect(one(101, ipv4('1.1.1.1', '2.2.2.2', 41, V6))).toEqual([V6_BRIEF]);
    expect(one(101, ipv6('2001:db8::a', '2001:db8::b', 4, V4))).toEqual([V4_BRIEF]);
    expect(one(101, ipv6('2001:db8::a', '2001:db8::b', 41, V6))).toEqual([V6_BRIEF]);
  });

  it('GRE plain, with checksum, with key + sequence (RFC 2890)', () => {
    expect(one(101, ipv4('1.1.1.1', '2.2.2.2', 47, gre(0x0000, 0x0800, Buffer.alloc(0), V4)))).toEqual([V4_BRIEF]);
    expect(one(101, ipv4('1.1.1.1', '2.2.2.2', 47, gre(0x8000, 0x0800, Buffer.alloc(4), V4)))).toEqual([V4_BRIEF]);
    const keySeq = hex('00 00 00 2a 00 00 00 07');
    expect(one(101, ipv4('1.1.1.1', '2.2.2.2', 47, gre(0x3000, 0x86dd, keySeq, V6)))).toEqual([V6_BRIEF]);
    expect(one(101, ipv4('1.1.1.1', '2.2.2.2', 47, gre(0xb000, 0x0800, Buffer.concat([Buffer.alloc(4), keySeq]), V4)))).toEqual([V4_BRIEF]);
  });

  it('GRE with RFC 1701 routing entries', () => {
    const routing = Buffer.concat([Buffer.alloc(4), hex('08 00 00 04 0a 00 00 01'), hex('00 00 00 00')]);
    expect(one(101, ipv4('1.1.1.1', '2.2.2.2', 47, gre(0x4000, 0x0800, routing, V4)))).toEqual([V4_BRIEF]);
  });

  it('GRE transparent Ethernet bridging (0x6558) with a VLAN inside', () => {
    const inner = ethernet(0x8100, Buffer.concat([vlanTag(5, 0x0800), V4]));
    expect(one(1, ethernet(0x0800, ipv4('1.1.1.1', '2.2.2.2', 47, gre(0x2000, 0x6558, hex('00 00 00 01'), inner))))).toEqual([V4_BRIEF]);
  });

  it('GRE carrying PPP, and PPTP enhanced GRE (version 1)', () => {
    expect(one(101, ipv4('1.1.1.1', '2.2.2.2', 47, gre(0x0000, 0x880b, Buffer.alloc(0), Buffer.concat([hex('ff 03 00 21'), V4]))))).toEqual([V4_BRIEF]);
    // Version 1: K and S set, key = payload length + call id, sequence number.
    const pptp = gre(0x3001, 0x880b, hex('00 40 00 05 00 00 00 01'), Buffer.concat([hex('ff 03 00 21'), V4]));
    expect(one(101, ipv4('1.1.1.1', '2.2.2.2', 47, pptp))).toEqual([V4_BRIEF]);
  });

  it('ERSPAN type I (no sequence bit, no header) and type II (sequence bit, 8-byte header)', () => {
    const inner = ethernet(0x0800, V4);
    expect(one(101, ipv4('1.1.1.1', '2.2.2.2', 47, gre(0x0000, 0x88be, Buffer.alloc(0), inner)))).toEqual([V4_BRIEF]);
    const erspan2 = hex('10 64 00 01 00 00 00 00');
    expect(one(101, ipv4('1.1.1.1', '2.2.2.2', 47, gre(0x1000, 0x88be, hex('00 00 00 09'), Buffer.concat([erspan2, inner]))))).toEqual([V4_BRIEF]);
  });

  it('ERSPAN type III with and without the platform sub-header', () => {
    const inner = ethernet(0x86dd, V6);
    const h3 = hex('20 64 00 01  00 00 00 00  00 00 00 00');
    expect(one(101, ipv4('1.1.1.1', '2.2.2.2', 47, gre(0x1000, 0x22eb, hex('00 00 00 01'), Buffer.concat([h3, inner]))))).toEqual([V6_BRIEF]);
    const h3o = hex('20 64 00 01  00 00 00 00  00 00 00 01');
    const platform = hex('0c 00 00 00 00 00 00 00');
    expect(one(101, ipv4('1.1.1.1', '2.2.2.2', 47, gre(0x1000, 0x22eb, hex('00 00 00 01'), Buffer.concat([h3o, platform, inner]))))).toEqual([V6_BRIEF]);
  });

  it('VXLAN on UDP 4789 only with the I flag', () => {
    const inner = ethernet(0x0800, V4);
    const vx = udp(40000, 4789, Buffer.concat([hex('08 00 00 00 00 00 64 00'), inner]));
    expect(one(1, ethernet(0x0800, ipv4('1.1.1.1', '2.2.2.2', 17, vx)))).toEqual([V4_BRIEF]);
    const noI = udp(40000, 4789, Buffer.concat([hex('00 00 00 00 00 00 64 00'), inner]));
    expect(one(1, ethernet(0x0800, ipv4('1.1.1.1', '2.2.2.2', 17, noI)))).toEqual([`udp 1.1.1.1:40000 > 2.2.2.2:4789 ${8 + inner.length}`]);
  });

  it('VLAN / IPv4 / GRE / PPP / IPv4 / UDP (as in ndpi-vlan-gre-ppp)', () => {
    const ppp = Buffer.concat([hex('ff 03 00 21'), V4]);
    const outer = ipv4('9.9.9.9', '8.8.8.8', 47, gre(0x3081, 0x880b, hex('00 00 00 00 00 00 00 01 00 00 00 01'), ppp));
    expect(one(1, ethernet(0x8100, Buffer.concat([vlanTag(142, 0x0800), outer])))).toEqual([V4_BRIEF]);
  });

  it('nesting deeper than MAX_IP_NESTING is cut with a diagnostic', () => {
    let pkt = V4;
    for (let i = 0; i < 12; i++) pkt = ipv4('1.1.1.1', '2.2.2.2', 4, pkt);
    const { segs, codes } = decodeAll([record(101, pkt)]);
    expect(segs).toEqual([]);
    expect(codes).toEqual(['NET_TUNNEL_TOO_DEEP']);
    let ok = V4;
    for (let i = 0; i < 7; i++) ok = ipv4('1.1.1.1', '2.2.2.2', 4, ok);
    expect(one(101, ok)).toEqual([V4_BRIEF]);
  });
});

describe('transport layer', () => {
  it('UDP length larger than the bytes present: payload kept, marked truncated', () => {
    const short = udp(5060, 5070, SIP, 8 + SIP.length + 100);
    const { segs, codes } = decodeAll([record(101, ipv4('10.0.0.1', '10.0.0.2', 17, short))]);
    expect(segs).toHaveLength(1);
    expect(segs[0]!.payload.equals(SIP)).toBe(true);
    expect(segs[0]!.truncated).toBe(true);
    expect(codes).toEqual(['UDP_PAYLOAD_TRUNCATED']);
  });

  it('snap-length cut: truncated segment, no damage diagnostic', () => {
    const full = ipv4('10.0.0.1', '10.0.0.2', 17, SIP_UDP);
    const cut = full.subarray(0, full.length - 10);
    const { segs, codes } = decodeAll([record(101, cut, 1, 1, { truncated: true, origLen: full.length })]);
    expect(codes).toEqual([]);
    expect(segs).toHaveLength(1);
    expect(segs[0]!.truncated).toBe(true);
    expect(segs[0]!.payload.length).toBe(SIP.length - 10);
  });

  it('UDP length below 8 is a bad length', () => {
    expect(decodeAll([record(101, ipv4('10.0.0.1', '10.0.0.2', 17, udp(1, 2, SIP, 4)))]).codes).toEqual(['UDP_BAD_LENGTH']);
  });

  it('TCP: options skipped by data offset, seq/ack/flags reported, empty segments emitted', () => {
    const opts = hex('02 04 05 b4 01 01 04 02');
    const seg = tcp(5060, 40000, SIP, { seq: 0xfffffff0, ack: 7, flags: 0x18, options: opts });
    const syn = tcp(40000, 5060, Buffer.alloc(0), { seq: 1, ack: 0, flags: 0x02 });
    const { segs, diags } = decodeAll([record(101, ipv4('10.0.0.1', '10.0.0.2', 6, seg)), record(101, ipv4('10.0.0.2', '10.0.0.1', 6, syn), 2)]);
    expect(diags).toEqual([]);
    expect(segs.map(brief)).toEqual([`tcp 10.0.0.1:5060 > 10.0.0.2:40000 ${SIP.length}`, 'tcp 10.0.0.2:40000 > 10.0.0.1:5060 0']);
    expect(segs[0]!.tcp).toEqual({ seq: 0xfffffff0, ack: 7, flags: 0x18 });
    expect(segs[0]!.payload.equals(SIP)).toBe(true);
    expect(segs[1]!.tcp).toEqual({ seq: 1, ack: 0, flags: 0x02 });
  });

  it('TCP data offset below 5 words is TCP_BAD_OFFSET', () => {
    const bad = tcp(1, 2, SIP, { dataOffset: 3 });
    expect(decodeAll([record(101, ipv4('10.0.0.1', '10.0.0.2', 6, bad))]).codes).toEqual(['TCP_BAD_OFFSET']);
    const beyond = tcp(1, 2, Buffer.alloc(4), { dataOffset: 15 });
    expect(decodeAll([record(101, ipv4('10.0.0.1', '10.0.0.2', 6, beyond))]).codes).toEqual(['TCP_BAD_OFFSET']);
  });

  it('SCTP: every DATA chunk becomes a segment; other chunks skipped; padding honoured', () => {
    const a = Buffer.from('INVITE'); // 6 bytes -> 2 bytes of padding
    const b = Buffer.from('BYE sip:x SIP/2.0');
    const pkt = sctp(5060, 5061, [sctpChunk(3, Buffer.alloc(12)), sctpData(100, 2, 0, a), sctpChunk(6, Buffer.alloc(3)), sctpData(101, 3, 46, b)]);
    const { segs, diags } = decodeAll([record(101, ipv4('10.0.0.1', '10.0.0.2', 132, pkt))]);
    expect(diags).toEqual([]);
    expect(segs.map((s) => [s.transport, s.srcPort, s.dstPort, s.payload.toString(), s.sctp])).toEqual([
      ['sctp', 5060, 5061, 'INVITE', { tsn: 100, streamId: 2, ppid: 0, flags: 3 }],
      ['sctp', 5060, 5061, 'BYE sip:x SIP/2.0', { tsn: 101, streamId: 3, ppid: 46, flags: 3 }],
    ]);
  });

  it('SCTP over IPv6', () => {
    const pkt = sctp(5060, 5060, [sctpData(1, 0, 0, SIP)]);
    expect(one(101, ipv6('2001:db8::1', '2001:db8::2', 132, pkt))).toEqual([`sctp 2001:db8::1:5060 > 2001:db8::2:5060 ${SIP.length}`]);
  });
});
