/**
 * One packet record as read from a capture (pcap, pcapng, live). Produced by the chunk-fed
 * readers in this folder; consumed by the net layer.
 */
export interface CaptureRecord {
  /** 1-based packet number over the whole capture (all sections and interfaces). */
  readonly frame: number;
  /** Timestamp: whole seconds since the Unix epoch (may be negative or odd on broken clocks). */
  readonly tsSec: number;
  /** Timestamp: nanoseconds within the second, 0..999_999_999. */
  readonly tsNsec: number;
  /** LINKTYPE_* value of the interface the packet was captured on (see linktypes.ts). */
  readonly linkType: number;
  /**
   * Captured bytes. A view into the reader's current chunk: valid until the next `push()`.
   * Anything retained past that must be copied (one owned copy at most, DESIGN.md "Hot path").
   */
  readonly data: Buffer;
  /** Original length on the wire; greater than data.length when the snap length cut it. */
  readonly origLen: number;
  /** True when the record was cut by the snap length (origLen > data.length). */
  readonly truncated: boolean;
  /** Byte offset of `data` in the (decompressed) capture stream, so payloads can be re-read. */
  readonly fileOffset: number;
  /** pcapng interface id (0 for classic pcap). */
  readonly interfaceId: number;
  /** pcapng packet comments (opt_comment), when present. */
  readonly comments?: readonly string[];
}

/**
 * A record as the chunk-fed readers make it: `data` is made on first read (a Buffer view
 * costs about as much to create as the net layer's whole decode of a packet), and the net
 * layer reads the bytes in place through `chunk`, `dataStart` and `dataEnd` instead. Same
 * fields and lifetime as any CaptureRecord: `chunk` too is only valid during onRecord.
 */
export class ChunkRecord implements CaptureRecord {
  private view: Buffer | undefined;
  readonly comments?: readonly string[];

  constructor(
    readonly frame: number,
    readonly tsSec: number,
    readonly tsNsec: number,
    readonly linkType: number,
    /** The reader's chunk holding the captured bytes at [dataStart, dataEnd). */
    readonly chunk: Buffer,
    readonly dataStart: number,
    readonly dataEnd: number,
    readonly origLen: number,
    readonly fileOffset: number,
    readonly interfaceId: number,
    comments?: readonly string[],
  ) {
    if (comments !== undefined) this.comments = comments;
  }

  get data(): Buffer {
    return (this.view ??= this.chunk.subarray(this.dataStart, this.dataEnd));
  }

  get truncated(): boolean {
    return this.origLen > this.dataEnd - this.dataStart;
  }

  /** The plain record's JSON (the view, not the chunk). */
  toJSON(): Record<string, unknown> {
    const { frame, tsSec, tsNsec, linkType, data, origLen, truncated, fileOffset, interfaceId, comments } = this;
    return { frame, tsSec, tsNsec, linkType, data, origLen, truncated, fileOffset, interfaceId, comments };
  }
}

/** Capture-level facts a reader learns (file header, pcapng interfaces). */
export interface CaptureInfo {
  readonly format: 'pcap' | 'pcap-ns' | 'pcapng';
  /** Big-endian file (pcap) or section (pcapng). */
  readonly bigEndian: boolean;
  /** Link types seen, by interface id (pcap: one entry). */
  readonly linkTypes: readonly number[];
  readonly snapLen?: number;
}

/**
 * A capture file that cannot be read at all (not a capture, damaged file header). Readers
 * report this through `onFatal`; the CLI maps it to a one-line error and an exit code.
 */
export interface CaptureFatal {
  readonly code: string;
  readonly message: string;
  /** Byte offset where reading stopped. */
  readonly offset: number;
}

/** What a chunk-fed reader calls back with. */
export interface CaptureReaderEvents {
  onRecord(record: CaptureRecord): void;
  onInfo?(info: CaptureInfo): void;
  onDiagnostic?(diagnostic: import('../diagnostics.js').Diagnostic): void;
  onFatal?(fatal: CaptureFatal): void;
}

/** Common shape of the pcap and pcapng readers: feed chunks of any size, then end(). */
export interface CaptureReader {
  push(chunk: Buffer): void;
  /** No more input: reports a truncated final record as a diagnostic. */
  end(): void;
  /** Records delivered so far. */
  readonly frames: number;
  /** True once a fatal error stopped the reader (further pushes are ignored). */
  readonly failed: boolean;
}
