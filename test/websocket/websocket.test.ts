import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { deflateRawSync } from 'node:zlib';
import {
  WebSocketStream,
  looksLikeWebSocketUpgrade,
  looksLikeWebSocketSipFrame,
  WS_MAX_MESSAGE_BYTES,
  type WebSocketMessage,
} from '../../src/core/net/websocket.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { captureToSegments, expectedRows, summarise } from '../reasm/capture-to-segments-for-test.js';
import { TcpReassembler } from '../../src/core/reasm/tcp-stream.js';
import { frameDatagram } from '../../src/core/sip/framer.js';

const REQUEST =
  'GET / HTTP/1.1\r\nHost: proxy.example.com:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: sip\r\nSec-WebSocket-Version: 13\r\n\r\n';
const RESPONSE =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: sip\r\n\r\n';

const SIP_A = 'REGISTER sip:example.com SIP/2.0\r\nCall-ID: reg1\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n';
const SIP_B = 'SIP/2.0 200 OK\r\nCall-ID: reg1\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n';

/** Builds one RFC 6455 frame. */
function wsFrame(payload: Buffer | string, opts: { opcode?: number; fin?: boolean; mask?: number[]; rsv1?: boolean; forceLen?: 16 | 64 } = {}): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const parts: number[] = [((opts.fin ?? true) ? 0x80 : 0) | (opts.rsv1 ? 0x40 : 0) | (opts.opcode ?? 1)];
  const m = opts.mask ? 0x80 : 0;
  let ext: Buffer;
  if (data.length < 126 && !opts.forceLen) {
    parts.push(m | data.length);
    ext = Buffer.alloc(0);
  } else if (data.length < 65536 && opts.forceLen !== 64) {
    parts.push(m | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(data.length);
  } else {
    parts.push(m | 127);
    ext = Buffer.alloc(8);
    ext.writeUInt32BE(Math.floor(data.length / 2 ** 32), 0);
    ext.writeUInt32BE(data.length >>> 0, 4);
  }
  let body = data;
  if (opts.mask) {
    body = Buffer.from(data);
    for (let i = 0; i < body.length; i++) body[i]! ^= opts.mask[i & 3]!;
  }
  return Buffer.concat([Buffer.from(parts), ext, Buffer.from(opts.mask ?? []), body]);
}

const MASK = [0x37, 0xfa, 0x21, 0x3d];

interface Run {
  messages: WebSocketMessage[];
  diags: Diagnostic[];
  ws: WebSocketStream;
}

function feed(chunks: Buffer[]): Run {
  const messages: WebSocketMessage[] = [];
  const diags: Diagnostic[] = [];
  const ws = new WebSocketStream((m) => messages.push(m), { onDiagnostic: (d) => diags.push(d) });
  chunks.forEach((c, i) => ws.push({ data: c, frame: i + 1, tsSec: 0, tsNsec: 0, fileOffset: 0 }));
  ws.end();
  return { messages, diags, ws };
}

