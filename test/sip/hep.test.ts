import fc from 'fast-check';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import {
  decodeHep, HEP_MAX_INFLATED_BYTES, HEP_PAYLOAD_LOG, HEP_PAYLOAD_RTCP_JSON, hepPacketLength,
  hepSipOrigin, hepTransportLabel, isHepSip, splitHepStream, type HepPacket,
} from '../../src/core/sip/hep.js';
import { parseSipMessage } from '../../src/core/sip/message.js';
import { expectedRows, readUdpPayloads } from './read-udp-payloads-for-test.js';

const SIP = Buffer.from('OPTIONS sip:x SIP/2.0\r\nCall-ID: hep-call\r\nCSeq: 1 OPTIONS\r\n\r\n');

function chunk(type: number, value: Buffer | number[], vendor = 0): Buffer {
  const v = Buffer.isBuffer(value) ? value : Buffer.from(value);
  const h = Buffer.alloc(6);
  h.writeUInt16BE(vendor, 0);
  h.writeUInt16BE(type, 2);
  h.writeUInt16BE(v.length + 6, 4);
  return Buffer.concat([h, v]);
}
const u16 = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };

function hep3(chunks: Buffer[]): Buffer {
  const body = Buffer.concat(chunks);
  const head = Buffer.from('HEP3\0\0', 'latin1');
  head.writeUInt16BE(body.length + 6, 4);
  return Buffer.concat([head, body]);
}

function ipv4Chunks(proto = 17): Buffer[] {
  return [
    chunk(1, [2]), chunk(2, [proto]), chunk(3, [10, 1, 2, 3]), chunk(4, [192, 168, 0, 254]), chunk(7, u16(5060)), chunk(8, u16(5080)),
    chunk(9, u32(1_700_000_000)), chunk(10, u32(123_456)), chunk(11, [1]), chunk(12, u32(2001)), chunk(14, Buffer.from('myHep')),
    chunk(17, Buffer.from('corr-1')),
  ];
}

function collect(): { diags: Diagnostic[]; sink: (d: Diagnostic) => void } {
  const diags: Diagnostic[] = [];
  return { diags, sink: (d) => diags.push(d) };
}

