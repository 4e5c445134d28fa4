import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { SipStreamFramer, frameDatagram, type FramedMessage, SIP_MAX_HEADER_BYTES } from '../../src/core/sip/framer.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';

const CRLF = '\r\n';

function invite(callId: string, body = ''): string {
  return (
    `INVITE sip:bob@example.com SIP/2.0${CRLF}` +
    `Via: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bK${callId}${CRLF}` +
    `Call-ID: ${callId}${CRLF}` +
    `CSeq: 1 INVITE${CRLF}` +
    `Content-Length: ${Buffer.byteLength(body)}${CRLF}${CRLF}` +
    body
  );
}

const sdp = `v=0${CRLF}o=- 1 1 IN IP4 10.0.0.1${CRLF}s=-${CRLF}c=IN IP4 10.0.0.1${CRLF}t=0 0${CRLF}m=audio 4000 RTP/AVP 0${CRLF}`;

/** A stream with the shapes the framer must handle, each message known. */
const MESSAGES = [
  invite('a1', sdp),
  `SIP/2.0 100 Trying${CRLF}Call-ID: a1${CRLF}CSeq: 1 INVITE${CRLF}l: 0${CRLF}${CRLF}`,
  // LF-only line ends, compact l with spaces around the colon, lower-case names
  `SIP/2.0 200 OK\ncall-id: a1\ncseq: 1 INVITE\nl :  ${sdp.length}\n\n${sdp}`,
  // folded Content-Length value
  `ACK sip:bob@example.com SIP/2.0${CRLF}Call-ID: a1${CRLF}CSeq: 1 ACK${CRLF}Content-Length:${CRLF} 5${CRLF}${CRLF}hello`,
  // mixed line ends
  `BYE sip:bob@example.com SIP/2.0\r\nCall-ID: a1\nCSeq: 2 BYE\r\nContent-Length: 0\n\r\n`,
];
const STREAM = Buffer.from(
  MESSAGES[0]! + '\r\n\r\n' + MESSAGES[1]! + '\r\n' + MESSAGES[2]! + MESSAGES[3]! + '\r\n\r\n\r\n' + MESSAGES[4]!,
  'latin1',
);

interface Run {
  messages: FramedMessage[];
  diags: Diagnostic[];
}

function frameChunks(chunks: Buffer[], finish = true): Run {
  const messages: FramedMessage[] = [];
  const diags: Diagnostic[] = [];
  const f = new SipStreamFramer((m) => messages.push(m), { onDiagnostic: (d) => diags.push(d) });
  chunks.forEach((c, i) => f.push({ data: c, frame: i + 1, tsSec: 0, tsNsec: 0, fileOffset: i * 100 }));
  if (finish) f.end();
  return { messages, diags };
}

