/**
 * The hot-path work must not change a single result: the optimised SIP framer, start-line
 * matcher and parser are compared with the code as it was before (reference-v0/) on random
 * SIP-shaped input, random bytes, random chunkings, and every message of the shared captures.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCaptureReader } from '../../src/core/capture/open-reader.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { NetDecoder } from '../../src/core/net/net-decoder.js';
import type { TransportSegment } from '../../src/core/net/segment.js';
import { TcpReassembler, type StreamChunk } from '../../src/core/reasm/tcp-stream.js';
import { SipStreamFramer, frameDatagram, type FramedMessage } from '../../src/core/sip/framer.js';
import { parseSipMessage } from '../../src/core/sip/message.js';
import { matchStartLine } from '../../src/core/sip/start-line.js';
import type { SipMessage } from '../../src/core/sip/types.js';
import { captureFiles, CAPTURES_DIR } from '../conformance/shared-captures.js';
import { ORIGIN } from '../sip/origin-for-test.js';
import { SipStreamFramer as OldStreamFramer, frameDatagram as oldFrameDatagram } from './reference-v0/framer.js';
import { parseSipMessage as oldParseSipMessage } from './reference-v0/message.js';
import { matchStartLine as oldMatchStartLine } from './reference-v0/start-line.js';

/** Every public field of a parsed message, lazy ones included, plus its JSON. */
function messageView(m: SipMessage): unknown {
  return {
    origin: [m.frame, m.tsSec, m.tsNsec, m.transport, m.ipVersion, m.src, m.srcPort, m.dst, m.dstPort, m.fileOffset, m.frames],
    start: [m.isRequest, m.method, m.requestUri, m.statusCode, m.reason],
    ids: [m.callId, m.cseq, m.cseqNumber, m.cseqMethod, m.fromTag, m.toTag, m.viaBranch, m.contentLength],
    body: m.body.toString('latin1'),
    malformed: m.malformed,
    diagnostics: m.diagnostics,
    headers: m.headers(),
    firstVia: m.header('v'),
    json: JSON.stringify(m),
  };
}

/** Reads the lazy fields in another order first (a getter must not depend on what ran before). */
function messageViewReversed(m: SipMessage): unknown {
  const lazy = [m.viaBranch, m.toTag, m.fromTag, m.reason, m.requestUri, m.body.length];
  return { lazy, all: messageView(m) };
}

function datagramView(list: readonly { bytes: Buffer; offset: number; headerLength: number; contentLength?: number; diagnostics: readonly Diagnostic[]; malformed: boolean }[]): unknown {
  return list.map((d) => ({
    bytes: d.bytes.toString('latin1'),
    offset: d.offset,
    headerLength: d.headerLength,
    contentLength: d.contentLength,
    diagnostics: d.diagnostics,
    malformed: d.malformed,
  }));
}

function framedView(m: FramedMessage): unknown {
  return {
    bytes: m.bytes.toString('latin1'),
    frame: m.frame,
    ts: [m.tsSec, m.tsNsec, m.fileOffset],
    frames: m.frames,
    headerLength: m.headerLength,
    contentLength: m.contentLength,
    diagnostics: m.diagnostics,
    malformed: m.malformed,
  };
}

function expectSameParse(raw: Buffer, diags: readonly Diagnostic[] = []): void {
  const now = parseSipMessage(raw, ORIGIN, diags);
  const before = oldParseSipMessage(raw, ORIGIN, diags);
  expect(messageView(now)).toEqual(messageView(before));
  expect(messageViewReversed(parseSipMessage(raw, ORIGIN, diags))).toEqual(messageViewReversed(oldParseSipMessage(raw, ORIGIN, diags)));
}

function expectSameDatagram(payload: Buffer): void {
  expect(datagramView(frameDatagram(payload, 3))).toEqual(datagramView(oldFrameDatagram(payload, 3)));
}

function streamRun(Framer: typeof SipStreamFramer | typeof OldStreamFramer, chunks: readonly Buffer[], gapAt: number): unknown {
  const messages: unknown[] = [];
  const diags: Diagnostic[] = [];
  const f = new Framer((m) => messages.push(framedView(m)), { onDiagnostic: (d) => diags.push(d), maxHeaderBytes: 600, maxBodyBytes: 400 });
  chunks.forEach((data, i) => {
    if (i === gapAt) f.gap(i + 1);
    f.push({ data, frame: i + 1, tsSec: i, tsNsec: 0, fileOffset: i * 10 });
  });
  f.end();
  return { messages, diags };
}

