/**
 * What reads one direction of a reassembled TCP stream. The kind is chosen from the stream's
 * first bytes, never from the port: an HTTP Upgrade or a WebSocket frame carrying SIP (RFC 7118),
 * back-to-back HEPv3 packets, a TLS record (counted, not decrypted yet), or else SIP framed by
 * Content-Length (RFC 3261 §18.3), which also resynchronises on junk.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import type { StreamChunk } from '../reasm/tcp-stream.js';
import { SipStreamFramer, type FramedMessage } from '../sip/framer.js';
import { WebSocketStream, looksLikeWebSocketSipFrame, looksLikeWebSocketUpgrade, type WebSocketMessage } from '../net/websocket.js';
import { splitHepStream } from '../sip/hep.js';
import { looksLikeTlsRecord } from './tls.js';

export interface StreamConsumer {
  readonly kind: 'sip' | 'ws' | 'hep' | 'tls';
  push(chunk: StreamChunk): void;
  gap(frame?: number): void;
  end(frame?: number): void;
}

export interface StreamSinks {
  onSipMessage(m: FramedMessage): void;
  onWebSocketMessage(m: WebSocketMessage): void;
  /** One complete HEPv3 packet (a view: copy to keep) with the chunk that completed it. */
  onHepPacket(packet: Buffer, completedBy: StreamChunk): void;
  /** Bytes of a TLS stream (counted only). */
  onTlsBytes(bytes: number): void;
  onDiagnostic: DiagnosticSink;
}

/** True when a TCP stream starting with these bytes carries HEPv3. */
function looksLikeHep3(b: Buffer): boolean {
  return b.length >= 4 && b[0] === 0x48 && b[1] === 0x45 && b[2] === 0x50 && b[3] === 0x33;
}

export function createStreamConsumer(first: Buffer, sinks: StreamSinks): StreamConsumer {
  if (looksLikeWebSocketUpgrade(first) || looksLikeWebSocketSipFrame(first)) {
    const ws = new WebSocketStream((m) => sinks.onWebSocketMessage(m), { onDiagnostic: sinks.onDiagnostic });
    return { kind: 'ws', push: (c) => ws.push(c), gap: (f) => ws.gap(f), end: (f) => ws.end(f) };
  }
  if (looksLikeHep3(first)) return new HepStreamConsumer(sinks);
  if (looksLikeTlsRecord(first)) {
    return { kind: 'tls', push: (c) => sinks.onTlsBytes(c.data.length), gap: () => {}, end: () => {} };
  }
  const framer = new SipStreamFramer((m) => sinks.onSipMessage(m), { onDiagnostic: sinks.onDiagnostic });
  return { kind: 'sip', push: (c) => framer.push(c), gap: (f) => framer.gap(f), end: (f) => framer.end(f) };
}

/** HEPv3 packets back to back on a TCP stream (HEP over TCP to a collector). */
class HepStreamConsumer implements StreamConsumer {
  readonly kind = 'hep' as const;
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly sinks: StreamSinks) {}

  push(chunk: StreamChunk): void {
    const buf = this.pending.length === 0 ? chunk.data : Buffer.concat([this.pending, chunk.data]);
    const split = splitHepStream(buf, this.sinks.onDiagnostic);
    for (const p of split.packets) this.sinks.onHepPacket(p, chunk);
    // keep only the unconsumed tail, as an owned copy (chunk data is only valid during the call)
    this.pending = split.consumed >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(split.consumed));
  }

  gap(): void {
    this.pending = Buffer.alloc(0);
  }

  end(frame?: number): void {
    if (this.pending.length > 0) {
      this.sinks.onDiagnostic(frame === undefined ? { code: 'HEP_TRUNCATED' } : { code: 'HEP_TRUNCATED', frame });
    }
    this.pending = Buffer.alloc(0);
  }
}
