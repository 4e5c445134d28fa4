/**
 * Named diagnostics. Decoders never throw on input bytes: when they cannot go on they
 * return nothing and report one of these codes (DESIGN.md, "Rules that come from real
 * captures"). Codes are stable strings so tests, JSON output and the UI can count them.
 */
export interface Diagnostic {
  /** Stable upper-case code, e.g. `IPV4_BAD_IHL`, `SIP_BAD_CONTENT_LENGTH`. */
  readonly code: string;
  /** 1-based frame the diagnostic belongs to, when there is one. */
  readonly frame?: number;
  /** Short human detail (never wire text that has not been sanitised by the caller). */
  readonly detail?: string;
}

/** Receives diagnostics from a decoder. Cheap to call; decoders call it on bad input only. */
export type DiagnosticSink = (diagnostic: Diagnostic) => void;

/** A sink that only counts, by code. */
export class DiagnosticCounter {
  readonly counts = new Map<string, number>();
  readonly sink: DiagnosticSink = (d) => {
    this.counts.set(d.code, (this.counts.get(d.code) ?? 0) + 1);
  };
  total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
