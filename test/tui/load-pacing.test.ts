/**
 * What keeps the UI answering keys while a big capture loads (issue 4, Behaviour):
 * - the loader yields to the event loop after at most `sliceMs` of decoding (fake clock),
 *   with the same records as without slicing;
 * - the frozen list answers pages and positions without a store query at a new version;
 * - refreshes are paced by their own cost.
 */
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { CaptureRecord } from '../../src/core/capture/record.js';
import { readCaptureFile, SLICE_PIECE_BYTES } from '../../src/io/file-source.js';
import { startLoad } from '../../src/io/load-capture.js';
import { ListQueries, listQueries } from '../../src/tui/list-query.js';
import { renderLines, renderScreen } from '../../src/tui/screens/index.js';
import { RefreshPacer, REFRESH_COST_FACTOR, RENDER_INTERVAL_MS } from '../../src/tui/refresh-pacer.js';
import { initialState, reduce, type ListState } from '../../src/tui/ui-state.js';
import { CAPTURES_DIR, requireSharedCaptures } from '../conformance/shared-captures.js';

const BIG = 'heplify-fax-t38-megaco.pcap'; // 1.6 MB, ~7 200 records
const MANY_CALLS = 'heplify-tcp-segmented-port6060.pcap'; // 70 calls

function capture(file: string): string {
  requireSharedCaptures();
  return path.join(CAPTURES_DIR, file);
}