function split(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

function shape(run: Run): unknown {
  return {
    messages: run.messages.map((m) => [m.opcode, m.data.toString('latin1'), m.diagnostics.map((d) => d.code)]),
    diags: run.diags.map((d) => `${d.code} ${d.detail ?? ''}`),
    state: run.ws.state,
  };
}

/** A client stream with every framing feature: 16-bit length, fragments with an interleaved ping. */
const CLIENT = Buffer.concat([
  Buffer.from(REQUEST),
  wsFrame(SIP_A, { mask: MASK }),
  wsFrame(SIP_A.slice(0, 20), { mask: MASK, fin: false }),
  wsFrame('ping!', { mask: MASK, opcode: 9 }),
  wsFrame(SIP_A.slice(20, 50), { mask: MASK, fin: false, opcode: 0 }),
  wsFrame(SIP_A.slice(50), { mask: MASK, opcode: 0 }),
  wsFrame(SIP_B + 'x'.repeat(300), { mask: MASK, opcode: 2 }),
  wsFrame(SIP_B, { mask: MASK, forceLen: 64 }),
  wsFrame('', { mask: MASK, opcode: 10 }),
  wsFrame(Buffer.from([0x03, 0xe8]), { mask: MASK, opcode: 8 }),
]);

describe('WebSocketStream', () => {
  it('parses the handshake, masked frames, fragments with an interleaved ping, and close', () => {
    const run = feed([CLIENT]);
    expect(run.messages.map((m) => [m.opcode, m.data.toString()])).toEqual([
      [1, SIP_A],
      [1, SIP_A],
      [2, SIP_B + 'x'.repeat(300)],
      [1, SIP_B],
    ]);
    expect(run.diags).toEqual([]);
    expect(run.ws.handshake).toBe('request');
    expect(run.ws.subprotocol).toBe('sip');
    expect(run.ws.state).toBe('closed');
    expect(run.ws.stats.controlFrames).toBe(3);
  });

  it('gives identical output at every chunk size', () => {
    const reference = shape(feed([CLIENT]));
    for (let size = 1; size <= CLIENT.length; size++) {
      expect(shape(feed(split(CLIENT, size))), `chunk size ${size}`).toEqual(reference);
    }
  });

  it('parses the server side (101 response, unmasked frames)', () => {
    const run = feed([Buffer.from(RESPONSE), wsFrame(SIP_B), wsFrame(SIP_B.slice(0, 5), { fin: false }), wsFrame(SIP_B.slice(5), { opcode: 0 })]);
    expect(run.messages.map((m) => m.data.toString())).toEqual([SIP_B, SIP_B]);
    expect(run.ws.handshake).toBe('response');
  });

  it('reports the completing frame and every frame of a message', () => {
    const f1 = wsFrame(SIP_A.slice(0, 30), { fin: false, mask: MASK });
    const f2 = wsFrame(SIP_A.slice(30), { opcode: 0, mask: MASK });
    const run = feed([Buffer.from(REQUEST), f1.subarray(0, 10), Buffer.concat([f1.subarray(10), f2.subarray(0, 3)]), f2.subarray(3)]);
    expect(run.messages.map((m) => [m.frame, m.frames])).toEqual([[4, [2, 3, 4]]]);
  });

  it('finds frames in a capture that starts after the handshake', () => {
    const tail = wsFrame(SIP_A, { mask: MASK }).subarray(17); // the end of a frame we missed
    const run = feed([Buffer.concat([tail, wsFrame(SIP_B, { mask: MASK }), wsFrame(SIP_A)])]);
    expect(run.messages.map((m) => m.data.toString())).toEqual([SIP_B, SIP_A]);
    expect(run.diags.map((d) => d.code)).toEqual(['WS_JUNK_SKIPPED']);
    expect(run.ws.handshake).toBeUndefined();
    expect(looksLikeWebSocketSipFrame(wsFrame(SIP_B, { mask: MASK }))).toBe(true);
    expect(looksLikeWebSocketSipFrame(wsFrame('hello world, not sip'))).toBe(false);
  });

  it('after a bad frame header or a gap, hunts for the next SIP frame', () => {
    const bad = Buffer.from([0xf3, 0x05, 1, 2, 3, 4, 5]); // RSV2/RSV3 set, opcode 3
    const run = feed([Buffer.from(RESPONSE), wsFrame(SIP_B), bad, wsFrame(SIP_A)]);
    expect(run.messages.map((m) => m.data.toString())).toEqual([SIP_B, SIP_A]);
    expect(run.diags.map((d) => `${d.code} ${d.detail}`)).toEqual(['WS_BAD_FRAME invalid frame header', `WS_JUNK_SKIPPED ${bad.length} bytes`]);

    const messages: WebSocketMessage[] = [];
    const ws = new WebSocketStream((m) => messages.push(m));
    const f = wsFrame(SIP_B);
    ws.push({ data: Buffer.concat([Buffer.from(RESPONSE), f.subarray(0, 30)]), frame: 1, tsSec: 0, tsNsec: 0, fileOffset: 0 });
    ws.gap();
    ws.push({ data: Buffer.concat([f.subarray(60), wsFrame(SIP_A)]), frame: 2, tsSec: 0, tsNsec: 0, fileOffset: 0 });
    expect(messages.map((m) => m.data.toString())).toEqual([SIP_A]);
  });

  it('skips a message over the size limit and keeps going', () => {
    const big = wsFrame(Buffer.alloc(WS_MAX_MESSAGE_BYTES + 1, 0x41), { opcode: 2 });
    const run = feed([Buffer.from(RESPONSE), big, wsFrame(SIP_B)]);
    expect(run.messages.map((m) => m.data.toString())).toEqual([SIP_B]);
    expect(run.diags.map((d) => d.code)).toEqual(['WS_MESSAGE_TOO_LARGE']);
  });

  it('inflates permessage-deflate messages (RFC 7692, no context takeover)', () => {
    const deflated = deflateRawSync(Buffer.from(SIP_A));
    const run = feed([Buffer.from(RESPONSE), wsFrame(deflated, { rsv1: true })]);
    expect(run.messages.map((m) => m.data.toString())).toEqual([SIP_A]);
  });

  it('is not WebSocket when the GET has no Upgrade', () => {
    const run = feed([Buffer.from('GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n'), wsFrame(SIP_A)]);
    expect(run.messages).toEqual([]);
    expect(run.ws.state).toBe('not-websocket');
  });

  it('looksLikeWebSocketUpgrade', () => {
    expect(looksLikeWebSocketUpgrade(Buffer.from(REQUEST))).toBe(true);
    expect(looksLikeWebSocketUpgrade(Buffer.from(RESPONSE))).toBe(true);
    expect(looksLikeWebSocketUpgrade(Buffer.from('GET / HTTP/1.1\r\nupgrade:   WebSocket\r\n'))).toBe(true);
    expect(looksLikeWebSocketUpgrade(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))).toBe(false);
    expect(looksLikeWebSocketUpgrade(Buffer.from(SIP_A))).toBe(false);
    expect(looksLikeWebSocketUpgrade(Buffer.alloc(0))).toBe(false);
  });

  it('never throws or hangs on random bytes, and chunking does not change the output', () => {
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 60 }).map((a) => Buffer.from(a)),
      fc.constantFrom(wsFrame(SIP_A, { mask: MASK }), wsFrame(SIP_B), wsFrame('x', { opcode: 9 }), Buffer.from(RESPONSE)),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), fc.integer({ min: 1, max: 40 }), (pieces, size) => {
        const data = Buffer.concat(pieces);
        expect(shape(feed(split(data, size)))).toEqual(shape(feed([data])));
      }),
      { numRuns: 500 },
    );
  });
});

