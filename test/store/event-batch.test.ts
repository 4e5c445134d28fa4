/**
 * Event batches (core/pipeline/event-batch.ts) give back what was written: messages (fields,
 * bytes, diagnostics, multi-frame lists, with or without a parse index) and UDP segments, in
 * order, across batches that share the interned strings, at the edges of every slot's range.
 */
import { describe, expect, it } from 'vitest';
import type { TransportSegment } from '../../src/core/net/segment.js';
import { batchBuffers, EventBatchReader, EventBatchWriter, MAX_SPARE_BATCH_BUFFERS } from '../../src/core/pipeline/event-batch.js';
import { parseSipMessage } from '../../src/core/sip/message.js';
import type { SipMessage, SipOrigin } from '../../src/core/sip/types.js';

const origin = (frame: number, extra: Partial<SipOrigin> = {}): SipOrigin => ({
  frame, tsSec: 1_700_000_000, tsNsec: 999_999_999, transport: 'udp', ipVersion: 4, src: '10.0.0.1', srcPort: 5060, dst: '10.0.0.2', dstPort: 65535, fileOffset: 2 ** 40 + 3, ...extra,
});
const plain = 'INVITE sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=f\r\nTo: <sip:b@x>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 4\r\n\r\nv=0\n';
// folded From and two Call-IDs: no parse index, parsed again on the reading side
const odd = 'SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@x>\r\n ;tag=f\r\nTo: <sip:b@x>;tag=t\r\nCall-ID: c1\r\ni: c2\r\nCSeq: 1 INVITE\r\n\r\n';

function view(m: SipMessage): unknown[] {
  return [m.frame, m.tsSec, m.tsNsec, m.transport, m.ipVersion, m.src, m.srcPort, m.dst, m.dstPort, m.fileOffset, m.frames, m.isRequest, m.method,
    m.statusCode, m.reason, m.callId, m.cseq, m.cseqNumber, m.cseqMethod, m.fromTag, m.toTag, m.viaBranch, m.contentLength, m.malformed,
    m.diagnostics, m.body.toString('latin1'), m.raw.toString('latin1'), m.headers()];
}

