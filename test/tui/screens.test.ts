/**
 * Screens rendered to plain lines (no terminal) on real captures: what blessed would show.
 */
import { describe, expect, it } from 'vitest';
import { renderTextLadder } from '../../src/export/text-ladder.js';
import type { ActionId } from '../../src/tui/keymap.js';
import { renderCallList } from '../../src/tui/screens/call-list.js';
import { buildFlowLadder, renderCallFlow } from '../../src/tui/screens/call-flow.js';
import type { ScreenContext } from '../../src/tui/screens/context.js';
import { renderScreen } from '../../src/tui/screens/index.js';
import { renderHelp } from '../../src/tui/screens/info.js';
import { renderRaw } from '../../src/tui/screens/raw.js';
import { initialState, reduce, type UiAction, type UiState } from '../../src/tui/ui-state.js';
import { loadContext } from './helpers.js';

/** Drives the state like the app does: each action with the env of the screen shown. */
function drive(ctx: ScreenContext, w: number, h: number, ...actions: (ActionId | UiAction)[]): UiState {
  let s = initialState();
  for (const a of actions) {
    const r = renderScreen(s, ctx, w, h);
    if (r.flowScroll !== undefined) s = reduce(s, { type: 'flowScroll', scroll: r.flowScroll }, r.env);
    s = reduce(s, typeof a === 'string' ? { type: 'action', action: a } : a, r.env);
  }
  return s;
}
const text = (t: string): UiAction[] => Array.from(t, (ch) => ({ type: 'text', text: ch }) as const);

describe('call list', () => {
  it('shows the 6 calls of sngrep-aaa with header, column titles and footer', async () => {
    const ctx = await loadContext('sngrep-aaa-register-invite-rtp.pcap');
    const lines = renderCallList(initialState(), ctx, 160, 45);
    expect(lines).toHaveLength(45);
    expect(lines.every((l) => Array.from(l).length === 160)).toBe(true);
    expect(lines[0]).toMatch(/siptrace\s+sngrep-aaa-register-invite-rtp\.pcap\s+Calls: 6\s+Msgs: 81/);
    expect(lines[2]).toMatch(/Idx\^ Time\s+Method\s+From\s+To\s+Msgs Source\s+Destination\s+State\s+Code Reason/);
    const rows = lines.slice(3, 9);
    expect(rows.map((r) => r.slice(0, 35).trim().split(/\s+/)[0])).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(rows[1]).toMatch(/INVITE\s+sip:816666@voip\.br.*18 192\.168\.1\.2:5060\s+200\.68\.120\.81:5060\s+CANCELLED/);
    expect(rows[3]).toMatch(/REGISTER .* REGISTERED\s+200 OK/);
    expect(lines[9]!.trim()).toBe('');
    expect(lines[44]).toMatch(/Enter Flow\s+Space Select\s+F1 Help/);
  });

  it('sorts, marks selected calls, filters by expression and searches every attribute', async () => {
    const ctx = await loadContext('sngrep-aaa-register-invite-rtp.pcap');
    const firstCol = (lines: string[]): string[] => lines.slice(3).map((l) => l.slice(0, 8).trim()).filter((c) => c !== '' && /\d/.test(c));
    // z: reverse
    expect(firstCol(renderCallList(drive(ctx, 160, 45, 'sortReverse'), ctx, 160, 45))).toEqual(['6', '5', '4', '3', '2', '1']);
    // > twice: sort by method, REGISTERs after INVITEs, ties by index
    const byMethod = drive(ctx, 160, 45, 'sortNext', 'sortNext');
    expect(byMethod.list.sort.attr).toBe('method');
    expect(firstCol(renderCallList(byMethod, ctx, 160, 45))).toEqual(['2', '3', '5', '6', '1', '4']);
    // Space selects the call under the cursor
    const sel = drive(ctx, 160, 45, 'down', 'select');
    expect(renderCallList(sel, ctx, 160, 45)[4]!.startsWith('* ')).toBe(true);
    // filter expression
    const filtered = drive(ctx, 160, 45, 'filter', ...text('state == rejected'), 'open');
    const fl = renderCallList(filtered, ctx, 160, 45);
    expect(fl[0]).toContain('Calls: 3/6');
    expect(fl[1]).toContain('Filter: state == rejected');
    expect(firstCol(fl)).toEqual(['3', '5', '6']);
    // search looks at attributes not shown, e.g. the Call-ID of call 3
    const searched = drive(ctx, 160, 45, 'search', ...text('85216695-42dc'), 'open');
    expect(firstCol(renderCallList(searched, ctx, 160, 45))).toEqual(['3']);
  });

  it('shows a bad filter expression with a caret under the column', async () => {
    const ctx = await loadContext('pkts-simple-invite.pcap');
    const s = drive(ctx, 100, 30, 'filter', ...text('state == failed and pdd >'), 'open');
    const lines = renderCallList(s, ctx, 100, 30);
    expect(lines[1]).toMatch(/^ Filter expression: state == failed and pdd >_/);
    const caret = lines[2]!.indexOf('^');
    expect(caret).toBe(' Filter expression: '.length + s.input.error!.position);
    expect(lines[3]).toMatch(/error at column \d+:/);
  });

  it('fits 80 columns and says when the terminal is too small', async () => {
    const ctx = await loadContext('pkts-simple-invite.pcap');
    const lines = renderCallList(initialState(), ctx, 80, 24);
    expect(lines.every((l) => Array.from(l).length === 80)).toBe(true);
    expect(lines[3]).toMatch(/^ {7}1 22:37:58\.972 INVITE\s+sip:sipp@12… sip:service…\s+7/);
    const tiny = renderCallList(initialState(), ctx, 30, 5);
    expect(tiny[0]).toContain('Terminal too small (30x5)');
  });

  it('shows the progress bar while loading', async () => {
    const ctx = await loadContext('pkts-simple-invite.pcap');
    const loading = { ...ctx, load: { bytesRead: 500, totalBytes: 1000, done: false } };
    expect(renderCallList(initialState(), loading, 120, 20)[0]).toContain('[##########..........] 50%');
  });
});

