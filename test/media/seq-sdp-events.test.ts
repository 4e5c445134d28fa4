/**
 * A loaded capture's offer/answer events keep only seq and hold and read the rest from the
 * correlator's message rows (OfferAnswerTracker with entryOfSeq): every exchange of every
 * shared capture must read the same as the events that copy their fields at load time.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CallCorrelator } from '../../src/core/correlate/correlator.js';
import { MediaRegistry } from '../../src/core/correlate/media-registry.js';
import type { Negotiation, SdpEvent } from '../../src/core/sdp/negotiation.js';
import { decodeCaptureFile } from '../../src/io/decode-file.js';
import { startLoad } from '../../src/io/load-capture.js';
import { CAPTURES_DIR, captureFiles } from '../conformance/shared-captures.js';

function eventView(ev: SdpEvent | undefined): unknown {
  if (ev === undefined) return undefined;
  return { seq: ev.seq, frame: ev.frame, ts: ev.ts, src: ev.src, dst: ev.dst, carrier: ev.carrier, hold: ev.hold, session: ev.session };
}

function exchangeView(n: Negotiation): unknown {
  return {
    callIndex: n.callIndex,
    dialogIndex: n.dialogIndex,
    method: n.method,
    cseqNumber: n.cseqNumber,
    renegotiation: n.renegotiation,
    lateOffer: n.lateOffer,
    state: n.state,
    rejectCode: n.rejectCode,
    hold: n.hold,
    offer: eventView(n.offer),
    answer: eventView(n.answer),
    earlyAnswer: eventView(n.earlyAnswer),
  };
}

/** The same capture through a registry whose events copy every field (no resolvers). */
async function loadWithCopiedEvents(file: string): Promise<{ correlator: CallCorrelator; media: MediaRegistry }> {
  const correlator = new CallCorrelator();
  const media = new MediaRegistry();
  await decodeCaptureFile(file, {
    onMessage: (m, payloadAt) => media.onSipMessage(correlator.add(m, payloadAt)),
    onOtherUdp: (seg) => media.onUdp(seg),
  }).finally(() => correlator.end());
  return { correlator, media };
}

describe('offer/answer events read from the message rows', () => {
  it('read the same as events with copied fields, on every shared capture', async () => {
    let compared = 0;
    for (const name of captureFiles()) {
      const file = path.join(CAPTURES_DIR, name);
      const load = startLoad(file);
      await load.done.catch(() => undefined);
      const copied = await loadWithCopiedEvents(file).catch(() => undefined);
      if (copied === undefined) continue;
      const calls = load.correlator.calls();
      expect(calls.length, name).toBe(copied.correlator.calls().length);
      for (const c of calls) {
        const byRow = load.media.negotiationsOfCall(c.index).map(exchangeView);
        const byCopy = copied.media.negotiationsOfCall(c.index).map(exchangeView);
        expect(byRow, `${name} call ${c.index}`).toEqual(byCopy);
        compared += byRow.length;
      }
    }
    // the shared captures hold many SDP exchanges: a run that compared none proves nothing
    expect(compared).toBeGreaterThan(20);
  });
});
