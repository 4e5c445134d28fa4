/**
 * Real captures: TCP reassembly + SIP framing (+ WebSocket) against tshark's EXPECTED.tsv.
 * Fails (never skips) when ../shared/captures is missing.
 */
import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import { TcpReassembler, type TcpStreamInfo } from '../../src/core/reasm/tcp-stream.js';
import { SipStreamFramer, frameDatagram } from '../../src/core/sip/framer.js';
import { WebSocketStream, looksLikeWebSocketUpgrade, looksLikeWebSocketSipFrame } from '../../src/core/net/websocket.js';
import type { StreamChunk } from '../../src/core/reasm/tcp-stream.js';
import type { TransportSegment } from '../../src/core/net/segment.js';
import { DiagnosticCounter } from '../../src/core/diagnostics.js';
import { CAPTURES_DIR, captureToSegments, expectedRows, summarise, type ExpectedRow } from './capture-to-segments-for-test.js';

interface Consumer {
  push(c: StreamChunk): void;
  gap(frame?: number): void;
  end(frame?: number): void;
}

interface Decoded {
  rows: ExpectedRow[];
  diagnostics: DiagnosticCounter;
  malformed: number;
}

/** The pipeline the lead will wire: segments → TCP streams → (WebSocket →) SIP framing. */
export function decodeCapture(segments: readonly TransportSegment[]): Decoded {
  const rows: ExpectedRow[] = [];
  const diagnostics = new DiagnosticCounter();
  let malformed = 0;
  const row = (s: { src: string; srcPort: number; dst: string; dstPort: number }, transport: string, frame: number, bytes: Buffer): void => {
    rows.push({ frame, transport, src: s.src, sport: s.srcPort, dst: s.dst, dport: s.dstPort, ...summarise(bytes) });
  };
  const consumers = new Map<number, Consumer>();
  const consumerFor = (s: TcpStreamInfo, first: Buffer): Consumer => {
    let c = consumers.get(s.id);
    if (c) return c;
    if (looksLikeWebSocketUpgrade(first) || looksLikeWebSocketSipFrame(first)) {
      c = new WebSocketStream(
        (m) => {
          for (const d of frameDatagram(m.data, m.frame)) {
            if (d.malformed) malformed++;
            row(s, 'ws', m.frame, d.bytes);
          }
        },
        { onDiagnostic: diagnostics.sink },
      );
    } else {
      c = new SipStreamFramer(
        (m) => {
          for (const d of m.diagnostics) diagnostics.sink(d);
          if (m.malformed) malformed++;
          row(s, 'tcp', m.frame, m.bytes);
        },
        { onDiagnostic: diagnostics.sink },
      );
    }
    consumers.set(s.id, c);
    return c;
  };
  const tcp = new TcpReassembler({
    onData: (s, chunk) => consumerFor(s, chunk.data).push(chunk),
    onGap: (s, g) => consumers.get(s.id)?.gap(g.frame),
    onEnd: (s) => consumers.get(s.id)?.end(),
    onDiagnostic: diagnostics.sink,
  });
  for (const seg of segments) {
    if (seg.transport === 'tcp') tcp.push(seg);
    else if (seg.transport === 'udp') {
      for (const d of frameDatagram(seg.payload, seg.frame)) row(seg, 'udp', seg.frame, d.bytes);
    }
  }
  tcp.flush();
  return { rows, diagnostics, malformed };
}

function key(r: ExpectedRow): string {
  return [r.frame, r.transport, r.src, r.sport, r.dst, r.dport, r.callId, r.cseq, r.methodOrStatus].join('\t');
}

function sorted(rows: ExpectedRow[]): string[] {
  return rows.map(key).sort();
}

describe('real captures against EXPECTED.tsv', () => {
  it('has the shared captures folder', () => {
    expect(existsSync(CAPTURES_DIR), CAPTURES_DIR).toBe(true);
  });

  const files: [string, number][] = [
    ['heplify-tcp-segmented-port6060.pcap', 406],
    ['pkts-tcp-segmented.pcap', 6],
    ['suricata-tcp-register-split.pcap', 2],
    ['suricata-tcp-64k-body-null-linktype.pcap', 2],
    ['heplify-tcp-retrans-sll.pcap', 8],
    ['rtcagent-ebpf-tcp-midstream-sll.pcap', 4],
    ['heplify-websocket.pcap', 39],
    ['heplify-tcp-rtp.pcap', 7],
    ['pcapplusplus-responses-udp-tcp.pcap', -1],
  ];
  for (const [file, count] of files) {
    it(`${file}: every SIP message, at the frame tshark completes it`, () => {
      const expected = expectedRows(file);
      if (count >= 0) expect(expected).toHaveLength(count);
      const got = decodeCapture(captureToSegments(file));
      expect(sorted(got.rows)).toEqual(sorted(expected));
      expect(got.malformed).toBe(0);
    });
  }

  it('segmented trunk: messages over several segments list every frame, in any chunking', () => {
    const segments = captureToSegments('heplify-tcp-segmented-port6060.pcap');
    const frames: number[][] = [];
    const r = new TcpReassembler({
      onData: (s, c) => {
        let f = framers.get(s.id);
        if (!f) framers.set(s.id, (f = new SipStreamFramer((m) => frames.push([...m.frames]))));
        f.push(c);
      },
    });
    const framers = new Map<number, SipStreamFramer>();
    for (const s of segments) r.push(s);
    r.flush();
    for (const f of framers.values()) f.end();
    expect(frames).toHaveLength(406);
    expect(frames.filter((f) => f.length > 1).length).toBeGreaterThan(50);
  });

  it('64 KB body: one INVITE completed by the last of its segments, no diagnostics', () => {
    const got = decodeCapture(captureToSegments('suricata-tcp-64k-body-null-linktype.pcap'));
    expect(got.diagnostics.toJSON()).toEqual({});
    expect(got.rows.map((r) => r.frame)).toEqual([9, 11]);
  });

  it('reordered and duplicated segments of the segmented trunk give the same messages', () => {
    const segments = captureToSegments('heplify-tcp-segmented-port6060.pcap');
    const shuffled = [...segments];
    // Flows here start mid-capture (no SYN): the first segment seen defines the stream start,
    // and an earlier byte is indistinguishable from a retransmission of pre-capture data. So
    // each flow's first data segment stays first; everything else is locally reordered.
    const firsts = new Set<TransportSegment>();
    const seen = new Set<string>();
    for (const s of segments) {
      const k = `${s.src}|${s.srcPort}|${s.dst}|${s.dstPort}`;
      if (s.payload.length > 0 && !seen.has(k)) {
        seen.add(k);
        firsts.add(s);
      }
    }
    for (let i = 0; i + 1 < shuffled.length; i += 3) {
      if (firsts.has(shuffled[i]!) || firsts.has(shuffled[i + 1]!)) continue;
      [shuffled[i], shuffled[i + 1]] = [shuffled[i + 1]!, shuffled[i]!];
    }
    const withDups = shuffled.flatMap((s, i) => (i % 7 === 0 ? [s, s] : [s]));
    const a = decodeCapture(segments).rows.map((r) => `${r.callId} ${r.cseq} ${r.methodOrStatus}`).sort();
    const b = decodeCapture(withDups).rows.map((r) => `${r.callId} ${r.cseq} ${r.methodOrStatus}`).sort();
    expect(b).toEqual(a);
  });
});
