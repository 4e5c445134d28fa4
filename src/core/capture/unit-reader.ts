/**
 * The chunk-feeding loop shared by the pcap and pcapng readers. Both formats are a run of
 * length-prefixed units (pcap: file header, then 16-byte record header + data; pcapng:
 * blocks). Units that lie inside one chunk are handed to the subclass as views into that
 * chunk; only a unit cut by a chunk boundary is gathered in a ByteCarry (one owned copy).
 */
import type { Diagnostic } from '../diagnostics.js';
import { ByteCarry, CAPTURE_CODES } from './chunk-carry.js';
import type { CaptureReader, CaptureReaderEvents } from './record.js';

/** Bytes still to be processed and the stream offset of their first byte. */
export interface PendingInput {
  readonly buf: Buffer;
  readonly offset: number;
}

/** unitLength() result: the unit is bad here (the subclass has reported why). */
export const BAD_UNIT = -1;

type RunState = 'run' | 'stopped' | 'failed';

export abstract class UnitReader implements CaptureReader {
  protected readonly carry = new ByteCarry();
  protected frameCount = 0;
  /** Total bytes pushed so far (offset of the next chunk in the stream). */
  protected streamOffset = 0;
  private runState: RunState = 'run';
  private ended = false;

  constructor(protected readonly events: CaptureReaderEvents) {}

  get frames(): number {
    return this.frameCount;
  }
  /** True once a fatal error stopped the reader: the capture could not be read at all. */
  get failed(): boolean {
    return this.runState === 'failed';
  }
  /** True once the reader stopped for any reason (fatal, or a record it cannot get past). */
  get stopped(): boolean {
    return this.runState !== 'run';
  }

  push(chunk: Buffer): void {
    if (this.runState !== 'run' || this.ended || chunk.length === 0) return;
    const offset = this.streamOffset;
    this.streamOffset += chunk.length;
    let next: PendingInput | undefined = { buf: chunk, offset };
    // Iterative on purpose: a damaged pcapng may switch between parsing and resynchronising
    // many times inside one chunk; recursion would grow the stack with the damage.
    while (next !== undefined && this.runState === 'run') next = this.step(next);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.runState === 'failed') return;
    if (this.streamOffset === 0) {
      this.fatal(CAPTURE_CODES.EMPTY_CAPTURE, 'the capture is empty (0 bytes)', 0);
      return;
    }
    if (this.runState === 'run') this.finish();
  }

  /** Consumes `input`; returns bytes to run through step() again (after a mode change). */
  protected step(input: PendingInput): PendingInput | undefined {
    return this.feedUnits(input);
  }

  /** Bytes needed before unitLength() can tell a unit's length, in the current state. */
  protected abstract headerSize(): number;
  /** Length (>= headerSize) of the unit at buf[pos], or BAD_UNIT. */
  protected abstract unitLength(buf: Buffer, pos: number, offset: number): number;
  /** Handles one whole unit; false means it is damaged (pcapng trailer check). */
  protected abstract unit(buf: Buffer, pos: number, len: number, offset: number): boolean;
  /** A damaged unit starts at `rest`: return bytes to keep going with, or stop(). */
  protected abstract badUnit(rest: PendingInput): PendingInput | undefined;
  /** end() of input while running: report a cut unit (carry) and the like. */
  protected abstract finish(): void;

  protected feedUnits(input: PendingInput): PendingInput | undefined {
    const { buf, offset } = input;
    let pos = 0;
    const carry = this.carry;
    if (carry.length > 0) {
      const header = this.headerSize();
      if (carry.length < header) {
        const take = Math.min(header - carry.length, buf.length);
        carry.append(buf, 0, take);
        pos = take;
        if (carry.length < header) return undefined;
      }
      const len = this.unitLength(carry.bytes, 0, carry.offset);
      if (len === BAD_UNIT) return this.badFromCarry(buf, pos);
      const take = Math.min(len - carry.length, buf.length - pos);
      carry.append(buf, pos, pos + take);
      pos += take;
      if (carry.length < len) return undefined;
      const unitOffset = carry.offset;
      const unitBytes = carry.detach();
      if (!this.unit(unitBytes, 0, len, unitOffset)) {
        return this.badUnit({ buf: Buffer.concat([unitBytes, buf.subarray(pos)]), offset: unitOffset });
      }
    }
    while (this.runState === 'run') {
      const avail = buf.length - pos;
      if (avail === 0 || avail < this.headerSize()) break;
      const len = this.unitLength(buf, pos, offset + pos);
      if (len === BAD_UNIT) return this.badUnit({ buf: buf.subarray(pos), offset: offset + pos });
      if (avail < len) break;
      if (!this.unit(buf, pos, len, offset + pos)) return this.badUnit({ buf: buf.subarray(pos), offset: offset + pos });
      pos += len;
    }
    if (this.runState === 'run' && pos < buf.length) {
      carry.start(offset + pos);
      carry.append(buf, pos, buf.length);
    }
    return undefined;
  }

  private badFromCarry(buf: Buffer, pos: number): PendingInput | undefined {
    const offset = this.carry.offset;
    const held = this.carry.detach();
    return this.badUnit({ buf: Buffer.concat([held, buf.subarray(pos)]), offset });
  }

  protected nextFrame(): number {
    return ++this.frameCount;
  }

  protected diag(code: string, detail: string, frame?: number): void {
    const d: Diagnostic = frame === undefined ? { code, detail } : { code, frame, detail };
    this.events.onDiagnostic?.(d);
  }

  protected fatal(code: string, message: string, offset: number): void {
    this.runState = 'failed';
    this.carry.start(offset);
    this.events.onFatal?.({ code, message, offset });
  }

  /** Stops reading after a record-level problem; everything before stays delivered. */
  protected stop(): void {
    this.runState = 'stopped';
    this.carry.start(this.carry.offset);
  }
}