describe('decodeHep: HEPv3', () => {
  it('decodes an IPv4/UDP packet with a plain payload', () => {
    const pkt = hep3([...ipv4Chunks(), chunk(15, SIP)]);
    const { diags, sink } = collect();
    const h = decodeHep(pkt, sink)!;
    expect(diags).toEqual([]);
    expect(h).toMatchObject({
      version: 3, ipFamily: 2, ipVersion: 4, ipProto: 17, src: '10.1.2.3', dst: '192.168.0.254', srcPort: 5060, dstPort: 5080,
      tsSec: 1_700_000_000, tsUsec: 123_456, payloadType: 1, captureId: 2001, authKey: 'myHep', correlationId: 'corr-1', compressed: false,
    });
    expect(h.payload.equals(SIP)).toBe(true);
    expect(h.payload.buffer).toBe(pkt.buffer); // a view, not a copy
    expect(hepTransportLabel(h)).toBe('hep3/udp');
    expect(isHepSip(h)).toBe(true);
    const carrier = { frame: 9, tsSec: 5, tsNsec: 6, fileOffset: 42 };
    expect(hepSipOrigin(h, carrier)).toEqual({
      frame: 9, tsSec: 5, tsNsec: 6, transport: 'hep3/udp', ipVersion: 4, src: '10.1.2.3', srcPort: 5060, dst: '192.168.0.254', dstPort: 5080, fileOffset: 42,
    });
    expect(hepSipOrigin(h, carrier, true)).toMatchObject({ tsSec: 1_700_000_000, tsNsec: 123_456_000 });
    expect(hepTransportLabel({ version: 3, ipProto: 132 })).toBe('hep3/sctp');
    expect(hepTransportLabel({ version: 3, ipProto: 0 })).toBe('hep3/unknown');
    expect(hepTransportLabel({ version: 3, ipProto: 50 })).toBe('hep3/ip50');
  });

  it('decodes IPv6 addresses (RFC 5952 text) over TCP', () => {
    const src = Buffer.from('20010db8000000000000000000000001', 'hex');
    const dst = Buffer.from('fe800000000000000202b3fffe1e8329', 'hex');
    const h = decodeHep(hep3([chunk(1, [10]), chunk(2, [6]), chunk(5, src), chunk(6, dst), chunk(7, u16(5061)), chunk(8, u16(5062)), chunk(11, [1]), chunk(15, SIP)]))!;
    expect([h.ipVersion, h.src, h.dst, h.srcPort, h.dstPort]).toEqual([6, '2001:db8::1', 'fe80::202:b3ff:fe1e:8329', 5061, 5062]);
    expect(hepTransportLabel(h)).toBe('hep3/tcp');
  });

  it('inflates a zlib payload, and also gzip and raw deflate', () => {
    for (const z of [deflateSync(SIP), gzipSync(SIP), deflateRawSync(SIP)]) {
      const h = decodeHep(hep3([...ipv4Chunks(), chunk(16, z)]))!;
      expect(h.compressed).toBe(true);
      expect(h.payload.equals(SIP)).toBe(true);
    }
  });

  it('reports a payload that does not inflate, or inflates past the limit', () => {
    for (const z of [Buffer.from('not zlib at all'), deflateSync(Buffer.alloc(HEP_MAX_INFLATED_BYTES + 1, 0x41))]) {
      const { diags, sink } = collect();
      expect(decodeHep(hep3([...ipv4Chunks(), chunk(16, z)]), sink)).toBeUndefined();
      expect(diags.map((d) => d.code)).toEqual(['HEP_INFLATE_FAILED']);
    }
  });

  it('ignores vendor chunks and unknown generic chunks', () => {
    const h = decodeHep(hep3([chunk(3, [1, 1, 1, 1], 0x0b), ...ipv4Chunks(), chunk(0x20, [1, 2, 3]), chunk(15, SIP, 0x0b), chunk(15, SIP)]))!;
    expect(h.src).toBe('10.1.2.3');
    expect(h.payload.equals(SIP)).toBe(true);
  });

  it('reports a chunk of the wrong size but keeps decoding', () => {
    const { diags, sink } = collect();
    const h = decodeHep(hep3([chunk(3, [1, 2, 3]), chunk(7, u16(1)), chunk(15, SIP)]), sink)!;
    expect(h.src).toBe('');
    expect(h.srcPort).toBe(1);
    expect(diags.map((d) => d.code)).toEqual(['HEP_BAD_CHUNK']);
  });

  it('reports damaged packets', () => {
    const good = hep3([...ipv4Chunks(), chunk(15, SIP)]);
    const cases: [Buffer, string][] = [
      [good.subarray(0, 5), 'HEP_TRUNCATED'],
      [good.subarray(0, good.length - 1), 'HEP_TRUNCATED'],
      [Buffer.from('HEP3\0\x03'), 'HEP_BAD_LENGTH'],
      [hep3([Buffer.from([0, 0, 0, 1, 0, 2])]), 'HEP_BAD_CHUNK'],
      [hep3([chunk(1, [2]), Buffer.from([0, 0, 0, 15, 0, 200, 1])]), 'HEP_TRUNCATED'],
      [hep3([chunk(1, [2]), Buffer.from([0, 0])]), 'HEP_TRUNCATED'],
      [hep3(ipv4Chunks()), 'HEP_NO_PAYLOAD'],
      [Buffer.from('GET / HTTP/1.1\r\n'), 'HEP_UNKNOWN_VERSION'],
      [Buffer.alloc(0), 'HEP_UNKNOWN_VERSION'],
    ];
    for (const [bytes, code] of cases) {
      const { diags, sink } = collect();
      expect(decodeHep(bytes, sink)).toBeUndefined();
      expect([bytes.toString('hex'), diags[0]?.code]).toEqual([bytes.toString('hex'), code]);
    }
  });

  it('never throws on random bytes or mutated packets', () => {
    const good = hep3([...ipv4Chunks(), chunk(16, deflateSync(SIP))]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, withMagic) => {
        const b = Buffer.from(bytes);
        if (withMagic && b.length >= 4) b.write('HEP3', 0, 'latin1');
        decodeHep(b, () => {});
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (flips) => {
        const b = Buffer.from(good);
        for (const [at, v] of flips) b[at] = v;
        decodeHep(b);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('decodeHep: HEPv1/v2', () => {
  function hep12(version: 1 | 2, family: number, proto: number, src: number[], dst: number[]): Buffer {
    const head = Buffer.from([version, 8 + src.length * 2, family, proto, 0x13, 0xc4, 0x13, 0xc5]);
    // v2 time header: u32 sec, u32 usec, u16 capture id, 2 bytes of struct padding (as kamailio sends)
    const time = Buffer.alloc(version === 2 ? 12 : 0);
    if (version === 2) {
      time.writeUInt32LE(1_600_000_000, 0);
      time.writeUInt32LE(999_999, 4);
      time.writeUInt16LE(77, 8);
    }
    return Buffer.concat([head, Buffer.from(src), Buffer.from(dst), time, SIP]);
  }

  it('decodes HEPv2 over IPv4', () => {
    const h = decodeHep(hep12(2, 2, 17, [1, 2, 3, 4], [5, 6, 7, 8]))!;
    expect(h).toMatchObject({ version: 2, ipVersion: 4, ipProto: 17, src: '1.2.3.4', dst: '5.6.7.8', srcPort: 5060, dstPort: 5061, tsSec: 1_600_000_000, tsUsec: 999_999, captureId: 77, payloadType: 1 });
    expect(h.payload.equals(SIP)).toBe(true);
    expect(hepTransportLabel(h)).toBe('hep2/udp');
  });

  it('decodes HEPv2 over IPv6 and HEPv1', () => {
    const v6 = [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 1];
    const h = decodeHep(hep12(2, 10, 6, v6, [...new Array<number>(15).fill(0), 1]))!;
    expect([h.src, h.dst, hepTransportLabel(h)]).toEqual(['2001:db8::1', '::1', 'hep2/tcp']);
    const h1 = decodeHep(hep12(1, 2, 17, [9, 9, 9, 9], [8, 8, 8, 8]))!;
    expect([h1.version, h1.src, h1.tsSec, h1.payload.equals(SIP)]).toEqual([1, '9.9.9.9', undefined, true]);
  });

  it('reports a bad family and truncation', () => {
    const { diags, sink } = collect();
    expect(decodeHep(Buffer.from([2, 16, 99, 17, 0, 0, 0, 0, 1, 2, 3, 4]), sink)).toBeUndefined();
    expect(decodeHep(hep12(2, 2, 17, [1, 2, 3, 4], [5, 6, 7, 8]).subarray(0, 20), sink)).toBeUndefined();
    expect(decodeHep(Buffer.from([2, 16]), sink)).toBeUndefined();
    expect(diags.map((d) => d.code)).toEqual(['HEP_BAD_FAMILY', 'HEP_TRUNCATED', 'HEP_TRUNCATED']);
  });
});

describe('HEP addresses are formatted like the net layer (RFC 5952)', () => {
  const v6 = (hex: string): string => decodeHep(hep3([chunk(5, Buffer.from(hex, 'hex')), chunk(6, Buffer.from(hex, 'hex')), chunk(15, SIP)]))!.src;
  it('compresses the longest zero run, leftmost on ties, never a single group', () => {
    expect(v6('00000000000000000000000000000000')).toBe('::');
    expect(v6('20010db8000000010001000100010001')).toBe('2001:db8:0:1:1:1:1:1');
    expect(v6('20010db8000000000001000000000001')).toBe('2001:db8::1:0:0:1');
    expect(v6('00000000000000000000ffffc0a80001')).toBe('::ffff:192.168.0.1');
    expect(v6('fe800000000000000000000000000000')).toBe('fe80::');
  });
});

describe('HEP over a stream', () => {
  const packets = [hep3([...ipv4Chunks(), chunk(15, SIP)]), hep3([chunk(11, [100]), chunk(15, Buffer.from('log line'))]), hep3([...ipv4Chunks(6), chunk(16, deflateSync(SIP))])];
  const stream = Buffer.concat([packets[0]!, Buffer.from('junk'), packets[1]!, packets[2]!]);

  it('reads the length from the 6-byte header', () => {
    expect(hepPacketLength(packets[0]!)).toBe(packets[0]!.length);
    expect(hepPacketLength(Buffer.from('HEP'))).toBeUndefined();
    expect(hepPacketLength(Buffer.from('HEX3\0\x10'))).toBe(-1);
    expect(hepPacketLength(Buffer.from('HEP3\0\x02'))).toBe(-1);
  });

  it('gives the same packets for every chunk size', () => {
    const want = packets.map((p) => p.toString('hex'));
    for (let size = 1; size <= stream.length; size++) {
      let pending = Buffer.alloc(0);
      const got: string[] = [];
      let skipped = 0;
      for (let at = 0; at < stream.length; at += size) {
        pending = Buffer.concat([pending, stream.subarray(at, at + size)]);
        const r = splitHepStream(pending);
        got.push(...r.packets.map((p) => p.toString('hex')));
        skipped += r.skipped;
        pending = pending.subarray(r.consumed);
      }
      expect(got).toEqual(want);
      expect(skipped).toBe(4);
      expect(pending.length).toBe(0);
    }
  });
});

describe('HEP captures (compared with EXPECTED.tsv)', () => {
  function hepRows(file: string): { rows: string[]; kinds: Map<number, HepPacket> } {
    const rows: string[] = [];
    const kinds = new Map<number, HepPacket>();
    for (const u of readUdpPayloads(file)) {
      const { diags, sink } = collect();
      const h = decodeHep(u.payload, sink);
      expect(diags).toEqual([]);
      if (!h) continue;
      kinds.set(u.frame, h);
      if (!isHepSip(h)) continue;
      const m = parseSipMessage(Buffer.from(h.payload), hepSipOrigin(h, { frame: u.frame, tsSec: 0, tsNsec: 0, fileOffset: 0 }));
      expect(m.malformed).toBe(false);
      rows.push([file, m.frame, m.transport, m.src, m.srcPort, m.dst, m.dstPort, m.callId, m.cseq, m.isRequest ? m.method : m.statusCode].join('\t'));
    }
    return { rows, kinds };
  }
  const expected = (file: string): string[] =>
    expectedRows(file).map((r) => [r.file, r.frame, r.transport, r.src, r.sport, r.dst, r.dport, r.callId, r.cseq, r.methodOrStatus].join('\t'));

  it('hep3-udp9060.pcap: SIP from the HEP chunks, LOG and RTCP-JSON are not SIP', () => {
    const { rows, kinds } = hepRows('hep3-udp9060.pcap');
    expect(rows).toEqual(expected('hep3-udp9060.pcap'));
    expect(rows).toHaveLength(6);
    expect(kinds.get(5)!.payloadType).toBe(HEP_PAYLOAD_LOG);
    expect(kinds.get(8)!.payloadType).toBe(HEP_PAYLOAD_RTCP_JSON);
    // bare-LF SIP inside
    const first = kinds.get(1)!;
    const m = parseSipMessage(Buffer.from(first.payload), { frame: 1, tsSec: 0, tsNsec: 0, transport: 'hep3/udp', ipVersion: 4, src: '', srcPort: 0, dst: '', dstPort: 0, fileOffset: 0 });
    expect(m.diagnostics.map((d) => d.code)).toContain('SIP_LF_LINE_ENDS');
    expect(first.captureId).toBe(2001);
    expect(first.authKey).toBe('myHep');
  });

  it('hep3-compressed-sll.pcapng: zlib payloads inside HEP3', () => {
    const { rows, kinds } = hepRows('hep3-compressed-sll.pcapng');
    expect(rows).toEqual(expected('hep3-compressed-sll.pcapng'));
    expect(rows).toHaveLength(21);
    expect([...kinds.values()].every((h) => h.compressed)).toBe(true);
  });
});
