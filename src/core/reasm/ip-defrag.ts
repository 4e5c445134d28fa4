/**
 * IP fragment reassembly for IPv4 (RFC 791 §2.3, §3.2: key = source, destination, protocol,
 * identification) and IPv6 (RFC 8200 §4.5: key = source, destination, identification).
 * Fragments may arrive in any order, duplicated or overlapping.
 *
 * Overlaps: RFC 5722 tells IPv6 hosts to drop the whole datagram, but a passive analyser's
 * job is to show what was sent, so (like tshark) we reassemble anyway: the bytes that
 * ARRIVED FIRST win, later overlapping bytes are ignored, and each overlap is reported as
 * `IP_FRAGMENT_OVERLAP`. Exact duplicates (same range again, e.g. a capture on `any` that
 * sees a packet twice) are dropped and reported as `IP_FRAGMENT_DUPLICATE`, also for a short
 * while after the datagram completed (DEFRAG_DUPLICATE_WINDOW_SEC), so the second copy of
 * a twice-captured datagram does not start a new partial datagram that never completes.
 *
 * Nothing is dropped silently: a datagram that does not complete within the timeout (packet
 * time) is reported as `IP_FRAGMENTS_EXPIRED`, one still incomplete at end of input as
 * `IP_FRAGMENTS_INCOMPLETE` (flush()), one pushed out by the limits as
 * `IP_FRAGMENTS_EVICTED`, `IP_FRAGMENTS_TOO_MANY` or `IP_FRAGMENT_TOO_BIG`.
 */
import type { DiagnosticSink } from '../diagnostics.js';

export interface DefragLimits {
  /** Largest reassembled payload (bytes after the IP header / fragment header). */
  readonly maxDatagramBytes: number;
  /** Most fragments kept for one datagram. */
  readonly maxFragmentsPerDatagram: number;
  /** Most datagrams being reassembled at once; the oldest is evicted beyond this. */
  readonly maxDatagramsInProgress: number;
  /** Most fragment bytes held over all datagrams; the oldest are evicted beyond this. */
  readonly maxBufferedBytes: number;
  /** Seconds of packet time after a datagram's first fragment before it is given up. */
  readonly timeoutSec: number;
}

/**
 * IPv4 total length and the IPv6 payload length are 16-bit fields, so no real datagram has
 * more than 65535 payload bytes; larger offsets are crafted ("ping of death").
 */
export const DEFRAG_MAX_DATAGRAM_BYTES = 65_535;
/**
 * A 65535-byte datagram over a 576-byte MTU path needs ~120 fragments; 1024 leaves room for
 * tiny-MTU links while bounding the per-datagram bookkeeping against 8-byte-fragment floods.
 */
export const DEFRAG_MAX_FRAGMENTS_PER_DATAGRAM = 1024;
/** Concurrent reassemblies: plenty for SIP signalling, bounded against fragment floods. */
export const DEFRAG_MAX_DATAGRAMS_IN_PROGRESS = 4096;
/** Memory held by partial datagrams (64 MiB), so live capture stays within a budget. */
export const DEFRAG_MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/**
 * RFC 791 suggests 15 s as the initial reassembly timer; Linux uses 30 s
 * (net.ipv4.ipfrag_time) and RFC 8200 §4.5 says 60 s for IPv6. 30 s by packet time keeps
 * what real stacks would have accepted without holding memory much longer.
 */
export const DEFRAG_TIMEOUT_SEC = 30;

/**
 * How long a completed datagram's fragment ranges are remembered to recognise duplicates.
 * Capture duplicates (the same packet seen on two interfaces) arrive within microseconds;
 * a short window keeps a reused IPv4 id (which needs 65536 datagrams between two hosts in
 * that time) from being mistaken for a duplicate.
 */
export const DEFRAG_DUPLICATE_WINDOW_SEC = 2;

export const DEFAULT_DEFRAG_LIMITS: DefragLimits = {
  maxDatagramBytes: DEFRAG_MAX_DATAGRAM_BYTES,
  maxFragmentsPerDatagram: DEFRAG_MAX_FRAGMENTS_PER_DATAGRAM,
  maxDatagramsInProgress: DEFRAG_MAX_DATAGRAMS_IN_PROGRESS,
  maxBufferedBytes: DEFRAG_MAX_BUFFERED_BYTES,
  timeoutSec: DEFRAG_TIMEOUT_SEC,
};

export interface FragmentInput {
  readonly ipVersion: 4 | 6;
  readonly src: string;
  readonly dst: string;
  /** IPv4: the header's protocol. IPv6: the fragment header's next header. */
  readonly protocol: number;
  readonly id: number;
  /** Byte offset of `data` in the reassembled payload. */
  readonly offset: number;
  /** More-fragments flag. */
  readonly more: boolean;
  /** Fragment bytes: may be a view into the caller's buffer; copied when kept. */
  readonly data: Buffer;
  readonly frame: number;
  readonly tsSec: number;
  readonly tsNsec: number;
}

