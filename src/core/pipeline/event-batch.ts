/**
 * The decoder's output as transferable batches: a decoding thread (io/decode-worker.ts) turns
 * SIP messages and non-SIP UDP segments into a few typed arrays and one byte buffer, moved to
 * the loading thread without a copy, which replays them in capture order to the same handlers
 * a SipDecoder would call. Messages carry their parse index (sip/message.ts writeSipIndex), so
 * the loading thread rebuilds each one without scanning its headers: on two cores, decoding
 * and parsing run beside correlation instead of before it.
 *
 * Layout per event: INT_STRIDE Int32 slots (kind, origin, byte range, parse index) and
 * FLOAT_STRIDE Float64 slots (seconds, capture offsets). Address and transport strings are
 * interned: each batch lists the strings that first appear in it. What few events have
 * (diagnostics, multi-frame lists, truncation) travels as a sparse list of extras.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { TransportSegment } from '../net/segment.js';
import { parseSipMessage, SIP_INDEX_SLOTS, sipMessageFromIndex, writeSipIndex } from '../sip/message.js';
import type { SipMessage, SipOrigin } from '../sip/types.js';

const KIND_MESSAGE = 1;
const KIND_UDP = 2;

// Int32 slots.
const I_KIND = 0;
const I_FRAME = 1;
const I_NSEC = 2;
const I_TRANSPORT = 3;
const I_IP_VERSION = 4;
const I_SRC = 5;
const I_SRC_PORT = 6;
const I_DST = 7;
const I_DST_PORT = 8;
const I_BYTES_AT = 9;
const I_BYTES_LENGTH = 10;
/** 1: the message is parsed again from its bytes (no parse index). */
const I_REPARSE = 11;
const I_INDEX = 12;
const INT_STRIDE = I_INDEX + SIP_INDEX_SLOTS;
// Float64 slots.
const F_SEC = 0;
const F_FILE_OFFSET = 1;
/** Messages: SipDecoderEvents.onMessage's payloadAt. */
const F_PAYLOAD_AT = 2;
const FLOAT_STRIDE = 3;

/** What few events carry beyond the fixed slots. */
export interface EventExtra {
  /** Message: its diagnostics in order (those of the framer first). */
  diagnostics?: readonly Diagnostic[];
  /** Message: SipOrigin.frames. Segment: fragmentFrames. */
  frames?: readonly number[];
  /** Segment: cut by the snap length. */
  truncated?: boolean;
}

/** One batch as posted between threads (structured-clone friendly; the buffers are transferred). */
export interface EventBatch {
  count: number;
  ints: Int32Array;
  floats: Float64Array;
  bytes: Uint8Array;
  /** Strings first used in this batch, taking the next intern ids in order. */
  strings: string[];
  /** [event number, extra] for the events that have one. */
  extras: [number, EventExtra][];
}

/**
 * The buffers of a batch that was replayed, handed back to the writer for a later batch. A
 * buffer allocated per batch and transferred was freed only when the loading thread's GC got
 * round to it (over 300 were waiting at once on a 1 GB capture), and the allocator kept the
 * memory: peak RSS went from 585-600 MB to 532-548 MB with the buffers written again.
 */
export interface BatchBuffers {
  ints: ArrayBuffer;
  floats: ArrayBuffer;
  bytes: ArrayBuffer;
}

/** The buffers a batch was written in (transfer them with the batch, and back when replayed). */
export function batchBuffers(batch: EventBatch): BatchBuffers {
  return { ints: batch.ints.buffer as ArrayBuffer, floats: batch.floats.buffer as ArrayBuffer, bytes: batch.bytes.buffer as ArrayBuffer };
}

/** Spare buffer sets a writer keeps (batches in flight plus the one being replayed, and some slack). */
export const MAX_SPARE_BATCH_BUFFERS = 8;

const INITIAL_EVENTS = 4096;
const INITIAL_BYTES = 2 * 1024 * 1024;

