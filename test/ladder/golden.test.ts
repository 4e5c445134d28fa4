/**
 * Golden files of real captures: text ladder, Mermaid and calls JSON (plus a few variants).
 * `UPDATE_GOLDEN=1 npx vitest run test/ladder` rewrites them; review every change by eye.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderCallsJson } from '../../src/export/calls-json.js';
import { renderMarkdown } from '../../src/export/markdown.js';
import { renderMermaid } from '../../src/export/mermaid.js';
import { renderTextLadder } from '../../src/export/text-ladder.js';
import { layoutLadder } from '../../src/view/ladder.js';
import { loadCalls } from './load-capture.js';

const GOLDEN_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

export const GOLDEN_CAPTURES = [
  'pkts-simple-invite.pcap',
  'pkts-cancel.pcap',
  'sngrep-ipv6-fragmented-sll.pcap',
  'heplify-gre-teb-mirror-udp.pcapng',
  'sngrep-aaa-register-invite-rtp.pcap',
] as const;

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN_DIR, name);
  if (UPDATE) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden file ${name} missing: run with UPDATE_GOLDEN=1 and review it`);
  expect(actual, `golden ${name} differs (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(file, 'utf8'));
}

function stem(capture: string): string {
  return capture.replace(/\.(pcap|pcapng)$/, '');
}

describe('golden outputs of real captures', () => {
  for (const capture of GOLDEN_CAPTURES) {
    it(capture, async () => {
      const calls = await loadCalls(capture);
      expect(calls.length).toBeGreaterThan(0);
      const layout = layoutLadder({ calls });
      golden(`${stem(capture)}.txt`, renderTextLadder(layout));
      golden(`${stem(capture)}.mmd`, renderMermaid(layout));
      golden(`${stem(capture)}.calls.json`, renderCallsJson(calls));
    });
  }

  it('variants: raw messages, compressed ASCII, narrow width, Markdown', async () => {
    const cancel = await loadCalls('pkts-cancel.pcap');
    golden('pkts-cancel.raw.txt', renderTextLadder(layoutLadder({ calls: cancel }), { raw: true }));
    const heplify = await loadCalls('heplify-gre-teb-mirror-udp.pcapng');
    const transfer = heplify.filter((c) => c.firstMethod === 'INVITE');
    golden('heplify-gre-teb-mirror-udp.invites.compress-ascii.txt', renderTextLadder(layoutLadder({ calls: transfer, compress: true }), { ascii: true }));
    const v6 = await loadCalls('sngrep-ipv6-fragmented-sll.pcap');
    golden('sngrep-ipv6-fragmented-sll.width60.txt', renderTextLadder(layoutLadder({ calls: v6 }), { width: 60 }));
    const simple = await loadCalls('pkts-simple-invite.pcap');
    golden('pkts-simple-invite.md', renderMarkdown(layoutLadder({ calls: simple }), { mermaid: true }));
  });
});
