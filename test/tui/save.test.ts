import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLoad } from '../../src/io/load-capture.js';
import { renderCallsCsv } from '../../src/export/calls-table.js';
import { FLOW_EXPORT_MAX_CALLS, saveCalls, saveCallsToFile } from '../../src/tui/save.js';
import type { SaveFormatId } from '../../src/tui/save-formats.js';
import { requireSharedCaptures } from '../conformance/shared-captures.js';

describe('save from the UI', () => {
  it('writes the SIP packets of the chosen calls, which load back as the same calls', async () => {
    const input = path.join(requireSharedCaptures(), 'sngrep-aaa-register-invite-rtp.pcap');
    const load = startLoad(input);
    await load.done;
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'siptrace-save-')), 'two.pcap');
    const msg = await saveCallsToFile(input, out, load.store, [3, 6], load.linkTypes);
    expect(msg).toBe(`saved 16 packets of 2 calls to ${out} (pcap)`);
    const again = startLoad(out);
    await again.done;
    const rows = again.store.query({}).rows;
    expect(rows.map((r) => [r.call.callId, r.call.messageCount])).toEqual([
      [load.store.call(3)!.callId, 8],
      [load.store.call(6)!.callId, 8],
    ]);
  });

  it('reports a file that cannot be written instead of throwing', async () => {
    const input = path.join(requireSharedCaptures(), 'pkts-simple-invite.pcap');
    const load = startLoad(input);
    await load.done;
    const msg = await saveCallsToFile(input, '/nonexistent-dir/x.pcap', load.store, [1], load.linkTypes);
    expect(msg).toMatch(/^save failed: .*no such directory/);
  });
});

describe('save screen formats', () => {
  const input = (): string => path.join(requireSharedCaptures(), 'sngrep-aaa-register-invite-rtp.pcap');
  const dir = (): string => mkdtempSync(path.join(tmpdir(), 'siptrace-save-fmt-'));

  it('pcap with RTP writes the same packets as `siptrace save --rtp`', async () => {
    const { runSave } = await import('../../src/cli/commands/save.js');
    const load = startLoad(input());
    await load.done;
    const d = dir();
    const ours = path.join(d, 'ui.pcap');
    const r = await saveCalls({ input: input(), output: ours, format: 'pcap-rtp', calls: [6], store: load.store, linkTypes: load.linkTypes });
    expect(r).toEqual({ message: `saved 17 packets of 1 call to ${ours} (pcap, SIP + RTP)` });
    const cli = path.join(d, 'cli.pcap');
    await runSave(input(), { call: ['6'], output: cli, rtp: true }, () => undefined);
    expect(readFileSync(ours).equals(readFileSync(cli))).toBe(true);
    const sipOnly = await saveCalls({ input: input(), output: path.join(d, 'sip.pcap'), format: 'pcap', calls: [6], store: load.store, linkTypes: load.linkTypes });
    expect(sipOnly).toEqual({ message: `saved 8 packets of 1 call to ${path.join(d, 'sip.pcap')} (pcap)` });
  });

  it('writes every export format through its module (same bytes as the exporters)', async () => {
    const load = startLoad(input());
    await load.done;
    const d = dir();
    const job = { input: input(), store: load.store, linkTypes: load.linkTypes, calls: [3, 6] };
    const out = async (format: SaveFormatId, name: string): Promise<string> => {
      const file = path.join(d, name);
      const r = await saveCalls({ ...job, format, output: file });
      expect(r, format).toHaveProperty('message');
      expect(readdirSync(d).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      return readFileSync(file, 'utf8');
    };
    const json = JSON.parse(await out('calls-json', 'c.json')) as { calls: { index: number }[] };
    expect(json.calls.map((c) => c.index)).toEqual([3, 6]);
    expect(await out('calls-csv', 'c.csv')).toBe(renderCallsCsv([load.store.row(3)!, load.store.row(6)!]));
    const text = await out('text', 'f.txt');
    expect(text).toMatch(/^Call 3: INVITE REJECTED \(403 Wrong password or domain\)/);
    expect(text).toContain('INVITE sip:0097239287044@sip.cybercity.dk SIP/2.0');
    expect(await out('mermaid', 'f.mmd')).toMatch(/^sequenceDiagram/);
    expect(await out('markdown', 'f.md')).toContain('```mermaid');
    expect(await out('html', 'f.html')).toMatch(/^<!doctype html>/i);
  });

  it('reports errors instead of throwing, and leaves no partial file', async () => {
    const load = startLoad(input());
    await load.done;
    const job = { input: input(), store: load.store, linkTypes: load.linkTypes, calls: [3] };
    expect(await saveCalls({ ...job, format: 'html', output: '/nonexistent-dir/f.html' })).toEqual({ error: 'save failed: /nonexistent-dir/f.html: cannot write: no such directory' });
    expect(await saveCalls({ ...job, format: 'calls-json', output: '/nonexistent-dir/f.json' })).toEqual({ error: 'save failed: /nonexistent-dir/f.json: cannot write: no such directory' });
    const d = dir();
    expect(await saveCalls({ ...job, format: 'text', output: d })).toEqual({ error: `save failed: ${d}: cannot write: is a directory` });
    expect(readdirSync(d)).toEqual([]);
    expect(await saveCalls({ ...job, calls: [], format: 'pcap', output: path.join(d, 'x.pcap') })).toEqual({ error: 'no calls to save' });
    const many = Array.from({ length: FLOW_EXPORT_MAX_CALLS + 1 }, (_, i) => i + 1);
    expect(await saveCalls({ ...job, calls: many, format: 'mermaid', output: path.join(d, 'x.mmd') })).toEqual({ error: `a flow of ${many.length} calls is too large (at most ${FLOW_EXPORT_MAX_CALLS}): select or filter fewer calls` });
  });
});
