/**
 * Chunk-fed reader for pcapng (draft-ietf-opsawg-pcapng). Every block is
 * type(4) length(4) body length(4); the Section Header Block (SHB) fixes the byte order
 * of its section and resets the interface list (section 4.1), Interface Description
 * Blocks (IDB, 4.2) give each interface a link type, snap length and time base, and
 * packets come in Enhanced (EPB, 4.3), Simple (SPB, 4.4) or obsolete Packet Blocks
 * (PB, appendix). Other blocks (NRB, ISB, DSB, custom, unknown) are skipped (section 3.1:
 * a reader skips block types it does not know).
 *
 * Damage: a block whose length is impossible or whose trailing length differs from its
 * leading one is reported and the reader RESYNCHRONISES: it scans forward byte by byte for
 * a known block type whose trailing length matches, so packets after the damage are read.
 */
import { ByteCarry, CAPTURE_CODES, MAX_RECORD_BYTES, u16be, u16le, u32be, u32le } from './chunk-carry.js';
import { readOptions } from './pcapng-options.js';
import { DEFAULT_TIME_BASE, type SecNsec, type TimeBase, toSecNsec, unitsPerSecondFromTsresol } from './pcapng-time.js';
import { ChunkRecord, type CaptureReaderEvents } from './record.js';
import { BAD_UNIT, type PendingInput, UnitReader } from './unit-reader.js';

export const PCAPNG_SHB = 0x0a0d0d0a;
export const PCAPNG_IDB = 1;
export const PCAPNG_PB_OBSOLETE = 2;
export const PCAPNG_SPB = 3;
export const PCAPNG_NRB = 4;
export const PCAPNG_ISB = 5;
export const PCAPNG_EPB = 6;
export const PCAPNG_JOURNAL = 9;
export const PCAPNG_DSB = 10;
export const PCAPNG_CUSTOM = 0x00000bad;
export const PCAPNG_CUSTOM_NOCOPY = 0x40000bad;
/** Byte-order magic of the SHB, as written by the section's writer. */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Block types accepted as a resynchronisation point (all defined by the draft). */
const KNOWN_BLOCKS = new Set([
  PCAPNG_SHB, PCAPNG_IDB, PCAPNG_PB_OBSOLETE, PCAPNG_SPB, PCAPNG_NRB, PCAPNG_ISB, PCAPNG_EPB,
  PCAPNG_JOURNAL, PCAPNG_DSB, PCAPNG_CUSTOM, PCAPNG_CUSTOM_NOCOPY,
]);

/** Block header + trailer: type, length, ..., length. */
const BLOCK_MIN_BYTES = 12;
/** SHB: header 8 + BOM 4 + versions 4 + section length 8 + trailer 4 (section 4.1). */
const SHB_MIN_BYTES = 28;
/**
 * Largest block a resynchronisation candidate may claim. While scanning damaged bytes the
 * reader buffers a candidate until its trailer arrives; real packet blocks are well under
 * this (jumbo frames ~64 KiB), so garbage claiming more is skipped instead of buffered.
 */
export const RESYNC_MAX_BLOCK_BYTES = 16 * 1024 * 1024;

const OPT_COMMENT = 1;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

interface PcapngInterface {
  readonly linkType: number;
  readonly snapLen: number;
  readonly time: TimeBase;
}

export class PcapngReader extends UnitReader {
  private sectionCount = 0;
  private littleEndian = true;
  private interfaces: PcapngInterface[] = [];
  private resyncing = false;
  /** Damaged bytes being scanned for the next plausible block. */
  private resyncStart = 0;
  private readonly resyncBuf = new ByteCarry();
  private readonly ts: SecNsec = { sec: 0, nsec: 0 };

  constructor(events: CaptureReaderEvents) {
    super(events);
  }

  protected headerSize(): number {
    return BLOCK_MIN_BYTES;
  }

  private u32(buf: Buffer, at: number): number {
    return this.littleEndian ? u32le(buf, at) : u32be(buf, at);
  }
  private u16(buf: Buffer, at: number): number {
    return this.littleEndian ? u16le(buf, at) : u16be(buf, at);
  }

