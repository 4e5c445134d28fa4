/**
 * Decoding on a second thread (io/decode-in-worker.ts) must not change anything: on every
 * shared capture and fixture the same messages (field by field, bytes included), the same
 * calls JSON, the same decode counters, link types and errors as decoding on this thread.
 * The worker script is the built one (npm test builds dist/ before running vitest).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SipMessage } from '../../src/core/sip/types.js';
import type { TransportSegment } from '../../src/core/net/segment.js';
import { callsJsonChunks } from '../../src/export/calls-json.js';
import { decodeCaptureFile } from '../../src/io/decode-file.js';
import { decodeCaptureFileInWorker } from '../../src/io/decode-in-worker.js';
import { spawnDecodeWorker } from '../../src/io/decode-worker-spawn.js';
import { CaptureInputError } from '../../src/io/file-source.js';
import { startLoad, type CaptureLoad } from '../../src/io/load-capture.js';
import { captureFiles, CAPTURES_DIR, REPO_ROOT } from '../conformance/shared-captures.js';

const WORKER = new URL(`file://${path.join(REPO_ROOT, 'dist/io/decode-worker.js')}`);
const fixtures = readdirSync(path.join(REPO_ROOT, 'fixtures'))
  .filter((f) => /\.(pcap|pcapng|gz)$/.test(f))
  .map((f) => path.join(REPO_ROOT, 'fixtures', f));
const files = [...captureFiles().map((f) => path.join(CAPTURES_DIR, f)), ...fixtures];

function fields(m: SipMessage): unknown[] {
  return [m.frame, m.tsSec, m.tsNsec, m.transport, m.ipVersion, m.src, m.srcPort, m.dst, m.dstPort, m.fileOffset, m.frames, m.isRequest,
    m.method, m.statusCode, m.reason, m.requestUri, m.callId, m.cseq, m.cseqNumber, m.cseqMethod, m.fromTag, m.toTag, m.viaBranch,
    m.contentLength, m.malformed, m.diagnostics, m.body.toString('latin1'), m.headers()];
}
function segmentFields(s: TransportSegment): unknown[] {
  return [s.frame, s.tsSec, s.tsNsec, s.ipVersion, s.src, s.srcPort, s.dst, s.dstPort, s.transport, s.fileOffset, s.fragmentFrames,
    s.truncated === true, s.payload.toString('hex')];
}

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof CaptureInputError ? `${err.code}: ${err.message}` : `other: ${String(err)}`;
  }
}

function callsJson(load: CaptureLoad): string {
  const calls = load.store.rows().map((r) => r.call);
  return [...callsJsonChunks(calls, { streams: load.store.rows().flatMap((r) => r.streams) })].join('');
}

describe('decoding on a worker thread', () => {
  it('the built worker script exists (run `npm run build` first)', () => {
    expect(existsSync(WORKER)).toBe(true);
  });

  it(`gives the same messages, segments, counters and errors on ${files.length} captures`, async () => {
    let messages = 0;
    let segments = 0;
    for (const file of files) {
      const name = path.basename(file);
      const here: unknown[][] = [];
      const hereUdp: unknown[][] = [];
      let hereResult: unknown;
      const hereOutcome = await outcome(
        decodeCaptureFile(file, { onMessage: (m, at) => void here.push([...fields(m), at]), onOtherUdp: (s) => void hereUdp.push(segmentFields(s)) }, {}, { ownBytes: false }).then(
          (r) => (hereResult = r),
        ),
      );
      const there: unknown[][] = [];
      const thereUdp: unknown[][] = [];
      let thereResult: unknown;
      const thereOutcome = await outcome(
        decodeCaptureFileInWorker(
          file,
          { onMessage: (m, at) => void there.push([...fields(m), at]), onOtherUdp: (s) => void thereUdp.push(segmentFields(s)) },
          { workerUrl: WORKER },
        ).then((r) => (thereResult = r)),
      );
      expect(thereOutcome, name).toBe(hereOutcome);
      expect(there.length, name).toBe(here.length);
      for (let i = 0; i < here.length; i++) expect(there[i], `${name} message ${i + 1}`).toEqual(here[i]);
      expect(thereUdp, name).toEqual(hereUdp);
      expect(thereResult, name).toEqual(hereResult);
      messages += here.length;
      segments += hereUdp.length;
    }
    expect(messages).toBeGreaterThan(2000);
    expect(segments).toBeGreaterThan(1000);
  }, 300_000);

  it('loads the same store: calls JSON and link types, with a time-sliced replay too', async () => {
    for (const file of files) {
      const here = startLoad(file, { decodeThread: 'main' });
      const hereOutcome = await outcome(here.done);
      // small chunks: many batches, so their buffers are handed back and written again many times
      const there = startLoad(file, { decodeThread: WORKER, sliceMs: 1, chunkSize: 16 * 1024 });
      const thereOutcome = await outcome(there.done);
      expect(thereOutcome, file).toBe(hereOutcome);
      expect([...there.linkTypes].sort(), file).toEqual([...here.linkTypes].sort());
      expect(there.progress.done).toBe(true);
      expect(callsJson(there), file).toBe(callsJson(here));
    }
  }, 300_000);

  it('a message view kept past its batch reads empty once the batch is written again, never as other bytes', async () => {
    // a call with RTP: the SIP message comes first, hundreds of 4 KiB batches follow
    const file = path.join(CAPTURES_DIR, 'voipshark-udp-rtp-call.pcap');
    let first: Buffer | undefined;
    let firstText = '';
    let events = 0;
    await decodeCaptureFileInWorker(
      file,
      { onMessage: (m) => void (events++ === 0 && ((first = m.raw), (firstText = m.raw.toString('latin1')))), onOtherUdp: () => void events++ },
      { workerUrl: WORKER, chunkSize: 4096 },
    );
    expect(events).toBeGreaterThan(1000);
    expect(firstText.length).toBeGreaterThan(0);
    expect(first!.length).toBe(0);
  });

  it('reports unreadable input with the same one-line errors', async () => {
    const dir = os.tmpdir();
    const notCapture = path.join(dir, `siptrace-not-a-capture-${process.pid}.txt`);
    writeFileSync(notCapture, 'hello, this is not a capture file at all\n');
    for (const file of ['/nonexistent/x.pcap', dir, notCapture]) {
      const here = await outcome(decodeCaptureFile(file, { onMessage: () => undefined }));
      const there = await outcome(decodeCaptureFileInWorker(file, { onMessage: () => undefined }, { workerUrl: WORKER }));
      expect(here).not.toBe('ok');
      expect(there).toBe(here);
    }
  });

  it('stops when aborted, with the ABORTED error', async () => {
    const big = files.reduce((a, b) => (a.length > b.length ? a : b));
    const ac = new AbortController();
    let seen = 0;
    const p = decodeCaptureFileInWorker(
      big,
      {
        onMessage: () => {
          if (++seen === 1) ac.abort();
        },
      },
      { workerUrl: WORKER, signal: ac.signal },
    );
    expect(await outcome(p)).toMatch(/^ABORTED: /);
  });

  it('with sliceMs, timers and input run between slices even while the worker keeps batches coming', async () => {
    // many small batches and slow handlers: the worker stays ahead, so a batch is always queued
    const file = path.join(CAPTURES_DIR, 'heplify-fax-t38-megaco.pcap');
    let last = performance.now();
    let longest = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 2);
    const busy = (): void => {
      const until = performance.now() + 0.05;
      while (performance.now() < until);
    };
    let events = 0;
    try {
      await decodeCaptureFileInWorker(file, { onMessage: () => (events++, busy()), onOtherUdp: () => (events++, busy()) }, { workerUrl: WORKER, sliceMs: 5, chunkSize: 4096 });
    } finally {
      clearInterval(tick);
    }
    expect(events).toBeGreaterThan(2000);
    // a slice is 5 ms (+ up to 63 events of 0.05 ms); allow a loaded test machine its scheduling noise
    expect(longest).toBeLessThan(80);
  });

  it('a low-priority decoding thread runs at a higher nice value than this thread (Linux)', async () => {
    const file = path.join(CAPTURES_DIR, 'heplify-fax-t38-megaco.pcap');
    const nices = new Set<number>();
    const niceOfThreads = (): void => {
      for (const tid of readdirSync('/proc/self/task')) {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
        nices.add(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
      }
    };
    let n = 0;
    await decodeCaptureFileInWorker(file, { onMessage: () => void (n++ === 50 && niceOfThreads()) }, { workerUrl: WORKER, lowPriority: true, chunkSize: 4096 });
    expect(n).toBeGreaterThan(50);
    expect(nices.has(10)).toBe(true);
  });

  it('a thread started early (before the loader) is adopted with what it posted meanwhile', async () => {
    const file = path.join(CAPTURES_DIR, 'heplify-fax-t38-megaco.pcap');
    const direct: unknown[][] = [];
    const directResult = await decodeCaptureFileInWorker(file, { onMessage: (m, at) => void direct.push([...fields(m), at]) }, { workerUrl: WORKER, chunkSize: 4096 });
    const early = spawnDecodeWorker(file, { chunkSize: 4096, workerUrl: WORKER })!;
    // let it run ahead: its first batches wait in the handle's queue
    await new Promise((r) => setTimeout(r, 300));
    expect(early.queue.length).toBeGreaterThan(0);
    const adopted: unknown[][] = [];
    const adoptedResult = await decodeCaptureFileInWorker(file, { onMessage: (m, at) => void adopted.push([...fields(m), at]) }, { spawned: early });
    expect(adopted).toEqual(direct);
    expect(adoptedResult).toEqual(directResult);
    expect(direct.length).toBeGreaterThan(50);
  });

  it('a decoding thread that fails or quits is a one-line input error, not a hang or a stack trace', async () => {
    const file = path.join(CAPTURES_DIR, 'heplify-fax-t38-megaco.pcap');
    const dir = os.tmpdir();
    const throwing = path.join(dir, `siptrace-worker-throws-${process.pid}.mjs`);
    const quitting = path.join(dir, `siptrace-worker-quits-${process.pid}.mjs`);
    writeFileSync(throwing, "throw new Error('decoder bug\\n    at somewhere (file.js:1:1)');\n");
    writeFileSync(quitting, 'process.exit(0);\n');
    const crash = await outcome(decodeCaptureFileInWorker(file, { onMessage: () => undefined }, { workerUrl: new URL(`file://${throwing}`) }));
    expect(crash).toBe(`EIO: ${file}: cannot decode: decoder bug`);
    const quit = await outcome(decodeCaptureFileInWorker(file, { onMessage: () => undefined }, { workerUrl: new URL(`file://${quitting}`) }));
    expect(quit).toBe(`EIO: ${file}: the decoding thread stopped unexpectedly`);
  });
});

