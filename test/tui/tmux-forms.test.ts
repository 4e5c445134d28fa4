/**
 * The new screens in a real terminal: tmux runs `node dist/tui/run-for-test.js FILE` with
 * SIPTRACE_CONFIG pointing at a config file of the test's own; keys (and mouse sequences)
 * go in with send-keys, the screen comes back with capture-pane.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, requireSharedCaptures } from '../conformance/shared-captures.js';
import { capture, keys, literal, pause, tmux, useTmuxSessions, waitFor } from './tmux-harness.js';

const tui = useTmuxSessions('sf');
/** A config file of the test's own (never the user's), and the TUI on `file` in a 160x45 tmux. */
const start = (file: string, config: object | undefined): { name: string; configFile: string } => tui.start(file, config);

/**
 * An SGR mouse press at a 0-based cell (xterm sends 1-based), then a pause: blessed reads one
 * mouse report per read from the terminal, as a terminal sends them.
 */
async function click(name: string, x: number, y: number): Promise<void> {
  literal(name, `\x1b[<0;${x + 1};${y + 1}M`);
  await pause(150);
  literal(name, `\x1b[<0;${x + 1};${y + 1}m`);
  await pause(150);
}

async function quit(name: string): Promise<void> {
  keys(name, 'q');
  await waitFor(name, (s) => s.includes('SIPTRACE_EXIT=0'), 'the shell');
}


const AAA = (): string => path.join(requireSharedCaptures(), 'sngrep-aaa-register-invite-rtp.pcap');

describe('config, columns and aliases in tmux', () => {
  it('draws the config columns and aliases; F10 changes the columns and s saves them to the config file', async () => {
    const { name, configFile } = start(AAA(), {
      columns: ['index', 'method', 'src', 'dst', 'state'],
      aliases: { '192.168.1.2': 'arik-phone', '212.242.33.35:5060': 'cybercity' },
    });
    try {
      const list = await waitFor(name, (s) => s.includes('Calls: 6'), 'the call list');
      expect(list.split('\n')[2]).toMatch(/^ +Idx\^ Method +Source +Destination +State *$/);
      expect(list.split('\n')[5]).toMatch(/^ +3 INVITE +arik-phone:5060 +cybercity +REJECTED/);
      keys(name, 'F10');
      const cols = await waitFor(name, (s) => s.includes('Columns of the call list'), 'the column screen');
      expect(cols).toContain(' List: Idx | Method | Source | Destination | State');
      expect(cols).toMatch(/\[ \] +Call-ID +callid/);
      // hide Method, move State up above Destination, save
      keys(name, 'Down', 'Space', 'Down', 'Down', 'Down', '-', 's');
      const saved = await waitFor(name, (s) => s.includes(`saved the columns to ${configFile}`), 'the saved status');
      expect(saved.split('\n')[2]).toMatch(/^ +Idx\^ Source +State +Destination *$/);
      expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({
        columns: ['index', 'src', 'state', 'dst'],
        aliases: { '192.168.1.2': 'arik-phone', '212.242.33.35:5060': 'cybercity' },
      });
      // the ladder headers use the aliases
      keys(name, 'j', 'j', 'Enter');
      const flow = await waitFor(name, (s) => s.includes('Call flow: call 3'), 'the flow');
      expect(flow.split('\n')[1]).toMatch(/^ +arik-phone +cybercity +│/);
      keys(name, 'Escape');
      await quit(name);
    } finally {
      tmux('kill-session', '-t', name);
    }
  }, 30_000);

  it('a bad config file: a one-line error naming the file and the key, the terminal untouched', async () => {
    const { name, configFile } = start(AAA(), { ui: { colorMode: 'rainbow' } });
    try {
      const out = await waitFor(name, (s) => s.includes('SIPTRACE_EXIT=1'), 'the error');
      expect(out).toContain(`siptrace: ${configFile}: ui.colorMode: must be one of reqres, cseq, callid, not "rainbow"`);
    } finally {
      tmux('kill-session', '-t', name);
    }
  }, 30_000);
});