function splitAt(buf: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  out.push(buf.subarray(prev));
  return out;
}

/** SIP-shaped text: start lines, the framing and correlation headers in every spelling, and structure bytes. */
const piece = fc.constantFrom(
  'INVITE sip:x SIP/2.0', 'SIP/2.0 200 OK', 'SIP/2.0 180', 'sip/2.0 404 Not Found ', 'ACK sip:a@b SIP/2.0  ', 'X-Y! sip:q SIP/2.0',
  '\r\n', '\n', '\r', ' ', '\t', ':', ' : ', ';', ',', '"', '<', '>', '\\', '=',
  'Call-ID', 'i', 'CSeq', 'cseq', 'f', 'From', 't', 'To', 'v', 'Via', 'VIA', 'l', 'L', 'Content-Length', 'content-LENGTH', 'Content\rLength',
  'Content-Lengtx', 'Content-Lengths', 'Content-Lengt', 'Xontent-Length', 'Content_Length', 'lx', 'Content-Length\x00',
  'Content-Type', 'c', 'Contact', 'tag=', ';tag=x', 'branch=', ';branch=z9hG4bK1', ' 1 INVITE', '01 BYE', '2  ACK', '1\tINVITE', 'INVITE', 'OPTIONS',
  '0', '1', '12', '999999999999999999', 'x', 'é', '\x00', '\x1b[', '\xff', '\r\n\r\n', '\r\n ', '\r\n\t',
);
const sipText = fc.array(piece, { maxLength: 90 }).map((parts) => Buffer.from(parts.join(''), 'latin1'));