describe('call flow', () => {
  it('draws the same ladder as `siptrace flow` (same geometry), with the cursor row and the message pane', async () => {
    const ctx = await loadContext('pkts-simple-invite.pcap');
    const s = drive(ctx, 160, 45, 'open', 'togglePane');
    const lines = renderCallFlow(s, ctx, 160, 45);
    expect(lines[0]).toMatch(/Call flow: call 1\s+arrow 1\/7/);
    // identical lines to the exporter at the same width (the flow uses the SDP module's labels)
    const ladder = buildFlowLadder(s.flow, ctx, 160);
    const exported = renderTextLadder(ladder.layout, { width: 160, summary: false }).trimEnd().split('\n');
    expect(lines.slice(1, 1 + exported.length).map((l) => l.trimEnd())).toEqual(exported.map((l) => l.trimEnd()));
    expect(lines.join('\n')).toContain('22:37:58.972 +0.000s');
    expect(lines.join('\n')).toMatch(/│ *INVITE \(SDP PCMU\) *│/);
  });

  it('shows the cursor message whole in the pane, and moves with the cursor', async () => {
    const ctx = await loadContext('pkts-simple-invite.pcap');
    let s = drive(ctx, 160, 45, 'open');
    let lines = renderCallFlow(s, ctx, 160, 45);
    const pane = (ls: string[]): string => ls.map((l) => l.split('│').pop()!.trimEnd()).join('\n');
    expect(pane(lines)).toContain('INVITE sip:service@127.0.0.1:5090 SIP/2.0');
    expect(pane(lines)).toContain('Call-ID: 1-6847@127.0.1.1');
    s = drive(ctx, 160, 45, 'open', 'down', 'down');
    lines = renderCallFlow(s, ctx, 160, 45);
    expect(lines[0]).toContain('arrow 3/7');
    expect(pane(lines)).toContain('SIP/2.0 180 Ringing');
  });

  it('scrolls vertically to keep the cursor row visible', async () => {
    const ctx = await loadContext('sngrep-ipv6-fragmented-sll.pcap');
    const s = drive(ctx, 120, 20, 'open', 'togglePane', 'last');
    const v = renderScreen(s, ctx, 120, 20);
    expect(v.flowScroll).toBeGreaterThan(0);
    expect(v.frame.lines[0]).toContain('arrow 32/32');
    // the last arrow's time is on screen
    const lastTs = buildFlowLadder(s.flow, ctx, 120).layout.rows[31]!;
    expect(v.frame.lines.join('\n')).toContain(`+${(lastTs.deltaPrevMs / 1000).toFixed(3)}s`);
  });

  it('IPv6 ladder wider than the terminal: full addresses, horizontal scrolling with a fixed time gutter', async () => {
    const ctx = await loadContext('sngrep-ipv6-fragmented-sll.pcap');
    const s0 = drive(ctx, 80, 30, 'open');
    const v0 = renderScreen(s0, ctx, 80, 30);
    expect(v0.env.hscrollMax).toBeGreaterThan(0);
    const all = v0.frame.lines.join('\n');
    expect(all).toContain('A  [fd17:625c:f037:2:a00:27ff:feb9:1521]');
    expect(all).toContain('C  [fd17:625c:f037:2:a00:27ff:feb9:4222]');
    expect(v0.frame.lines[0]).toMatch(/cols 1-\d+\/\d+ \(h\/l\)/);
    const s1 = drive(ctx, 80, 30, 'open', 'right', 'right');
    const l1 = renderCallFlow(s1, ctx, 80, 30);
    expect(l1[0]).toMatch(/cols 17-/);
    // the gutter stays: the first arrow's time is still at the left
    expect(l1.join('\n')).toContain('05:20:26.047 +0.000s');
    expect(l1).not.toEqual(v0.frame.lines);
    // without the pane at 80 columns the three columns fit (labels wrap instead)
    const s2 = drive(ctx, 80, 30, 'open', 'togglePane');
    const v2 = renderScreen(s2, ctx, 80, 30);
    expect(v2.env.hscrollMax).toBe(0);
    expect(v2.frame.lines.join('\n')).toContain('[fd17:625c:f037:2:a00:27ff:feb9:3519]:5062');
  });

  it('modes: marker-only SDP, per-host columns, RTP arrows', async () => {
    const ctx = await loadContext('pkts-sip-rtp.pcap');
    const plain = renderCallFlow(drive(ctx, 160, 45, 'open', 'togglePane'), ctx, 160, 45).join('\n');
    expect(plain).toMatch(/\(SDP [A-Za-z]/);
    const marker = renderCallFlow(drive(ctx, 160, 45, 'open', 'togglePane', 'sdpMode'), ctx, 160, 45).join('\n');
    expect(marker).toContain('(SDP)');
    expect(marker).not.toMatch(/\(SDP [A-Za-z]/);
    const rtp = renderCallFlow(drive(ctx, 160, 45, 'open', 'togglePane', 'rtpMode'), ctx, 160, 45).join('\n');
    expect(rtp).toMatch(/RTP \S+ \d+ pkts/);
    const compressed = drive(ctx, 160, 45, 'open', 'togglePane', 'compress');
    expect(buildFlowLadder(compressed.flow, ctx, 160).layout.columns.every((c) => !c.address.includes(':') || c.address.includes('::') || !/:\d+$/.test(c.address))).toBe(true);
  });
});

describe('raw and help', () => {
  it('raw view shows every message whole with a heading, and scrolls', async () => {
    const ctx = await loadContext('pkts-simple-invite.pcap');
    const s = drive(ctx, 120, 40, 'raw');
    const lines = renderRaw(s, ctx, 120, 40);
    expect(lines[0]).toMatch(/Raw messages: call 1\s+lines 1-38\//);
    expect(lines[1]).toMatch(/2013-03-09 22:37:58\.972518 UTC\s+frame 1\s+udp\s+127\.0\.0\.1:5060 -> 127\.0\.0\.1:5090\s+call 1/);
    expect(lines[2]!.trimEnd()).toBe('INVITE sip:service@127.0.0.1:5090 SIP/2.0');
    const scrolled = renderRaw(drive(ctx, 120, 40, 'raw', 'pageDown'), ctx, 120, 40);
    expect(scrolled[0]).toMatch(/lines 39-/);
    const end = renderRaw(drive(ctx, 120, 40, 'raw', 'last'), ctx, 120, 40).join('\n');
    expect(end).toContain('BYE sip:service@127.0.0.1:5090 SIP/2.0');
  });

  it('help lists the keys of the screen it was opened from', async () => {
    const ctx = await loadContext('pkts-simple-invite.pcap');
    const list = renderHelp(drive(ctx, 120, 60, 'help'), ctx, 120, 60).join('\n');
    expect(list).toContain('Help: Call list');
    expect(list).toMatch(/F7\s+filter expression/);
    expect(list).toMatch(/< +sort by the previous column/);
    const flow = renderHelp(drive(ctx, 120, 60, 'open', 'help'), ctx, 120, 60).join('\n');
    expect(flow).toContain('Help: Call flow');
    expect(flow).toMatch(/9 +narrower message pane/);
    expect(flow).toMatch(/x F4 +add \/ remove related legs/);
  });

  it('stats screen counts calls by state and methods', async () => {
    const ctx = await loadContext('sngrep-aaa-register-invite-rtp.pcap');
    const lines = renderScreen(drive(ctx, 120, 45, 'stats'), ctx, 120, 45).frame.lines.join('\n');
    expect(lines).toMatch(/Calls: 6\s+Messages: 81/);
    expect(lines).toMatch(/REJECTED\s+3 \(50\.0%\)/);
  });
});

describe('message pane highlighting', () => {
  it('marks the start line, header names, tags and branch', async () => {
    const { highlightRawLine, callFlowView } = await import('../../src/tui/screens/call-flow.js');
    expect(highlightRawLine('INVITE sip:a@b SIP/2.0', 0, true, false)).toEqual([{ from: 0, to: 22, bold: true, fg: 'cyan' }]);
    const via = 'Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-1;rport';
    expect(highlightRawLine(via, 1, true, false)).toEqual([
      { from: 0, to: 3, bold: true },
      { from: via.indexOf('branch'), to: via.indexOf(';rport'), fg: 'magenta' },
    ]);
    const from = 'From: <sip:a@b>;tag=abc';
    expect(highlightRawLine(from, 2, true, false)[1]).toEqual({ from: from.indexOf('tag'), to: from.length, fg: 'yellow' });
    expect(highlightRawLine('m=audio 4000 RTP/AVP 0', 9, true, true)).toEqual([{ from: 0, to: 22, fg: 'green' }]);
    expect(highlightRawLine('a=rtpmap:0 PCMU/8000', 9, true, true)).toEqual([]);

    const ctx = await loadContext('pkts-simple-invite.pcap');
    let s = initialState();
    s = reduce(s, { type: 'action', action: 'open' }, renderScreen(s, ctx, 160, 45).env);
    const v = callFlowView(s, ctx, 160, 45);
    const viaLine = v.frame.lines.findIndex((l) => l.includes('│Via: SIP/2.0/UDP'));
    const paneX = v.frame.lines[viaLine]!.lastIndexOf('│') + 1;
    expect(v.frame.marks).toContainEqual({ line: viaLine, from: paneX, to: paneX + 3, bold: true });
    expect(v.frame.marks.some((m) => m.line === viaLine && m.fg === 'magenta')).toBe(true);
  });
});

describe('diff', () => {
  it('shows two messages side by side, highlighting lines found in only one', async () => {
    const { diffFrame } = await import('../../src/tui/screens/diff.js');
    const ctx = await loadContext('pkts-simple-invite.pcap');
    // INVITE (row 0) against 200 OK (row 3)
    const s = drive(ctx, 160, 45, 'open', 'select', 'down', 'down', 'down', 'select');
    expect(s.stack).toEqual(['list', 'flow', 'diff']);
    const { frame } = diffFrame(s, ctx, 160, 45);
    expect(frame.lines[0]).toContain('Diff of two messages');
    expect(frame.lines[1]).toMatch(/^frame 1 2013-03-09 22:37:58\.972518 UTC call 1\s+│frame 4 /);
    expect(frame.lines[2]).toMatch(/^INVITE sip:service@127\.0\.0\.1:5090 SIP\/2\.0\s+│SIP\/2\.0 200 OK/);
    const callIdLine = frame.lines.findIndex((l) => l.startsWith('Call-ID: 1-6847@127.0.1.1'));
    expect(callIdLine).toBeGreaterThan(2);
    // the start lines differ: highlighted; the Call-ID line is the same in both: not highlighted
    expect(frame.marks.some((m) => m.line === 2 && m.from === 0 && m.fg === 'yellow')).toBe(true);
    expect(frame.marks.some((m) => m.line === callIdLine && m.from === 0)).toBe(false);
  });
});