/** The decoding side: collects events, hands them out as batches (take()). */
export class EventBatchWriter {
  private ints = new Int32Array(INITIAL_EVENTS * INT_STRIDE);
  private floats = new Float64Array(INITIAL_EVENTS * FLOAT_STRIDE);
  /**
   * The message bytes of the batch being filled: their one copy out of the reader's chunk. A
   * batch hands this very buffer over (transferred, not copied again) and a new one is taken,
   * uninitialised (nothing past `used` is ever read).
   */
  private bytes = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  private count = 0;
  private used = 0;
  private strings: string[] = [];
  private extras: [number, EventExtra][] = [];
  private readonly ids = new Map<string, number>();
  private readonly spare: BatchBuffers[] = [];

  get pending(): number {
    return this.count;
  }

  addMessage(message: SipMessage, payloadAt: number): void {
    const e = this.begin(KIND_MESSAGE, message, message.raw);
    const ints = this.ints;
    const b = e * INT_STRIDE;
    ints[b + I_TRANSPORT] = this.intern(message.transport);
    ints[b + I_REPARSE] = writeSipIndex(message, ints, b + I_INDEX) ? 0 : 1;
    this.floats[e * FLOAT_STRIDE + F_PAYLOAD_AT] = payloadAt;
    const diagnostics = message.diagnostics;
    if (diagnostics.length > 0 || message.frames !== undefined) {
      this.extras.push([e, { ...(diagnostics.length > 0 ? { diagnostics: [...diagnostics] } : {}), ...(message.frames ? { frames: [...message.frames] } : {}) }]);
    }
  }

  addUdp(segment: TransportSegment): void {
    const e = this.begin(KIND_UDP, segment, segment.payload);
    if (segment.fragmentFrames !== undefined || segment.truncated === true) {
      this.extras.push([e, { ...(segment.fragmentFrames ? { frames: [...segment.fragmentFrames] } : {}), ...(segment.truncated ? { truncated: true } : {}) }]);
    }
  }

  /**
   * The events so far as one batch (undefined when there are none), as views of the writer's
   * buffers, which the batch takes with it; the writer goes on in spare ones (recycle) or new ones.
   */
  take(): EventBatch | undefined {
    if (this.count === 0) return undefined;
    const batch: EventBatch = {
      count: this.count,
      ints: this.ints.subarray(0, this.count * INT_STRIDE),
      floats: this.floats.subarray(0, this.count * FLOAT_STRIDE),
      bytes: this.bytes.subarray(0, this.used),
      strings: this.strings,
      extras: this.extras,
    };
    const spare = this.spare.pop();
    if (spare !== undefined) {
      this.ints = new Int32Array(spare.ints);
      this.floats = new Float64Array(spare.floats);
      this.bytes = Buffer.from(spare.bytes);
    } else {
      this.ints = new Int32Array(this.ints.length);
      this.floats = new Float64Array(this.floats.length);
      this.bytes = Buffer.allocUnsafeSlow(this.bytes.length);
    }
    this.count = 0;
    this.used = 0;
    this.strings = [];
    this.extras = [];
    return batch;
  }

  /**
   * Buffers of a batch the other side has replayed, to write a later batch in. Nothing may hold
   * a view of them any more: handed back across threads they are detached there, so a view
   * kept by mistake reads as empty instead of as another batch's bytes.
   */
  recycle(buffers: BatchBuffers): void {
    if (this.spare.length < MAX_SPARE_BATCH_BUFFERS) this.spare.push(buffers);
  }

  private begin(kind: number, o: Omit<SipOrigin, 'transport'> & { readonly transport: string }, payload: Uint8Array): number {
    const e = this.count++;
    if (this.count * INT_STRIDE > this.ints.length) {
      this.ints = grow(this.ints, this.ints.length * 2);
      this.floats = grow(this.floats, this.floats.length * 2);
    }
    if (this.used + payload.length > this.bytes.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.used + payload.length));
      this.bytes.copy(bigger, 0, 0, this.used);
      this.bytes = bigger;
    }
    this.bytes.set(payload, this.used);
    const ints = this.ints;
    const b = e * INT_STRIDE;
    ints[b + I_KIND] = kind;
    ints[b + I_FRAME] = o.frame;
    ints[b + I_NSEC] = o.tsNsec;
    ints[b + I_IP_VERSION] = o.ipVersion;
    ints[b + I_SRC] = this.intern(o.src);
    ints[b + I_SRC_PORT] = o.srcPort;
    ints[b + I_DST] = this.intern(o.dst);
    ints[b + I_DST_PORT] = o.dstPort;
    ints[b + I_BYTES_AT] = this.used;
    ints[b + I_BYTES_LENGTH] = payload.length;
    const f = e * FLOAT_STRIDE;
    this.floats[f + F_SEC] = o.tsSec;
    this.floats[f + F_FILE_OFFSET] = o.fileOffset;
    this.used += payload.length;
    return e;
  }

  private intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(s, id);
      this.strings.push(s);
    }
    return id;
  }
}