  protected unitLength(buf: Buffer, pos: number, offset: number): number {
    const type = u32le(buf, pos); // SHB type is a palindrome: byte order irrelevant
    if (type === PCAPNG_SHB) {
      const bom = buf.readUInt32LE(pos + 8);
      const le = bom === PCAPNG_BYTE_ORDER_MAGIC;
      if (!le && bom !== 0x4d3c2b1a) {
        return this.damaged('PCAPNG_BAD_BYTE_ORDER_MAGIC', 'section header without a valid byte-order magic', offset);
      }
      const len = le ? buf.readUInt32LE(pos + 4) : buf.readUInt32BE(pos + 4);
      if (len < SHB_MIN_BYTES || len % 4 !== 0) return this.damaged('PCAPNG_BAD_BLOCK_LENGTH', `section header length ${len}`, offset);
      if (len > MAX_RECORD_BYTES) return this.damaged(CAPTURE_CODES.CAPTURE_RECORD_TOO_LARGE, `section header claims ${len} bytes`, offset);
      return len;
    }
    if (this.sectionCount === 0) {
      this.fatal(CAPTURE_CODES.NOT_A_CAPTURE, 'not a pcapng file (no section header block first)', offset);
      return BAD_UNIT;
    }
    const len = this.u32(buf, pos + 4);
    if (len < BLOCK_MIN_BYTES || len % 4 !== 0) {
      return this.damaged('PCAPNG_BAD_BLOCK_LENGTH', `block type 0x${this.u32(buf, pos).toString(16)} length ${len}`, offset);
    }
    if (len > MAX_RECORD_BYTES) {
      return this.damaged(CAPTURE_CODES.CAPTURE_RECORD_TOO_LARGE, `block claims ${len} bytes (limit ${MAX_RECORD_BYTES})`, offset);
    }
    return len;
  }

  /** Reports a damaged block: fatal when it is the first SHB, else a diagnostic (resync follows). */
  private damaged(code: string, detail: string, offset: number): number {
    if (this.sectionCount === 0) {
      const fatalCode = code === CAPTURE_CODES.CAPTURE_RECORD_TOO_LARGE ? code : CAPTURE_CODES.CAPTURE_DAMAGED;
      this.fatal(fatalCode, `damaged capture: ${detail} at offset ${offset}`, offset);
    } else {
      this.diag(code, `${detail} at offset ${offset}`, this.frameCount + 1);
    }
    return BAD_UNIT;
  }

  protected unit(buf: Buffer, pos: number, len: number, offset: number): boolean {
    const isSection = u32le(buf, pos) === PCAPNG_SHB;
    // an SHB is read in its own byte order (it may differ from the previous section's)
    const le = isSection ? u32le(buf, pos + 8) === PCAPNG_BYTE_ORDER_MAGIC : this.littleEndian;
    if ((le ? u32le(buf, pos + len - 4) : u32be(buf, pos + len - 4)) !== len) {
      this.damaged('PCAPNG_BLOCK_TRAILER_MISMATCH', `block length ${len} not repeated at its end`, offset);
      return false;
    }
    if (isSection) this.littleEndian = le;
    switch (this.u32(buf, pos)) {
      case PCAPNG_SHB:
        this.section(buf, pos);
        break;
      case PCAPNG_IDB:
        this.interfaceBlock(buf, pos, len, offset);
        break;
      case PCAPNG_EPB:
        this.packetBlock(buf, pos, len, offset, this.u32(buf, pos + 8), 28);
        break;
      case PCAPNG_PB_OBSOLETE:
        this.packetBlock(buf, pos, len, offset, this.u16(buf, pos + 8), 28);
        break;
      case PCAPNG_SPB:
        this.simplePacket(buf, pos, len, offset);
        break;
      default:
        break; // NRB, ISB, DSB, custom and unknown blocks: skipped (section 3.1)
    }
    return true;
  }

  private section(buf: Buffer, pos: number): void {
    this.sectionCount += 1;
    this.interfaces = [];
    const major = this.u16(buf, pos + 12);
    if (major !== 1) this.diag('PCAPNG_ODD_VERSION', `section version major ${major}, expected 1; reading on`);
  }

  private interfaceBlock(buf: Buffer, pos: number, len: number, offset: number): void {
    if (len < 20) {
      this.diag('PCAPNG_BAD_BLOCK_LENGTH', `interface block of ${len} bytes at offset ${offset}`);
      return;
    }
    const linkType = this.u16(buf, pos + 8);
    const snapLen = this.u32(buf, pos + 12);
    let unitsPerSecond = DEFAULT_TIME_BASE.unitsPerSecond;
    let offsetSec = 0;
    const bad = readOptions(buf, pos + 16, pos + len - 4, this.littleEndian, (code, at, n) => {
      if (code === IF_TSRESOL && n >= 1) {
        const units = unitsPerSecondFromTsresol(buf[at]!);
        if (units === undefined) this.diag('PCAPNG_BAD_TSRESOL', `if_tsresol 0x${buf[at]!.toString(16)} out of range; using microseconds`);
        else unitsPerSecond = units;
      } else if (code === IF_TSOFFSET && n >= 8) {
        offsetSec = Number(this.littleEndian ? buf.readBigInt64LE(at) : buf.readBigInt64BE(at));
      }
    });
    if (bad) this.diag('PCAPNG_BAD_OPTION', `interface block options at offset ${offset}`);
    this.interfaces.push({ linkType, snapLen, time: { unitsPerSecond, offsetSec } });
    this.events.onInfo?.({
      format: 'pcapng',
      bigEndian: !this.littleEndian,
      linkTypes: this.interfaces.map((i) => i.linkType),
      snapLen,
    });
  }

