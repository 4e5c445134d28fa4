/**
 * The UI's load of a capture, started on its own so that the CLI can start it before the UI's
 * modules load: the decoding thread then starts up while they do (time to first rows).
 */
import type { SiptraceConfig } from '../io/config.js';
import { startLoad, type CaptureLoad } from '../io/load-capture.js';

/** Read size while loading for the UI (the time slices below bound how long a key waits). */
export const TUI_LOAD_CHUNK_SIZE = 1024 * 1024;
/**
 * Longest decoding run between two turns of the event loop while the UI loads: a key is
 * answered within about this plus one redraw (the goal is 100 ms on a busy 2-core machine).
 */
export const LOAD_SLICE_MS = 12;

/** A load for the UI, with what stops it. */
export interface TuiLoad {
  readonly load: CaptureLoad;
  readonly abort: AbortController;
}

export function startTuiLoad(path: string, config: SiptraceConfig): TuiLoad {
  const abort = new AbortController();
  const related = config.relatedCallHeaders;
  const load = startLoad(path, {
    signal: abort.signal,
    chunkSize: TUI_LOAD_CHUNK_SIZE,
    sliceMs: LOAD_SLICE_MS,
    interactive: true,
    ...(related !== undefined ? { relatedCallHeaders: related } : {}),
  });
  // the UI handles the outcome once its screen is up; an input error may come sooner than that
  load.done.catch(() => undefined);
  return { load, abort };
}