describe('settings, save, stats and mouse in tmux', () => {
  it('F8 changes the flow display and s saves it to the config file', async () => {
    const { name, configFile } = start(AAA(), undefined);
    try {
      await waitFor(name, (s) => s.includes('Calls: 6'), 'the call list');
      keys(name, 'F8');
      await waitFor(name, (s) => s.includes('Settings: call flow display'), 'the settings screen');
      // time format: since the first arrow; show retransmissions: off
      keys(name, 'Down', 'Right', 'Down', 'Space');
      await waitFor(name, (s) => /Time format +< relative >/.test(s) && /Show retransmissions +< off >/.test(s), 'the changed values');
      keys(name, 's');
      await waitFor(name, (s) => s.includes(`saved the settings to ${configFile}`), 'the saved status');
      expect(JSON.parse(readFileSync(configFile, 'utf8')).ui).toMatchObject({ timeFormat: 'relative', showRetransmissions: false });
      keys(name, 'j', 'j', 'Enter');
      const flow = await waitFor(name, (s) => s.includes('Call flow: call 3'), 'the flow');
      expect(flow).toContain('no resends');
      expect(flow).toMatch(/\+1\.654s +│<─+│/);
      expect(flow).toContain('[resent x2]');
      await quit(name);
    } finally {
      tmux('kill-session', '-t', name);
    }
  }, 30_000);

  it('F2 saves calls JSON to a typed path; a path that cannot be written shows the error in the dialog', async () => {
    const { name } = start(AAA(), undefined);
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'siptrace-tmux-save-')), 'calls.json');
    try {
      await waitFor(name, (s) => s.includes('Calls: 6'), 'the call list');
      keys(name, 'F2');
      await waitFor(name, (s) => s.includes('Save calls') && s.includes('File: siptrace-calls.pcap_'), 'the save screen');
      // focus the format field, three steps right: calls JSON; then the calls: all
      keys(name, 'Tab', 'Right', 'Right', 'Right', 'Tab', 'Right', 'Right');
      const form = await waitFor(name, (s) => s.includes('(*) calls JSON') && s.includes('(*) all: 6 calls'), 'the choices');
      expect(form).toContain('File: siptrace-calls.json_');
      keys(name, ...Array<string>('siptrace-calls.json'.length).fill('BSpace'));
      literal(name, '/nonexistent-dir/calls.json');
      keys(name, 'Enter');
      await waitFor(name, (s) => s.includes('save failed: /nonexistent-dir/calls.json: cannot write: no such directory') && s.includes('Save calls'), 'the error in the dialog');
      keys(name, ...Array<string>('/nonexistent-dir/calls.json'.length).fill('BSpace'));
      literal(name, out);
      keys(name, 'Enter');
      await waitFor(name, (s) => s.includes(`saved 6 calls to ${out} (calls JSON)`) && s.includes('Calls: 6'), 'the list with the status');
      const doc = JSON.parse(readFileSync(out, 'utf8')) as { calls: { index: number }[] };
      expect(doc.calls.map((c) => c.index)).toEqual([1, 2, 3, 4, 5, 6]);
      await quit(name);
    } finally {
      tmux('kill-session', '-t', name);
    }
  }, 30_000);

  it('i shows the text statistics beside three blessed-contrib charts', async () => {
    const { name } = start(path.join(requireSharedCaptures(), 'voipshark-udp-rtp-call.pcap'), undefined);
    try {
      await waitFor(name, (s) => s.includes('Calls: 10') && s.includes('Msgs: 48') && !s.includes('%]'), 'the loaded call list');
      keys(name, 'i');
      const stats = await waitFor(name, (s) => s.includes('Calls started per second'), 'the charts');
      expect(stats).toMatch(/Calls: 10\s+Messages: 48/);
      expect(stats).toContain('┌─ Responses by code ');
      expect(stats).toContain('┌─ Max jitter per RTP stream, ms ');
      // the line chart draws braille; the bar chart labels its bars with the codes and counts
      expect(stats).toMatch(/[\u2801-\u28ff]/);
      expect(stats).toMatch(/│ +2 +2 +15 +5 +│/);
      expect(stats).toMatch(/│ +100 +180 +200 +401 +│/);
      expect(stats).toMatch(/│ +#1 +#2 +#3 +#4 +│/);
      // the bars are drawn (coloured cells), not only their labels
      expect(tmux('capture-pane', '-p', '-e', '-t', name)).toMatch(/\x1b\[(?:[0-9;]*;)?4[0-7]m/);
      keys(name, 'Escape');
      const list = await waitFor(name, (s) => s.includes('Calls: 10') && !s.includes('Responses by code'), 'the list without charts');
      expect(list).not.toMatch(/[\u2801-\u28ff]/);
      await quit(name);
    } finally {
      tmux('kill-session', '-t', name);
    }
  }, 30_000);

  it('mouse: a click moves the cursor, a second click opens the flow, the wheel scrolls the pane', async () => {
    const { name } = start(AAA(), undefined);
    try {
      await waitFor(name, (s) => s.includes('Calls: 6'), 'the call list');
      // the third call's row is the sixth line (header, filter line, titles, rows 1..)
      await click(name, 20, 5);
      await click(name, 20, 5);
      const flow = await waitFor(name, (s) => s.includes('Call flow: call 3'), 'the flow of call 3');
      expect(flow).toContain('arrow 1/8');
      // a click on the 407's arrow line
      const y = flow.split('\n').findIndex((l) => l.includes('407 authentication required'));
      await click(name, 30, y + 1);
      await waitFor(name, (s) => s.includes('arrow 4/8') && s.includes('│SIP/2.0 407 authentication required'), 'the cursor on the 407');
      // in a small terminal the INVITE is taller than the pane: the wheel over the pane scrolls it
      keys(name, 'g');
      tmux('resize-window', '-t', name, '-x', '120', '-y', '20');
      await waitFor(name, (s) => s.includes('arrow 1/8') && /-- \d+ more lines \(J\/K or wheel\) --/.test(s), 'the pane with more lines');
      for (let i = 0; i < 8; i++) {
        literal(name, '\x1b[<65;111;10M');
        await pause(100);
      }
      const scrolled = await waitFor(name, (s) => s.includes('a=sendrecv') && !s.includes('more lines'), 'the end of the message');
      expect(scrolled).toContain('arrow 1/8');
      keys(name, 'Escape');
      await waitFor(name, (s) => s.includes('Calls: 6'), 'the list');
      await quit(name);
    } finally {
      tmux('kill-session', '-t', name);
    }
  }, 30_000);
});
