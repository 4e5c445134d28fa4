/**
 * The statistics counted on while loading (LiveStats) give exactly what store.stats() and
 * statsData() give, on every shared capture, however often they were brought up to date.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallStore } from '../../src/core/store/call-store.js';
import { startLoad } from '../../src/io/load-capture.js';
import { LiveStats } from '../../src/tui/live-stats.js';
import { byId, statsData, worstByJitter } from '../../src/tui/stats-data.js';
import { CAPTURES_DIR, captureFiles } from '../conformance/shared-captures.js';

/** Loads a capture in small chunks; `onChunk` runs after each one (the store as it is then). */
async function loadAll(file: string, onChunk?: (store: CallStore, calls: number, messages: number) => void) {
  const load = startLoad(path.join(CAPTURES_DIR, file), {
    chunkSize: 4096,
    ...(onChunk ? { onProgress: () => onChunk(load.store, load.correlator.calls().length, load.correlator.table.count) } : {}),
  });
  await load.done.catch(() => undefined);
  return load;
}

describe('LiveStats', () => {
  const files = captureFiles();

  it('counts what store.stats() and statsData() count, on every shared capture, updated during the load', async () => {
    let withStreams = 0;
    let steppedLoads = 0;
    for (const file of files) {
      // counted on at every 4 KiB chunk of the load, as the app's refreshes do
      let live: LiveStats | undefined;
      let steps = 0;
      const load = await loadAll(file, (store, calls, messages) => {
        live ??= new LiveStats(store);
        live.countOn(calls, messages);
        steps++;
      });
      const store = load.store;
      live ??= new LiveStats(store);
      // and in four steps over a finished load
      const again = await loadAll(file);
      const stepped = new LiveStats(again.store);
      const n = again.correlator.calls().length;
      const m = again.correlator.table.count;
      expect(load.correlator.calls().length).toBe(n);
      for (let k = 1; k <= 4; k++) stepped.countOn(Math.floor((n * k) / 4), Math.floor((m * k) / 4));
      if (steps > 2) steppedLoads++;
      for (const [l, s] of [
        [live, store],
        [stepped, again.store],
      ] as const) {
        const f = l.figures(n, m, 'all');
        expect(f.stats, file).toEqual(s.stats());
        expect(f.data, file).toEqual(statsData(s));
        expect(f.calls).toBe(n);
        // the worst streams only (while loading): the same bars, the total said
        const few = l.figures(n, m, 3);
        expect(few.data.streams, file).toEqual(worstByJitter(statsData(s).streams, 3));
        expect(few.data.streamTotal, file).toBe(s.stats().streams);
        expect(few.stats).toEqual(s.stats());
      }
      if (store.stats().streams > 0) withStreams++;
    }
    expect(files.length).toBeGreaterThan(30);
    expect(withStreams).toBeGreaterThan(5);
    expect(steppedLoads).toBeGreaterThan(30);
  }, 120_000);

  it('counts only the calls and messages asked for (the frozen view of a load)', async () => {
    const load = await loadAll('heplify-rtp-rtcp-udp.pcap');
    const live = new LiveStats(load.store);
    const f = live.figures(1, 3);
    expect(f.calls).toBe(1);
    expect(f.stats.calls).toBe(1);
    expect(f.stats.messages).toBe(3);
    expect(Object.values(f.stats.callsByState).reduce((a, b) => a + b, 0)).toBe(1);
  });
});

describe('worstByJitter / byId', () => {
  it('keeps the k worst by max jitter (ties: lower id), listed by id, as a full sort would', () => {
    const streams = Array.from({ length: 500 }, (_, i) => ({ id: 500 - i, maxJitterMs: (i * 7919) % 37 }));
    for (const k of [0, 1, 5, 36, 500, 600]) {
      const full = [...streams].sort((a, b) => b.maxJitterMs - a.maxJitterMs || a.id - b.id).slice(0, k).sort((a, b) => a.id - b.id);
      expect(worstByJitter(streams, k)).toEqual(full);
    }
  });

  it('orders by id without losing or doubling any (sparse, duplicate and dense ids)', () => {
    const dense = [5, 3, 1, 2, 4].map((id) => ({ id }));
    expect(byId(dense).map((s) => s.id)).toEqual([1, 2, 3, 4, 5]);
    const dup = [2, 1, 2].map((id, k) => ({ id, k }));
    expect(byId(dup).map((s) => s.id)).toEqual([1, 2, 2]);
    const sparse = [1_000_000, 3, 70].map((id) => ({ id }));
    expect(byId(sparse).map((s) => s.id)).toEqual([3, 70, 1_000_000]);
  });
});