/** A well-formed message with random correlation headers, name forms and Content-Length. */
const sipMessage = fc
  .record({
    request: fc.boolean(),
    method: fc.constantFrom('INVITE', 'ACK', 'BYE', 'CANCEL', 'REGISTER', 'OPTIONS', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE', 'invite', 'FOO'),
    cseq: fc.oneof(fc.nat(), fc.constantFrom(0, 7, 1234567890, 2 ** 31 - 1, Number.MAX_SAFE_INTEGER)),
    cseqSep: fc.constantFrom(' ', '  ', '\t', ''),
    lead: fc.constantFrom('', '0', '00'),
    compact: fc.boolean(),
    body: fc.string({ maxLength: 30 }),
    clDelta: fc.constantFrom(0, 0, 0, -1, 1, 100),
    clSpelling: fc.constantFrom('Content-Length', 'l', 'CONTENT-LENGTH', 'content-length ', 'L', 'l\t', 'Content\rLength',
      'Content-Lengtx', 'Content-Lengths', 'Content-Lengt', 'Xontent-Length', 'Content_Length', 'lx', 'Content-Length\x00', ' l'),
    clFold: fc.boolean(),
    eol: fc.constantFrom('\r\n', '\n'),
    fromTag: fc.option(fc.stringMatching(/^[a-z0-9]{1,8}$/), { nil: undefined }),
    toTag: fc.option(fc.stringMatching(/^[a-z0-9]{1,8}$/), { nil: undefined }),
    trailer: fc.constantFrom('', '\r\n', 'junk', '\r\nSIP/2.0 100 Trying\r\nContent-Length: 0\r\n\r\n'),
  })
  .map((g) => {
    const body = Buffer.from(g.body, 'utf8');
    const lines = [
      g.request ? `${g.method} sip:bob@example.com SIP/2.0` : 'SIP/2.0 200 OK',
      `${g.compact ? 'v' : 'Via'}: SIP/2.0/UDP h;branch=z9hG4bK${g.cseq}`,
      `${g.compact ? 'f' : 'From'}: "A; b" <sip:a@b;tag=no>${g.fromTag ? `;tag=${g.fromTag}` : ''}`,
      `${g.compact ? 't' : 'To'}: sip:c@d${g.toTag ? `;tag=${g.toTag}` : ''}`,
      `${g.compact ? 'i' : 'Call-ID'}: id-${g.cseq}@host`,
      `CSeq: ${g.lead}${g.cseq}${g.cseqSep}${g.method}`,
      `${g.clSpelling}:${g.clFold ? `${g.eol} ` : ' '}${body.length + g.clDelta}`,
      '',
      '',
    ];
    return Buffer.concat([Buffer.from(lines.join(g.eol), 'latin1'), body, Buffer.from(g.trailer, 'latin1')]);
  });

describe('optimised SIP decoding gives the same results as before (reference-v0)', () => {
  it('matchStartLine: same answer at every offset and limit', () => {
    fc.assert(
      fc.property(fc.oneof(sipText, sipMessage, fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b))), fc.nat(), fc.nat(), (buf, a, b) => {
        const offset = buf.length === 0 ? 0 : a % buf.length;
        const limit = offset + (b % (buf.length - offset + 1));
        expect(matchStartLine(buf, offset, limit)).toEqual(oldMatchStartLine(buf, offset, limit));
        expect(matchStartLine(buf, offset)).toEqual(oldMatchStartLine(buf, offset));
      }),
      { numRuns: 4000 },
    );
  });

  it('parseSipMessage: same fields, diagnostics, headers and JSON', () => {
    const arb = fc.oneof(sipText, sipMessage, fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)));
    fc.assert(fc.property(arb, (raw) => expectSameParse(raw)), { numRuns: 4000 });
    expectSameParse(Buffer.from('INVITE sip:x SIP/2.0\r\nCall-ID: ' + 'x'.repeat(5000) + '\r\nFrom: <a>;tag=' + 'y'.repeat(5000) + '\r\n\r\n'), [{ code: 'SIP_TRUNCATED_BODY', frame: 1 }]);
  });

  it('frameDatagram: same messages, offsets, lengths and diagnostics', () => {
    const arb = fc.oneof(sipText, sipMessage, fc.tuple(sipMessage, sipMessage).map(([a, b]) => Buffer.concat([a, b])));
    fc.assert(fc.property(arb, (payload) => expectSameDatagram(payload)), { numRuns: 4000 });
  });

  it('SipStreamFramer: same messages and diagnostics at any chunking, with and without a gap', () => {
    const stream = fc.array(fc.oneof(sipMessage, sipText, fc.constantFrom(Buffer.from('\r\n\r\n'), Buffer.from('garbage line\r\n'))), { minLength: 1, maxLength: 6 }).map((l) => Buffer.concat(l));
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 8 }), fc.integer({ min: -1, max: 8 }), (buf, cuts, gapAt) => {
        const chunks = splitAt(buf, cuts);
        expect(streamRun(SipStreamFramer, chunks, gapAt)).toEqual(streamRun(OldStreamFramer, chunks, gapAt));
      }),
      { numRuns: 3000 },
    );
  });

  it('every SIP message of the shared captures: same framing (UDP and TCP) and the same parse', () => {
    let udpPayloads = 0;
    let tcpMessages = 0;
    let parsed = 0;
    for (const file of captureFiles()) {
      const segments: TransportSegment[] = [];
      const net = new NetDecoder();
      const reader = createCaptureReader({ onRecord: (r) => net.decode(r, (s) => segments.push({ ...s, payload: Buffer.from(s.payload) })) });
      reader.push(readFileSync(path.join(CAPTURES_DIR, file)));
      reader.end();
      net.flush();
      const now = new Map<number, SipStreamFramer>();
      const before = new Map<number, OldStreamFramer>();
      const nowOut: FramedMessage[] = [];
      const beforeOut: FramedMessage[] = [];
      const feed = (id: number, chunk: StreamChunk): void => {
        if (!now.has(id)) {
          now.set(id, new SipStreamFramer((m) => nowOut.push(m)));
          before.set(id, new OldStreamFramer((m) => beforeOut.push(m)));
        }
        now.get(id)!.push(chunk);
        before.get(id)!.push(chunk);
      };
      const tcp = new TcpReassembler({ onData: (s, c) => feed(s.id, c), onGap: (s, g) => (now.get(s.id)?.gap(g.frame), before.get(s.id)?.gap(g.frame)) });
      for (const seg of segments) {
        if (seg.transport === 'tcp') tcp.push(seg);
        else if (seg.transport === 'udp') {
          udpPayloads++;
          const found = frameDatagram(seg.payload, seg.frame);
          expect(datagramView(found), `${file} frame ${seg.frame}`).toEqual(datagramView(oldFrameDatagram(seg.payload, seg.frame)));
          for (const d of found) {
            expectSameParse(Buffer.from(d.bytes), d.diagnostics);
            parsed++;
          }
        }
      }
      tcp.flush();
      for (const f of now.values()) f.end();
      for (const f of before.values()) f.end();
      expect(nowOut.map(framedView), file).toEqual(beforeOut.map(framedView));
      for (const m of nowOut) expectSameParse(m.bytes, m.diagnostics);
      tcpMessages += nowOut.length;
      parsed += nowOut.length;
    }
    expect(udpPayloads).toBeGreaterThan(1000);
    expect(tcpMessages).toBeGreaterThan(50);
    expect(parsed).toBeGreaterThan(1000);
  });
});