describe('event batches', () => {
  it('a replayed batch\'s buffers are written again (recycle), grown ones too, and a new set is made only when none is spare', () => {
    const writer = new EventBatchWriter();
    const reader = new EventBatchReader();
    const big = parseSipMessage(Buffer.from(plain.replace('v=0\n', 'v=0\n'.padEnd(3 * 1024 * 1024, 'x'))), origin(9));
    writer.addMessage(parseSipMessage(Buffer.from(plain), origin(1)), 5);
    const b1 = writer.take()!;
    writer.addMessage(big, 6); // grows the bytes buffer past its first size
    const b2 = writer.take()!;
    const sets = [b1, b2].map(batchBuffers);
    expect(sets[0]!.bytes).not.toBe(sets[1]!.bytes);
    expect(sets[1]!.bytes.byteLength).toBeGreaterThan(big.raw.length);
    const got: string[] = [];
    for (const b of [b1, b2]) {
      reader.accept(b);
      reader.replay(b, 0, { onMessage: (m) => void got.push(m.raw.subarray(0, 6).toString('latin1')) });
    }
    expect(got).toEqual(['INVITE', 'INVITE']);
    writer.recycle(sets[0]!);
    writer.recycle(sets[1]!);
    // the batch being written stays in its set; the next ones go into the spares, last handed back first
    writer.addMessage(parseSipMessage(Buffer.from(plain), origin(2)), 7);
    const b3 = writer.take()!;
    writer.addMessage(big, 8);
    const b4 = writer.take()!;
    writer.addMessage(parseSipMessage(Buffer.from(plain), origin(3)), 9);
    const b5 = writer.take()!;
    writer.addMessage(parseSipMessage(Buffer.from(plain), origin(4)), 10);
    const b6 = writer.take()!;
    for (const set of sets) expect(batchBuffers(b3).bytes).not.toBe(set.bytes);
    expect(batchBuffers(b4)).toEqual(sets[1]);
    for (const k of ['ints', 'floats', 'bytes'] as const) {
      expect(batchBuffers(b4)[k]).toBe(sets[1]![k]); // the grown one holds the big message without growing again
      expect(batchBuffers(b5)[k]).toBe(sets[0]![k]);
    }
    for (const set of sets) expect(batchBuffers(b6).bytes).not.toBe(set.bytes);
    // the reader gets what was written into the recycled buffers
    const again: number[] = [];
    for (const b of [b3, b4, b5, b6]) {
      reader.accept(b);
      reader.replay(b, 0, { onMessage: (m, at) => void again.push(m.frame, at, m.raw.length) });
    }
    expect(again).toEqual([2, 7, plain.length, 9, 8, big.raw.length, 3, 9, plain.length, 4, 10, plain.length]);
  });

  it('keeps at most MAX_SPARE_BATCH_BUFFERS spare sets', () => {
    const writer = new EventBatchWriter();
    const handedBack: ArrayBuffer[] = [];
    for (let i = 0; i < MAX_SPARE_BATCH_BUFFERS + 3; i++) {
      const set = { ints: new ArrayBuffer(4096 * 37 * 4), floats: new ArrayBuffer(4096 * 3 * 8), bytes: new ArrayBuffer(1024) };
      handedBack.push(set.bytes);
      writer.recycle(set);
    }
    const used = new Set<ArrayBuffer>();
    for (let i = 0; i < MAX_SPARE_BATCH_BUFFERS + 3; i++) {
      writer.addMessage(parseSipMessage(Buffer.from(plain), origin(i + 1)), 0);
      used.add(batchBuffers(writer.take()!).bytes);
    }
    // the first MAX_SPARE ones were kept, and each was written once (the first batch is in the writer's own set)
    expect(handedBack.filter((b) => used.has(b))).toEqual(handedBack.slice(0, MAX_SPARE_BATCH_BUFFERS));
    expect(used.size).toBe(MAX_SPARE_BATCH_BUFFERS + 3);
  });

  it('round-trip messages and segments in order, over several batches', () => {
    const messages = [
      parseSipMessage(Buffer.from(plain), origin(1)),
      parseSipMessage(Buffer.from(odd), origin(2 ** 32 - 1, { transport: 'tcp', ipVersion: 6, src: '2001:db8::1', dst: '2001:db8::2', frames: [7, 8, 2 ** 32 - 1] }), ['SIP_NO_CONTENT_LENGTH']),
      parseSipMessage(Buffer.from(plain), origin(5, { tsSec: -2.5, transport: 'hep3/udp' })),
    ];
    const segment: TransportSegment = {
      frame: 3, tsSec: 12, tsNsec: 1, ipVersion: 4, src: '10.0.0.1', dst: '10.0.0.2', srcPort: 40000, dstPort: 40002, transport: 'udp',
      payload: Buffer.from([0x80, 0, 0, 1, 2, 3]), fileOffset: 99, fragmentFrames: [2, 3], truncated: true,
    };
    const writer = new EventBatchWriter();
    const reader = new EventBatchReader();
    const got: unknown[] = [];
    const handlers = {
      onMessage: (m: SipMessage, at: number) => void got.push(['msg', ...view(m), at]),
      onOtherUdp: (s: TransportSegment) => void got.push(['udp', s.frame, s.tsSec, s.src, s.dst, s.srcPort, s.dstPort, s.fileOffset, s.fragmentFrames, s.truncated, s.payload.toString('hex')]),
    };
    // batch 1: a message and the segment; batch 2: two messages reusing interned strings
    writer.addMessage(messages[0]!, 123);
    writer.addUdp(segment);
    const b1 = writer.take()!;
    writer.addMessage(messages[1]!, -1);
    writer.addMessage(messages[2]!, 2 ** 40);
    const b2 = writer.take()!;
    expect(writer.take()).toBeUndefined();
    for (const b of [b1, b2]) {
      reader.accept(b);
      // replayed in slices of one check each: stop after every event that allows it
      for (let at = 0; at < b.count; ) at = reader.replay(b, at, handlers, () => true);
    }
    expect(got).toEqual([
      ['msg', ...view(messages[0]!), 123],
      ['udp', 3, 12, '10.0.0.1', '10.0.0.2', 40000, 40002, 99, [2, 3], true, '800000010203'],
      ['msg', ...view(messages[1]!), -1],
      ['msg', ...view(messages[2]!), 2 ** 40],
    ]);
    expect(b2.strings).toEqual(['2001:db8::1', '2001:db8::2', 'tcp', 'hep3/udp']); // only the new ones
  });
});
