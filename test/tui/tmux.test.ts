/**
 * The real program in a real terminal: tmux runs `node dist/tui/run-for-test.js FILE` in a
 * shell, keys are sent with send-keys and the screen read with capture-pane.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, requireSharedCaptures } from '../conformance/shared-captures.js';
import { writeHostilePcap } from './hostile-pcap.js';
import { capture, ENTRY, keys, tmux, useTmuxSessions, waitFor } from './tmux-harness.js';

const tui = useTmuxSessions('st');
/** The TUI on `file`, its session name. */
const start = (file: string): string => tui.start(file).name;

describe('siptrace TUI in tmux', () => {
  it('shows the call list, Enter opens the ladder, F1 help, Esc back, q restores the shell', async () => {
    const file = path.join(requireSharedCaptures(), 'sngrep-aaa-register-invite-rtp.pcap');
    const name = start(file);
    try {
      const list = await waitFor(name, (s) => s.includes('Calls: 6'), 'the call list');
      const rows = list.split('\n').slice(3, 9);
      expect(rows.map((r) => r.trim().split(/\s+/)[0])).toEqual(['1', '2', '3', '4', '5', '6']);
      expect(rows[2]).toMatch(/INVITE .* REJECTED\s+403 Wrong password/);

      keys(name, 'j', 'j', 'Enter');
      const flow = await waitFor(name, (s) => s.includes('Call flow: call 3'), 'the call flow');
      expect(flow).toMatch(/192\.168\.1\.2:5060 +212\.242\.33\.35:5060/);
      expect(flow).toMatch(/09:43:53\.794 \+0\.000s +│─+>│/);
      expect(flow).toContain('│INVITE sip:0097239287044@sip.cybercity.dk SIP/2.0');

      keys(name, 'j', 'j', 'j');
      await waitFor(name, (s) => s.includes('arrow 4/8') && s.includes('│SIP/2.0 407 authentication required'), 'the cursor on the 407');

      keys(name, 'F1');
      const help = await waitFor(name, (s) => s.includes('Help: Call flow'), 'the help screen');
      expect(help).toMatch(/t +show \/ hide the message pane/);
      keys(name, 'Escape');
      await waitFor(name, (s) => s.includes('Call flow: call 3'), 'back to the flow');
      keys(name, 'Escape');
      await waitFor(name, (s) => s.includes('Calls: 6') && !s.includes('Call flow'), 'back to the list');

      keys(name, 'q');
      const after = await waitFor(name, (s) => s.includes('SIPTRACE_EXIT=0'), 'the shell');
      expect(after).toContain(`node ${ENTRY}`);
      expect(after).not.toContain('Calls: 6');
    } finally {
      tmux('kill-session', '-t', name);
    }
  }, 30_000);

  it('draws a header carrying escape sequences as visible text, and Ctrl-C restores the terminal', async () => {
    const name = start(writeHostilePcap());
    try {
      const list = await waitFor(name, (s) => s.includes('Calls: 1'), 'the call list');
      expect(list.split('\n')[0]).toMatch(/siptrace +\S+hostile\.pcap/);
      keys(name, 'Enter');
      const flow = await waitFor(name, (s) => s.includes('Call flow: call 1'), 'the call flow');
      expect(flow).toContain('From: "Eve\\x1b[2J\\x1b[10;10H\\x1b]0;pwned\\x07"');
      expect(tmux('display-message', '-p', '-t', name, '#{pane_title}')).not.toContain('pwned');
      // the screen was not cleared nor the cursor moved: the title is still on the first line
      expect(flow.split('\n')[0]).toContain('Call flow: call 1');
      keys(name, 'R');
      const raw = await waitFor(name, (s) => s.includes('Raw messages: call 1'), 'the raw view');
      expect(raw).toContain('Call-ID: evil-\\x1b[31mred@example.com');
      expect(raw).toContain('Server: Evil\\x1b[?1049h\\x9b2J');
      expect(raw.split('\n')[0]).toContain('Raw messages: call 1');
      keys(name, 'C-c');
      const after = await waitFor(name, (s) => s.includes('SIPTRACE_EXIT=130'), 'the shell');
      expect(after).not.toContain('Call flow');
    } finally {
      tmux('kill-session', '-t', name);
    }
  }, 30_000);

  it('redraws on resize, says when the terminal is too small, saves the calls', async () => {
    const name = start(path.join(requireSharedCaptures(), 'pkts-simple-invite.pcap'));
    try {
      await waitFor(name, (s) => s.includes('Calls: 1'), 'the call list');
      tmux('resize-window', '-t', name, '-x', '30', '-y', '6');
      await waitFor(name, (s) => s.includes('Terminal too small (30x6)'), 'the too-small message');
      tmux('resize-window', '-t', name, '-x', '100', '-y', '30');
      await waitFor(name, (s) => s.includes('Calls: 1') && s.includes('22:37:58.972 INVITE'), 'the list again');
      // save: S, replace the proposed name, Enter
      const out = path.join(mkdtempSync(path.join(tmpdir(), 'siptrace-tmux-')), 'one.pcap');
      keys(name, 'S');
      await waitFor(name, (s) => s.includes('(*) selected: 1 call (1)') && s.includes('File: siptrace-calls.pcap_'), 'the save screen');
      keys(name, ...Array<string>('siptrace-calls.pcap'.length).fill('BSpace'));
      tmux('send-keys', '-t', name, '-l', out);
      keys(name, 'Enter');
      await waitFor(name, (s) => s.includes(`saved 7 packets of 1 call to ${out} (pcap)`), 'the save status');
      expect(statSync(out).size).toBeGreaterThan(24);
      keys(name, 'q');
      await waitFor(name, (s) => s.includes('SIPTRACE_EXIT=0'), 'the shell');
    } finally {
      tmux('kill-session', '-t', name);
    }
  }, 30_000);

  it('the real command on a terminal: `siptrace FILE` opens the UI; a bad config is one line, exit 7', async () => {
    const file = path.join(requireSharedCaptures(), 'sngrep-aaa-register-invite-rtp.pcap');
    const bin = path.join(REPO_ROOT, 'bin', 'siptrace');
    const name = `sb${process.pid}`;
    const bad = path.join(mkdtempSync(path.join(tmpdir(), 'siptrace-badcfg-')), 'config.json');
    writeFileSync(bad, '{ "columns": ');
    tmux('new-session', '-d', '-s', name, '-x', '160', '-y', '45', "env PS1='$ ' bash --norc --noprofile");
    try {
      keys(name, `SIPTRACE_CONFIG=${path.join(tmpdir(), 'siptrace-none.json')} ${bin} ${file}; echo SIPTRACE_EXIT=$?`, 'Enter');
      await waitFor(name, (s) => s.includes('Calls: 6'), 'the call list');
      keys(name, 'q');
      await waitFor(name, (s) => s.includes('SIPTRACE_EXIT=0'), 'the shell');
      keys(name, 'clear', 'Enter');
      keys(name, `SIPTRACE_CONFIG=${bad} ${bin} ${file}; echo SIPTRACE_EXIT=$?`, 'Enter');
      const after = await waitFor(name, (s) => s.includes('SIPTRACE_EXIT=7'), 'exit 7');
      expect(after).toMatch(/siptrace: .*config\.json: /);
    } finally {
      tmux('kill-session', '-t', name);
    }
  });
});

