/**
 * Behaviour of the pieces the hot-path work added: records whose view is made on demand, the
 * remembered IPv4 address pair, the TCP flow-key cache and most-recent-flow shortcut, the
 * lazy message fields, and the line sink's single drain wait.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createCaptureReader } from '../../src/core/capture/open-reader.js';
import { ChunkRecord, type CaptureRecord } from '../../src/core/capture/record.js';
import { NetDecoder } from '../../src/core/net/net-decoder.js';
import type { TransportSegment } from '../../src/core/net/segment.js';
import { TcpReassembler, type TcpEndReason } from '../../src/core/reasm/tcp-stream.js';
import { parseSipMessage } from '../../src/core/sip/message.js';
import { LineSink } from '../../src/io/line-sink.js';
import { captureFiles, CAPTURES_DIR } from '../conformance/shared-captures.js';
import { ethernet, ipv4, record, udp } from '../net/packet-builders.js';
import { ORIGIN } from '../sip/origin-for-test.js';

function segmentView(s: TransportSegment): unknown {
  return { ...s, payload: s.payload.toString('hex') };
}

describe('ChunkRecord (records read in place)', () => {
  it('shows the same fields, view and JSON as a plain record', () => {
    const chunk = Buffer.from('xxxxABCDEFyy');
    const r = new ChunkRecord(3, 10, 20, 1, chunk, 4, 10, 9, 100, 2, ['c']);
    expect(r.data.toString()).toBe('ABCDEF');
    expect(r.data.buffer).toBe(chunk.buffer); // a view, no copy
    expect(r.data).toBe(r.data); // made once
    expect(r.truncated).toBe(true);
    expect(new ChunkRecord(3, 10, 20, 1, chunk, 4, 10, 6, 100, 2).truncated).toBe(false);
    const plain: CaptureRecord = { frame: 3, tsSec: 10, tsNsec: 20, linkType: 1, data: r.data, origLen: 9, truncated: true, fileOffset: 100, interfaceId: 2, comments: ['c'] };
    expect(JSON.parse(JSON.stringify(r))).toEqual(JSON.parse(JSON.stringify(plain)));
  });

  it('the net layer gives the same segments for reader records and for plain copies, on every shared capture', () => {
    let segments = 0;
    for (const file of captureFiles()) {
      const fromReader: unknown[] = [];
      const fromCopies: unknown[] = [];
      const inPlace = new NetDecoder();
      const copied = new NetDecoder();
      const reader = createCaptureReader({
        onRecord: (r) => {
          expect(r).toBeInstanceOf(ChunkRecord);
          inPlace.decode(r, (s) => fromReader.push(segmentView(s)));
          const plain: CaptureRecord = { ...JSON.parse(JSON.stringify(r)), data: Buffer.from(r.data) };
          copied.decode(plain, (s) => fromCopies.push(segmentView(s)));
        },
      });
      reader.push(readFileSync(path.join(CAPTURES_DIR, file)));
      reader.end();
      expect(fromReader, file).toEqual(fromCopies);
      segments += fromReader.length;
    }
    expect(segments).toBeGreaterThan(5000);
  });
});

describe('IPv4 address text (last pair remembered)', () => {
  it('stays right when directions alternate and addresses change', () => {
    const hosts = ['10.0.0.1', '10.0.0.2', '192.168.1.77', '10.0.0.1'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3), fc.nat(3)), { minLength: 1, maxLength: 30 }), (pairs) => {
        const net = new NetDecoder();
        const got: string[] = [];
        pairs.forEach(([a, b], i) => {
          const pkt = ethernet(0x0800, ipv4(hosts[a]!, hosts[b]!, 17, udp(5060, 5060, Buffer.from('x'))));
          net.decode(record(1, pkt, i + 1), (s) => got.push(`${s.src}>${s.dst}`));
        });
        expect(got).toEqual(pairs.map(([a, b]) => `${hosts[a]}>${hosts[b]}`));
      }),
    );
  });
});

function tcpSeg(src: string, srcPort: number, dst: string, dstPort: number, seq: number, payload: string, frame: number, flags = 0x18): TransportSegment {
  return { frame, tsSec: 1000, tsNsec: frame, ipVersion: 4, src, dst, srcPort, dstPort, transport: 'tcp', payload: Buffer.from(payload), fileOffset: 0, tcp: { seq, ack: 0, flags } };
}

describe('TCP flow keys and least-recently-used order', () => {
  it('keeps flows apart whose ports share a key-cache slot', () => {
    const data = new Map<string, string>();
    const tcp = new TcpReassembler({
      onData: (s, c) => data.set(`${s.src}:${s.srcPort}>${s.dst}:${s.dstPort}`, (data.get(`${s.src}:${s.srcPort}>${s.dst}:${s.dstPort}`) ?? '') + c.data.toString()),
    });
    // same ports, different addresses; and ports chosen to land in the same slot
    const flows: [string, number, string, number][] = [
      ['10.0.0.1', 5060, '10.0.0.2', 5060],
      ['10.0.0.3', 5060, '10.0.0.2', 5060],
      ['10.0.0.1', 5060, '10.0.0.4', 5060],
      ['10.0.0.1', 5060 ^ 256, '10.0.0.2', 5060],
      ['10.0.0.1', 1, '10.0.0.2', 0],
      ['10.0.0.1', 257, '10.0.0.2', 0],
    ];
    let frame = 1;
    for (let round = 0; round < 3; round++) {
      flows.forEach(([src, sp, dst, dp], i) => tcp.push(tcpSeg(src, sp, dst, dp, 1000 + round, `${i}`, frame++)));
    }
    tcp.flush();
    expect([...data.values()]).toEqual(flows.map((_, i) => `${i}${i}${i}`));
    expect(tcp.flowCount).toBe(0);
  });

  it('evicts the least recently seen flow, also when the same flow comes several times in a row', () => {
    const ended: string[] = [];
    const tcp = new TcpReassembler(
      { onData: () => {}, onEnd: (s, why: TcpEndReason) => ended.push(`${s.srcPort}:${why}`) },
      { maxFlows: 2 },
    );
    tcp.push(tcpSeg('10.0.0.1', 1, '10.0.0.2', 9, 0, 'a', 1));
    tcp.push(tcpSeg('10.0.0.1', 2, '10.0.0.2', 9, 0, 'b', 2));
    tcp.push(tcpSeg('10.0.0.1', 1, '10.0.0.2', 9, 1, 'a', 3)); // flow 1 is now the most recent
    tcp.push(tcpSeg('10.0.0.1', 1, '10.0.0.2', 9, 2, 'a', 4)); // and stays so
    tcp.push(tcpSeg('10.0.0.1', 3, '10.0.0.2', 9, 0, 'c', 5)); // evicts flow 2
    expect(ended).toEqual(['2:evicted']);
    tcp.push(tcpSeg('10.0.0.1', 4, '10.0.0.2', 9, 0, 'd', 6)); // evicts flow 1
    expect(ended).toEqual(['2:evicted', '1:evicted']);
  });

  it('a restart of the most recent flow replaces it in place (no extra eviction)', () => {
    const ended: string[] = [];
    const tcp = new TcpReassembler({ onData: () => {}, onEnd: (s, why) => ended.push(`${s.id}:${why}`) }, { maxFlows: 2 });
    tcp.push(tcpSeg('10.0.0.1', 1, '10.0.0.2', 9, 0, 'a', 1));
    tcp.push(tcpSeg('10.0.0.1', 2, '10.0.0.2', 9, 0, 'b', 2));
    tcp.push(tcpSeg('10.0.0.1', 2, '10.0.0.2', 9, 5000, '', 3, 0x02)); // new SYN on the most recent flow
    expect(ended).toEqual(['2:restart']);
    expect(tcp.flowCount).toBe(2);
  });
});

describe('lazy message fields', () => {
  const raw = Buffer.from(
    'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=f1\r\nTo: <sip:c@d>;tag=t1\r\nCall-ID: c\r\nCSeq: 7 INVITE\r\nContent-Length: 2\r\n\r\nhi',
  );

  it('are read on demand, once, and give the same value every time', () => {
    const m = parseSipMessage(raw, ORIGIN);
    expect([m.toTag, m.fromTag, m.viaBranch, m.reason, m.requestUri]).toEqual(['t1', 'f1', 'z9hG4bKx', 'OK', undefined]);
    expect([m.toTag, m.fromTag, m.viaBranch, m.reason, m.requestUri]).toEqual(['t1', 'f1', 'z9hG4bKx', 'OK', undefined]);
    expect(m.body).toBe(m.body);
    expect(m.body.toString()).toBe('hi');
  });

  it('a message without diagnostics shares no list anyone could write into', () => {
    const a = parseSipMessage(raw, ORIGIN);
    const b = parseSipMessage(Buffer.from('garbage'), ORIGIN);
    expect(a.diagnostics).toEqual([]);
    expect(b.diagnostics.length).toBeGreaterThan(0);
    expect(parseSipMessage(raw, ORIGIN).diagnostics).toEqual([]);
  });

  it('rebuilds "<number> <method>" CSeq values only when that gives back the same text', () => {
    const cseqOf = (v: string): [string, number, string] => {
      const m = parseSipMessage(Buffer.from(`BYE sip:x SIP/2.0\r\nCSeq: ${v}\r\n\r\n`), ORIGIN);
      return [m.cseq, m.cseqNumber, m.cseqMethod];
    };
    expect(cseqOf('1 BYE')).toEqual(['1 BYE', 1, 'BYE']);
    expect(cseqOf('0 BYE')).toEqual(['0 BYE', 0, 'BYE']);
    expect(cseqOf('007 BYE')).toEqual(['007 BYE', 7, 'BYE']);
    expect(cseqOf('12  BYE')).toEqual(['12  BYE', 12, 'BYE']);
    expect(cseqOf('12\tBYE')).toEqual(['12\tBYE', 12, 'BYE']);
    expect(cseqOf('1234567890 BYE')).toEqual(['1234567890 BYE', 1234567890, 'BYE']);
    expect(cseqOf('5 bye')).toEqual(['5 bye', 5, 'bye']);
    expect(cseqOf('5 BYEX')).toEqual(['5 BYEX', 5, 'BYEX']);
  });
});

/** A writable that refuses more until drain() is called, counting 'drain' listeners. */
class SlowWritable extends Writable {
  chunks: string[] = [];
  private pendingCallbacks: (() => void)[] = [];
  constructor() {
    super({ highWaterMark: 16, decodeStrings: false });
  }
  override _write(chunk: string, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(chunk);
    this.pendingCallbacks.push(cb);
  }
  release(): void {
    const cbs = this.pendingCallbacks;
    this.pendingCallbacks = [];
    for (const cb of cbs) cb();
  }
}

describe('LineSink', () => {
  it('waits for one drain however many flushes hit a full stream', async () => {
    const out = new SlowWritable();
    const sink = new LineSink(out);
    const waits = new Set<Promise<void>>();
    for (let i = 0; i < 40; i++) {
      const p = sink.line('x'.repeat(70 * 1024)); // each line fills a flush
      if (p) waits.add(p);
    }
    expect(waits.size).toBe(1);
    expect(out.listenerCount('drain')).toBeLessThanOrEqual(1);
    let resolved = false;
    void [...waits][0]!.then(() => (resolved = true));
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    out.release();
    while (!resolved) {
      out.release();
      await new Promise((r) => setImmediate(r));
    }
    expect(out.chunks).toHaveLength(40);
    expect(out.listenerCount('drain')).toBe(0);
  });
});