describe('heplify-websocket.pcap', () => {
  it('yields the 11 ws SIP messages at the frames tshark completes them', () => {
    const expected = expectedRows('heplify-websocket.pcap')
      .filter((r) => r.transport === 'ws')
      .map((r) => `${r.frame} ${r.src}:${r.sport} ${r.callId} ${r.cseq} ${r.methodOrStatus}`);
    expect(expected).toHaveLength(11);
    const got: string[] = [];
    const streams = new Map<number, WebSocketStream>();
    const r = new TcpReassembler({
      onData: (s, c) => {
        let ws = streams.get(s.id);
        if (!ws) {
          ws = new WebSocketStream((m) => {
            for (const d of frameDatagram(m.data)) {
              const x = summarise(d.bytes);
              got.push(`${m.frame} ${s.src}:${s.srcPort} ${x.callId} ${x.cseq} ${x.methodOrStatus}`);
            }
          });
          streams.set(s.id, ws);
        }
        ws.push(c);
      },
      onEnd: (s) => streams.get(s.id)?.end(),
    });
    for (const seg of captureToSegments('heplify-websocket.pcap')) if (seg.srcPort === 8080 || seg.dstPort === 8080) r.push(seg);
    r.flush();
    expect(got).toEqual(expected);
    expect([...streams.values()].map((w) => w.handshake).sort()).toEqual(['request', 'response']);
  });
});
