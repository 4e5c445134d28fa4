import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  TcpReassembler,
  seqDiff,
  seqAdd,
  TCP_MAX_BUFFERED_BYTES_PER_FLOW,
  type TcpStreamInfo,
  type TcpEndReason,
  type TcpGap,
} from '../../src/core/reasm/tcp-stream.js';
import { SipStreamFramer } from '../../src/core/sip/framer.js';
import { TCP_FIN, TCP_RST, TCP_SYN, type TransportSegment } from '../../src/core/net/segment.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';

const ACK = 0x10;
let frameNo = 0;

function seg(seq: number, data: string | Buffer, opts: { flags?: number; t?: number; frame?: number; reverse?: boolean; sport?: number } = {}): TransportSegment {
  const payload = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const rev = opts.reverse === true;
  return {
    frame: opts.frame ?? ++frameNo,
    tsSec: Math.floor(opts.t ?? 0),
    tsNsec: Math.round(((opts.t ?? 0) % 1) * 1e9),
    ipVersion: 4,
    src: rev ? '10.0.0.2' : '10.0.0.1',
    dst: rev ? '10.0.0.1' : '10.0.0.2',
    srcPort: rev ? 5060 : (opts.sport ?? 40000),
    dstPort: rev ? (opts.sport ?? 40000) : 5060,
    transport: 'tcp',
    payload,
    fileOffset: 0,
    tcp: { seq: seq >>> 0, ack: 0, flags: opts.flags ?? ACK },
  };
}

interface Out {
  data: Map<number, string>;
  chunks: { id: number; text: string; frame: number }[];
  gaps: { id: number; gap: TcpGap }[];
  ends: { id: number; reason: TcpEndReason }[];
  diags: Diagnostic[];
  infos: Map<number, TcpStreamInfo>;
}

function harness(limits = {}): { r: TcpReassembler; out: Out } {
  const out: Out = { data: new Map(), chunks: [], gaps: [], ends: [], diags: [], infos: new Map() };
  const r = new TcpReassembler(
    {
      onData: (s, c) => {
        out.infos.set(s.id, s);
        out.data.set(s.id, (out.data.get(s.id) ?? '') + c.data.toString('latin1'));
        out.chunks.push({ id: s.id, text: c.data.toString('latin1'), frame: c.frame });
      },
      onGap: (s, gap) => out.gaps.push({ id: s.id, gap }),
      onEnd: (s, reason) => out.ends.push({ id: s.id, reason }),
      onDiagnostic: (d) => out.diags.push(d),
    },
    limits,
  );
  return { r, out };
}

function all(out: Out): string {
  return [...out.data.values()].join('|');
}

describe('sequence arithmetic', () => {
  it('compares modulo 2^32', () => {
    expect(seqDiff(5, 0xfffffffb)).toBe(10);
    expect(seqDiff(0xfffffffb, 5)).toBe(-10);
    expect(seqAdd(0xffffffff, 2)).toBe(1);
  });
});

