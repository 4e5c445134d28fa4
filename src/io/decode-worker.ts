/**
 * Entry of the decoding thread (decode-worker-spawn.ts starts it). Lowers the thread's CPU priority
 * first when asked, before the decoder's modules load, so that even the thread's start-up
 * gives way to the UI thread; then runs decode-worker-run.ts.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { workerData } from 'node:worker_threads';
import type { DecodeWorkerData } from './decode-worker-spawn.js';

/** Nice value of a low-priority decoding thread (0 is normal, 19 the lowest). */
const LOW_PRIORITY_NICE = 10;

/**
 * Linux gives each thread its own nice value: setpriority() on the thread id (from
 * /proc/thread-self) lowers this thread only. Elsewhere nothing happens.
 */
function lowerThisThreadsPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, LOW_PRIORITY_NICE);
  } catch {
    // not Linux, or not allowed: decode at the normal priority
  }
}

if ((workerData as DecodeWorkerData).lowPriority) lowerThisThreadsPriority();
await import('./decode-worker-run.js');
