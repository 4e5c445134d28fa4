import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../../src/core/capture/record.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { IpDefragmenter } from '../../src/core/reasm/ip-defrag.js';
import { decodeAll } from './decode-helpers.js';
import { frag6, ipv4, ipv6, record, udp } from './packet-builders.js';

const BODY = Buffer.from('INVITE sip:bob@example.com SIP/2.0\r\n' + 'X-Pad: ' + 'a'.repeat(200) + '\r\n\r\n');
const DGRAM = udp(5060, 5080, BODY);

/** IPv4 fragments of a transport datagram, `size` payload bytes each (multiple of 8). */
function fragments4(dgram: Buffer, size: number, id = 0x4242, protocol = 17): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < dgram.length; off += size) {
    const part = dgram.subarray(off, Math.min(off + size, dgram.length));
    out.push(ipv4('10.1.1.1', '10.2.2.2', protocol, part, { id, offset: off, more: off + size < dgram.length }));
  }
  return out;
}

function fragments6(dgram: Buffer, size: number, id = 0x01020304): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < dgram.length; off += size) {
    const part = dgram.subarray(off, Math.min(off + size, dgram.length));
    out.push(ipv6('fd00::1', 'fd00::2', 44, Buffer.concat([frag6(17, off, off + size < dgram.length, id), part])));
  }
  return out;
}

/** Raw-IP records, frame i+1, one second apart unless times are given. */
function records(pkts: Buffer[], times?: number[]): CaptureRecord[] {
  return pkts.map((p, i) => record(101, p, i + 1, 1000 + (times ? times[i]! : i)));
}

