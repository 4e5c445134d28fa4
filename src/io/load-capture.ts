/**
 * Loads a capture into the call store: decode → correlate → media, with the store notified
 * after every chunk so a view can show the call list before the file is done (DESIGN.md,
 * "The store"). The same loader serves `siptrace calls|flow|save` and the terminal UI.
 */
import { CallCorrelator } from '../core/correlate/correlator.js';
import { MediaRegistry } from '../core/correlate/media-registry.js';
import { sdpOfMessage } from '../core/sdp/session.js';
import { DiagnosticCounter } from '../core/diagnostics.js';
import { CallStore } from '../core/store/call-store.js';
import { decodeCaptureFile, type DecodeFileResult } from './decode-file.js';
import { decodeCaptureFileInWorker } from './decode-in-worker.js';
import { defaultDecodeWorkerUrl, type DecodeWorkerHandle } from './decode-worker-spawn.js';
import { FilePayloadReader } from './payload-reader.js';
import type { TransportSegment } from '../core/net/segment.js';
import type { SipMessage } from '../core/sip/types.js';

export interface LoadProgress {
  bytesRead: number;
  totalBytes: number | undefined;
  done: boolean;
}

export interface CaptureLoad {
  readonly path: string;
  readonly correlator: CallCorrelator;
  readonly media: MediaRegistry;
  readonly store: CallStore;
  /** Link types of every packet read (to choose pcap or pcapng when saving). */
  readonly linkTypes: Set<number>;
  readonly progress: LoadProgress;
  /** Media and SDP diagnostics (decode diagnostics are in the result). */
  readonly mediaDiagnostics: DiagnosticCounter;
  /** Resolves when the whole file is read; rejects with the io layer's typed errors. */
  readonly done: Promise<DecodeFileResult>;
  /** Where decoding runs (LoadOptions.decodeThread as resolved). */
  readonly decodeThread: 'worker' | 'main';
}

export interface LoadOptions {
  relatedCallHeaders?: readonly string[];
  signal?: AbortSignal;
  chunkSize?: number;
  /** Longest decoding run (ms) between yields to the event loop (ReadCaptureOptions.sliceMs). */
  sliceMs?: number;
  /** Called after each chunk (and each time slice), once the store was notified. */
  onProgress?(p: LoadProgress): void;
  /**
   * Where capture decoding and SIP parsing run: 'worker' (a second thread, beside correlation;
   * the default for files) or 'main' (this thread; always for stdin). SIPTRACE_DECODE_THREAD
   * =main in the environment forces 'main'. A URL: the worker script to use (tests).
   */
  decodeThread?: 'worker' | 'main' | URL;
  /** A UI: the decoding thread yields the CPU to this one (DecodeWorker lowPriority). */
  interactive?: boolean;
  /** A decoding thread already started on this file (spawnDecodeWorker), to adopt. */
  decodeWorker?: DecodeWorkerHandle;
}

/** The worker script to decode `path` with, or undefined to decode on this thread. */
function decodeWorkerFor(path: string, choice: LoadOptions['decodeThread']): URL | undefined {
  if (choice instanceof URL) return choice;
  if (choice === 'main' || path === '-' || process.env.SIPTRACE_DECODE_THREAD === 'main') return undefined;
  return defaultDecodeWorkerUrl();
}

export function startLoad(path: string, opts: LoadOptions = {}): CaptureLoad {
  // Messages keep their capture offset and are read again on demand (copies only when the
  // input cannot be re-read: stdin, gzip).
  const payloadReader = FilePayloadReader.open(path);
  const correlator = new CallCorrelator({
    ...(opts.relatedCallHeaders ? { relatedCallHeaders: opts.relatedCallHeaders } : {}),
    ...(payloadReader ? { payloadReader } : {}),
  });
  const mediaDiagnostics = new DiagnosticCounter();
  // Exchanges keep no parsed SDP: a view asking for one gets it parsed again from the capture.
  const media = new MediaRegistry({
    onDiagnostic: mediaDiagnostics.sink,
    sdpOfSeq: (seq) => {
      const e = correlator.entry(seq);
      return e === undefined ? undefined : sdpOfMessage(e.message);
    },
    entryOfSeq: (seq) => correlator.entry(seq),
  });
  const store = new CallStore(correlator, media);
  const linkTypes = new Set<number>();
  const progress: LoadProgress = { bytesRead: 0, totalBytes: undefined, done: false };
  const onProgress = (bytesRead: number, totalBytes: number | undefined): void => {
    progress.bytesRead = bytesRead;
    progress.totalBytes = totalBytes;
    store.notify();
    opts.onProgress?.(progress);
  };
  const onMessage = (m: SipMessage, payloadAt: number): void => {
    media.onSipMessage(correlator.add(m, payloadAt));
  };
  const onOtherUdp = (seg: TransportSegment): void => media.onUdp(seg);
  const spawned = opts.decodeWorker;
  const workerUrl = spawned === undefined ? decodeWorkerFor(path, opts.decodeThread) : undefined;
  const done = (async () => {
    try {
      if (spawned !== undefined || workerUrl !== undefined) {
        return await decodeCaptureFileInWorker(
          path,
          { onMessage, onOtherUdp, onLinkType: (t) => linkTypes.add(t) },
          {
            ...(spawned !== undefined ? { spawned } : {}),
            ...(workerUrl !== undefined ? { workerUrl } : {}),
            onProgress,
            ...(opts.interactive ? { lowPriority: true } : {}),
            ...(opts.signal ? { signal: opts.signal } : {}),
            ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}),
            ...(opts.sliceMs !== undefined ? { sliceMs: opts.sliceMs } : {}),
          },
        );
      }
      return await decodeCaptureFile(
        path,
        {
          onMessage,
          onOtherUdp,
          onRecord: (r) => linkTypes.add(r.linkType),
        },
        {
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}),
          ...(opts.sliceMs !== undefined ? { sliceMs: opts.sliceMs } : {}),
          onProgress,
        },
        // The correlator keeps offsets (or copies itself): no copy per message in the decoder.
        { ownBytes: false },
      );
    } finally {
      correlator.end();
      progress.done = true;
      store.notify();
      opts.onProgress?.(progress);
    }
  })();
  return { path, correlator, media, store, linkTypes, progress, mediaDiagnostics, done, decodeThread: spawned !== undefined || workerUrl !== undefined ? 'worker' : 'main' };
}
