import type { CaptureRecord } from '../../src/core/capture/record.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { NetDecoder } from '../../src/core/net/net-decoder.js';
import type { TransportSegment } from '../../src/core/net/segment.js';
import type { DefragLimits } from '../../src/core/reasm/ip-defrag.js';

export interface Decoded {
  segs: TransportSegment[];
  diags: Diagnostic[];
  codes: string[];
}

/** Decode records with a fresh NetDecoder, flush, and collect everything. */
export function decodeAll(records: CaptureRecord[], limits?: Partial<DefragLimits>): Decoded {
  const diags: Diagnostic[] = [];
  const segs: TransportSegment[] = [];
  const dec = new NetDecoder({ onDiagnostic: (d) => diags.push(d), ...(limits ? { limits } : {}) });
  for (const r of records) dec.decode(r, (s) => segs.push(s));
  dec.flush((s) => segs.push(s));
  return { segs, diags, codes: diags.map((d) => d.code) };
}

/** Address/port/transport summary of a segment, for compact expectations. */
export function brief(s: TransportSegment): string {
  return `${s.transport} ${s.src}:${s.srcPort} > ${s.dst}:${s.dstPort} ${s.payload.length}`;
}
