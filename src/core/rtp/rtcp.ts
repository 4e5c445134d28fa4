/**
 * RTCP compound packets (RFC 3550 §6): SR, RR, SDES, BYE, APP and XR (RFC 3611) headers and
 * report blocks. Never throws: a packet whose length does not fit stops the walk with a
 * diagnostic; the packets read before it are returned.
 */
import type { DiagnosticSink } from '../diagnostics.js';

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const RTCP_APP = 204;
export const RTCP_RTPFB = 205;
export const RTCP_PSFB = 206;
export const RTCP_XR = 207;

/** SDES items read per chunk at most (RFC 3550 §6.5 defines 8 types; more is garbage). */
export const MAX_SDES_ITEMS_PER_CHUNK = 16;

/** RFC 3550 §6.4.1 report block (24 bytes). */
export interface RtcpReportBlock {
  /** SSRC of the source this block reports on. */
  readonly ssrc: number;
  /** Fraction lost since the previous report, 0-255 (fixed point /256). */
  readonly fractionLost: number;
  /** Cumulative packets lost, a signed 24-bit value (negative with duplicates, §6.4.1). */
  readonly cumulativeLost: number;
  readonly highestSeq: number;
  /** Interarrival jitter in RTP timestamp units. */
  readonly jitter: number;
  readonly lastSr: number;
  readonly delaySinceLastSr: number;
}

export interface RtcpSenderInfo {
  readonly ntpSec: number;
  readonly ntpFrac: number;
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
}

export interface RtcpPacket {
  /** Packet type 192-223 (200 SR, 201 RR, …). */
  readonly packetType: number;
  /** The 5-bit count field (report blocks, sources or subtype). */
  readonly count: number;
  /** Bytes of this packet including its header. */
  readonly length: number;
  /** Sender SSRC (SR, RR, APP, XR, feedback) or first source (SDES, BYE); undefined when absent. */
  readonly ssrc?: number;
  readonly sender?: RtcpSenderInfo;
  readonly reports?: readonly RtcpReportBlock[];
  /** SDES CNAME of the first chunk (sanitise before display). */
  readonly cname?: string;
  /** APP name (4 ASCII characters). */
  readonly appName?: string;
  /** BYE: every source leaving. */
  readonly sources?: readonly number[];
  /** XR block types (RFC 3611 §4), in order. */
  readonly xrBlockTypes?: readonly number[];
}

export function rtcpTypeName(pt: number): string {
  switch (pt) {
    case RTCP_SR:
      return 'SR';
    case RTCP_RR:
      return 'RR';
    case RTCP_SDES:
      return 'SDES';
    case RTCP_BYE:
      return 'BYE';
    case RTCP_APP:
      return 'APP';
    case RTCP_RTPFB:
      return 'RTPFB';
    case RTCP_PSFB:
      return 'PSFB';
    case RTCP_XR:
      return 'XR';
    default:
      return `PT${pt}`;
  }
}

/**
 * Walks a compound RTCP packet. With `firstOnly` (SRTCP, RFC 3711 §3.4: everything after the
 * first 8 bytes is encrypted and an index + tag trail the packet) only the first header and
 * sender SSRC are read.
 */
export function parseRtcpCompound(buf: Buffer, report?: DiagnosticSink, frame?: number, firstOnly = false): RtcpPacket[] {
  const out: RtcpPacket[] = [];
  const diag = (code: string, detail: string): void => {
    report?.({ code, ...(frame !== undefined ? { frame } : {}), detail });
  };
  let at = 0;
  while (at < buf.length) {
    if (buf.length - at < 4) {
      diag('RTCP_BAD_LENGTH', `${buf.length - at} trailing bytes`);
      break;
    }
    const b0 = buf[at]!;
    if (b0 >> 6 !== 2) {
      diag('RTCP_BAD_VERSION', `version ${b0 >> 6}`);
      break;
    }
    const count = b0 & 0x1f;
    const packetType = buf[at + 1]!;
    if (firstOnly) {
      out.push(at + 8 <= buf.length ? { packetType, count, length: buf.length, ssrc: buf.readUInt32BE(at + 4) } : { packetType, count, length: buf.length });
      break;
    }
    const length = (buf.readUInt16BE(at + 2) + 1) * 4;
    if (at + length > buf.length) {
      diag('RTCP_BAD_LENGTH', `packet type ${packetType} claims ${length} bytes, ${buf.length - at} left`);
      break;
    }
    const pkt = buf.subarray(at, at + length);
    // §6.4.1: padding only on the last packet; the padding count is the packet's last octet.
    let end = length;
    if (b0 & 0x20) {
      const pad = pkt[length - 1]!;
      if (pad === 0 || pad > length - 4) {
        diag('RTCP_BAD_LENGTH', `padding ${pad} in a ${length}-byte packet`);
        break;
      }
      end = length - pad;
    }
    const p = readPacket(pkt.subarray(0, end), packetType, count, length, diag);
    if (!p) break;
    out.push(p);
    at += length;
  }
  return out;
}

