/** `siptrace calls --format json` waits for a full stdout instead of buffering every call. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCalls } from '../../src/cli/commands/calls.js';
import { CAPTURES_DIR, requireSharedCaptures } from '../conformance/shared-captures.js';

requireSharedCaptures();
process.env.SIPTRACE_CONFIG = path.join(CAPTURES_DIR, 'no-such-config.json');

describe('calls JSON back-pressure', () => {
  it('writes nothing more while the sink says it is full, then the same document', async () => {
    const file = path.join(CAPTURES_DIR, 'sngrep-aaa-register-invite-rtp.pcap');
    const plain: string[] = [];
    await runCalls(file, { format: 'json' }, (s) => void plain.push(s));
    expect(plain.length).toBeGreaterThan(3); // header, calls, footer

    const chunks: string[] = [];
    let release: (() => void) | undefined;
    const done = runCalls(file, { format: 'json' }, (s) => {
      chunks.push(s);
      if (chunks.length === 2) return new Promise<void>((r) => (release = r));
      return undefined;
    });
    // let the loader and the first writes run; the writer is held at the second chunk
    for (let i = 0; i < 200 && release === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    expect(release).toBeDefined();
    await new Promise((r) => setTimeout(r, 50));
    expect(chunks).toHaveLength(2);
    release!();
    await done;
    expect(chunks.join('')).toBe(plain.join(''));
    expect(JSON.parse(chunks.join('')).calls.length).toBe(plain.length - 2);
  });
});
