/**
 * Event batches (core/pipeline/event-batch.ts) give back what was written: messages (fields,
 * bytes, diagnostics, multi-frame lists, with or without a parse index) and UDP segments, in
 * order, across batches that share the interned strings, at the edges of every slot's range.
 */
import { describe, expect, it } from 'vitest';
import type { TransportSegment } from '../../src/core/net/segment.js';
import { EventBatchReader, EventBatchWriter } from '../../src/core/pipeline/event-batch.js';
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