function readPacket(pkt: Buffer, packetType: number, count: number, length: number, diag: (c: string, d: string) => void): RtcpPacket | undefined {
  const ssrc = pkt.length >= 8 ? pkt.readUInt32BE(4) : undefined;
  const base = { packetType, count, length, ...(ssrc !== undefined ? { ssrc } : {}) };
  switch (packetType) {
    case RTCP_SR: {
      // §6.4.1: header 8 + sender info 20 + 24 per block
      if (pkt.length < 28 + 24 * count) {
        diag('RTCP_BAD_LENGTH', `SR with ${count} blocks in ${pkt.length} bytes`);
        return undefined;
      }
      const sender: RtcpSenderInfo = {
        ntpSec: pkt.readUInt32BE(8),
        ntpFrac: pkt.readUInt32BE(12),
        rtpTimestamp: pkt.readUInt32BE(16),
        packetCount: pkt.readUInt32BE(20),
        octetCount: pkt.readUInt32BE(24),
      };
      return { ...base, sender, reports: reportBlocks(pkt, 28, count) };
    }
    case RTCP_RR:
      if (pkt.length < 8 + 24 * count) {
        diag('RTCP_BAD_LENGTH', `RR with ${count} blocks in ${pkt.length} bytes`);
        return undefined;
      }
      return { ...base, reports: reportBlocks(pkt, 8, count) };
    case RTCP_SDES: {
      const cname = firstCname(pkt, count);
      return cname !== undefined ? { ...base, cname } : base;
    }
    case RTCP_BYE: {
      if (pkt.length < 4 + 4 * count) {
        diag('RTCP_BAD_LENGTH', `BYE with ${count} sources in ${pkt.length} bytes`);
        return undefined;
      }
      const sources: number[] = [];
      for (let i = 0; i < count; i++) sources.push(pkt.readUInt32BE(4 + 4 * i));
      return { ...base, sources };
    }
    case RTCP_APP:
      if (pkt.length < 12) {
        diag('RTCP_BAD_LENGTH', `APP of ${pkt.length} bytes`);
        return undefined;
      }
      return { ...base, appName: pkt.toString('latin1', 8, 12) };
    case RTCP_XR: {
      // RFC 3611 §2: blocks of BT(8) type-specific(8) block length(16, words excluding header)
      const xrBlockTypes: number[] = [];
      let at = 8;
      while (at + 4 <= pkt.length) {
        xrBlockTypes.push(pkt[at]!);
        at += 4 + 4 * pkt.readUInt16BE(at + 2);
      }
      if (at > pkt.length) {
        diag('RTCP_BAD_LENGTH', 'XR block overruns its packet');
        return undefined;
      }
      return { ...base, xrBlockTypes };
    }
    default:
      return base;
  }
}

function reportBlocks(pkt: Buffer, start: number, count: number): RtcpReportBlock[] {
  const blocks: RtcpReportBlock[] = [];
  for (let i = 0; i < count; i++) {
    const o = start + 24 * i;
    const lostWord = pkt.readUInt32BE(o + 4);
    let cumulativeLost = lostWord & 0xffffff;
    if (cumulativeLost & 0x800000) cumulativeLost -= 0x1000000; // signed 24-bit
    blocks.push({
      ssrc: pkt.readUInt32BE(o),
      fractionLost: lostWord >>> 24,
      cumulativeLost,
      highestSeq: pkt.readUInt32BE(o + 8),
      jitter: pkt.readUInt32BE(o + 12),
      lastSr: pkt.readUInt32BE(o + 16),
      delaySinceLastSr: pkt.readUInt32BE(o + 20),
    });
  }
  return blocks;
}

/** §6.5.1: CNAME (item type 1) of the first chunk; undefined when absent or cut. */
function firstCname(pkt: Buffer, count: number): string | undefined {
  if (count === 0 || pkt.length < 8) return undefined;
  let at = 8;
  for (let n = 0; n < MAX_SDES_ITEMS_PER_CHUNK && at + 2 <= pkt.length; n++) {
    const type = pkt[at]!;
    if (type === 0) return undefined;
    const len = pkt[at + 1]!;
    if (at + 2 + len > pkt.length) return undefined;
    if (type === 1) return pkt.toString('utf8', at + 2, at + 2 + len);
    at += 2 + len;
  }
  return undefined;
}
