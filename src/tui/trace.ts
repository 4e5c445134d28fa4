/**
 * Timing trace of the UI for measuring responsiveness (test/tui/measure-responsiveness.sh):
 * with SIPTRACE_TUI_TRACE=FILE set, every key, draw and paced refresh is written to FILE with
 * its duration, and at exit the event loop's delay (how long a key could have waited).
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export const TRACE_ENV = 'SIPTRACE_TUI_TRACE';
/** A turn of the event loop longer than this is written to the trace with its time. */
const LAG_NOTE_MS = 40;
const LAG_TICK_MS = 5;

export interface UiTrace {
  note(line: string): void;
  end(): void;
}

export function openTrace(file: string | undefined = process.env[TRACE_ENV]): UiTrace | undefined {
  if (file === undefined || file === '') return undefined;
  const t0 = performance.now();
  writeFileSync(file, '');
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const note = (line: string): void => appendFileSync(file, `${(performance.now() - t0).toFixed(0).padStart(7)} ${line}\n`);
  // each turn of the event loop that kept a timer waiting more than LAG_NOTE_MS, with when
  let last = performance.now();
  const lagTimer = setInterval(() => {
    const now = performance.now();
    if (now - last - LAG_TICK_MS > LAG_NOTE_MS) note(`lag ${(now - last - LAG_TICK_MS).toFixed(0)} ms`);
    last = now;
  }, LAG_TICK_MS);
  lagTimer.unref();
  return {
    note,
    end(): void {
      clearInterval(lagTimer);
      delay.disable();
      const ms = (ns: number): string => (ns / 1e6).toFixed(1);
      note(`event loop delay: mean ${ms(delay.mean)} ms, p50 ${ms(delay.percentile(50))}, p99 ${ms(delay.percentile(99))}, max ${ms(delay.max)}`);
    },
  };
}
