/**
 * Starting the decoding thread, kept light (Node built-ins only, types otherwise) so that the
 * UI can start it first thing, before its own modules load: the thread's start-up (~100 ms of
 * Node bootstrap and module loading) then overlaps the UI's. decode-in-worker.ts adopts the
 * thread and replays what it posted meanwhile.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BatchBuffers, EventBatch } from '../core/pipeline/event-batch.js';
import type { SipDecoderStats } from '../core/pipeline/sip-decoder.js';
import type { CaptureInputErrorCode, ReadCaptureResult } from './file-source.js';

export interface DecodeWorkerData {
  path: string;
  chunkSize: number;
  maxInFlight: number;
  /**
   * One Int32: batches replayed so far. Credits go back through shared memory, so the pace never
   * waits on a message (a postMessage from the loading thread once cost ~1.6 ms while its heap was
   * large); replayed buffers follow by message (ToDecodeWorker) and are only an allocation saved.
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

/** To the worker: the buffers of a batch that was replayed (transferred back), to write another in. */
export type ToDecodeWorker = { type: 'recycle'; buffers: BatchBuffers };

/** Batches the worker may decode ahead of the replay (each is about one read chunk). */
export const MAX_BATCHES_IN_FLIGHT = 4;

/** The worker script beside this module, when it exists (it does once built; not under a TS test runner). */
export function defaultDecodeWorkerUrl(): URL | undefined {
  const url = new URL('./decode-worker.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined;
}

export interface SpawnOptions {
  chunkSize: number;
  lowPriority?: boolean;
  workerUrl?: URL;
}

/** A running decoding thread and what it posted so far (in order). */
export class DecodeWorkerHandle {
  readonly worker: Worker;
  readonly replayed: Int32Array;
  readonly queue: FromDecodeWorker[] = [];
  crashed: Error | undefined = undefined;
  exited = false;
  /** Called after each message, error or exit (the replay's wake-up). */
  onEvent: (() => void) | undefined = undefined;

  constructor(url: URL, data: DecodeWorkerData) {
    this.replayed = new Int32Array(data.replayed);
    this.worker = new Worker(url, { workerData: data });
    this.worker.on('message', (m: FromDecodeWorker) => {
      this.queue.push(m);
      this.onEvent?.();
    });
    this.worker.on('error', (err) => {
      this.crashed = err;
      this.onEvent?.();
    });
    this.worker.on('exit', () => {
      this.exited = true;
      this.onEvent?.();
    });
  }
}

/**
 * Starts decoding `path` on a new thread, undefined when the worker script is not there. The
 * thread does not keep the process alive until adopted (a failure in between, such as a bad
 * config file, still ends the process).
 */
export function spawnDecodeWorker(path: string, opts: SpawnOptions): DecodeWorkerHandle | undefined {
  const url = opts.workerUrl ?? defaultDecodeWorkerUrl();
  if (url === undefined) return undefined;
  const data: DecodeWorkerData = {
    path,
    chunkSize: Math.max(1, Math.floor(opts.chunkSize)),
    maxInFlight: MAX_BATCHES_IN_FLIGHT,
    replayed: new SharedArrayBuffer(4),
    lowPriority: opts.lowPriority === true,
  };
  const handle = new DecodeWorkerHandle(url, data);
  handle.worker.unref();
  return handle;
}
