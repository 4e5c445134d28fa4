/**
 * Test access to capture files through the REAL readers and net decoder (whole file at once,
 * records and payloads copied so tests can keep them).
 */
import { readFileSync } from 'node:fs';
import { createCaptureReader } from '../../src/core/capture/open-reader.js';
import type { CaptureRecord } from '../../src/core/capture/record.js';
import { NetDecoder } from '../../src/core/net/net-decoder.js';
import type { TransportSegment } from '../../src/core/net/segment.js';

/** Every record of a capture held in `buf`, each with its own copy of the bytes. */
export function recordsOf(buf: Buffer): CaptureRecord[] {
  const out: CaptureRecord[] = [];
  const reader = createCaptureReader({
    onRecord: (r) => {
      const copy: CaptureRecord = {
        frame: r.frame,
        tsSec: r.tsSec,
        tsNsec: r.tsNsec,
        linkType: r.linkType,
        data: Buffer.from(r.data),
        origLen: r.origLen,
        truncated: r.truncated,
        fileOffset: r.fileOffset,
        interfaceId: r.interfaceId,
        ...(r.comments ? { comments: r.comments } : {}),
      };
      out.push(copy);
    },
  });
  reader.push(buf);
  reader.end();
  return out;
}

export function recordsOfFile(file: string): CaptureRecord[] {
  return recordsOf(readFileSync(file));
}

/** Transport segments of a capture file (IP defragmentation and tunnels applied). */
export function segmentsOfFile(file: string): TransportSegment[] {
  const out: TransportSegment[] = [];
  const net = new NetDecoder();
  const keep = (s: TransportSegment): void => {
    out.push({ ...s, payload: Buffer.from(s.payload) });
  };
  for (const r of recordsOfFile(file)) net.decode(r, keep);
  net.flush(keep);
  return out;
}
