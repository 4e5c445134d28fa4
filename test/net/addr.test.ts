import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6 } from '../../src/core/net/addr.js';
import { ip6addr } from './packet-builders.js';

const v6 = (text: string) => formatIpv6(ip6addr(text), 0);

describe('formatIpv4', () => {
  it('dotted quad from any offset', () => {
    expect(formatIpv4(Buffer.from([9, 0, 10, 255, 1]), 1)).toBe('0.10.255.1');
    expect(formatIpv4(Buffer.from([192, 168, 1, 254]), 0)).toBe('192.168.1.254');
  });

  it('matches the obvious formatting for random addresses', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
        expect(formatIpv4(b, 0)).toBe(Array.from(b).join('.'));
      }),
    );
  });
});

describe('formatIpv6 (RFC 5952)', () => {
  it('RFC 5952 §4 examples', () => {
    expect(v6('2001:0db8:0000:0000:0000:0000:0002:0001')).toBe('2001:db8::2:1'); // §4.1, §4.2.1
    expect(v6('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // §4.2.2 single zero kept
    expect(v6('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1'); // §4.2.3 longest run
    expect(v6('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1'); // §4.2.3 first on a tie
    expect(v6('2001:DB8::AAAA')).toBe('2001:db8::aaaa'); // §4.3 lower case
  });

  it('edges: all zero, loopback, trailing run, leading run, no run', () => {
    expect(v6('::')).toBe('::');
    expect(v6('::1')).toBe('::1');
    expect(v6('1::')).toBe('1::');
    expect(v6('0:0:0:1:2:3:4:5')).toBe('::1:2:3:4:5');
    expect(v6('1:2:3:4:5:6:7:8')).toBe('1:2:3:4:5:6:7:8');
    expect(v6('fe80::21a:a0ff:fe07:32e0')).toBe('fe80::21a:a0ff:fe07:32e0');
    expect(v6('1:0:0:0:0:0:0:0')).toBe('1::');
  });

  it('IPv4-mapped and IPv4-compatible addresses keep a dotted tail (§5), as tshark prints them', () => {
    // Expectations taken from tshark 4.0 printing ipv6.src of crafted packets.
    expect(v6('::ffff:c000:0201')).toBe('::ffff:192.0.2.1');
    expect(v6('::ffff:0:0')).toBe('::ffff:0.0.0.0');
    expect(v6('::102:304')).toBe('::1.2.3.4');
    expect(v6('::102:0')).toBe('::1.2.0.0');
    expect(v6('::1:0')).toBe('::0.1.0.0');
    expect(v6('::1')).toBe('::1');
    expect(v6('::100')).toBe('::100');
    expect(v6('::fffe:102:304')).toBe('::fffe:102:304');
    expect(v6('64:ff9b::102:304')).toBe('64:ff9b::102:304');
  });

  it('agrees with the WHATWG URL serializer (same compression rules) on random addresses', () => {
    const groups = fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(groups, (g) => {
        const bytes = Buffer.alloc(16);
        g.forEach((x, i) => bytes.writeUInt16BE(x, i * 2));
        // The dotted forms (leading zero run of 5 + ffff, or exactly 6) are tested above.
        const lead = g.findIndex((x) => x !== 0);
        fc.pre(!(lead === 5 && g[5] === 0xffff) && lead !== 6);
        const full = g.map((x) => x.toString(16)).join(':');
        const viaUrl = new URL(`http://[${full}]/`).hostname.slice(1, -1);
        expect(formatIpv6(bytes, 0)).toBe(viaUrl);
      }),
      { numRuns: 2000 },
    );
  });
});
