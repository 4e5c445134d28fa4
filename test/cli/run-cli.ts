/** Runs the built CLI (dist/, made by `npm test` before vitest) as a user would. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(REPO, 'bin', 'siptrace');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A config path that never exists: the user's own config must not change what tests see. */
export const NO_CONFIG = path.join(REPO, 'test-output', 'no-such-config.json');

export function runCli(args: string[], opts: { input?: Buffer; asUser?: string; env?: Record<string, string> } = {}): CliResult {
  const cmd = opts.asUser ? 'setpriv' : process.execPath;
  const argv = opts.asUser
    ? [`--reuid=${opts.asUser}`, `--regid=${opts.asUser === 'nobody' ? 'nogroup' : opts.asUser}`, '--clear-groups', process.execPath, BIN, ...args]
    : [BIN, ...args];
  const r = spawnSync(cmd, argv, { input: opts.input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, SIPTRACE_DEBUG: '', SIPTRACE_CONFIG: NO_CONFIG, ...opts.env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