describe('TcpReassembler', () => {
  it('delivers in-order data after a SYN at ISN+1 and ends on FIN', () => {
    const { r, out } = harness();
    r.push(seg(1000, '', { flags: TCP_SYN }));
    r.push(seg(1001, 'hello '));
    r.push(seg(1007, 'world', { flags: ACK | TCP_FIN }));
    expect(all(out)).toBe('hello world');
    expect(out.ends).toEqual([{ id: 1, reason: 'fin' }]);
  });

  it('gives the same bytes for segments of every size', () => {
    const text = 'INVITE sip:x SIP/2.0\r\nContent-Length: 0\r\n\r\n'.repeat(3);
    for (let size = 1; size <= text.length; size++) {
      const { r, out } = harness();
      r.push(seg(77, '', { flags: TCP_SYN }));
      for (let i = 0; i < text.length; i += size) r.push(seg(78 + i, text.slice(i, i + size)));
      r.flush();
      expect(all(out), `size ${size}`).toBe(text);
    }
  });

  it('holds out-of-order segments until the gap fills', () => {
    const { r, out } = harness();
    r.push(seg(0, '', { flags: TCP_SYN }));
    r.push(seg(7, 'world', { frame: 10 }));
    expect(all(out)).toBe('');
    r.push(seg(1, 'hello ', { frame: 11 }));
    expect(all(out)).toBe('hello world');
    expect(out.chunks.map((c) => c.frame)).toEqual([11, 10]);
  });

  it('drops retransmissions and keep-alive probes, delivers only new bytes of overlaps', () => {
    const { r, out } = harness();
    r.push(seg(0, '', { flags: TCP_SYN }));
    r.push(seg(1, 'abcdef'));
    r.push(seg(1, 'abcdef')); // retransmission
    r.push(seg(6, 'f')); // keep-alive probe: 1 byte at next-1
    r.push(seg(4, 'defghi')); // overlap: only ghi is new
    r.push(seg(12, 'lm')); // out of order
    r.push(seg(12, 'lm')); // duplicate out of order
    r.push(seg(9, 'ijkl')); // overlaps both sides
    r.push(seg(0, '', { flags: ACK })); // pure ACK
    expect(all(out)).toBe('abcdefghijklm');
    expect(r.stats.retransmittedSegments).toBe(3);
  });

  it('handles sequence numbers wrapping at 2^32', () => {
    const { r, out } = harness();
    const isn = 0xfffffff0;
    r.push(seg(isn, '', { flags: TCP_SYN }));
    const text = 'the quick brown fox jumps over the lazy dog';
    const parts: [number, string][] = [];
    for (let i = 0; i < text.length; i += 5) parts.push([seqAdd(isn, 1 + i), text.slice(i, i + 5)]);
    // deliver in reverse: every segment but the first waits, across the wrap
    for (const [s, t] of parts.slice(1).reverse()) r.push(seg(s, t));
    expect(all(out)).toBe('');
    r.push(seg(parts[0]![0], parts[0]![1]));
    expect(all(out)).toBe(text);
  });

  it('starts a stream with no SYN at the first segment seen (mid-stream capture)', () => {
    const { r, out } = harness();
    r.push(seg(123456, 'middle '));
    r.push(seg(123463, 'end'));
    r.push(seg(123400, 'old bytes')); // before the start: treated as already delivered
    expect(all(out)).toBe('middle end');
  });

  it('skips a gap that never fills once too much is buffered beyond it', () => {
    const { r, out } = harness({ maxBufferedBytes: 100 });
    r.push(seg(0, '', { flags: TCP_SYN }));
    r.push(seg(1, 'aaaa'));
    // bytes 5..14 lost; 20-byte segments pile up behind the hole
    for (let i = 0; i < 6; i++) r.push(seg(15 + i * 20, 'b'.repeat(20), { frame: 100 + i }));
    expect(out.gaps).toEqual([{ id: 1, gap: { missingBytes: 10, frame: 105 } }]);
    expect(all(out)).toBe('aaaa' + 'b'.repeat(120));
    expect(out.diags.map((d) => d.code)).toEqual(['TCP_GAP']);
    // the consumer hears about the gap between the chunks around it
    expect(out.chunks.length).toBe(7);
  });

  it('skips a gap after the packet-time timeout, on any later packet', () => {
    const { r, out } = harness();
    r.push(seg(0, '', { flags: TCP_SYN, t: 100 }));
    r.push(seg(1, 'aaaa', { t: 100 }));
    r.push(seg(10, 'cc', { t: 101 }));
    r.push(seg(1, '', { t: 105 })); // ACK: nothing yet
    expect(out.gaps).toHaveLength(0);
    // an unrelated flow's packet advances packet time past the timeout
    r.push(seg(0, 'x', { t: 111.5, sport: 40001 }));
    expect(out.gaps.map((g) => g.gap.missingBytes)).toEqual([5]);
    expect(out.data.get(1)).toBe('aaaacc');
  });

  it('flush() delivers everything held after gaps, and ends every stream', () => {
    const { r, out } = harness();
    r.push(seg(0, '', { flags: TCP_SYN }));
    r.push(seg(1, 'one'));
    r.push(seg(10, 'three'));
    r.push(seg(6, 'two'));
    r.push(seg(0, 'reply', { reverse: true }));
    r.flush();
    expect(out.data.get(1)).toBe('onetwothree');
    expect(out.gaps.map((g) => g.gap.missingBytes)).toEqual([2, 1]);
    expect(out.ends.map((e) => e.reason)).toEqual(['flush', 'flush']);
    expect(r.flowCount).toBe(0);
  });

  it('RST ends both directions after delivering what is held', () => {
    const { r, out } = harness();
    r.push(seg(0, 'request'));
    r.push(seg(0, 'resp', { reverse: true }));
    r.push(seg(10, 'late', { reverse: true }));
    r.push(seg(7, '', { flags: TCP_RST }));
    expect(out.ends.map((e) => [e.id, e.reason])).toEqual([
      [1, 'rst'],
      [2, 'rst'],
    ]);
    expect(out.data.get(2)).toBe('resplate');
  });

  it('a new SYN on the same addresses starts a new stream', () => {
    const { r, out } = harness();
    r.push(seg(100, '', { flags: TCP_SYN }));
    r.push(seg(101, 'first', { flags: ACK | TCP_FIN }));
    r.push(seg(101, 'first', { flags: ACK | TCP_FIN })); // retransmitted after end: ignored
    r.push(seg(9000, '', { flags: TCP_SYN }));
    r.push(seg(9001, 'second'));
    expect([...out.data.entries()]).toEqual([
      [1, 'first'],
      [2, 'second'],
    ]);
  });

  it('data beyond a finished stream starts a new (mid-stream) stream; late retransmissions do not', () => {
    const { r, out } = harness();
    r.push(seg(0, 'abc', { flags: ACK | TCP_FIN }));
    r.push(seg(0, 'abc', { flags: ACK | TCP_FIN })); // retransmission
    expect(out.ends).toEqual([{ id: 1, reason: 'fin' }]);
    r.push(seg(500000, 'new connection'));
    expect([...out.data.entries()]).toEqual([
      [1, 'abc'],
      [2, 'new connection'],
    ]);
  });

  it('FIN waits for the bytes before it', () => {
    const { r, out } = harness();
    r.push(seg(0, '', { flags: TCP_SYN }));
    r.push(seg(4, 'def', { flags: ACK | TCP_FIN }));
    expect(out.ends).toEqual([]);
    r.push(seg(1, 'abc'));
    expect(all(out)).toBe('abcdef');
    expect(out.ends).toEqual([{ id: 1, reason: 'fin' }]);
  });

  it('expires idle flows by packet time and evicts beyond the flow limit', () => {
    const { r, out } = harness({ idleTimeoutSec: 60, maxFlows: 3 });
    r.push(seg(0, 'a', { t: 0, sport: 1 }));
    r.push(seg(0, 'b', { t: 1, sport: 2 }));
    r.push(seg(0, 'c', { t: 2, sport: 3 }));
    r.push(seg(0, 'd', { t: 3, sport: 4 })); // evicts sport 1
    expect(out.ends).toEqual([{ id: 1, reason: 'evicted' }]);
    expect(out.diags.map((d) => d.code)).toEqual(['TCP_FLOW_EVICTED']);
    r.push(seg(1, 'e', { t: 30, sport: 4 }));
    r.push(seg(0, 'f', { t: 70, sport: 5 })); // sports 2, 3 idle for > 60 s
    expect(out.ends.map((e) => [e.id, e.reason])).toEqual([
      [1, 'evicted'],
      [2, 'idle'],
      [3, 'idle'],
    ]);
    expect(r.flowCount).toBe(2);
    expect(r.stats.flowsExpired).toBe(2);
  });

  it('a snap-length-truncated segment makes the following hole a known loss', () => {
    const { r, out } = harness();
    r.push(seg(0, '', { flags: TCP_SYN }));
    r.push({ ...seg(1, 'abc'), truncated: true }); // 1000 bytes on the wire, 3 captured
    r.push(seg(1001, 'next'));
    expect(all(out)).toBe('abcnext');
    expect(out.gaps.map((g) => g.gap.missingBytes)).toEqual([997]);
  });

  it('default limit for buffered bytes is 256 KiB', () => {
    expect(TCP_MAX_BUFFERED_BYTES_PER_FLOW).toBe(256 * 1024);
  });
});