export interface ReassembledDatagram {
  /** The whole payload: the transport header (or IPv6 extension headers) comes first. */
  readonly payload: Buffer;
  /** Protocol of the payload (IPv6: next header of the offset-0 fragment). */
  readonly protocol: number;
  /** Frames that carried fragments of this datagram, in arrival order. */
  readonly frames: readonly number[];
}

interface StoredFragment {
  readonly start: number;
  readonly end: number;
  readonly data: Buffer;
}

interface PartialDatagram {
  readonly key: string;
  readonly label: string;
  readonly firstTime: number;
  protocol: number;
  /** End of the fragment without MF, once seen; -1 before. */
  totalLen: number;
  /** Bytes stored (overlapping bytes counted twice). */
  bytes: number;
  readonly fragments: StoredFragment[];
  readonly frames: number[];
  /** Given up (limit hit, already reported): later fragments are swallowed until expiry. */
  dropped: boolean;
}

export class IpDefragmenter {
  readonly limits: DefragLimits;
  private readonly partials = new Map<string, PartialDatagram>();
  /** Recently completed datagrams: key -> completion time and [start, end) ranges. */
  private readonly recent = new Map<string, { time: number; ranges: number[] }>();
  private bufferedBytes = 0;

  constructor(limits?: Partial<DefragLimits>, private readonly onDiagnostic?: DiagnosticSink) {
    this.limits = { ...DEFAULT_DEFRAG_LIMITS, ...limits };
  }

  /** Datagrams being reassembled. */
  get inProgress(): number {
    return this.partials.size;
  }

  /** Fragment bytes held. */
  get buffered(): number {
    return this.bufferedBytes;
  }

  /** Add one fragment; returns the datagram when this fragment completes it. */
  add(frag: FragmentInput): ReassembledDatagram | undefined {
    const now = frag.tsSec + frag.tsNsec / 1e9;
    this.expire(frag.tsSec, frag.tsNsec);
    const key =
      frag.ipVersion === 4
        ? '4 ' + frag.src + ' ' + frag.dst + ' ' + frag.protocol + ' ' + frag.id
        : '6 ' + frag.src + ' ' + frag.dst + ' ' + frag.id;

    let d = this.partials.get(key);
    if (!d && this.isRecentDuplicate(key, now, frag.offset, frag.offset + frag.data.length)) {
      this.report('IP_FRAGMENT_DUPLICATE', frag.frame, `${frag.src} > ${frag.dst} id ${frag.id} (after reassembly)`);
      return undefined;
    }
    if (d && now - d.firstTime > this.limits.timeoutSec) {
      this.discard(d, 'IP_FRAGMENTS_EXPIRED');
      d = undefined;
    }
    if (!d) {
      while (this.partials.size >= this.limits.maxDatagramsInProgress && this.evictOldest()) {
        // evicted the oldest
      }
      d = {
        key,
        label: `${frag.src} > ${frag.dst} id ${frag.id}`,
        firstTime: now,
        protocol: frag.ipVersion === 4 ? frag.protocol : -1,
        totalLen: -1,
        bytes: 0,
        fragments: [],
        frames: [],
        dropped: false,
      };
      this.partials.set(key, d);
    }
    if (d.dropped) return undefined;
    if (d.frames[d.frames.length - 1] !== frag.frame) d.frames.push(frag.frame);

    const start = frag.offset;
    const end = start + frag.data.length;
    if (end > this.limits.maxDatagramBytes) {
      this.report('IP_FRAGMENT_TOO_BIG', frag.frame, `${d.label}: fragment ends at byte ${end}`);
      this.drop(d);
      return undefined;
    }
    if (!frag.more) {
      if (d.totalLen < 0) d.totalLen = end;
      else if (d.totalLen !== end) {
        // Two different "last" fragments: keep the first one's length (first arrival wins).
        this.report('IP_FRAGMENT_OVERLAP', frag.frame, `${d.label}: conflicting last fragment`);
      }
    }
    if (start === 0 && d.protocol < 0) d.protocol = frag.protocol;
    if (end === start) return this.tryComplete(d, now);

    let overlaps = false;
    for (const f of d.fragments) {
      if (start < f.end && end > f.start) {
        if (start === f.start && end === f.end) {
          this.report('IP_FRAGMENT_DUPLICATE', frag.frame, d.label);
          return undefined;
        }
        overlaps = true;
      }
    }
    if (overlaps) this.report('IP_FRAGMENT_OVERLAP', frag.frame, d.label);
    if (d.fragments.length >= this.limits.maxFragmentsPerDatagram) {
      this.report('IP_FRAGMENTS_TOO_MANY', frag.frame, d.label);
      this.drop(d);
      return undefined;
    }
    const len = end - start;
    while (this.bufferedBytes + len > this.limits.maxBufferedBytes && this.evictOldest(d)) {
      // evicted one more datagram
    }
    if (this.bufferedBytes + len > this.limits.maxBufferedBytes) {
      this.report('IP_FRAGMENTS_EVICTED', frag.frame, d.label);
      this.drop(d);
      return undefined;
    }
    // One owned copy: the record's bytes are only valid until the reader's next chunk.
    const copy = Buffer.allocUnsafe(len);
    frag.data.copy(copy);
    d.fragments.push({ start, end, data: copy });
    d.bytes += len;
    this.bufferedBytes += len;
    return this.tryComplete(d, now);
  }

