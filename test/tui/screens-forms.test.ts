/**
 * The column, settings, save and statistics screens, aliases, time formats, hidden resends and
 * the message pane's scroll, rendered to plain lines on real captures.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, aliasMap } from '../../src/io/config.js';
import { applyConfigRequest, stateFromConfig } from '../../src/tui/app.js';
import type { ActionId } from '../../src/tui/keymap.js';
import { buildFlowLadder } from '../../src/tui/screens/call-flow.js';
import type { ScreenContext } from '../../src/tui/screens/context.js';
import { renderScreen } from '../../src/tui/screens/index.js';
import { chartData, statsLayout } from '../../src/tui/screens/stats.js';
import { callRate, statsData } from '../../src/tui/stats-data.js';
import { reduce, type UiAction, type UiState } from '../../src/tui/ui-state.js';
import { loadContext } from './helpers.js';

function drive(s0: UiState, ctx: ScreenContext, w: number, h: number, ...actions: (ActionId | UiAction)[]): UiState {
  let s = s0;
  for (const a of actions) {
    const r = renderScreen(s, ctx, w, h);
    if (r.flowScroll !== undefined) s = reduce(s, { type: 'flowScroll', scroll: r.flowScroll }, r.env);
    s = reduce(s, typeof a === 'string' ? { type: 'action', action: a } : a, r.env);
  }
  return s;
}
const lines = (s: UiState, ctx: ScreenContext, w = 160, h = 45): string[] => renderScreen(s, ctx, w, h).frame.lines.map((l) => l.trimEnd());
const AAA = 'sngrep-aaa-register-invite-rtp.pcap';
const base = (): UiState => stateFromConfig({});

describe('columns screen', () => {
  it('lists every attribute with the shown ones checked; the list then draws the chosen columns', async () => {
    const ctx = await loadContext(AAA);
    const s = drive(base(), ctx, 160, 45, 'columns');
    const l = lines(s, ctx);
    expect(l[0]).toContain('Columns of the call list');
    expect(l[1]).toBe(' List: Idx | Time | Method | From | To | Msgs | Source | Destination | State | Code | Reason');
    expect(l[3]).toMatch(/^ {3}\[x\] {3}Idx +index +number +6$/);
    expect(l.some((x) => /^ {3}\[ \] {3}Call-ID +callid +text +32$/.test(x))).toBe(true);
    expect(l.some((x) => /\[ \] +User-Agent +ua /.test(x))).toBe(true);
    // hide Time (2nd), show Call-ID (12th) and move it up to 2nd place
    const callIdAt = s.columnsEdit.items.findIndex((i) => i.id === 'callid');
    const toCallId: ActionId[] = Array<ActionId>(callIdAt - 1).fill('down');
    const s2 = drive(s, ctx, 160, 45, 'down', 'select', ...toCallId, 'select', ...Array<ActionId>(callIdAt - 1).fill('moveUp'), 'open');
    const list = lines(s2, ctx);
    expect(list[2]).toMatch(/^ +Idx\^ Call-ID +Method +From/);
    expect(list[3]).toMatch(/^ +1 [0-9a-f]{8}/);
    expect(list[2]).not.toContain('Time');
  });

  it('widths from the config are kept; the footer names the config file', async () => {
    const ctx = { ...(await loadContext(AAA)), configPath: '/cfg/siptrace.json' };
    const s = stateFromConfig(parseConfig(JSON.stringify({ columns: ['index', { attr: 'from', width: 12 }, 'state'] }), 'x'));
    const l = lines(s, ctx);
    expect(l[2]).toMatch(/^ +Idx\^ From {9}State/);
    expect(l[3]).toMatch(/^ +1 sip:voi1806… AUTH CHALLENGED/);
    const cols = lines(drive(s, ctx, 160, 45, 'columns'), ctx);
    expect(cols.some((x) => /\[x\] +From +from +text +12 \(config\)/.test(x))).toBe(true);
    expect(cols[44]).toContain('s Save to /cfg/siptrace.json');
    // saving writes the draft's columns with their widths
    const saved = drive(s, ctx, 160, 45, 'columns', 'saveConfig');
    expect(applyConfigRequest({ aliases: { '10.0.0.1': 'x' } }, saved.configRequest!)).toEqual({ aliases: { '10.0.0.1': 'x' }, columns: [{ attr: 'index' }, { attr: 'from', width: 12 }, { attr: 'state' }] });
  });
});

describe('aliases', () => {
  it('name the ladder columns and the list addresses (host alias keeps the port)', async () => {
    const config = parseConfig(JSON.stringify({ aliases: { '192.168.1.2': 'arik-phone', '212.242.33.35:5060': 'cybercity' } }), 'x');
    const ctx = { ...(await loadContext(AAA)), aliases: aliasMap(config) };
    const list = lines(base(), ctx);
    expect(list[5]).toMatch(/INVITE .* arik-phone:5060 +cybercity +REJECTED/);
    expect(list[4]).toMatch(/arik-phone:5060 +200\.68\.120\.81:5060 +CANCELLED/);
    // a: addresses as captured (sngrep's toggle), in the list and the flow
    const plain = drive(base(), ctx, 160, 45, 'toggleAliases');
    expect(lines(plain, ctx)[5]).toMatch(/INVITE .* 192\.168\.1\.2:5060 +212\.242\.33\.35:5060 +REJECTED/);
    expect(lines(drive(plain, ctx, 160, 45, 'down', 'down', 'open'), ctx)[1]).toMatch(/^ +192\.168\.1\.2:5060 +212\.242\.33\.35:5060 +│/);
    expect(drive(plain, ctx, 160, 45, 'toggleAliases').aliases).toBe(true);
    const flow = lines(drive(base(), ctx, 160, 45, 'down', 'down', 'open'), ctx);
    expect(flow[1]).toMatch(/^ +arik-phone +cybercity +│/);
    // same geometry as the export over the same layout: labels come from layoutLadder's aliases
    const s = drive(base(), ctx, 160, 45, 'down', 'down', 'open');
    expect(buildFlowLadder(s.flow, ctx, 99).layout.columns.map((c) => [c.label, c.address])).toEqual([
      ['arik-phone', '192.168.1.2:5060'],
      ['cybercity', '212.242.33.35:5060'],
    ]);
  });
});

describe('flow display settings', () => {
  it('time formats: clock +delta (the export), since the first arrow, clock only', async () => {
    const ctx = await loadContext(AAA);
    const open = drive(base(), ctx, 160, 45, 'down', 'down', 'open', 'togglePane');
    const arrows = (s: UiState): string[] => lines(s, ctx).filter((l) => /[─═]>│|│<[─═]/.test(l)).map((l) => l.slice(0, 22).trimEnd());
    expect(arrows(open).slice(0, 4)).toEqual(['09:43:53.794 +0.000s', '09:43:54.292 +0.498s', '09:43:55.293 +1.002s', '09:43:55.448 +0.155s']);
    const rel = drive(open, ctx, 160, 45, 'timeFormat');
    expect(arrows(rel).slice(0, 4)).toEqual(['+0.000s', '+0.498s', '+1.500s', '+1.654s']);
    const clock = drive(rel, ctx, 160, 45, 'timeFormat');
    expect(arrows(clock).slice(0, 2)).toEqual(['09:43:53.794', '09:43:54.292']);
    // the ladder itself does not move
    expect(lines(clock, ctx).map((l) => l.slice(22))).toEqual(lines(open, ctx).map((l) => l.slice(22)).map((l, i) => (i === 0 ? lines(clock, ctx)[0]!.slice(22) : l)));
  });

  it('without resends each original says how often it was resent, deltas between the rows kept', async () => {
    const ctx = await loadContext(AAA);
    const s = drive(base(), ctx, 160, 45, 'down', 'down', 'open', 'togglePane', 'retrans');
    const l = lines(s, ctx);
    expect(l[0]).toMatch(/arrow 1\/6 .* no resends/);
    expect(l.join('\n')).toContain('INVITE (SDP pcmu pcma iLBC G726-32 GSM) [resent x2]');
    expect(l.join('\n')).not.toContain('(x2)');
    expect(l.join('\n')).toMatch(/09:43:55\.448 \+1\.654s +│<─+│/);
  });

  it('the message pane scrolls when the message is taller than it, and says how much is left', async () => {
    const ctx = await loadContext(AAA);
    let s = drive(base(), ctx, 120, 20, 'down', 'down', 'open');
    const pane = (x: string[]): string[] => x.slice(1, 19).map((row) => row.split('│').pop()!);
    const top = pane(lines(s, ctx, 120, 20));
    expect(top[0]).toContain('2005-07-04 09:43:53.794463 UTC  frame 321');
    expect(top[17]).toMatch(/^-- \d+ more lines \(J\/K or wheel\) --/);
    const r = renderScreen(s, ctx, 120, 20);
    expect(r.env.paneLines).toBeGreaterThan(30);
    s = drive(s, ctx, 120, 20, 'paneDown', 'paneDown', 'paneDown', 'paneDown', 'paneDown', 'paneDown', 'paneDown', 'paneDown', 'paneDown', 'paneDown');
    const bottom = pane(lines(s, ctx, 120, 20));
    expect(bottom.join('\n')).toContain('a=sendrecv');
    expect(bottom.join('\n')).not.toContain('more lines');
    // the wheel over the pane scrolls it too; over the ladder it moves the cursor
    const r2 = renderScreen(s, ctx, 120, 20);
    expect(r2.env.hitTest?.(110, 5)).toEqual({ kind: 'pane' });
    const up = reduce(s, { type: 'wheel', x: 110, y: 5, dir: -1 }, r2.env);
    expect(up.flow.paneScroll).toBe(s.flow.paneScroll - 3);
  });

  it('mouse: a click on a list row or an arrow line selects it', async () => {
    const ctx = await loadContext(AAA);
    const r = renderScreen(base(), ctx, 160, 45);
    expect(r.env.hitTest?.(20, 3)).toEqual({ kind: 'listRow', pos: 0 });
    expect(r.env.hitTest?.(20, 8)).toEqual({ kind: 'listRow', pos: 5 });
    expect(r.env.hitTest?.(20, 9)).toBeUndefined();
    const s = reduce(base(), { type: 'click', x: 20, y: 5 }, r.env);
    expect(s.list.cursorId).toBe(3);
    const flow = drive(s, ctx, 160, 45, 'open');
    const v = renderScreen(flow, ctx, 160, 45);
    const y = v.frame.lines.findIndex((l) => l.includes('407 authentication required'));
    expect(v.env.hitTest?.(30, y)).toEqual({ kind: 'flowRow', row: 3 });
    expect(v.env.hitTest?.(30, y + 1)).toEqual({ kind: 'flowRow', row: 3 });
    expect(reduce(flow, { type: 'click', x: 30, y }, v.env).flow.cursor).toBe(3);
  });
});

describe('settings screen', () => {
  it('shows each setting with its value; Enter applies it to the flow', async () => {
    const ctx = { ...(await loadContext(AAA)), configPath: '/cfg/x.json' };
    let s = drive(base(), ctx, 160, 45, 'settings');
    let l = lines(s, ctx);
    expect(l[0]).toContain('Settings: call flow display');
    expect(l[2]).toMatch(/^ {3}Colour mode +< reqres > +arrows coloured/);
    expect(l.some((x) => /Show retransmissions +< on >/.test(x))).toBe(true);
    expect(l.join('\n')).toContain('s applies and saves to /cfg/x.json');
    s = drive(s, ctx, 160, 45, 'down', 'right', 'right');
    l = lines(s, ctx);
    expect(l[3]).toMatch(/Time format +< clock >/);
    s = drive(s, ctx, 160, 45, 'open', 'down', 'down', 'open');
    expect(lines(s, ctx).filter((x) => /[─═]>│/.test(x))[0]!.slice(0, 22).trimEnd()).toBe('09:43:53.794');
  });

  it('settings saved go to the ui section, read back as the first state', async () => {
    const s = drive(base(), await loadContext(AAA), 160, 45, 'settings', 'right', 'down', 'down', 'right', 'saveConfig');
    const cfg = applyConfigRequest({}, s.configRequest!);
    expect(cfg.ui).toEqual({ colorMode: 'cseq', timeFormat: 'delta', showRetransmissions: false, messagePane: true, messagePaneWidth: 60, sdpMode: 'codecs', rtpArrows: false, compress: false });
    const again = stateFromConfig(parseConfig(JSON.stringify(cfg), 'x'));
    expect(again.flow).toMatchObject({ color: 'cseq', retrans: false });
  });
});

describe('save screen', () => {
  it('shows the formats, the calls of each scope and the file name', async () => {
    const ctx = await loadContext(AAA);
    const s = drive(base(), ctx, 160, 45, 'filter', ...Array.from('state == rejected', (c) => ({ type: 'text', text: c }) as const), 'open', 'select', 'save');
    const l = lines(s, ctx);
    expect(l[0]).toBe(' Save calls');
    expect(l[3]).toMatch(/^ {3}\(\*\) pcap \(SIP\) +\(\*\) selected: 1 call \(3\)$/);
    expect(l[4]).toMatch(/^ {3}\( \) pcap \(SIP \+ RTP\) +\( \) shown in the list: 3 calls \(filter\/search\)$/);
    expect(l[5]).toMatch(/text ladder \+ messages +\( \) all: 6 calls$/);
    expect(l.slice(3, 11).map((x) => x.slice(7, 31).trim())).toEqual(['pcap (SIP)', 'pcap (SIP + RTP)', 'text ladder + messages', 'calls JSON', 'calls CSV', 'flow Markdown', 'flow Mermaid', 'flow HTML']);
    expect(l[12]).toBe('   File: siptrace-calls.pcap_');
    const err = reduce(s, { type: 'saveDone', error: 'save failed: /x/y.pcap: cannot write: no such directory' }, renderScreen(s, ctx, 160, 45).env);
    expect(lines(err, ctx)[14]).toBe('   save failed: /x/y.pcap: cannot write: no such directory');
  });
});

describe('statistics', () => {
  it('keeps the text statistics and adds response codes, the call rate and the RTP streams table', async () => {
    const ctx = await loadContext(AAA);
    const l = lines(drive(base(), ctx, 100, 60, 'stats'), ctx, 100, 60).join('\n');
    expect(l).toContain('(charts need a 120x24 terminal)');
    expect(l).toMatch(/Calls: 6\s+Messages: 81/);
    expect(l).toMatch(/REJECTED\s+3 \(50\.0%\)/);
    expect(l).toMatch(/Responses by code \(resends not counted\):\n {3}100 +7\n/);
    expect(l).toMatch(/ {3}401 +14\n {3}403 +3\n {3}407 +3\n/);
    expect(l).toMatch(/RTP streams \(1\):\n.*\n +1 +6 PCMA\/8000 +9 +0\.0 +7\.8ms +7\.8ms {2}192\.168\.1\.2:\d+ -> /);
  });

  it('chart data: calls per second buckets, codes and jitter fitted to their areas', async () => {
    const ctx = await loadContext('voipshark-udp-rtp-call.pcap');
    const data = statsData(ctx.store);
    const layout = statsLayout(160, 45);
    expect(layout.charts).toEqual({
      rate: { left: 72, top: 1, width: 88, height: 14 },
      codes: { left: 72, top: 15, width: 88, height: 14 },
      jitter: { left: 72, top: 29, width: 88, height: 15 },
    });
    const c = chartData(data, layout.charts!);
    const rate = data.rate!;
    expect(rate.counts.reduce((a, b) => a + b, 0)).toBe(10);
    expect(c.rate.y).toEqual((rate.counts.length === 1 ? [rate.counts[0]!, rate.counts[0]!] : rate.counts).map((n) => Math.round((n / rate.bucketSec) * 10) / 10));
    expect(c.rate.x[0]).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(c.codes.titles.length).toBe(c.codes.data.length);
    expect(c.codes.data.reduce((a, b) => a + b, 0)).toBe(data.codes.reduce((a, [, n]) => a + n, 0));
    expect(c.jitter.titles).toEqual(data.streams.map((s) => `#${s.id}`));
    expect(c.labels.jitter).toContain('Max jitter per RTP stream');
    const r = renderScreen(drive(base(), ctx, 160, 45, 'stats'), ctx, 160, 45);
    expect(r.charts?.rects).toEqual(layout.charts);
    // the chart area is left blank for the widgets
    expect(r.frame.lines.slice(1, 44).every((l) => l.slice(72).trim() === '')).toBe(true);
  });

  it('buckets: one per second for short captures, wider ones for long captures', () => {
    expect(callRate([])).toBeUndefined();
    expect(callRate([1000, 1500, 3200])).toEqual({ bucketSec: 1, startMs: 1000, counts: [2, 0, 1] });
    const hour = Array.from({ length: 100 }, (_, i) => i * 36_000);
    const r = callRate(hour)!;
    expect(r.bucketSec).toBe(60);
    expect(r.counts.length).toBeLessThanOrEqual(60);
    expect(r.counts.reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('a terminal too small still says so', async () => {
    const ctx = await loadContext(AAA);
    for (const a of ['stats', 'columns', 'settings', 'save'] as ActionId[]) {
      expect(lines(drive(base(), ctx, 160, 45, a), ctx, 30, 6)[0]).toContain('Terminal too small (30x6)');
    }
  });
});

describe('stats refresh while loading', () => {
  it('reuses figures younger than STATS_REFRESH_MS while loading, never once loaded', async () => {
    const { STATS_REFRESH_MS } = await import('../../src/tui/stats-data.js');
    const real = (await loadContext(AAA)).store;
    let version = 1;
    let walks = 0;
    const fake = { get version() { return version; }, rows: () => { walks++; return real.rows(); } } as unknown as typeof real;
    statsData(fake, true, 0);
    version = 2;
    statsData(fake, true, STATS_REFRESH_MS - 1);
    expect(walks).toBe(1);
    statsData(fake, true, STATS_REFRESH_MS + 1);
    expect(walks).toBe(2);
    version = 3;
    statsData(fake, false, STATS_REFRESH_MS + 2);
    expect(walks).toBe(3);
    expect(statsData(fake, false, 10 * STATS_REFRESH_MS).codes).toEqual(statsData(real).codes);
    expect(walks).toBe(3);
  });
});
