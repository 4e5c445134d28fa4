/**
 * Timing trace of the UI for measuring responsiveness (test/tui/measure-responsiveness.sh):
 * with SIPTRACE_TUI_TRACE=FILE set, every key, draw and paced refresh is written to FILE with
 * its duration, garbage collections of this thread that took over GC_NOTE_MS (to tell a GC pause
 * from our own long work), and at exit the event loop's delay (how long a key could have waited).
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export const TRACE_ENV = 'SIPTRACE_TUI_TRACE';
/** A turn of the event loop longer than this is written to the trace with its time. */
const LAG_NOTE_MS = 40;
const LAG_TICK_MS = 5;
const GC_NOTE_MS = 10;
/** perf_hooks GC kinds (NODE_PERFORMANCE_GC_*). */
const GC_KINDS: Record<number, string> = { 1: 'scavenge', 2: 'mark-compact', 4: 'incremental', 8: 'weak callbacks' };

export interface UiTrace {
  note(line: string): void;
  end(): void;
}

/** This thread's time on a CPU and waiting for one, in ms (/proc/thread-self/schedstat), when readable. */
function schedStat(): [number, number] | undefined {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ');
    return [Math.round(Number(run) / 1e6), Math.round(Number(wait) / 1e6)];
  } catch {
    return undefined;
  }
}

export function openTrace(file: string | undefined = process.env[TRACE_ENV]): UiTrace | undefined {
  if (file === undefined || file === '') return undefined;
  const t0 = performance.now();
  writeFileSync(file, '');
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const note = (line: string): void => appendFileSync(file, `${(performance.now() - t0).toFixed(0).padStart(7)} ${line}\n`);
  // each turn of the event loop that kept a timer waiting more than LAG_NOTE_MS, with when, and
  // how much of it this thread ran or waited for a CPU (Linux schedstat: our work or the machine's)
  let last = performance.now();
  let lastSched = schedStat();
  const lagTimer = setInterval(() => {
    const now = performance.now();
    const sched = schedStat();
    if (now - last - LAG_TICK_MS > LAG_NOTE_MS) {
      const cpu = sched !== undefined && lastSched !== undefined ? ` (ran ${sched[0] - lastSched[0]} ms, waited for a CPU ${sched[1] - lastSched[1]} ms)` : '';
      note(`lag ${(now - last - LAG_TICK_MS).toFixed(0)} ms${cpu}`);
    }
    last = now;
    lastSched = sched;
  }, LAG_TICK_MS);
  lagTimer.unref();
  const gcs = new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) {
      if (e.duration > GC_NOTE_MS) note(`gc ${GC_KINDS[e.detail?.kind ?? 0] ?? 'other'} ${e.duration.toFixed(0)} ms (ended ${(performance.now() - e.startTime - e.duration).toFixed(0)} ms ago)`);
    }
  });
  gcs.observe({ entryTypes: ['gc'] });
  return {
    note,
    end(): void {
      gcs.disconnect();
      clearInterval(lagTimer);
      delay.disable();
      const ms = (ns: number): string => (ns / 1e6).toFixed(1);
      note(`event loop delay: mean ${ms(delay.mean)} ms, p50 ${ms(delay.percentile(50))}, p99 ${ms(delay.percentile(99))}, max ${ms(delay.max)}`);
    },
  };
}
