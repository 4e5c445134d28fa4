/** Test helper: write a call flow in a few lines and feed it to a correlator. */
import { CallCorrelator } from '../../src/core/correlate/correlator.js';
import type { CallRecord } from '../../src/core/correlate/types.js';
import { fakeMessage, type FakeMessageOptions } from './fake-message.js';

export const A = '10.0.0.1:5060';
export const B = '10.0.0.2:5060';
export const P = '10.0.0.3:5060';

type Opts = Partial<Omit<FakeMessageOptions, 'method' | 'status' | 'atMs'>>;

export class Flow {
  constructor(
    readonly c: CallCorrelator = new CallCorrelator(),
    readonly callId = 'call-1@test',
    /** Defaults for every message of this flow. */
    readonly defaults: Opts = {},
  ) {}

  /** A request; defaults: A → B, CSeq 1, From tag a1, no To tag, branch z9hG4bK-inv. */
  req(method: string, atMs: number, o: Opts = {}): this {
    this.c.add(
      fakeMessage({ callId: this.callId, cseq: 1, fromTag: 'a1', branch: 'z9hG4bK-inv', src: A, dst: B, ...this.defaults, ...o, method, atMs }),
    );
    return this;
  }

  /** A response; defaults: B → A, CSeq 1 INVITE, tags a1/b1, branch z9hG4bK-inv. */
  res(status: number, atMs: number, o: Opts = {}): this {
    this.c.add(
      fakeMessage({
        callId: this.callId,
        cseq: 1,
        cseqMethod: 'INVITE',
        fromTag: 'a1',
        toTag: 'b1',
        branch: 'z9hG4bK-inv',
        src: B,
        dst: A,
        ...this.defaults,
        ...o,
        status,
        atMs,
      }),
    );
    return this;
  }

  get call(): CallRecord {
    const call = this.c.callById(this.callId);
    if (call === undefined) throw new Error(`no call ${this.callId}`);
    return call;
  }
}
