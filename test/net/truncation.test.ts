/**
 * Truncated and damaged headers of every kind: never a throw, always either a named
 * diagnostic or a segment marked truncated (nothing is lost silently).
 */
import { describe, expect, it } from 'vitest';
import { decodeAll } from './decode-helpers.js';
import { FIXTURES } from './fixtures.js';
import { ethernet, ext6, gre, hex, ipv4, ipv6, pppoe, record, SIP_UDP, sctp, sll1, sll2, vlanTag } from './packet-builders.js';

const V4 = ipv4('10.0.0.1', '10.0.0.2', 17, SIP_UDP);
const V6 = ipv6('2001:db8::1', '2001:db8::2', 17, SIP_UDP);

describe('truncated frames', () => {
  it.each(FIXTURES)('%s: every cut gives a diagnostic or a truncated segment, never a throw', (_name, linkType, full) => {
    const whole = decodeAll([record(linkType, full)]);
    // The uncut frame decodes cleanly (the fragment fixture waits for its second half).
    expect(whole.codes.filter((c) => c !== 'IP_FRAGMENTS_INCOMPLETE')).toEqual([]);
    for (let len = 0; len < full.length; len++) {
      const cut = Buffer.from(full.subarray(0, len));
      const { segs, diags } = decodeAll([record(linkType, cut)]);
      const visible = diags.length > 0 || (segs.length > 0 && segs.every((s) => s.truncated === true));
      if (!visible) throw new Error(`cut at ${len}: nothing reported`);
      // With the snap-length flag set the same cut must not throw either.
      expect(() => decodeAll([record(linkType, cut, 1, 1, { truncated: true, origLen: full.length })])).not.toThrow();
    }
  });

  it('names the layer that was cut', () => {
    const codesAt = (lt: number, b: Buffer, len: number) => decodeAll([record(lt, b.subarray(0, len))]).codes;
    const eth = ethernet(0x0800, V4);
    expect(codesAt(1, eth, 10)).toEqual(['ETHERNET_TRUNCATED']);
    expect(codesAt(1, eth, 14 + 12)).toEqual(['IPV4_TRUNCATED']);
    expect(codesAt(1, eth, 14 + 20 + 4)).toEqual(['IPV4_PAYLOAD_TRUNCATED', 'UDP_TRUNCATED']);
    expect(codesAt(1, ethernet(0x86dd, V6), 14 + 30)).toEqual(['IPV6_TRUNCATED']);
    expect(codesAt(1, ethernet(0x8100, Buffer.concat([vlanTag(1, 0x0800), V4])), 16)).toEqual(['VLAN_TRUNCATED']);
    expect(codesAt(113, sll1(0x0800, V4), 10)).toEqual(['SLL_TRUNCATED']);
    expect(codesAt(276, sll2(0x0800, V4), 19)).toEqual(['SLL2_TRUNCATED']);
    expect(codesAt(0, Buffer.concat([hex('02 00 00 00'), V4]), 3)).toEqual(['NULL_TRUNCATED']);
    expect(codesAt(1, ethernet(0x8864, pppoe(Buffer.concat([hex('00 21'), V4]))), 17)).toEqual(['PPPOE_TRUNCATED']);
    const greKey = ipv4('1.1.1.1', '2.2.2.2', 47, gre(0x2000, 0x0800, Buffer.alloc(4), V4));
    expect(codesAt(101, greKey, 20 + 6)).toEqual(['IPV4_PAYLOAD_TRUNCATED', 'GRE_TRUNCATED']);
    const v6ext = ipv6('2001:db8::1', '2001:db8::2', 0, Buffer.concat([ext6(17, 2), SIP_UDP]));
    expect(codesAt(101, v6ext, 40 + 12)).toEqual(['IPV6_PAYLOAD_TRUNCATED', 'IPV6_EXT_TRUNCATED']);
  });

  it('damaged (not cut) headers get their own codes', () => {
    const codes = (lt: number, b: Buffer) => decodeAll([record(lt, b)]).codes;
    expect(codes(101, ipv4('10.0.0.1', '10.0.0.2', 17, SIP_UDP, { ihl: 3 }))).toEqual(['IPV4_BAD_IHL']);
    expect(codes(101, ipv4('10.0.0.1', '10.0.0.2', 17, SIP_UDP, { totalLength: 12 }))).toEqual(['IPV4_BAD_LENGTH']);
    expect(codes(228, V6)).toEqual(['IPV4_BAD_VERSION']);
    expect(codes(229, V4)).toEqual(['IPV6_BAD_VERSION']);
    expect(codes(101, Buffer.concat([hex('50'), V4]))).toEqual(['IP_BAD_VERSION']);
    expect(codes(101, ipv4('1.1.1.1', '2.2.2.2', 47, gre(0x0003, 0x0800, Buffer.alloc(0), V4)))).toEqual(['GRE_BAD_VERSION']);
    expect(codes(1, ethernet(0x8864, Buffer.concat([hex('12 00 00 01 00 10'), Buffer.alloc(16)])))).toEqual(['PPPOE_BAD_VERSION']);
    const badChunk = sctp(1, 2, [hex('00 03 00 02 00 00 00 00')]);
    expect(codes(101, ipv4('10.0.0.1', '10.0.0.2', 132, badChunk))).toEqual(['SCTP_BAD_CHUNK_LENGTH']);
  });
});
