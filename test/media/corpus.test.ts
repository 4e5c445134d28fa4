/**
 * Every capture of the shared corpus through decodeCaptureFile → CallCorrelator → MediaRegistry:
 * nothing throws, every stream's counters are coherent, and every matched stream points at a call
 * that exists. Plus a few files with notable media: SRTP, ZRTP, T.38 fax.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAPTURES_DIR, captureFiles } from '../conformance/shared-captures.js';
import { runCapture } from './run-capture.js';

const UNREADABLE = new Set(['pkts-corrupt-bigendian-header.pcap']);

describe('media over the whole corpus', () => {
  it('no capture makes the registry throw; stream invariants hold', async () => {
    const files = captureFiles().filter((f) => !UNREADABLE.has(f));
    expect(files.length).toBeGreaterThan(50);
    let streams = 0;
    for (const f of files) {
      const run = await runCapture(path.join(CAPTURES_DIR, f), { trackUnmatched: true });
      for (const s of run.registry.streams()) {
        streams++;
        expect(s.packets, f).toBeGreaterThan(0);
        expect(s.expected, f).toBeGreaterThan(0);
        expect(s.lost, f).toBe(s.expected - s.packets);
        expect(s.maxJitterMs, f).toBeGreaterThanOrEqual(0);
        expect(Number.isFinite(s.maxDeltaMs), f).toBe(true);
        expect(s.firstFrame, f).toBeLessThanOrEqual(s.lastFrame);
        if (s.callIndex !== undefined) expect(run.correlator.call(s.callIndex), f).toBeDefined();
      }
    }
    expect(streams).toBeGreaterThan(30);
  });

  it('SRTP call: streams found and marked srtp (headers are clear text)', async () => {
    const run = await runCapture(path.join(CAPTURES_DIR, 'voipshark-udp-srtp-call.pcap'));
    const s = run.registry.streams();
    expect(s.length).toBeGreaterThanOrEqual(2);
    expect(s.every((x) => x.srtp === true && x.callIndex !== undefined)).toBe(true);
  });

  it('T.38 fax call: the re-INVITEs offering image/t38 are rejected with 488 and listed as such', async () => {
    const run = await runCapture(path.join(CAPTURES_DIR, 'heplify-fax-t38-megaco.pcap'));
    const all = run.correlator.calls().flatMap((c) => run.registry.negotiationsOfCall(c.index));
    const t38 = all.filter((n) => n.offer.session.media.some((m) => m.protocol.toLowerCase() === 'udptl'));
    expect(t38.length).toBeGreaterThan(0);
    expect(t38.some((n) => n.state === 'rejected' && n.rejectCode === 488)).toBe(true);
  });
});
