/**
 * The decoding thread's work (decode-worker.ts is its entry): reads a capture file and runs the
 * SIP decoding pipeline (capture → net → reassembly → framing → SIP parse), posting its output
 * as event batches (core/pipeline/event-batch.ts) to the loading thread, which correlates them.
 * Started by decode-worker-spawn.ts; decode-in-worker.ts describes the protocol.
 */
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { batchBuffers, EventBatchWriter } from '../core/pipeline/event-batch.js';
import { SipDecoder } from '../core/pipeline/sip-decoder.js';
import { CaptureInputError, readCaptureFile, type ReadCaptureResult } from './file-source.js';
import type { DecodeWorkerData, FromDecodeWorker, ToDecodeWorker } from './decode-worker-spawn.js';

const port = parentPort!;
const data = workerData as DecodeWorkerData;
const writer = new EventBatchWriter();
const linkTypes = new Set<number>();
let newLinkTypes: number[] = [];
/** Batches posted; the loading thread counts those it replayed in `replayed`. */
let posted = 0;
const replayed = new Int32Array(data.replayed);
const onRecycle = (m: ToDecodeWorker): void => {
  if (m.type === 'recycle') writer.recycle(m.buffers);
};
port.on('message', onRecycle);

/** Atomics.waitAsync (ES2024; Node has it, the TS lib this project targets does not list it). */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

/** Back-pressure: waits while maxInFlight batches are not replayed yet. */
async function paceToReplay(): Promise<void> {
  for (;;) {
    const done = Atomics.load(replayed, 0);
    if (posted - done < data.maxInFlight) return;
    const w = waitAsync(replayed, 0, done);
    if (w.async) {
      // a pending waitAsync does not keep a thread alive: a timer does, while it waits
      const keepAlive = setInterval(() => undefined, 60_000);
      await w.value;
      clearInterval(keepAlive);
    }
  }
}

function post(bytesRead: number, totalBytes: number | undefined): void {
  const batch = writer.take();
  const linked = newLinkTypes;
  newLinkTypes = [];
  if (batch === undefined && linked.length === 0) {
    const progress: FromDecodeWorker = { type: 'progress', bytesRead, totalBytes };
    port.postMessage(progress);
    return;
  }
  if (batch !== undefined) posted++;
  const msg: FromDecodeWorker = { type: 'batch', batch, linkTypes: linked, bytesRead, totalBytes };
  port.postMessage(msg, batch ? Object.values(batchBuffers(batch)) : []);
}

function fileSize(path: string): number | undefined {
  try {
    const info = statSync(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined; // readCaptureFile reports why the file cannot be read
  }
}

/** The first batch goes out after this many events, not at the end of the first chunk: first rows sooner. */
const FIRST_BATCH_EVENTS = 200;

const decoder = new SipDecoder(
  {
    onMessage: (message, payloadAt) => {
      writer.addMessage(message, payloadAt);
      if (posted === 0 && writer.pending >= FIRST_BATCH_EVENTS) post(lastBytesRead, lastTotal);
    },
    onOtherUdp: (segment) => writer.addUdp(segment),
  },
  // the batch copies each message's bytes: no copy of its own in the decoder
  { ownBytes: false },
);

let lastBytesRead = 0;
/** The file's size from the start, so that an early batch already carries the progress total. */
let lastTotal: number | undefined = fileSize(data.path);
let result: ReadCaptureResult | undefined;
let failure: FromDecodeWorker | undefined;
try {
  result = await readCaptureFile(
    data.path,
    {
      onRecord: (r) => {
        if (!linkTypes.has(r.linkType)) {
          linkTypes.add(r.linkType);
          newLinkTypes.push(r.linkType);
        }
        decoder.push(r);
      },
      onDiagnostic: (d) => decoder.diagnostics.sink(d),
    },
    {
      chunkSize: data.chunkSize,
      onProgress: (bytesRead, totalBytes) => {
        lastBytesRead = bytesRead;
        lastTotal = totalBytes;
        post(bytesRead, totalBytes);
      },
      // back-pressure: stay at most maxInFlight batches ahead of the loading thread
      pace: paceToReplay,
    },
  );
} catch (err) {
  failure =
    err instanceof CaptureInputError
      ? { type: 'error', code: err.code, message: err.message, ...(err.path !== undefined ? { path: err.path } : {}) }
      : { type: 'error', code: 'EIO', message: `${data.path}: cannot decode: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, path: data.path };
} finally {
  // damage that stops the reader still leaves everything before it decoded
  decoder.end();
}
post(lastBytesRead, lastTotal);
const end: FromDecodeWorker = failure ?? { type: 'done', read: result!, stats: decoder.stats, diagnostics: decoder.diagnostics.toJSON() };
port.postMessage(end);
// nothing more to write: the listener would keep this thread alive
port.off('message', onRecycle);
