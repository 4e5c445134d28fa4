/**
 * A loaded capture keeps no parsed SDP in its offer/answer exchanges or endpoints: the session
 * a view asks for is parsed again from the capture by message seq, and equals the one parsed
 * at load time.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSdpBytes } from '../../src/core/sdp/session.js';
import { findSdpBody } from '../../src/core/sdp/body.js';
import { startLoad } from '../../src/io/load-capture.js';
import { CAPTURES_DIR, requireSharedCaptures } from '../conformance/shared-captures.js';

requireSharedCaptures();

describe('SDP sessions read again from the capture', () => {
  it('every exchange of a real capture shows the SDP of the message that carried it', async () => {
    const load = startLoad(path.join(CAPTURES_DIR, 'pkts-simple-invite.pcap'));
    await load.done;
    const calls = load.correlator.calls();
    const exchanges = calls.flatMap((c) => load.media.negotiationsOfCall(c.index));
    expect(exchanges.length).toBeGreaterThan(0);
    for (const n of exchanges) {
      for (const ev of [n.offer, n.answer]) {
        if (ev === undefined) continue;
        const msg = load.correlator.entry(ev.seq)!.message;
        expect(msg.frame).toBe(ev.frame);
        const again = parseSdpBytes(findSdpBody(msg)!);
        expect(ev.session).toEqual(again);
        expect(ev.hold).toBe(again!.hold);
        expect(ev.session.media.length).toBeGreaterThan(0);
      }
    }
  });
});