// --- property: any segmentation + reordering + duplication gives the same SIP messages ---

function sipStream(callIds: string[], bodies: number[]): string {
  return callIds
    .map((id, i) => {
      const body = 'b'.repeat(bodies[i] ?? 0);
      return (
        `OPTIONS sip:x@y SIP/2.0\r\nCall-ID: ${id}\r\nCSeq: ${i} OPTIONS\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
        (i % 3 === 1 ? '\r\n\r\n' : '')
      );
    })
    .join('');
}

function frameSegments(segments: TransportSegment[]): string[] {
  const messages: string[] = [];
  const framers = new Map<number, SipStreamFramer>();
  const framerFor = (id: number): SipStreamFramer => {
    let f = framers.get(id);
    if (!f) {
      f = new SipStreamFramer((m) => messages.push(m.bytes.toString('latin1')));
      framers.set(id, f);
    }
    return f;
  };
  const r = new TcpReassembler({
    onData: (s, c) => framerFor(s.id).push(c),
    onGap: (s, g) => framerFor(s.id).gap(g.frame),
    onEnd: (s) => framerFor(s.id).end(),
  });
  for (const s of segments) r.push(s);
  r.flush();
  return messages;
}

describe('TCP + SIP framing property', () => {
  it('any segmentation, reordering and duplication decodes to the same SIP messages', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z0-9]{1,12}$/), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (ids, bodies, sizes, isn, swaps, dups) => {
          const text = sipStream(ids, bodies);
          const pieces: TransportSegment[] = [];
          let off = 0;
          let k = 0;
          while (off < text.length) {
            const size = sizes[k++ % sizes.length]!;
            pieces.push(seg(seqAdd(isn, 1 + off), text.slice(off, off + size), { frame: k }));
            off += size;
          }
          for (const [a, b] of swaps) {
            const i = a % pieces.length;
            const j = b % pieces.length;
            [pieces[i], pieces[j]] = [pieces[j]!, pieces[i]!];
          }
          for (const d of dups) pieces.splice(d % (pieces.length + 1), 0, pieces[d % pieces.length]!);
          const got = frameSegments([seg(isn, '', { flags: TCP_SYN, frame: 0 }), ...pieces]);
          const expected = frameSegments([seg(isn, '', { flags: TCP_SYN, frame: 0 }), seg(seqAdd(isn, 1), text, { frame: 1 })]);
          expect(got).toEqual(expected);
          expect(got).toHaveLength(ids.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a lost segment costs at most the messages it touched; the rest are found', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 12 }), fc.integer({ min: 0, max: 1000 }), (count, lose) => {
        const ids = Array.from({ length: count }, (_, i) => `id${i}`);
        const text = sipStream(ids, ids.map((_, i) => (i * 37) % 120));
        const size = 60;
        const segments: TransportSegment[] = [seg(0, '', { flags: TCP_SYN, frame: 0 })];
        const lost = lose % Math.ceil(text.length / size);
        for (let i = 0, n = 0; i < text.length; i += size, n++) {
          if (n !== lost) segments.push(seg(1 + i, text.slice(i, i + size), { frame: n + 1 }));
        }
        const got = frameSegments(segments);
        const whole = got.filter((m) => ids.some((id) => m.includes(`Call-ID: ${id}\r\n`)) && text.includes(m));
        // a 60-byte hole can damage at most 2 messages (the one it is in, and a following one only
        // when a start line is cut); every other message comes out intact
        expect(whole.length).toBeGreaterThanOrEqual(count - 2);
      }),
      { numRuns: 200 },
    );
  });
});
