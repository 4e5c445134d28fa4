/**
 * decodeCaptureFile on a second thread: a worker (decode-worker.ts) reads and decodes the
 * capture while this thread replays its event batches to the handlers (correlation, media).
 * Same events in the same order, the same result and the same errors as decodeCaptureFile,
 * so the store is identical whichever thread decoded; on two cores the load takes about the
 * time of the slower half instead of the sum, and a UI thread keeps only correlation work.
 *
 * Protocol: the worker posts `batch` (events of one or more read chunks, transferred), then
 * `done` or `error`; this side counts each batch replayed in shared memory, and the worker
 * stays at most `maxInFlight` batches ahead (memory stays bounded whatever the file size).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { EventBatchReader, type EventBatch, type EventBatchHandlers } from '../core/pipeline/event-batch.js';
import type { SipDecoderStats } from '../core/pipeline/sip-decoder.js';
import type { DecodeFileResult } from './decode-file.js';
import { CaptureInputError, DEFAULT_CHUNK_SIZE, type CaptureInputErrorCode, type ReadCaptureResult } from './file-source.js';

export interface DecodeWorkerData {
  path: string;
  chunkSize: number;
  maxInFlight: number;
  /**
   * One Int32: batches replayed so far. Credits go back through shared memory, not messages:
   * a postMessage from the loading thread cost ~1.6 ms each while its heap was large.
   */
  replayed: SharedArrayBuffer;
  /** Run the decoding thread at a lower CPU priority (Linux: its own nice value). */
  lowPriority: boolean;
}

export type FromDecodeWorker =
  | { type: 'batch'; batch: EventBatch | undefined; linkTypes: number[]; bytesRead: number; totalBytes: number | undefined }
  | { type: 'progress'; bytesRead: number; totalBytes: number | undefined }
  | { type: 'done'; read: ReadCaptureResult; stats: SipDecoderStats; diagnostics: Record<string, number> }
  | { type: 'error'; code: CaptureInputErrorCode; message: string; path?: string };

export interface WorkerDecodeHandlers extends EventBatchHandlers {
  /** Each link type the first time a record of it is read. */
  onLinkType?(linkType: number): void;
}

export interface WorkerDecodeOptions {
  chunkSize?: number;
  signal?: AbortSignal;
  onProgress?(bytesRead: number, totalBytes: number | undefined): void;
  /** Longest replay run (ms) between two yields to the event loop (as ReadCaptureOptions.sliceMs). */
  sliceMs?: number;
  now?(): number;
  /** The worker script (tests point at the built one); default: decode-worker.js beside this module. */
  workerUrl?: URL;
  /**
   * Decode at a lower CPU priority than this thread (a UI: keys, redraws and the terminal
   * itself come first when the cores are busy; decoding takes what is left).
   */
  lowPriority?: boolean;
}

/** Batches the worker may decode ahead of the replay (each is about one read chunk). */
export const MAX_BATCHES_IN_FLIGHT = 4;

/** The worker script beside this module, when it exists (it does once built; not under a TS test runner). */
export function defaultDecodeWorkerUrl(): URL | undefined {
  const url = new URL('./decode-worker.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined;
}

export function decodeCaptureFileInWorker(path: string, handlers: WorkerDecodeHandlers, opts: WorkerDecodeOptions = {}): Promise<DecodeFileResult> {
  const url = opts.workerUrl ?? defaultDecodeWorkerUrl();
  if (url === undefined) return Promise.reject(new Error('decode worker script not found'));
  const name = path;
  if (opts.signal?.aborted) return Promise.reject(new CaptureInputError('ABORTED', `${name}: reading aborted`, name));
  const replayed = new SharedArrayBuffer(4);
  const replayedCount = new Int32Array(replayed);
  const data: DecodeWorkerData = { path, chunkSize: Math.max(1, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK_SIZE)), maxInFlight: MAX_BATCHES_IN_FLIGHT, replayed, lowPriority: opts.lowPriority === true };
  const worker = new Worker(url, { workerData: data });
  const reader = new EventBatchReader();
  const now = opts.now ?? (() => performance.now());
  const queue: FromDecodeWorker[] = [];
  let wake: (() => void) | undefined;
  let crashed: Error | undefined;
  let exited = false;
  const poke = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  worker.on('message', (m: FromDecodeWorker) => {
    queue.push(m);
    poke();
  });
  worker.on('error', (err) => {
    crashed = err;
    poke();
  });
  worker.on('exit', () => {
    exited = true;
    poke();
  });
  const onAbort = (): void => poke();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const run = async (): Promise<DecodeFileResult> => {
    const sliceMs = opts.sliceMs;
    let sliceStart = now();
    const stop = sliceMs === undefined ? undefined : () => now() - sliceStart >= sliceMs;
    const checkAbort = (): void => {
      if (opts.signal?.aborted) throw new CaptureInputError('ABORTED', `${name}: reading aborted`, name);
    };
    for (;;) {
      checkAbort();
      const m = queue.shift();
      if (m === undefined) {
        if (crashed !== undefined) throw new CaptureInputError('EIO', `${name}: cannot decode: ${crashed.message.split('\n')[0]}`, name);
        if (exited) throw new CaptureInputError('EIO', `${name}: the decoding thread stopped unexpectedly`, name);
        // Not a turn of the event loop: the wake-up runs inside the port's message dispatch,
        // which goes on to the next message without letting timers or keys in. The slice
        // goes on; only a setImmediate turn (below) starts a new one.
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      switch (m.type) {
        case 'batch': {
          for (const t of m.linkTypes) handlers.onLinkType?.(t);
          const batch = m.batch;
          if (batch !== undefined) {
            reader.accept(batch);
            for (let at = 0; at < batch.count; ) {
              at = reader.replay(batch, at, handlers, stop);
              if (at < batch.count) {
                // the slice is used up: let keys and redraws in (the progress figure stays at the last chunk)
                opts.onProgress?.(m.bytesRead, m.totalBytes);
                checkAbort();
                await nextTurn();
                sliceStart = now();
              }
            }
            Atomics.add(replayedCount, 0, 1);
            Atomics.notify(replayedCount, 0);
          }
          opts.onProgress?.(m.bytesRead, m.totalBytes);
          if (stop?.()) {
            await nextTurn();
            sliceStart = now();
          }
          break;
        }
        case 'progress':
          opts.onProgress?.(m.bytesRead, m.totalBytes);
          break;
        case 'done':
          return { read: m.read, stats: m.stats, diagnostics: m.diagnostics };
        case 'error':
          throw new CaptureInputError(m.code, m.message, m.path);
      }
    }
  };
  return run().finally(() => {
    opts.signal?.removeEventListener('abort', onAbort);
    void worker.terminate();
  });
}