  /** Give up datagrams whose first fragment is older than the timeout at this packet time. */
  expire(tsSec: number, tsNsec: number): void {
    if (this.partials.size === 0 && this.recent.size === 0) return;
    const now = tsSec + tsNsec / 1e9;
    for (const [key, r] of this.recent) {
      if (now - r.time <= DEFRAG_DUPLICATE_WINDOW_SEC) break;
      this.recent.delete(key);
    }
    // Map order is creation order, so the oldest come first; a backwards clock jump only
    // delays expiry until flush().
    for (const d of this.partials.values()) {
      if (now - d.firstTime <= this.limits.timeoutSec) break;
      this.discard(d, 'IP_FRAGMENTS_EXPIRED');
    }
  }

  /** End of input: report every datagram still incomplete, and forget them. */
  flush(): void {
    for (const d of [...this.partials.values()]) this.discard(d, 'IP_FRAGMENTS_INCOMPLETE');
    this.recent.clear();
  }

  private tryComplete(d: PartialDatagram, now: number): ReassembledDatagram | undefined {
    const total = d.totalLen;
    if (total < 0 || d.bytes < total) return undefined;
    const sorted = d.fragments.slice().sort((a, b) => a.start - b.start);
    let covered = 0;
    for (const f of sorted) {
      if (f.start > covered) return undefined; // a hole
      if (f.end > covered) covered = f.end;
      if (covered >= total) break;
    }
    if (covered < total) return undefined;

    const payload = Buffer.allocUnsafe(total);
    // Later arrivals first, so the first-arrived bytes are written last and win.
    for (let i = d.fragments.length - 1; i >= 0; i--) {
      const f = d.fragments[i]!;
      if (f.start >= total) continue;
      const n = Math.min(f.end, total) - f.start;
      f.data.copy(payload, f.start, 0, n);
    }
    this.partials.delete(d.key);
    this.bufferedBytes -= d.bytes;
    this.remember(d, now);
    return { payload, protocol: d.protocol, frames: d.frames };
  }

  private remember(d: PartialDatagram, now: number): void {
    const ranges: number[] = [];
    for (const f of d.fragments) ranges.push(f.start, f.end);
    this.recent.delete(d.key); // re-insert at the end: Map order stays completion order
    this.recent.set(d.key, { time: now, ranges });
    if (this.recent.size > this.limits.maxDatagramsInProgress) {
      const oldest = this.recent.keys().next();
      if (!oldest.done) this.recent.delete(oldest.value);
    }
  }

  private isRecentDuplicate(key: string, now: number, start: number, end: number): boolean {
    const r = this.recent.get(key);
    if (!r || now - r.time > DEFRAG_DUPLICATE_WINDOW_SEC || now < r.time) return false;
    for (let i = 0; i < r.ranges.length; i += 2) {
      if (r.ranges[i] === start && r.ranges[i + 1] === end) return true;
    }
    return false;
  }

  /** Forget a datagram, reporting it unless it was already reported when dropped. */
  private discard(d: PartialDatagram, code: string): void {
    if (!d.dropped) {
      const of = d.totalLen >= 0 ? String(d.totalLen) : '?';
      this.report(code, d.frames[0], `${d.label}: ${d.bytes} of ${of} bytes in ${d.fragments.length} fragments`);
    }
    this.partials.delete(d.key);
    this.bufferedBytes -= d.bytes;
  }

  /** Keep the entry (so its remaining fragments are swallowed) but free its bytes. */
  private drop(d: PartialDatagram): void {
    this.bufferedBytes -= d.bytes;
    d.bytes = 0;
    d.fragments.length = 0;
    d.dropped = true;
  }

  /** Evict the oldest datagram other than `keep`; false when there is none. */
  private evictOldest(keep?: PartialDatagram): boolean {
    for (const d of this.partials.values()) {
      if (d === keep) continue;
      this.discard(d, 'IP_FRAGMENTS_EVICTED');
      return true;
    }
    return false;
  }

  private report(code: string, frame: number | undefined, detail: string): void {
    if (!this.onDiagnostic) return;
    this.onDiagnostic(frame === undefined ? { code, detail } : { code, frame, detail });
  }
}
