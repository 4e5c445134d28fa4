/**
 * A loaded capture keeps offsets, not bytes: every message read again from the capture must be
 * the message the decoder produced, byte for byte and field for field, whatever carried it
 * (UDP, TCP in place or over segments, IP fragments, tunnels, HEP, WebSocket, SCTP). Checked on
 * every shared capture and every fixture, and it says how many messages were re-read by offset.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SipMessage } from '../../src/core/sip/types.js';
import { decodeCaptureFile } from '../../src/io/decode-file.js';
import { startLoad } from '../../src/io/load-capture.js';
import { captureFiles, CAPTURES_DIR, REPO_ROOT } from '../conformance/shared-captures.js';

const fixtures = readdirSync(path.join(REPO_ROOT, 'fixtures'))
  .filter((f) => /\.(pcap|pcapng)$/.test(f))
  .map((f) => path.join(REPO_ROOT, 'fixtures', f));
const files = [...captureFiles().map((f) => path.join(CAPTURES_DIR, f)), ...fixtures];

function fields(m: SipMessage): unknown[] {
  return [m.frame, m.tsSec, m.tsNsec, m.transport, m.src, m.srcPort, m.dst, m.dstPort, m.fileOffset, m.frames, m.isRequest, m.method,
    m.statusCode, m.reason, m.requestUri, m.callId, m.cseq, m.cseqNumber, m.cseqMethod, m.fromTag, m.toTag, m.viaBranch, m.contentLength,
    m.malformed, m.diagnostics.map((d) => d.code)];
}

describe('messages read again from the capture equal the decoded ones', () => {
  it(`on ${files.length} captures`, async () => {
    let byOffset = 0;
    let total = 0;
    for (const file of files) {
      const decoded: SipMessage[] = [];
      // damaged captures stop the reader with an error after what could be decoded: same for both
      const unreadable = await decodeCaptureFile(file, { onMessage: (m) => void decoded.push(m) }).then(
        () => false,
        () => true,
      );
      const load = startLoad(file);
      await load.done.catch((err: unknown) => {
        if (!unreadable) throw err;
      });
      const c = load.correlator;
      expect(c.messageCount, file).toBe(decoded.length);
      for (let seq = 1; seq <= decoded.length; seq++) {
        const original = decoded[seq - 1]!;
        const stored = c.entry(seq)!.message;
        expect(stored.raw.equals(original.raw), `${path.basename(file)} message ${seq} (frame ${original.frame})`).toBe(true);
        expect(fields(stored), `${path.basename(file)} message ${seq}`).toEqual(fields(original));
        expect(stored.headers()).toEqual(original.headers());
      }
      total += decoded.length;
      byOffset += decoded.length - c.table.copiedMessages;
    }
    // most messages are verbatim in one record and kept as an offset only
    expect(total).toBeGreaterThan(2000);
    expect(byOffset / total).toBeGreaterThan(0.8);
  }, 300_000);
});

describe('a capture changed after loading', () => {
  it('a message whose bytes are gone reads as empty: no throw, the row fields stay', async () => {
    const { copyFileSync, mkdtempSync, truncateSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const copy = path.join(mkdtempSync(path.join(tmpdir(), 'siptrace-reread-')), 'c.pcap');
    copyFileSync(path.join(CAPTURES_DIR, 'pkts-simple-invite.pcap'), copy);
    const load = startLoad(copy);
    await load.done;
    const before = load.correlator.entry(1)!.message;
    expect(before.raw.length).toBeGreaterThan(0);
    truncateSync(copy, 0);
    const after = load.correlator.entry(1)!.message;
    expect(after.raw.length).toBe(0);
    expect(after.header('From')).toBeUndefined();
    expect(after.method).toBe(before.method);
    expect(after.frame).toBe(before.frame);
  });
});
