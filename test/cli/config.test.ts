/**
 * The config file as the printing commands use it: aliases in `flow`, related-call headers in
 * the correlation, and a bad file refused with one line and exit 7 (README, exit codes).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAPTURES_DIR, requireSharedCaptures } from '../conformance/shared-captures.js';
import { runCli } from './run-cli.js';

requireSharedCaptures();
const tmp = mkdtempSync(path.join(tmpdir(), 'siptrace-config-'));
const simple = path.join(CAPTURES_DIR, 'pkts-simple-invite.pcap');

function withConfig(name: string, config: unknown): Record<string, string> {
  const file = path.join(tmp, name);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return { SIPTRACE_CONFIG: file };
}

describe('config file in the CLI', () => {
  it('flow shows aliases from the config as ladder column names; --no-aliases shows addresses', () => {
    const env = withConfig('aliases.json', { aliases: { '127.0.0.1:5060': 'uac', '127.0.0.1:5090': 'pbx' } });
    const named = runCli(['flow', simple, '--call', '1'], { env });
    expect(named.code).toBe(0);
    expect(named.stdout).toMatch(/^\s+uac\s+pbx\s*$/m);
    expect(named.stdout).not.toContain('127.0.0.1:5090 ');
    const plain = runCli(['flow', simple, '--call', '1', '--no-aliases'], { env });
    expect(plain.stdout).toMatch(/127\.0\.0\.1:5060\s+127\.0\.0\.1:5090/);
  });

  it('the calls table names addresses by their aliases; CSV keeps the addresses', () => {
    const env = withConfig('aliases-calls.json', { aliases: { '127.0.0.1:5060': 'uac', '127.0.0.1': 'lo' } });
    const table = runCli(['calls', simple], { env });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/\buac\s+lo:5090\b/);
    expect(runCli(['calls', simple, '--no-aliases'], { env }).stdout).toMatch(/127\.0\.0\.1:5060\s+127\.0\.0\.1:5090/);
    expect(runCli(['calls', simple, '--format', 'csv'], { env }).stdout).toContain('127.0.0.1:5090');
  });

  it('a config that is not valid JSON: one line naming the file, exit 7', () => {
    const env = withConfig('broken.json', '{ "aliases": ');
    const r = runCli(['calls', simple], { env });
    expect(r.code).toBe(7);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('broken.json');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a config value of the wrong type names the key, exit 7', () => {
    const env = withConfig('badkey.json', { relatedCallHeaders: 'X-Call-ID' });
    const r = runCli(['flow', simple, '--call', '1'], { env });
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/relatedCallHeaders/);
  });
});
