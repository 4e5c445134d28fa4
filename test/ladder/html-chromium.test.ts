/**
 * The HTML report opens in headless Chromium: a screenshot is written to test-output/
 * (git-ignored) and the DOM after scripts ran shows the first message in the detail panel.
 * Needs Debian's `chromium` on PATH (apt-get install -y chromium).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/export/html.js';
import { layoutLadder } from '../../src/view/ladder.js';
import { REPO_ROOT } from '../conformance/shared-captures.js';
import { stream } from './build.js';
import { loadCalls } from './load-capture.js';

const OUT_DIR = path.join(REPO_ROOT, 'test-output');
const CHROMIUM = process.env.CHROMIUM ?? 'chromium';

function runChromium(args: string[]): string {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'siptrace-chromium-'));
  try {
    return execFileSync(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, ...args],
      { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

describe('HTML report in headless Chromium', () => {
  it('renders a screenshot and runs its script', async () => {
    const calls = (await loadCalls('heplify-gre-teb-mirror-udp.pcapng')).filter((c) => c.index === 3 || c.index === 5);
    const call5 = calls.find((c) => c.index === 5)!;
    const at = { tsSec: call5.startTs.tsSec + 4, tsNsec: 0 };
    const streams = [stream({ id: 1, callIndex: 5, src: '180.173.83.248:20000', dst: '192.168.1.191:30000', firstTs: at, codec: 'PCMA/8000', payloadType: 8, events: '5#' })];
    const layout = layoutLadder({ calls, streams, showRtp: true, aliases: new Map([['192.168.1.191', 'pbx']]) });
    mkdirSync(OUT_DIR, { recursive: true });
    const htmlFile = path.join(OUT_DIR, 'flow.html');
    const pngFile = path.join(OUT_DIR, 'flow.png');
    writeFileSync(htmlFile, renderHtml(layout, { title: 'heplify calls 3 and 5' }));
    rmSync(pngFile, { force: true });

    runChromium([`--screenshot=${pngFile}`, '--window-size=1200,900', pathToFileURL(htmlFile).href]);
    expect(existsSync(pngFile)).toBe(true);
    const png = readFileSync(pngFile);
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 900]);
    // a blank page compresses to a few KB; text, tables and arrows make it far larger
    expect(statSync(pngFile).size).toBeGreaterThan(30_000);

    const dom = runChromium(['--dump-dom', pathToFileURL(htmlFile).href]);
    const detail = /<aside id="detail"[^>]*>([\s\S]*?)<\/aside>/.exec(dom)?.[1] ?? '';
    expect(detail).toContain('Frame');
    expect(detail).toContain('INVITE sip:20008909@192.168.1.222:5260');
    expect(dom).toMatch(/<g class="arrow req sel"/);
  });
});