describe('readCaptureFile time slices', () => {
  /** Reads with a fake clock that advances `msPerRecord` per record decoded. */
  async function sliced(chunkSize: number, sliceMs: number | undefined, msPerRecord: number) {
    let clock = 0;
    const offsets: number[] = [];
    let sinceYield = 0;
    let worstRun = 0;
    let yields = 0;
    const result = await readCaptureFile(
      capture(BIG),
      {
        onRecord: (r: CaptureRecord) => {
          offsets.push(r.fileOffset);
          clock += msPerRecord;
          sinceYield++;
        },
      },
      {
        chunkSize,
        ...(sliceMs !== undefined ? { sliceMs } : {}),
        now: () => clock,
        // onProgress comes right before every turn of the event loop
        onProgress: () => {
          worstRun = Math.max(worstRun, sinceYield);
          sinceYield = 0;
          yields++;
        },
      },
    );
    return { offsets, worstRun, yields, frames: result.frames };
  }

  it('yields within sliceMs of work (plus one piece) whatever the chunk size, same records', async () => {
    const plain = await sliced(4 * 1024 * 1024, undefined, 1);
    // one 4 MiB chunk: the whole file in one run without slices
    expect(plain.worstRun).toBe(plain.frames);
    expect(plain.frames).toBeGreaterThan(5000);
    const sliceMs = 10;
    for (const chunkSize of [4 * 1024 * 1024, 1024 * 1024, 100_000]) {
      const s = await sliced(chunkSize, sliceMs, 1);
      expect(s.offsets).toEqual(plain.offsets);
      // records of one piece at most (the smallest record of this file is > 60 bytes)
      const piece = Math.ceil(SLICE_PIECE_BYTES / 60);
      expect(s.worstRun).toBeLessThanOrEqual(sliceMs + piece);
      expect(s.yields).toBeGreaterThan(plain.frames / (sliceMs + piece));
    }
  });

  it('slower decoding yields more often (the budget is time, not bytes)', async () => {
    const fast = await sliced(1024 * 1024, 10, 0.01);
    const slow = await sliced(1024 * 1024, 10, 1);
    expect(slow.yields).toBeGreaterThan(fast.yields * 5);
    expect(slow.offsets).toEqual(fast.offsets);
  });

  it('the loader passes sliceMs through and reports progress mid-chunk', async () => {
    const seen: number[] = [];
    const load = startLoad(capture(BIG), { chunkSize: 4 * 1024 * 1024, sliceMs: 0, onProgress: (p) => seen.push(p.bytesRead) });
    await load.done;
    // 0 ms: a turn after every piece
    expect(seen.length).toBeGreaterThan(Math.floor(1_587_001 / SLICE_PIECE_BYTES) - 1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(seen.at(-1)).toBe(1_587_001);
  });
});

describe('ListQueries.freeze', () => {
  const list = (over: Partial<ListState> = {}): ListState => ({ ...initialState(['index', 'from', 'state']).list, ...over });

  it('pages in capture order with no store query, equal to the store query of those calls', async () => {
    const load = startLoad(capture(MANY_CALLS));
    await load.done;
    const store = load.store;
    const n = load.correlator.calls().length;
    expect(n).toBeGreaterThan(50);
    const live = new ListQueries(store);
    const frozen = new ListQueries(store);
    frozen.freeze(n - 1);
    const query = vi.spyOn(store, 'query');
    const stats = vi.spyOn(store, 'stats');
    const rows = vi.spyOn(store, 'rows');
    const l = list();
    const page = frozen.page(l, 20, 30);
    expect(frozen.ids(l).length).toBe(n - 1);
    expect(frozen.posOf(l, 2)).toBe(1);
    expect(frozen.posOf(l, n - 1)).toBe(n - 2);
    expect(frozen.posOf(l, n)).toBeUndefined();
    expect(query).not.toHaveBeenCalled();
    expect(stats).not.toHaveBeenCalled();
    expect(rows).not.toHaveBeenCalled();
    query.mockRestore();
    const want = live.page(l, 20, 30);
    expect(page.ids).toEqual(want.ids);
    expect(page.rows.map((r) => r.call.index)).toEqual(want.rows.map((r) => r.call.index));
    expect(page.total).toBe(n - 1);
    // newest first: still no query, and as the store orders it
    const desc = list({ sort: { attr: 'index', desc: true } });
    const q2 = vi.spyOn(store, 'query');
    const newest = frozen.page(desc, 0, 5);
    expect(q2).not.toHaveBeenCalled();
    q2.mockRestore();
    expect(newest.ids).toEqual(live.page(desc, 1, 5).ids);
    expect(frozen.posOf(desc, n - 1)).toBe(0);
  });

  it('another sort or a filter: the store order cut to the frozen calls, positions by id', async () => {
    const load = startLoad(capture(MANY_CALLS));
    await load.done;
    const n = load.correlator.calls().length;
    const q = new ListQueries(load.store);
    const l = list({ sort: { attr: 'from', desc: true } });
    const all = new ListQueries(load.store).ids(l);
    q.freeze(30);
    const ids = q.ids(l);
    expect(ids.length).toBe(30);
    expect(ids).toEqual(all.filter((id) => id <= 30));
    ids.forEach((id, pos) => expect(q.posOf(l, id)).toBe(pos));
    expect(q.posOf(l, n)).toBeUndefined();
    // refreshes grow the list; thaw shows every call again
    q.freeze(n);
    expect(q.ids(l)).toEqual(all);
    q.thaw();
    expect(q.frozen).toBe(false);
    expect(q.ids(l)).toEqual(all);
  });
});

describe('RefreshPacer', () => {
  it('waits RENDER_INTERVAL_MS, or REFRESH_COST_FACTOR times the last refresh when that is longer', () => {
    const p = new RefreshPacer();
    expect(p.delay(0)).toBe(0);
    p.ran(1000, 1010); // a cheap refresh
    expect(p.delay(1010)).toBe(RENDER_INTERVAL_MS);
    expect(p.delay(1010 + RENDER_INTERVAL_MS + 5)).toBe(0);
    p.ran(2000, 2300); // 300 ms: the next one waits 4x that
    expect(p.delay(2300)).toBe(REFRESH_COST_FACTOR * 300);
    expect(p.delay(2300 + REFRESH_COST_FACTOR * 300)).toBe(0);
    // refreshing takes at most 1/(1+factor) of the time
    expect(300 / (300 + p.delay(2300))).toBeLessThanOrEqual(1 / (1 + REFRESH_COST_FACTOR));
  });
});

describe('screens drawn during a load (a key while the list is frozen)', () => {
  it('list and statistics read no store-wide query, rows or stats; the figures are the counted ones', async () => {
    const load = startLoad(capture('voipshark-udp-rtp-call.pcap'));
    await load.done;
    const store = load.store;
    const n = load.correlator.calls().length;
    const m = load.correlator.table.count;
    listQueries(store).freeze(n);
    const ctx = { store, input: 'x.pcap', load: { bytesRead: 50, totalBytes: 100, done: false, calls: n, messages: m } };
    const calls = [vi.spyOn(store, 'query'), vi.spyOn(store, 'stats'), vi.spyOn(store, 'rows')];
    let state = initialState(['index', 'from', 'state']);
    const list = renderLines(state, ctx, 160, 45);
    expect(list[0]).toContain(`Calls: ${n}`);
    expect(list[0]).toContain(`Msgs: ${m}`);
    expect(list[0]).toContain('50%');
    const env = renderScreen(state, ctx, 160, 45).env;
    state = reduce(state, { type: 'action', action: 'stats' }, env);
    const stats = renderLines(state, ctx, 160, 45).join('\n');
    for (const c of calls) expect(c).not.toHaveBeenCalled();
    for (const c of calls) c.mockRestore();
    expect(stats).toContain(`(loading: figures of the first ${n} calls)`);
    expect(stats).toMatch(new RegExp(`Calls: ${n}\\s+Messages: ${m}`));
    expect(stats).toMatch(/RTP streams \(\d+\), worst jitter so far \(all when loaded\):/);
    // loaded: every stream listed, same counts as the store's
    const done = renderLines(state, { ...ctx, load: { ...ctx.load, done: true } }, 160, 45).join('\n');
    expect(done).toContain(`RTP streams (${store.stats().streams}):`);
    expect(done).not.toContain('loading');
  });
});
