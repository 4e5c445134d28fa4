/**
 * The UI's load of a capture, started on its own so that the CLI can start it before the UI's
 * modules load: the decoding thread then starts up while they do (time to first rows).
 */
import type { SiptraceConfig } from '../io/config.js';
import type { DecodeWorkerHandle } from '../io/decode-worker-spawn.js';
import { startLoad, type CaptureLoad } from '../io/load-capture.js';
import { LOAD_SLICE_MS, TUI_LOAD_CHUNK_SIZE } from './load-constants.js';

export { LOAD_SLICE_MS, TUI_LOAD_CHUNK_SIZE } from './load-constants.js';

/** A load for the UI, with what stops it. */
export interface TuiLoad {
  readonly load: CaptureLoad;
  readonly abort: AbortController;
}

/** `decodeWorker`: the decoding thread, when the caller started it already (with TUI_LOAD_CHUNK_SIZE). */
export function startTuiLoad(path: string, config: SiptraceConfig, decodeWorker?: DecodeWorkerHandle): TuiLoad {
  const abort = new AbortController();
  const related = config.relatedCallHeaders;
  const load = startLoad(path, {
    signal: abort.signal,
    chunkSize: TUI_LOAD_CHUNK_SIZE,
    sliceMs: LOAD_SLICE_MS,
    interactive: true,
    ...(decodeWorker !== undefined ? { decodeWorker } : {}),
    ...(related !== undefined ? { relatedCallHeaders: related } : {}),
  });
  // the UI handles the outcome once its screen is up; an input error may come sooner than that
  load.done.catch(() => undefined);
  return { load, abort };
}