function grow<T extends Int32Array | Float64Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}

/** What the replay calls: the SipDecoder's events. */
export interface EventBatchHandlers {
  onMessage(message: SipMessage, payloadAt: number): void;
  onOtherUdp?(segment: TransportSegment): void;
}

const NO_DIAGNOSTICS: readonly Diagnostic[] = [];

/** The loading side: turns batches back into messages and segments, in order. */
export class EventBatchReader {
  private readonly strings: string[] = [];

  /** Takes the batch's new strings; call once per batch, before replaying it. */
  accept(batch: EventBatch): void {
    for (const s of batch.strings) this.strings.push(s);
  }

  /**
   * Replays events [from, batch.count) until `stop()` says so (checked every few events);
   * returns the next event to replay (batch.count when done).
   */
  replay(batch: EventBatch, from: number, handlers: EventBatchHandlers, stop?: () => boolean): number {
    const { ints, floats, extras } = batch;
    const buf = Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.byteLength);
    const strings = this.strings;
    // extras are in event order: find the first one at or after `from`
    let x = 0;
    while (x < extras.length && extras[x]![0] < from) x++;
    for (let e = from; e < batch.count; e++) {
      if (stop !== undefined && (e - from) % 64 === 63 && stop()) return e;
      const b = e * INT_STRIDE;
      const f = e * FLOAT_STRIDE;
      const extra = x < extras.length && extras[x]![0] === e ? extras[x++]![1] : undefined;
      const at = ints[b + I_BYTES_AT]!;
      const bytes = buf.subarray(at, at + ints[b + I_BYTES_LENGTH]!);
      if (ints[b + I_KIND] === KIND_MESSAGE) {
        const origin: SipOrigin = {
          frame: ints[b + I_FRAME]! >>> 0, // frames past 2^31 (a 100+ GB capture) come back unsigned
          tsSec: floats[f + F_SEC]!,
          tsNsec: ints[b + I_NSEC]!,
          transport: strings[ints[b + I_TRANSPORT]!]!,
          ipVersion: ints[b + I_IP_VERSION] === 6 ? 6 : 4,
          src: strings[ints[b + I_SRC]!]!,
          srcPort: ints[b + I_SRC_PORT]!,
          dst: strings[ints[b + I_DST]!]!,
          dstPort: ints[b + I_DST_PORT]!,
          fileOffset: floats[f + F_FILE_OFFSET]!,
          ...(extra?.frames ? { frames: extra.frames } : {}),
        };
        const diagnostics = extra?.diagnostics ?? NO_DIAGNOSTICS;
        const message = ints[b + I_REPARSE] === 1 ? parseSipMessage(bytes, origin, diagnostics) : sipMessageFromIndex(bytes, origin, ints, b + I_INDEX, diagnostics);
        handlers.onMessage(message, floats[f + F_PAYLOAD_AT]!);
      } else if (handlers.onOtherUdp !== undefined) {
        handlers.onOtherUdp({
          frame: ints[b + I_FRAME]! >>> 0,
          tsSec: floats[f + F_SEC]!,
          tsNsec: ints[b + I_NSEC]!,
          ipVersion: ints[b + I_IP_VERSION] === 6 ? 6 : 4,
          src: strings[ints[b + I_SRC]!]!,
          dst: strings[ints[b + I_DST]!]!,
          srcPort: ints[b + I_SRC_PORT]!,
          dstPort: ints[b + I_DST_PORT]!,
          transport: 'udp',
          payload: bytes,
          fileOffset: floats[f + F_FILE_OFFSET]!,
          ...(extra?.frames ? { fragmentFrames: extra.frames } : {}),
          ...(extra?.truncated ? { truncated: true } : {}),
        });
      }
    }
    return batch.count;
  }
}