function split(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

/** What must not depend on chunking. */
function shape(run: Run): unknown {
  return {
    messages: run.messages.map((m) => ({
      text: m.bytes.toString('latin1'),
      headerLength: m.headerLength,
      contentLength: m.contentLength,
      malformed: m.malformed,
      codes: m.diagnostics.map((d) => d.code),
    })),
    diags: run.diags.map((d) => `${d.code} ${d.detail ?? ''}`),
  };
}

describe('SipStreamFramer', () => {
  it('frames the reference stream into its messages, skipping keep-alives', () => {
    const run = frameChunks([STREAM]);
    expect(run.messages.map((m) => m.bytes.toString('latin1'))).toEqual(MESSAGES);
    expect(run.diags).toEqual([]);
    expect(run.messages[2]!.diagnostics.map((d) => d.code)).toEqual(['SIP_LF_LINE_ENDS']);
    expect(run.messages[4]!.diagnostics.map((d) => d.code)).toEqual(['SIP_LF_LINE_ENDS']);
    expect(run.messages[0]!.diagnostics).toEqual([]);
    expect(run.messages[3]!.contentLength).toBe(5);
    expect(run.messages[0]!.headerLength).toBe(MESSAGES[0]!.length - sdp.length);
    expect(run.messages.every((m) => !m.malformed)).toBe(true);
  });

  it('gives identical output at every chunk size', () => {
    const reference = shape(frameChunks([STREAM]));
    for (let size = 1; size <= STREAM.length; size++) {
      expect(shape(frameChunks(split(STREAM, size))), `chunk size ${size}`).toEqual(reference);
    }
  });

  it('returns owned copies, not views of the pushed chunks', () => {
    const data = Buffer.from(MESSAGES[1]!, 'latin1');
    const run = frameChunks([data]);
    data.fill(0);
    expect(run.messages[0]!.bytes.toString('latin1')).toBe(MESSAGES[1]);
  });

  it('reports the completing frame and every frame that carried the message', () => {
    const a = Buffer.from(MESSAGES[1]! + MESSAGES[0]!.slice(0, 30), 'latin1');
    const b = Buffer.from(MESSAGES[0]!.slice(30, 200), 'latin1');
    const c = Buffer.from(MESSAGES[0]!.slice(200) + MESSAGES[1]!, 'latin1');
    const run = frameChunks([a, b, c]);
    expect(run.messages.map((m) => [m.frame, m.frames])).toEqual([
      [1, [1]],
      [3, [1, 2, 3]],
      [3, [3]],
    ]);
    expect(run.messages[1]!.fileOffset).toBe(200);
  });

  it('handles a message split between CR and LF', () => {
    const text = MESSAGES[1]!;
    for (let i = 0; i < text.length; i++) {
      if (text[i] !== '\r') continue;
      const run = frameChunks([Buffer.from(text.slice(0, i + 1)), Buffer.from(text.slice(i + 1))]);
      expect(run.messages.map((m) => m.bytes.toString())).toEqual([text]);
    }
  });

  it('treats a missing Content-Length on a stream as an empty body, and the body as junk', () => {
    const noCl = `MESSAGE sip:a@b SIP/2.0${CRLF}Call-ID: x${CRLF}CSeq: 1 MESSAGE${CRLF}${CRLF}`;
    const run = frameChunks([Buffer.from(noCl + 'hi there\r\n' + MESSAGES[1]!)]);
    expect(run.messages.map((m) => m.bytes.toString())).toEqual([noCl, MESSAGES[1]]);
    expect(run.messages[0]!.diagnostics.map((d) => d.code)).toEqual(['SIP_NO_CONTENT_LENGTH']);
    expect(run.messages[0]!.malformed).toBe(false);
    expect(run.diags).toEqual([{ code: 'SIP_STREAM_JUNK_SKIPPED', frame: 1, detail: '10 bytes' }]);
  });

  it('treats an unparsable or negative Content-Length as 0 and marks the message', () => {
    for (const v of ['bad', '-5', '', '1 2', '+3']) {
      const m = `SIP/2.0 200 OK${CRLF}Content-Length: ${v}${CRLF}${CRLF}`;
      const run = frameChunks([Buffer.from(m + MESSAGES[1]!)]);
      expect(run.messages.map((x) => x.bytes.toString()), v).toEqual([m, MESSAGES[1]]);
      expect(run.messages[0]!.diagnostics.map((d) => d.code)).toEqual(['SIP_BAD_CONTENT_LENGTH']);
      expect(run.messages[0]!.malformed).toBe(true);
    }
  });

  it('resynchronises on the next start line when the stream starts mid-message', () => {
    const tail = MESSAGES[0]!.slice(40); // rest of an INVITE whose start we never saw
    const run = frameChunks([Buffer.from(tail + MESSAGES[1]! + MESSAGES[2]!, 'latin1')]);
    expect(run.messages.map((m) => m.bytes.toString('latin1'))).toEqual([MESSAGES[1], MESSAGES[2]]);
    // the tail's blank line (CRLF at a line start) counts as a keep-alive, not junk
    expect(run.diags).toEqual([{ code: 'SIP_STREAM_JUNK_SKIPPED', frame: 1, detail: `${tail.length - 2} bytes` }]);
  });

  it('after a gap emits the partial message as malformed and finds the next message', () => {
    const messages: FramedMessage[] = [];
    const diags: Diagnostic[] = [];
    const f = new SipStreamFramer((m) => messages.push(m), { onDiagnostic: (d) => diags.push(d) });
    const first = MESSAGES[0]!;
    f.push({ data: Buffer.from(first.slice(0, 150)), frame: 1, tsSec: 0, tsNsec: 0, fileOffset: 0 });
    f.gap(2); // bytes 150..200 never captured
    f.push({ data: Buffer.from(first.slice(200) + MESSAGES[1]!), frame: 3, tsSec: 0, tsNsec: 0, fileOffset: 0 });
    f.end();
    expect(messages.map((m) => m.bytes.toString())).toEqual([first.slice(0, 150), MESSAGES[1]]);
    expect(messages[0]!.malformed).toBe(true);
    expect(messages[0]!.diagnostics.map((d) => d.code)).toEqual(['SIP_TRUNCATED_MESSAGE']);
    expect(diags.map((d) => d.code)).toEqual(['SIP_STREAM_JUNK_SKIPPED']);
  });

  it('finds a message that starts right after a gap', () => {
    const messages: FramedMessage[] = [];
    const f = new SipStreamFramer((m) => messages.push(m));
    f.push({ data: Buffer.from(MESSAGES[0]!.slice(0, 50)), frame: 1, tsSec: 0, tsNsec: 0, fileOffset: 0 });
    f.gap();
    f.push({ data: Buffer.from(MESSAGES[1]!), frame: 3, tsSec: 0, tsNsec: 0, fileOffset: 0 });
    f.end();
    expect(messages.map((m) => m.bytes.toString())).toEqual([MESSAGES[0]!.slice(0, 50), MESSAGES[1]]);
  });

  it('end() emits a final partial message as truncated instead of dropping it', () => {
    const partial = MESSAGES[0]!.slice(0, MESSAGES[0]!.length - 10);
    const run = frameChunks([Buffer.from(partial)]);
    expect(run.messages).toHaveLength(1);
    expect(run.messages[0]!.bytes.toString()).toBe(partial);
    expect(run.messages[0]!.diagnostics.map((d) => d.code)).toEqual(['SIP_TRUNCATED_MESSAGE']);
    expect(run.messages[0]!.contentLength).toBe(sdp.length);
    const head = frameChunks([Buffer.from('INVITE sip:a@b SIP/2.0\r\nVia: x\r\n')]);
    expect(head.messages.map((m) => m.malformed)).toEqual([true]);
  });

  it('a 64 KB body over many chunks is framed once, in linear time', () => {
    const body = 'x'.repeat(64 * 1024);
    const big = Buffer.from(invite('big', body) + MESSAGES[1]!);
    for (const size of [1, 100, 1460, 16384]) {
      const run = frameChunks(split(big, size));
      expect(run.messages.map((m) => m.bytes.length)).toEqual([big.length - MESSAGES[1]!.length, MESSAGES[1]!.length]);
    }
    // one message over 64 chunks: the work must not grow with (chunks x size)
    const t0 = performance.now();
    for (let r = 0; r < 20; r++) frameChunks(split(big, Math.ceil(big.length / 64)));
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('stays linear for a huge header block fed byte by byte', () => {
    const many = 'X-Filler: ' + 'y'.repeat(60) + CRLF;
    const text = 'OPTIONS sip:a@b SIP/2.0\r\n' + many.repeat(1500) + 'Content-Length: 0\r\n\r\n';
    const t0 = performance.now();
    const run = frameChunks(split(Buffer.from(text), 7));
    expect(run.messages.map((m) => m.bytes.length)).toEqual([text.length]);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('cuts a header block beyond the limit, emits it as malformed and resyncs', () => {
    const head = 'OPTIONS sip:a@b SIP/2.0\r\n' + 'X: y\r\n'.repeat(SIP_MAX_HEADER_BYTES / 6 + 10);
    const data = Buffer.from(head + '\r\n' + MESSAGES[1]!);
    const reference = shape(frameChunks([data]));
    const run = frameChunks([data]);
    expect(run.messages).toHaveLength(2);
    expect(run.messages[0]!.bytes.length).toBe(SIP_MAX_HEADER_BYTES);
    expect(run.messages[0]!.diagnostics.map((d) => d.code)).toEqual(['SIP_HEADERS_TOO_LARGE']);
    expect(run.messages[1]!.bytes.toString()).toBe(MESSAGES[1]);
    expect(shape(frameChunks(split(data, 1000)))).toEqual(reference);
    expect(shape(frameChunks(split(data, 4093)))).toEqual(reference);
  });

  it('refuses a body beyond the limit: emits the headers as malformed and resyncs', () => {
    const m = `SIP/2.0 200 OK${CRLF}Content-Length: 999999999999${CRLF}${CRLF}`;
    const run = frameChunks([Buffer.from(m + 'garbage\r\n' + MESSAGES[1]!)]);
    expect(run.messages.map((x) => x.bytes.toString())).toEqual([m, MESSAGES[1]]);
    expect(run.messages[0]!.diagnostics.map((d) => d.code)).toEqual(['SIP_BODY_TOO_LARGE']);
  });

  it('waits on a partial status line instead of treating it as junk', () => {
    const m = MESSAGES[1]!;
    for (let i = 1; i < 15; i++) {
      const run = frameChunks([Buffer.from(m.slice(0, i)), Buffer.from(m.slice(i))]);
      expect(run.messages.map((x) => x.bytes.toString()), `split ${i}`).toEqual([m]);
    }
  });

  it('notes conflicting Content-Length headers', () => {
    const m = `SIP/2.0 200 OK${CRLF}Content-Length: 2${CRLF}l: 3${CRLF}${CRLF}ab`;
    const run = frameChunks([Buffer.from(m)]);
    expect(run.messages[0]!.diagnostics.map((d) => d.code)).toEqual(['SIP_CONFLICTING_CONTENT_LENGTH']);
    expect(run.messages[0]!.bytes.toString()).toBe(m);
  });

  it('never throws or hangs on random bytes, and any chunking gives the same output', () => {
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
      fc.constantFrom(...MESSAGES.map((m) => Buffer.from(m)), Buffer.from('\r\n'), Buffer.from('\n\n'), Buffer.from('SIP/2.0 ')),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.integer({ min: 1, max: 64 }), (pieces, size) => {
        const data = Buffer.concat(pieces);
        const whole = shape(frameChunks([data]));
        expect(shape(frameChunks(split(data, size)))).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });

  it('never loses a real message placed after random junk that ends a line', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 1, max: 50 }), (junk, size) => {
        const data = Buffer.concat([Buffer.from(junk), Buffer.from('\r\n'), Buffer.from(MESSAGES[1]!)]);
        const run = frameChunks(split(data, size));
        const last = run.messages[run.messages.length - 1];
        expect(last?.bytes.toString()).toBe(MESSAGES[1]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('frameDatagram', () => {
  it('frames one message and returns a view', () => {
    const payload = Buffer.from(MESSAGES[0]!);
    const out = frameDatagram(payload, 7);
    expect(out).toHaveLength(1);
    expect(out[0]!.bytes.toString()).toBe(MESSAGES[0]);
    expect(out[0]!.bytes.buffer).toBe(payload.buffer);
    expect(out[0]!.contentLength).toBe(sdp.length);
    expect(out[0]!.diagnostics).toEqual([]);
  });

  it('returns nothing for a payload that is not SIP', () => {
    expect(frameDatagram(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).toEqual([]);
    expect(frameDatagram(Buffer.from('\r\n\r\n'))).toEqual([]);
    expect(frameDatagram(Buffer.from([0, 1, 2, 3, 4]))).toEqual([]);
    expect(frameDatagram(Buffer.alloc(0))).toEqual([]);
  });

  it('skips leading CRLFs', () => {
    const out = frameDatagram(Buffer.from('\r\n\r\n' + MESSAGES[1]!));
    expect(out.map((m) => [m.offset, m.bytes.toString()])).toEqual([[4, MESSAGES[1]]]);
  });

  it('without Content-Length the body is the rest of the datagram (RFC 3261 §18.3)', () => {
    const m = `MESSAGE sip:a@b SIP/2.0${CRLF}Call-ID: x${CRLF}${CRLF}hello`;
    const out = frameDatagram(Buffer.from(m), 3);
    expect(out[0]!.bytes.toString()).toBe(m);
    expect(out[0]!.diagnostics).toEqual([{ code: 'SIP_NO_CONTENT_LENGTH_UDP', frame: 3 }]);
    expect(out[0]!.malformed).toBe(false);
  });

  it('a Content-Length beyond the datagram keeps what is there and marks it', () => {
    const m = `SIP/2.0 200 OK${CRLF}Content-Length: 50${CRLF}${CRLF}short`;
    const out = frameDatagram(Buffer.from(m));
    expect(out[0]!.bytes.toString()).toBe(m);
    expect(out[0]!.diagnostics.map((d) => d.code)).toEqual(['SIP_TRUNCATED_BODY']);
    expect(out[0]!.malformed).toBe(true);
  });

  it('discards bytes after the body unless they start another message', () => {
    const out = frameDatagram(Buffer.from(MESSAGES[1]! + 'trailing junk'));
    expect(out.map((m) => m.bytes.toString())).toEqual([MESSAGES[1]]);
    expect(out[0]!.diagnostics.map((d) => d.code)).toEqual(['SIP_EXTRA_BYTES_AFTER_BODY']);
    const two = frameDatagram(Buffer.from(MESSAGES[1]! + '\r\n' + MESSAGES[0]!));
    expect(two.map((m) => m.bytes.toString())).toEqual([MESSAGES[1], MESSAGES[0]]);
    expect(frameDatagram(Buffer.from(MESSAGES[1]! + '\r\n\r\n'))[0]!.diagnostics).toEqual([]);
  });

  it('handles LF-only messages and a header block with no blank line', () => {
    expect(frameDatagram(Buffer.from(MESSAGES[2]!))[0]!.diagnostics.map((d) => d.code)).toEqual(['SIP_LF_LINE_ENDS']);
    const cut = 'REGISTER sip:a SIP/2.0\r\nExpires: 60\r\n';
    const out = frameDatagram(Buffer.from(cut));
    expect(out.map((m) => [m.bytes.toString(), m.malformed])).toEqual([[cut, true]]);
    expect(out[0]!.diagnostics.map((d) => d.code)).toEqual(['SIP_NO_HEADER_END']);
  });

  it('zeek-invalid-content-length: non-numeric Content-Length is kept as one message', () => {
    const m = `INVITE sip:bob@10.0.0.2 SIP/2.0${CRLF}CSeq: 1 INVITE${CRLF}Content-Length: bad${CRLF}${CRLF}`;
    const out = frameDatagram(Buffer.from(m));
    expect(out.map((x) => x.bytes.toString())).toEqual([m]);
    expect(out[0]!.diagnostics.map((d) => d.code)).toEqual(['SIP_BAD_CONTENT_LENGTH']);
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (a, prefix) => {
        const buf = prefix ? Buffer.concat([Buffer.from('SIP/2.0 200 OK\r\n'), Buffer.from(a)]) : Buffer.from(a);
        const out = frameDatagram(buf);
        for (const m of out) expect(m.bytes.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });
});
