import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLoad } from '../../src/io/load-capture.js';
import { saveCallsToFile } from '../../src/tui/save.js';
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