describe('IPv4 reassembly', () => {
  const frags = fragments4(DGRAM, 64); // 248-byte datagram -> 4 fragments

  it('in order: one segment, frame of the last fragment, all fragment frames', () => {
    const { segs, diags } = decodeAll(records(frags));
    expect(diags).toEqual([]);
    expect(segs).toHaveLength(1);
    const s = segs[0]!;
    expect([s.src, s.srcPort, s.dst, s.dstPort, s.transport]).toEqual(['10.1.1.1', 5060, '10.2.2.2', 5080, 'udp']);
    expect(s.payload.equals(BODY)).toBe(true);
    expect(s.frame).toBe(4);
    expect(s.tsSec).toBe(1003);
    expect(s.fileOffset).toBe(400);
    expect(s.fragmentFrames).toEqual([1, 2, 3, 4]);
  });

  it('reverse order', () => {
    const { segs, diags } = decodeAll(records([...frags].reverse()));
    expect(diags).toEqual([]);
    expect(segs).toHaveLength(1);
    expect(segs[0]!.payload.equals(BODY)).toBe(true);
    expect(segs[0]!.frame).toBe(4);
  });

  it('shuffled, with the completing fragment in the middle of the file', () => {
    const order = [2, 0, 3, 1];
    const { segs } = decodeAll(records([...order.map((i) => frags[i]!), fragments4(DGRAM, 64, 7)[0]!]));
    expect(segs).toHaveLength(1);
    expect(segs[0]!.payload.equals(BODY)).toBe(true);
    expect(segs[0]!.frame).toBe(4);
    expect(segs[0]!.fragmentFrames).toEqual([1, 2, 3, 4]);
  });

  it('duplicates are reported and ignored', () => {
    const { segs, codes } = decodeAll(records([frags[0]!, frags[1]!, frags[1]!, frags[0]!, frags[2]!, frags[3]!]));
    expect(segs).toHaveLength(1);
    expect(segs[0]!.payload.equals(BODY)).toBe(true);
    expect(codes).toEqual(['IP_FRAGMENT_DUPLICATE', 'IP_FRAGMENT_DUPLICATE']);
    expect(segs[0]!.fragmentFrames).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('overlaps: the bytes that arrived first win, and the overlap is reported', () => {
    // Fragment covering [64, 192) with different bytes arrives after [0,64) and [64,128).
    const forged = Buffer.from(DGRAM.subarray(64, 192)).fill(0x5a);
    const overlap = ipv4('10.1.1.1', '10.2.2.2', 17, forged, { id: 0x4242, offset: 64, more: true });
    const { segs, codes } = decodeAll(records([frags[0]!, frags[1]!, overlap, frags[2]!, frags[3]!]));
    expect(codes).toContain('IP_FRAGMENT_OVERLAP');
    expect(segs).toHaveLength(1);
    // [64,128) from frags[1] (first), [128,192) from the forged one (it came before frags[2]).
    const expected = Buffer.from(DGRAM);
    expected.fill(0x5a, 128, 192);
    expect(Buffer.concat([DGRAM.subarray(0, 8), segs[0]!.payload]).equals(expected)).toBe(true);
  });

  it('a duplicate arriving just after completion is recognised, not a new partial datagram', () => {
    const { segs, codes } = decodeAll(records([...frags, frags[3]!, frags[0]!], [0, 0, 0, 0, 1, 1]));
    expect(segs).toHaveLength(1);
    expect(codes).toEqual(['IP_FRAGMENT_DUPLICATE', 'IP_FRAGMENT_DUPLICATE']);
  });

  it('the same id well after completion is a new datagram', () => {
    const { segs, codes } = decodeAll(records([...frags, ...frags], [0, 0, 0, 0, 10, 10, 10, 10]));
    expect(segs).toHaveLength(2);
    expect(codes).toEqual([]);
  });

  it('a missing fragment expires by packet time; a late fragment does not resurrect it', () => {
    const other = ipv4('10.9.9.9', '10.8.8.8', 17, udp(1, 2, Buffer.from('x')));
    const { segs, diags } = decodeAll(records([frags[0]!, frags[1]!, frags[3]!, other, frags[2]!], [0, 1, 2, 40, 41]));
    expect(segs.map((s) => s.src)).toEqual(['10.9.9.9']);
    expect(diags.map((d) => [d.code, d.frame])).toEqual([
      ['IP_FRAGMENTS_EXPIRED', 1],
      ['IP_FRAGMENTS_INCOMPLETE', 5],
    ]);
  });

  it('within the timeout a late fragment still completes the datagram', () => {
    const { segs, diags } = decodeAll(records([frags[0]!, frags[1]!, frags[3]!, frags[2]!], [0, 1, 2, 29]));
    expect(diags).toEqual([]);
    expect(segs).toHaveLength(1);
  });

  it('incomplete at end of input: flush reports it (first fragment only, as in pkts-ipv4-fragmented-udp)', () => {
    const { segs, diags } = decodeAll(records([frags[0]!]));
    expect(segs).toEqual([]);
    expect(diags).toHaveLength(1);
    expect(diags[0]).toMatchObject({ code: 'IP_FRAGMENTS_INCOMPLETE', frame: 1 });
    expect(diags[0]!.detail).toContain('10.1.1.1 > 10.2.2.2');
  });

  it('the key includes the protocol: same id, different protocol do not mix', () => {
    const tcpish = fragments4(DGRAM, 64, 0x4242, 6);
    const { segs, codes } = decodeAll(records([frags[0]!, tcpish[1]!, frags[1]!, frags[2]!, frags[3]!]));
    expect(segs).toHaveLength(1);
    expect(segs[0]!.transport).toBe('udp');
    expect(codes).toEqual(['IP_FRAGMENTS_INCOMPLETE']);
  });

  it('tunnelled fragments: the reassembled outer payload is decoded down to the inner UDP', () => {
    const inner = ipv4('192.168.0.1', '192.168.0.2', 17, DGRAM);
    const outerFrags: Buffer[] = [];
    for (let off = 0; off < inner.length; off += 128) {
      const part = inner.subarray(off, Math.min(off + 128, inner.length));
      outerFrags.push(ipv4('1.1.1.1', '2.2.2.2', 4, part, { id: 9, offset: off, more: off + 128 < inner.length }));
    }
    const { segs, diags } = decodeAll(records(outerFrags.reverse()));
    expect(diags).toEqual([]);
    expect(segs.map((s) => `${s.src} ${s.dst}`)).toEqual(['192.168.0.1 192.168.0.2']);
    expect(segs[0]!.fragmentFrames).toHaveLength(outerFrags.length);
  });
});

describe('IPv6 reassembly', () => {
  it('out of order, through extension headers before the fragment header', () => {
    const frags = fragments6(DGRAM, 96);
    const { segs, diags } = decodeAll(records([frags[2]!, frags[0]!, frags[1]!]));
    expect(diags).toEqual([]);
    expect(segs).toHaveLength(1);
    expect(segs[0]!.src).toBe('fd00::1');
    expect(segs[0]!.ipVersion).toBe(6);
    expect(segs[0]!.payload.equals(BODY)).toBe(true);
    expect(segs[0]!.frame).toBe(3);
  });

  it('a destination-options header after the fragment header is walked after reassembly', () => {
    const dest = Buffer.alloc(8);
    dest[0] = 17;
    const fragmentable = Buffer.concat([dest, DGRAM]);
    const f1 = ipv6('fd00::1', 'fd00::2', 44, Buffer.concat([frag6(60, 0, true, 5), fragmentable.subarray(0, 104)]));
    const f2 = ipv6('fd00::1', 'fd00::2', 44, Buffer.concat([frag6(60, 104, false, 5), fragmentable.subarray(104)]));
    const { segs, diags } = decodeAll(records([f2, f1]));
    expect(diags).toEqual([]);
    expect(segs).toHaveLength(1);
    expect(segs[0]!.payload.equals(BODY)).toBe(true);
  });
});

describe('IpDefragmenter limits', () => {
  const base = { ipVersion: 4 as const, src: '1.1.1.1', dst: '2.2.2.2', protocol: 17, tsSec: 0, tsNsec: 0 };

  it('too many datagrams in progress: the oldest is evicted and reported', () => {
    const diags: Diagnostic[] = [];
    const d = new IpDefragmenter({ maxDatagramsInProgress: 2 }, (x) => diags.push(x));
    for (let id = 1; id <= 3; id++) d.add({ ...base, id, offset: 0, more: true, data: Buffer.alloc(8), frame: id });
    expect(d.inProgress).toBe(2);
    expect(diags.map((x) => [x.code, x.frame])).toEqual([['IP_FRAGMENTS_EVICTED', 1]]);
  });

  it('too many fragments for one datagram: dropped once, later fragments swallowed', () => {
    const diags: Diagnostic[] = [];
    const d = new IpDefragmenter({ maxFragmentsPerDatagram: 3 }, (x) => diags.push(x));
    for (let i = 0; i < 6; i++) d.add({ ...base, id: 1, offset: i * 8, more: true, data: Buffer.alloc(8), frame: i + 1 });
    expect(d.add({ ...base, id: 1, offset: 48, more: false, data: Buffer.alloc(8), frame: 7 })).toBeUndefined();
    expect(diags.map((x) => x.code)).toEqual(['IP_FRAGMENTS_TOO_MANY']);
    expect(d.buffered).toBe(0);
    d.flush();
    expect(diags).toHaveLength(1); // already reported, not again
  });

  it('a fragment past 65535 bytes is rejected (ping of death)', () => {
    const diags: Diagnostic[] = [];
    const d = new IpDefragmenter({}, (x) => diags.push(x));
    d.add({ ...base, id: 1, offset: 65528, more: false, data: Buffer.alloc(100), frame: 1 });
    expect(diags.map((x) => x.code)).toEqual(['IP_FRAGMENT_TOO_BIG']);
  });

  it('buffered bytes are bounded by evicting the oldest datagrams', () => {
    const diags: Diagnostic[] = [];
    const d = new IpDefragmenter({ maxBufferedBytes: 100 }, (x) => diags.push(x));
    d.add({ ...base, id: 1, offset: 0, more: true, data: Buffer.alloc(64), frame: 1 });
    d.add({ ...base, id: 2, offset: 0, more: true, data: Buffer.alloc(64), frame: 2 });
    expect(d.buffered).toBe(64);
    expect(diags.map((x) => [x.code, x.frame])).toEqual([['IP_FRAGMENTS_EVICTED', 1]]);
  });

  it('fragments are copied: the caller may reuse its buffer', () => {
    const d = new IpDefragmenter();
    const scratch = Buffer.alloc(8, 0x41);
    d.add({ ...base, id: 1, offset: 0, more: true, data: scratch, frame: 1 });
    scratch.fill(0x42);
    const done = d.add({ ...base, id: 1, offset: 8, more: false, data: scratch, frame: 2 });
    expect(done?.payload.toString()).toBe('AAAAAAAABBBBBBBB');
  });
});

describe('property: any order and duplication reassembles the same bytes', () => {
  it('IPv4 and IPv6', () => {
    const arb = fc
      .record({
        body: fc.uint8Array({ minLength: 1, maxLength: 2000 }),
        size8: fc.integer({ min: 1, max: 64 }),
        v6: fc.boolean(),
      })
      .chain(({ body, size8, v6 }) => {
        const dgram = udp(1000, 2000, Buffer.from(body));
        const frags = v6 ? fragments6(dgram, size8 * 8) : fragments4(dgram, size8 * 8);
        const idx = frags.map((_, i) => i);
        return fc.record({
          body: fc.constant(Buffer.from(body)),
          frags: fc.constant(frags),
          order: fc.shuffledSubarray(idx, { minLength: idx.length, maxLength: idx.length }),
          dups: fc.array(fc.tuple(fc.nat({ max: idx.length - 1 }), fc.nat({ max: idx.length })), { maxLength: 4 }),
        });
      });
    fc.assert(
      fc.property(arb, ({ body, frags, order, dups }) => {
        const seq = [...order];
        for (const [which, at] of dups) seq.splice(Math.min(at, seq.length), 0, which);
        // All at one packet time: the fragments of one datagram arrive within the timeout.
        const { segs, codes } = decodeAll(records(seq.map((i) => frags[i]!), seq.map(() => 0)));
        if (frags.length === 1) {
          // A single "fragment" with offset 0 and no MF is just a packet (duplicates repeat it).
          expect(segs.length).toBe(seq.length);
          return;
        }
        expect(codes.every((c) => c === 'IP_FRAGMENT_DUPLICATE')).toBe(true);
        expect(segs.length).toBe(1);
        expect(segs[0]!.payload.equals(body)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
