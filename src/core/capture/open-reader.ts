/**
 * A capture reader that looks at the first 4 bytes and hands everything to the pcap or the
 * pcapng reader: files are recognised by their magic, never by their name (a pcapng named
 * `.pcap` is common). Gzip is not undone here (core is pure and chunk-fed); the io layer
 * (src/io/file-source.ts) gunzips a stream that starts with the gzip magic before it
 * reaches this reader, so gzip only shows up here when the io layer was bypassed.
 */
import { CAPTURE_CODES } from './chunk-carry.js';
import { pcapMagic, PcapReader } from './pcap.js';
import { PCAPNG_SHB, PcapngReader } from './pcapng.js';
import type { CaptureReader, CaptureReaderEvents } from './record.js';

/** Options for createCaptureReader (none yet; kept so callers need not change later). */
export type CaptureReaderOptions = Record<string, never>;

/** True when the bytes start with the gzip magic 1f 8b (RFC 1952 section 2.3.1). */
export function isGzip(firstBytes: Buffer): boolean {
  return firstBytes.length >= 2 && firstBytes[0] === 0x1f && firstBytes[1] === 0x8b;
}

/** Capture format told by the first 4 bytes. */
export function sniffCaptureFormat(first4: Buffer): 'pcap' | 'pcapng' | undefined {
  if (first4.length < 4) return undefined;
  if (first4.readUInt32LE(0) === PCAPNG_SHB) return 'pcapng';
  return pcapMagic(first4) ? 'pcap' : undefined;
}

const SNIFF_BYTES = 4;

function hex(bytes: Buffer): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Why the first bytes are not a capture, as one line. */
function notACaptureMessage(first: Buffer): string {
  if (isGzip(first)) return 'gzip-compressed data reached the capture reader: decompress it first (siptrace does this itself for files and stdin)';
  const magic = first.readUInt32LE(0);
  if (magic === 0xa1b2cd34 || magic === 0x34cdb2a1) return 'Kuznetzov "modified pcap" files are not supported; convert with: editcap -F pcap IN OUT';
  return `not a pcap or pcapng file (first bytes ${hex(first)}); siptrace reads pcap and pcapng captures`;
}

export class SniffingCaptureReader implements CaptureReader {
  private delegate: PcapReader | PcapngReader | undefined;
  private head = Buffer.alloc(0);
  private rejected = false;
  private ended = false;

  constructor(private readonly events: CaptureReaderEvents) {}

  get frames(): number {
    return this.delegate?.frames ?? 0;
  }
  get failed(): boolean {
    return this.rejected || (this.delegate?.failed ?? false);
  }
  /** True once reading stopped (fatal, or a record the reader cannot get past). */
  get stopped(): boolean {
    return this.rejected || (this.delegate?.stopped ?? false);
  }
  /** 'pcap' | 'pcapng' once known. */
  get format(): 'pcap' | 'pcapng' | undefined {
    return this.delegate instanceof PcapngReader ? 'pcapng' : this.delegate ? 'pcap' : undefined;
  }

  push(chunk: Buffer): void {
    if (this.rejected || this.ended) return;
    if (this.delegate) {
      this.delegate.push(chunk);
      return;
    }
    if (this.head.length + chunk.length < SNIFF_BYTES) {
      this.head = Buffer.concat([this.head, chunk]);
      return;
    }
    const take = SNIFF_BYTES - this.head.length;
    const first = Buffer.concat([this.head, chunk.subarray(0, take)]);
    const format = sniffCaptureFormat(first);
    if (format === undefined) {
      this.reject(CAPTURE_CODES.NOT_A_CAPTURE, notACaptureMessage(first));
      return;
    }
    this.delegate = format === 'pcapng' ? new PcapngReader(this.events) : new PcapReader(this.events);
    // the sniffed head goes first as its own small chunk; the rest stays a view
    if (this.head.length > 0) {
      this.delegate.push(first);
      this.delegate.push(chunk.subarray(take));
    } else {
      this.delegate.push(chunk);
    }
    this.head = Buffer.alloc(0);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.rejected) return;
    if (this.delegate) {
      this.delegate.end();
      return;
    }
    if (this.head.length === 0) this.reject(CAPTURE_CODES.EMPTY_CAPTURE, 'the capture is empty (0 bytes)');
    else this.reject(CAPTURE_CODES.NOT_A_CAPTURE, `not a capture: only ${this.head.length} byte(s) of input`);
  }

  private reject(code: string, message: string): void {
    this.rejected = true;
    this.events.onFatal?.({ code, message, offset: 0 });
  }
}

/** A reader for pcap or pcapng, chosen by the first bytes pushed. */
export function createCaptureReader(events: CaptureReaderEvents, _options?: CaptureReaderOptions): SniffingCaptureReader {
  return new SniffingCaptureReader(events);
}
