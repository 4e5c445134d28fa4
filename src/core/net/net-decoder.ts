/**
 * The net layer's entry point: capture records in, transport segments out (innermost IP
 * addresses, tunnels unwrapped, IP fragments reassembled). Pure: packet time drives the
 * fragment timeout, and flush() at end of input reports what never completed.
 */
import { ChunkRecord, type CaptureRecord } from '../capture/record.js';
import type { DiagnosticSink } from '../diagnostics.js';
import { type DefragLimits, IpDefragmenter } from '../reasm/ip-defrag.js';
import { DecodeState, type SegmentSink } from './decode-state.js';
import { decodeIpByVersion } from './ip.js';
import { decodeLinkLayer } from './link.js';

export { linkTypeSupported } from './link.js';
export { MAX_IP_NESTING } from './decode-state.js';

export interface NetDecoderOptions {
  onDiagnostic?: DiagnosticSink;
  limits?: Partial<DefragLimits>;
}

export class NetDecoder {
  private readonly defrag: IpDefragmenter;
  private readonly state: DecodeState;

  constructor(opts: NetDecoderOptions = {}) {
    this.defrag = new IpDefragmenter(opts.limits, opts.onDiagnostic);
    this.state = new DecodeState(opts.onDiagnostic, this.defrag);
  }

  /** Decode one record; `emit` is called once per transport segment found (often 0 or 1). */
  decode(record: CaptureRecord, emit: SegmentSink): void {
    this.defrag.expire(record.tsSec, record.tsNsec);
    const st = this.state;
    st.reset(record.frame, record.tsSec, record.tsNsec, record.fileOffset, record.truncated, emit);
    if (record instanceof ChunkRecord) {
      // read the bytes in place in the reader's chunk: no view is made for the record
      decodeLinkLayer(st, record.linkType, record.chunk, record.dataStart, record.dataEnd);
    } else {
      decodeLinkLayer(st, record.linkType, record.data, 0, record.data.length);
    }
  }

  /**
   * Decode bytes that start with an IP header (HEP and tests use this), as frame `frame`.
   */
  decodeIp(
    data: Buffer,
    emit: SegmentSink,
    meta: { frame: number; tsSec?: number; tsNsec?: number; fileOffset?: number; truncated?: boolean },
  ): void {
    const tsSec = meta.tsSec ?? 0;
    const tsNsec = meta.tsNsec ?? 0;
    this.defrag.expire(tsSec, tsNsec);
    const st = this.state;
    st.reset(meta.frame, tsSec, tsNsec, meta.fileOffset ?? 0, meta.truncated ?? false, emit);
    decodeIpByVersion(st, data, 0, data.length);
  }

  /**
   * End of input: incomplete fragmented datagrams are reported (IP_FRAGMENTS_INCOMPLETE).
   * Nothing is emitted today (a partial datagram has no trustworthy payload); `emit` is
   * taken so a later version can hand out partial payloads without an API change.
   */
  flush(_emit?: SegmentSink): void {
    this.defrag.flush();
  }

  /** Fragmented datagrams waiting for more fragments. */
  get fragmentsInProgress(): number {
    return this.defrag.inProgress;
  }
}
