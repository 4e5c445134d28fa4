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
import { batchBuffers, EventBatchReader, type EventBatchHandlers } from '../core/pipeline/event-batch.js';
import type { DecodeFileResult } from './decode-file.js';
import { spawnDecodeWorker, type DecodeWorkerHandle, type ToDecodeWorker } from './decode-worker-spawn.js';
import { CaptureInputError, DEFAULT_CHUNK_SIZE } from './file-source.js';

export type { DecodeWorkerData, FromDecodeWorker } from './decode-worker-spawn.js';
export { defaultDecodeWorkerUrl, MAX_BATCHES_IN_FLIGHT } from './decode-worker-spawn.js';

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
  /** A thread already started on this file (spawnDecodeWorker): adopted instead of a new one. */
  spawned?: DecodeWorkerHandle;
}

export function decodeCaptureFileInWorker(path: string, handlers: WorkerDecodeHandlers, opts: WorkerDecodeOptions = {}): Promise<DecodeFileResult> {
  const name = path;
  if (opts.signal?.aborted) {
    void opts.spawned?.worker.terminate();
    return Promise.reject(new CaptureInputError('ABORTED', `${name}: reading aborted`, name));
  }
  const handle =
    opts.spawned ??
    spawnDecodeWorker(path, {
      chunkSize: opts.chunkSize ?? DEFAULT_CHUNK_SIZE,
      ...(opts.lowPriority ? { lowPriority: true } : {}),
      ...(opts.workerUrl ? { workerUrl: opts.workerUrl } : {}),
    });
  if (handle === undefined) return Promise.reject(new Error('decode worker script not found'));
  const { worker, queue } = handle;
  const replayedCount = handle.replayed;
  // adopted: the thread now keeps the process alive until the load ends
  worker.ref();
  const reader = new EventBatchReader();
  const now = opts.now ?? (() => performance.now());
  let wake: (() => void) | undefined;
  const poke = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  handle.onEvent = poke;
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
        if (handle.crashed !== undefined) throw new CaptureInputError('EIO', `${name}: cannot decode: ${handle.crashed.message.split('\n')[0]}`, name);
        if (handle.exited) throw new CaptureInputError('EIO', `${name}: the decoding thread stopped unexpectedly`, name);
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
            // Its buffers go back to be written again (this side's views of them are detached).
            const buffers = batchBuffers(batch);
            const recycle: ToDecodeWorker = { type: 'recycle', buffers };
            worker.postMessage(recycle, Object.values(buffers));
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
