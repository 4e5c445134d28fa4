/**
 * Chunk-fed reader for classic pcap files (draft-ietf-opsawg-pcap, "PCAP Capture File
 * Format"): a 24-byte file header, then records of a 16-byte header plus captured bytes.
 * Either byte order; microsecond (0xA1B2C3D4) and nanosecond (0xA1B23C4D) magics.
 *
 * Records are views into the pushed chunk when they lie inside it; a record cut by a chunk
 * boundary is gathered into one owned copy. Bad bytes never throw: a damaged file header is
 * a fatal, a damaged record stops the reader with a diagnostic (pcap has no framing to
 * resynchronise on; every record before it stays delivered).
 */
import { CAPTURE_CODES, MAX_RECORD_BYTES, u32be, u32le } from './chunk-carry.js';
import { ChunkRecord, type CaptureReaderEvents } from './record.js';
import { BAD_UNIT, type PendingInput, UnitReader } from './unit-reader.js';

/** Magic numbers as read little-endian from the first 4 bytes (section 4 of the draft). */
export const PCAP_MAGIC_USEC_LE = 0xa1b2c3d4;
export const PCAP_MAGIC_NSEC_LE = 0xa1b23c4d;
export const PCAP_MAGIC_USEC_BE = 0xd4c3b2a1;
export const PCAP_MAGIC_NSEC_BE = 0x4d3cb2a1;

export const PCAP_FILE_HEADER_BYTES = 24;
export const PCAP_RECORD_HEADER_BYTES = 16;

/**
 * LinkType lives in the low bits of the header's last field; the top bits may carry FCS
 * information (draft section 4, "LinkType and additional information"). Same mask as
 * libpcap's LT_LINKTYPE().
 */
const LINKTYPE_MASK = 0x03ffffff;

/** Pcap magic decoded from the first 4 bytes, or undefined. */
export function pcapMagic(first4: Buffer): { bigEndian: boolean; nanosecond: boolean } | undefined {
  if (first4.length < 4) return undefined;
  switch (first4.readUInt32LE(0)) {
    case PCAP_MAGIC_USEC_LE:
      return { bigEndian: false, nanosecond: false };
    case PCAP_MAGIC_NSEC_LE:
      return { bigEndian: false, nanosecond: true };
    case PCAP_MAGIC_USEC_BE:
      return { bigEndian: true, nanosecond: false };
    case PCAP_MAGIC_NSEC_BE:
      return { bigEndian: true, nanosecond: true };
    default:
      return undefined;
  }
}

export class PcapReader extends UnitReader {
  private haveHeader = false;
  private bigEndian = false;
  /** Nanoseconds per unit of the record's fraction field: 1000 (µs files) or 1 (ns files). */
  private nsPerFraction = 1000;
  private fractionLimit = 1_000_000;
  private linkType = 0;
  private snapLen = 0;

  constructor(events: CaptureReaderEvents) {
    super(events);
  }

  protected headerSize(): number {
    return this.haveHeader ? PCAP_RECORD_HEADER_BYTES : PCAP_FILE_HEADER_BYTES;
  }

  private u32(buf: Buffer, at: number): number {
    return this.bigEndian ? u32be(buf, at) : u32le(buf, at);
  }

  protected unitLength(buf: Buffer, pos: number, offset: number): number {
    if (!this.haveHeader) return this.fileHeader(buf, pos, offset);
    const inclLen = this.u32(buf, pos + 8);
    if (inclLen > MAX_RECORD_BYTES) {
      const detail = `record ${this.frameCount + 1} at offset ${offset} claims ${inclLen} captured bytes (limit ${MAX_RECORD_BYTES})`;
      if (this.frameCount === 0) {
        // Nothing readable: most often a header written in the other byte order than the records.
        this.fatal(CAPTURE_CODES.CAPTURE_RECORD_TOO_LARGE, `damaged capture: ${detail}; the file header may not match the records`, offset);
      } else {
        this.diag(CAPTURE_CODES.CAPTURE_RECORD_TOO_LARGE, `${detail}; reading stopped`, this.frameCount + 1);
        this.stop();
      }
      return BAD_UNIT;
    }
    return PCAP_RECORD_HEADER_BYTES + inclLen;
  }

  private fileHeader(buf: Buffer, pos: number, offset: number): number {
    const magic = pcapMagic(buf.subarray(pos, pos + 4));
    if (magic === undefined) {
      this.fatal(CAPTURE_CODES.NOT_A_CAPTURE, 'not a pcap file (unknown magic number)', offset);
      return BAD_UNIT;
    }
    this.bigEndian = magic.bigEndian;
    this.nsPerFraction = magic.nanosecond ? 1 : 1000;
    this.fractionLimit = magic.nanosecond ? 1_000_000_000 : 1_000_000;
    return PCAP_FILE_HEADER_BYTES;
  }

  protected unit(buf: Buffer, pos: number, len: number, offset: number): boolean {
    if (!this.haveHeader) {
      this.haveHeader = true;
      const major = this.bigEndian ? buf.readUInt16BE(pos + 4) : buf.readUInt16LE(pos + 4);
      if (major !== 2) this.diag('PCAP_ODD_VERSION', `file header version major ${major}, expected 2; reading on`);
      this.snapLen = this.u32(buf, pos + 16);
      this.linkType = this.u32(buf, pos + 20) & LINKTYPE_MASK;
      this.events.onInfo?.({
        format: this.nsPerFraction === 1 ? 'pcap-ns' : 'pcap',
        bigEndian: this.bigEndian,
        linkTypes: [this.linkType],
        snapLen: this.snapLen,
      });
      return true;
    }
    let tsSec = this.u32(buf, pos);
    let fraction = this.u32(buf, pos + 4);
    const origLen = this.u32(buf, pos + 12);
    const frame = this.nextFrame();
    if (fraction >= this.fractionLimit) {
      // Some writers overflow the fraction instead of carrying into seconds; carry it here.
      this.diag('PCAP_BAD_TIMESTAMP_FRACTION', `fraction ${fraction} is not below ${this.fractionLimit}`, frame);
      tsSec += Math.floor(fraction / this.fractionLimit);
      fraction %= this.fractionLimit;
    }
    this.events.onRecord(
      new ChunkRecord(frame, tsSec, fraction * this.nsPerFraction, this.linkType, buf, pos + PCAP_RECORD_HEADER_BYTES, pos + len, origLen, offset + PCAP_RECORD_HEADER_BYTES, 0),
    );
    return true;
  }

  protected badUnit(_rest: PendingInput): PendingInput | undefined {
    // unitLength() has already reported and stopped: pcap records carry no marker to resync on.
    return undefined;
  }

  protected finish(): void {
    if (this.carry.length === 0) return;
    if (!this.haveHeader) {
      this.fatal(CAPTURE_CODES.CAPTURE_DAMAGED, `damaged capture: the pcap file header is cut after ${this.carry.length} of 24 bytes`, this.carry.offset);
      return;
    }
    this.diag(
      CAPTURE_CODES.CAPTURE_TRUNCATED_RECORD,
      `the capture ends inside record ${this.frameCount + 1} (${this.carry.length} bytes of it at offset ${this.carry.offset})`,
      this.frameCount + 1,
    );
    this.stop();
  }
}
