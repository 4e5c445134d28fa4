/** Frames of every stack the net layer decodes, shared by the truncation and fuzz tests. */
import {
  ethernet,
  ext6,
  frag6,
  gre,
  hex,
  ipv4,
  ipv6,
  pppoe,
  SIP_UDP,
  sctp,
  sctpData,
  sll1,
  sll2,
  tcp,
  udp,
  vlanTag,
} from './packet-builders.js';

const V4 = ipv4('10.0.0.1', '10.0.0.2', 17, SIP_UDP);
const V6 = ipv6('2001:db8::1', '2001:db8::2', 17, SIP_UDP);

/** Every stack we decode, as [name, link type, full frame]. */
export const FIXTURES: [string, number, Buffer][] = [
  ['ethernet/ipv4/udp', 1, ethernet(0x0800, V4)],
  ['ethernet/ipv6/udp', 1, ethernet(0x86dd, V6)],
  ['qinq/ipv4/udp', 1, ethernet(0x88a8, Buffer.concat([vlanTag(200, 0x8100), vlanTag(100, 0x0800), V4]))],
  ['pppoe/ppp/ipv4', 1, ethernet(0x8864, pppoe(Buffer.concat([hex('00 21'), V4])))],
  ['ppp ff03', 9, Buffer.concat([hex('ff 03 00 21'), V4])],
  ['sll/vlan/ipv4', 113, sll1(0x8100, Buffer.concat([vlanTag(100, 0x0800), V4]))],
  ['sll2/ipv6', 276, sll2(0x86dd, V6)],
  ['null', 0, Buffer.concat([hex('1e 00 00 00'), V6])],
  ['loop', 108, Buffer.concat([hex('00 00 00 02'), V4])],
  ['raw ipv4 options', 101, ipv4('10.0.0.1', '10.0.0.2', 17, SIP_UDP, { options: hex('01 01 01 00') })],
  ['ipv6 ext chain', 101, ipv6('2001:db8::1', '2001:db8::2', 0, Buffer.concat([ext6(60), ext6(43, 2), ext6(17), SIP_UDP]))],
  ['ipv6 frag (first fragment)', 229, ipv6('2001:db8::1', '2001:db8::2', 44, Buffer.concat([frag6(17, 0, true, 5), SIP_UDP.subarray(0, 24)]))],
  ['ipip 6-in-4', 228, ipv4('1.1.1.1', '2.2.2.2', 41, V6)],
  ['gre key+seq', 101, ipv4('1.1.1.1', '2.2.2.2', 47, gre(0xb000, 0x0800, Buffer.alloc(12), V4))],
  ['gre teb', 101, ipv4('1.1.1.1', '2.2.2.2', 47, gre(0, 0x6558, Buffer.alloc(0), ethernet(0x0800, V4)))],
  ['erspan2', 101, ipv4('1.1.1.1', '2.2.2.2', 47, gre(0x1000, 0x88be, Buffer.alloc(4), Buffer.concat([hex('10 00 00 01 00 00 00 00'), ethernet(0x0800, V4)])))],
  ['erspan3+platform', 101, ipv4('1.1.1.1', '2.2.2.2', 47, gre(0x1000, 0x22eb, Buffer.alloc(4), Buffer.concat([hex('20 00 00 01 00 00 00 00 00 00 00 01'), Buffer.alloc(8), ethernet(0x0800, V4)])))],
  ['vxlan', 101, ipv4('1.1.1.1', '2.2.2.2', 17, udp(1, 4789, Buffer.concat([hex('08 00 00 00 00 00 01 00'), ethernet(0x0800, V4)])))],
  ['tcp with options', 101, ipv4('10.0.0.1', '10.0.0.2', 6, tcp(5060, 5061, Buffer.from('REGISTER'), { options: hex('01 01 08 0a 00 00 00 01 00 00 00 02') }))],
  ['sctp', 101, ipv4('10.0.0.1', '10.0.0.2', 132, sctp(5060, 5060, [sctpData(1, 0, 0, Buffer.from('BYE sip:a SIP/2.0'))]))],
];
