/**
 * The real program in a real terminal, shared by the tmux tests: a shell in a 160x45 tmux
 * session runs `node dist/tui/run-for-test.js FILE` with a config file of the test's own; keys go
 * in with send-keys, the screen comes back with capture-pane. Sessions are killed after the file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { REPO_ROOT } from '../conformance/shared-captures.js';

export const ENTRY = path.join(REPO_ROOT, 'dist/tui/run-for-test.js');

export function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

export const capture = (name: string): string => tmux('capture-pane', '-p', '-t', name);
export const keys = (name: string, ...k: string[]): void => void tmux('send-keys', '-t', name, ...k);
export const literal = (name: string, text: string): void => void tmux('send-keys', '-t', name, '-l', text);
export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitFor(name: string, test: (screen: string) => boolean, what: string, ms = 8000): Promise<string> {
  const end = Date.now() + ms;
  let screen = '';
  while (Date.now() < end) {
    screen = capture(name);
    if (test(screen)) return screen;
    await pause(100);
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${screen}`);
}

/** Builds dist/ before the file's tests and kills every session they started after them. */
export function useTmuxSessions(prefix: string): { start(file: string, config?: object): { name: string; configFile: string } } {
  const sessions: string[] = [];
  let counter = 0;
  beforeAll(() => {
    try {
      execFileSync(path.join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'pipe' });
    } catch {
      // errors in other modules still emit; the entry must exist below
    }
    expect(existsSync(ENTRY), 'build produced dist/tui/run-for-test.js').toBe(true);
  }, 180_000);
  afterAll(() => {
    for (const s of sessions) {
      try {
        tmux('kill-session', '-t', s);
      } catch {
        // already gone
      }
    }
  });
  return {
    /** The TUI on `file`; without `config`, a config path that does not exist (never the user's). */
    start(file: string, config?: object): { name: string; configFile: string } {
      const configFile = path.join(mkdtempSync(path.join(tmpdir(), 'siptrace-tmux-cfg-')), 'config.json');
      if (config !== undefined) writeFileSync(configFile, JSON.stringify(config));
      const name = `${prefix}${process.pid}_${++counter}`;
      sessions.push(name);
      tmux('new-session', '-d', '-s', name, '-x', '160', '-y', '45', "env PS1='$ ' bash --norc --noprofile");
      tmux('send-keys', '-t', name, `SIPTRACE_CONFIG=${configFile} node ${ENTRY} ${file}; echo SIPTRACE_EXIT=$?`, 'Enter');
      return { name, configFile };
    },
  };
}