  /** EPB (section 4.3) and obsolete PB: same layout apart from the interface id width. */
  private packetBlock(buf: Buffer, pos: number, len: number, offset: number, interfaceId: number, dataAt: number): void {
    const iface = this.interfaces[interfaceId];
    const capLen = len < dataAt + 4 ? -1 : this.u32(buf, pos + 20);
    if (capLen < 0 || capLen > len - dataAt - 4) {
      this.diag('PCAPNG_BAD_CAPTURED_LENGTH', `packet block at offset ${offset} claims ${capLen} captured bytes in a ${len}-byte block`, this.frameCount + 1);
      return;
    }
    if (iface === undefined) {
      this.diag('PCAPNG_UNKNOWN_INTERFACE', `packet block at offset ${offset} names interface ${interfaceId}, section has ${this.interfaces.length}`, this.frameCount + 1);
      return;
    }
    toSecNsec(this.u32(buf, pos + 12), this.u32(buf, pos + 16), iface.time, this.ts);
    const origLen = this.u32(buf, pos + 24);
    const optionsAt = pos + dataAt + ((capLen + 3) & ~3);
    let comments: string[] | undefined;
    if (optionsAt < pos + len - 4) {
      const bad = readOptions(buf, optionsAt, pos + len - 4, this.littleEndian, (code, at, n) => {
        if (code === OPT_COMMENT) (comments ??= []).push(buf.toString('utf8', at, at + n));
      });
      if (bad) this.diag('PCAPNG_BAD_OPTION', `packet block options at offset ${offset}`, this.frameCount + 1);
    }
    this.deliver(buf, pos + dataAt, capLen, origLen, offset + dataAt, iface.linkType, interfaceId, comments);
  }

  /** SPB (section 4.4): no timestamp, interface 0; captured length from IDB 0's snap length. */
  private simplePacket(buf: Buffer, pos: number, len: number, offset: number): void {
    const iface = this.interfaces[0];
    if (len < 16) {
      this.diag('PCAPNG_BAD_BLOCK_LENGTH', `simple packet block of ${len} bytes at offset ${offset}`, this.frameCount + 1);
      return;
    }
    if (iface === undefined) {
      this.diag('PCAPNG_UNKNOWN_INTERFACE', `simple packet block at offset ${offset} before any interface block`, this.frameCount + 1);
      return;
    }
    const origLen = this.u32(buf, pos + 8);
    let capLen = Math.min(origLen, len - 16);
    if (iface.snapLen > 0) capLen = Math.min(capLen, iface.snapLen);
    this.ts.sec = 0;
    this.ts.nsec = 0;
    this.deliver(buf, pos + 12, capLen, origLen, offset + 12, iface.linkType, 0, undefined);
  }

  private deliver(
    buf: Buffer, at: number, capLen: number, origLen: number, fileOffset: number,
    linkType: number, interfaceId: number, comments: string[] | undefined,
  ): void {
    this.events.onRecord(new ChunkRecord(this.nextFrame(), this.ts.sec, this.ts.nsec, linkType, buf, at, at + capLen, origLen, fileOffset, interfaceId, comments));
  }

  // ---- resynchronisation --------------------------------------------------------------

  protected override step(input: PendingInput): PendingInput | undefined {
    return this.resyncing ? this.scan(input, false) : this.feedUnits(input);
  }

  protected badUnit(rest: PendingInput): PendingInput | undefined {
    if (this.stopped) return undefined; // fatal on the first block
    this.resyncing = true;
    this.resyncStart = rest.offset;
    this.resyncBuf.start(rest.offset + 1);
    // skip the first byte: the damaged block itself is not a candidate
    return { buf: rest.buf.subarray(1), offset: rest.offset + 1 };
  }

  /**
   * Scans held + new bytes for a plausible block: known type, valid length, and the same
   * length repeated at its end. Returns the bytes from that block on, to be parsed normally.
   * With `final` (end of input) a candidate reaching past the end is rejected, not awaited.
   */
  private scan(input: PendingInput | undefined, final: boolean): PendingInput | undefined {
    const r = this.resyncBuf;
    if (input !== undefined) r.append(input.buf, 0, input.buf.length);
    const bytes = r.bytes;
    let p = 0;
    for (; p + BLOCK_MIN_BYTES <= r.length; p++) {
      const len = this.candidateLength(bytes, p);
      if (len === 0) continue;
      if (p + len > r.length) {
        if (final) continue;
        break; // wait for the rest of this candidate
      }
      const le = bytes.readUInt32LE(p) === PCAPNG_SHB ? bytes.readUInt32LE(p + 8) === PCAPNG_BYTE_ORDER_MAGIC : this.littleEndian;
      const trailer = le ? bytes.readUInt32LE(p + len - 4) : bytes.readUInt32BE(p + len - 4);
      if (trailer !== len) continue;
      const offset = r.offset + p;
      this.diag('PCAPNG_RESYNC', `skipped ${offset - this.resyncStart} damaged bytes at offset ${this.resyncStart}; reading again at offset ${offset}`, this.frameCount + 1);
      this.resyncing = false;
      r.consume(p);
      return { buf: r.detach(), offset };
    }
    if (final) {
      this.diag('PCAPNG_RESYNC_FAILED', `no readable block after the damage at offset ${this.resyncStart}; reading stopped`, this.frameCount + 1);
      this.resyncing = false;
      this.stop();
      return undefined;
    }
    r.consume(p);
    return undefined;
  }

  /** Block length if a plausible block starts at bytes[p], else 0. */
  private candidateLength(bytes: Buffer, p: number): number {
    const typeLe = bytes.readUInt32LE(p);
    let len: number;
    if (typeLe === PCAPNG_SHB) {
      const bom = bytes.readUInt32LE(p + 8);
      if (bom === PCAPNG_BYTE_ORDER_MAGIC) len = bytes.readUInt32LE(p + 4);
      else if (bom === 0x4d3c2b1a) len = bytes.readUInt32BE(p + 4);
      else return 0;
      if (len < SHB_MIN_BYTES) return 0;
    } else {
      if (!KNOWN_BLOCKS.has(this.u32(bytes, p))) return 0;
      len = this.u32(bytes, p + 4);
    }
    return len >= BLOCK_MIN_BYTES && len % 4 === 0 && len <= RESYNC_MAX_BLOCK_BYTES ? len : 0;
  }

  protected finish(): void {
    // End of input: settle any scan in progress, and give an incomplete final block one
    // chance to be damage hiding later blocks before calling it a truncated record.
    let next: PendingInput | undefined;
    for (;;) {
      if (this.stopped) return;
      if (this.resyncing) next = this.scan(next, true);
      else if (next !== undefined) next = this.feedUnits(next);
      else if (this.carry.length > 0 && this.sectionCount > 0 && this.hiddenBlockInCarry()) {
        next = this.badUnit({ buf: this.carry.detach(), offset: this.carry.offset });
        // not reported as a trailer mismatch: the block is cut, the scan reports what it skips
      } else break;
    }
    if (this.carry.length === 0) return;
    if (this.sectionCount === 0) {
      this.fatal(CAPTURE_CODES.CAPTURE_DAMAGED, `damaged capture: the pcapng section header is cut after ${this.carry.length} bytes`, this.carry.offset);
      return;
    }
    this.diag(
      CAPTURE_CODES.CAPTURE_TRUNCATED_RECORD,
      `the capture ends inside a block (${this.carry.length} bytes of it at offset ${this.carry.offset})`,
      this.frameCount + 1,
    );
    this.stop();
  }

  /** True when a complete plausible block sits inside the incomplete final block. */
  private hiddenBlockInCarry(): boolean {
    const bytes = this.carry.bytes;
    for (let p = 1; p + BLOCK_MIN_BYTES <= this.carry.length; p++) {
      const len = this.candidateLength(bytes, p);
      if (len === 0 || p + len > this.carry.length) continue;
      const le = bytes.readUInt32LE(p) === PCAPNG_SHB ? bytes.readUInt32LE(p + 8) === PCAPNG_BYTE_ORDER_MAGIC : this.littleEndian;
      if ((le ? bytes.readUInt32LE(p + len - 4) : bytes.readUInt32BE(p + len - 4)) === len) return true;
    }
    return false;
  }
}
