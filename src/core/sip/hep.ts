/**
 * HEP (Homer Encapsulation Protocol) decoding: a capture agent sends each captured packet as
 * one HEP datagram (or back to back on a TCP stream) with the original addresses, ports and
 * timestamp. HEPv3 (a.k.a. EEP): "HEP3", u16 total length, then TLV chunks
 * (vendor u16, type u16, length u16 including the 6-byte chunk header), all big-endian.
 * HEPv1/v2: a fixed header (version, length, family, protocol, ports, addresses, v2 adds a
 * time header), as written by Kamailio/OpenSIPS sipcapture and captagent.
 */
import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { DiagnosticSink } from '../diagnostics.js';
import { formatIpv4, formatIpv6 } from '../net/addr.js';
import type { SipOrigin } from './types.js';

/** HEP payload types (chunk 11) that siptrace names; only SIP becomes a SIP message. */
export const HEP_PAYLOAD_SIP = 1;
export const HEP_PAYLOAD_RTCP_JSON = 5;
export const HEP_PAYLOAD_LOG = 100;

/** Inflated payload limit, bytes: a SIP message over TCP is far below this; stops zip bombs. */
export const HEP_MAX_INFLATED_BYTES = 1 << 20;
/** Largest HEPv3 packet the u16 length field can describe. */
export const HEP3_MAX_PACKET = 0xffff;
/** Bytes a stream consumer needs before hepPacketLength() can answer. */
export const HEP3_HEADER_BYTES = 6;

export interface HepPacket {
  readonly version: 1 | 2 | 3;
  /** Address family as sent: 2 (AF_INET) or 10 (AF_INET6); 0 when absent. */
  readonly ipFamily: number;
  /** IP version derived from the family or from the address chunks present. */
  readonly ipVersion: 4 | 6;
  /** IP protocol number of the original packet: 17 UDP, 6 TCP, 132 SCTP; 0 when absent. */
  readonly ipProto: number;
  /** Original addresses: dotted IPv4 or RFC 5952 IPv6 without brackets; '' when absent. */
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly tsSec?: number;
  readonly tsUsec?: number;
  /** Chunk 11 (1 SIP, 5 RTCP-JSON, 100 LOG, ...); HEPv1/v2 carry SIP only, so 1. */
  readonly payloadType: number;
  /** Payload: a view into the input (chunk 15), or the inflated bytes (chunk 16). */
  readonly payload: Buffer;
  readonly compressed: boolean;
  readonly captureId?: number;
  readonly authKey?: string;
  readonly correlationId?: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Decodes one HEP packet (v1, v2 or v3) from `data`. Returns undefined and reports a
 * diagnostic when the bytes are not HEP or are damaged. Never throws.
 */
export function decodeHep(data: Buffer, report?: DiagnosticSink): HepPacket | undefined {
  if (data.length >= 4 && data[0] === 0x48 && data[1] === 0x45 && data[2] === 0x50 && data[3] === 0x33) {
    return decodeHep3(data, report);
  }
  if (data.length >= 1 && (data[0] === 1 || data[0] === 2)) return decodeHep12(data, report);
  report?.({ code: 'HEP_UNKNOWN_VERSION' });
  return undefined;
}

function decodeHep3(data: Buffer, report?: DiagnosticSink): HepPacket | undefined {
  if (data.length < HEP3_HEADER_BYTES) {
    report?.({ code: 'HEP_TRUNCATED' });
    return undefined;
  }
  const total = data.readUInt16BE(4);
  if (total < HEP3_HEADER_BYTES) {
    report?.({ code: 'HEP_BAD_LENGTH' });
    return undefined;
  }
  if (total > data.length) {
    report?.({ code: 'HEP_TRUNCATED', detail: `length ${total} > ${data.length} bytes` });
    return undefined;
  }
  const h: Mutable<HepPacket> = {
    version: 3, ipFamily: 0, ipVersion: 4, ipProto: 0, src: '', dst: '', srcPort: 0, dstPort: 0,
    payloadType: 0, payload: data.subarray(0, 0), compressed: false,
  };
  let havePayload = false;
  let v6Seen = false;
  let off = HEP3_HEADER_BYTES;
  while (off < total) {
    if (off + 6 > total) {
      report?.({ code: 'HEP_TRUNCATED', detail: 'chunk header' });
      return undefined;
    }
    const vendor = data.readUInt16BE(off);
    const type = data.readUInt16BE(off + 2);
    const len = data.readUInt16BE(off + 4);
    if (len < 6) {
      report?.({ code: 'HEP_BAD_CHUNK', detail: `chunk ${type} length ${len}` });
      return undefined;
    }
    if (off + len > total) {
      report?.({ code: 'HEP_TRUNCATED', detail: `chunk ${type}` });
      return undefined;
    }
    const v = off + 6;
    const vlen = len - 6;
    off += len;
    if (vendor !== 0) continue; // vendor-specific chunk: not ours to read
    const fixed = (want: number | readonly number[]): boolean => {
      const ok = typeof want === 'number' ? vlen === want : want.includes(vlen);
      if (!ok) report?.({ code: 'HEP_BAD_CHUNK', detail: `chunk ${type} length ${len}` });
      return ok;
    };
    switch (type) {
      case 1: if (fixed(1)) h.ipFamily = data[v]!; break;
      case 2: if (fixed(1)) h.ipProto = data[v]!; break;
      case 3: if (fixed(4)) h.src = formatIpv4(data, v); break;
      case 4: if (fixed(4)) h.dst = formatIpv4(data, v); break;
      case 5: if (fixed(16)) { h.src = formatIpv6(data, v); v6Seen = true; } break;
      case 6: if (fixed(16)) { h.dst = formatIpv6(data, v); v6Seen = true; } break;
      case 7: if (fixed(2)) h.srcPort = data.readUInt16BE(v); break;
      case 8: if (fixed(2)) h.dstPort = data.readUInt16BE(v); break;
      case 9: if (fixed(4)) h.tsSec = data.readUInt32BE(v); break;
      case 10: if (fixed(4)) h.tsUsec = data.readUInt32BE(v); break;
      case 11: if (fixed(1)) h.payloadType = data[v]!; break;
      case 12: if (fixed([2, 4])) h.captureId = vlen === 4 ? data.readUInt32BE(v) : data.readUInt16BE(v); break;
      case 14: h.authKey = data.toString('utf8', v, v + vlen).replace(/\0+$/, ''); break;
      case 15:
        h.payload = data.subarray(v, v + vlen);
        h.compressed = false;
        havePayload = true;
        break;
      case 16: {
        const inflated = inflatePayload(data.subarray(v, v + vlen));
        if (!inflated) {
          report?.({ code: 'HEP_INFLATE_FAILED' });
          return undefined;
        }
        h.payload = inflated;
        h.compressed = true;
        havePayload = true;
        break;
      }
      case 17: h.correlationId = data.toString('utf8', v, v + vlen).replace(/\0+$/, ''); break;
      default: break; // other generic chunks (VLAN, MOS, node name...) are not needed here
    }
  }
  if (!havePayload) {
    report?.({ code: 'HEP_NO_PAYLOAD' });
    return undefined;
  }
  h.ipVersion = h.ipFamily === 10 || (h.ipFamily !== 2 && v6Seen) ? 6 : 4;
  return h;
}

/** zlib first (what HEP agents send), then gzip and raw deflate; bounded output. */
function inflatePayload(z: Buffer): Buffer | undefined {
  const opts = { maxOutputLength: HEP_MAX_INFLATED_BYTES };
  for (const f of [inflateSync, gunzipSync, inflateRawSync]) {
    try {
      return f(z, opts);
    } catch {
      // try the next format
    }
  }
  return undefined;
}

/** Linux, BSD and macOS values of AF_INET6 seen in HEPv1/v2 family bytes. */
const AF_INET6_VALUES: readonly number[] = [10, 24, 28, 30];

/**
 * HEPv1/v2: u8 version, u8 length, u8 family, u8 protocol, u16 sport, u16 dport (network
 * order), then 4+4 or 16+16 address bytes; v2 then has u32 sec, u32 usec, u16 capture id (+2 bytes of struct padding) in
 * the sender's host order (little-endian on the x86 agents that send it); then the payload.
 */
function decodeHep12(data: Buffer, report?: DiagnosticSink): HepPacket | undefined {
  const version = data[0] as 1 | 2;
  if (data.length < 8) {
    report?.({ code: 'HEP_TRUNCATED' });
    return undefined;
  }
  const family = data[2]!;
  const v6 = AF_INET6_VALUES.includes(family);
  if (family !== 2 && !v6) {
    report?.({ code: 'HEP_BAD_FAMILY', detail: `family ${family}` });
    return undefined;
  }
  const addrLen = v6 ? 16 : 4;
  // struct hep_timehdr { u32 sec; u32 usec; u16 captid; } is 12 bytes with the C struct's
  // tail padding, and agents (kamailio siptrace, captagent) send sizeof() of it
  const timeLen = version === 2 ? 12 : 0;
  const payloadAt = 8 + 2 * addrLen + timeLen;
  if (data.length < payloadAt) {
    report?.({ code: 'HEP_TRUNCATED' });
    return undefined;
  }
  const a = 8;
  const h: Mutable<HepPacket> = {
    version,
    ipFamily: family,
    ipVersion: v6 ? 6 : 4,
    ipProto: data[3]!,
    src: v6 ? formatIpv6(data, a) : formatIpv4(data, a),
    dst: v6 ? formatIpv6(data, a + addrLen) : formatIpv4(data, a + addrLen),
    srcPort: data.readUInt16BE(4),
    dstPort: data.readUInt16BE(6),
    payloadType: HEP_PAYLOAD_SIP,
    payload: data.subarray(payloadAt),
    compressed: false,
  };
  if (version === 2) {
    const t = 8 + 2 * addrLen;
    h.tsSec = data.readUInt32LE(t);
    h.tsUsec = data.readUInt32LE(t + 4);
    h.captureId = data.readUInt16LE(t + 8);
  }
  return h;
}

const IP_PROTO_NAMES: Readonly<Record<number, string>> = { 6: 'tcp', 17: 'udp', 132: 'sctp' };

/** Transport label for SIP carried in HEP: `hep3/udp`, `hep3/tcp`, `hep2/udp`, `hep3/ip50`... */
export function hepTransportLabel(h: Pick<HepPacket, 'version' | 'ipProto'>): string {
  const name = IP_PROTO_NAMES[h.ipProto] ?? (h.ipProto === 0 ? 'unknown' : `ip${h.ipProto}`);
  return `hep${h.version}/${name}`;
}

/** What the capture knows about the packet that carried a HEP datagram. */
export interface HepCarrier {
  readonly frame: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly fileOffset: number;
  readonly frames?: readonly number[];
}

/**
 * The SipOrigin of SIP carried in HEP: addresses, ports and transport from the HEP chunks
 * (not the outer packet, which goes to the collector). The time is the carrier's packet time
 * by default, so a file replays the same way (DESIGN.md); `useHepTime` takes the agent's
 * capture time instead when the packet has one.
 */
export function hepSipOrigin(h: HepPacket, carrier: HepCarrier, useHepTime = false): SipOrigin {
  const hepTime = useHepTime && h.tsSec !== undefined;
  const origin: { -readonly [K in keyof SipOrigin]: SipOrigin[K] } = {
    frame: carrier.frame,
    tsSec: hepTime ? h.tsSec! : carrier.tsSec,
    tsNsec: hepTime ? Math.min(999_999, h.tsUsec ?? 0) * 1000 : carrier.tsNsec,
    transport: hepTransportLabel(h),
    ipVersion: h.ipVersion,
    src: h.src,
    srcPort: h.srcPort,
    dst: h.dst,
    dstPort: h.dstPort,
    fileOffset: carrier.fileOffset,
  };
  if (carrier.frames !== undefined) origin.frames = carrier.frames;
  return origin;
}

/** True when the HEP payload is a SIP message (payload type 1). */
export function isHepSip(h: Pick<HepPacket, 'payloadType'>): boolean {
  return h.payloadType === HEP_PAYLOAD_SIP;
}

/**
 * Length of the HEPv3 packet starting at `offset` of a stream buffer: a number when the
 * 6-byte header is there, `undefined` when more bytes are needed, -1 when the bytes there
 * are not a HEPv3 header (the consumer resynchronises, see splitHepStream).
 */
export function hepPacketLength(buf: Uint8Array, offset = 0): number | undefined {
  const avail = buf.length - offset;
  const magic = [0x48, 0x45, 0x50, 0x33];
  for (let i = 0; i < Math.min(4, avail); i++) if (buf[offset + i] !== magic[i]) return -1;
  if (avail < HEP3_HEADER_BYTES) return undefined;
  const len = (buf[offset + 4]! << 8) | buf[offset + 5]!;
  return len < HEP3_HEADER_BYTES ? -1 : len;
}

export interface HepStreamSplit {
  /** Complete HEPv3 packets, as views into the input. */
  readonly packets: Buffer[];
  /** Offset of the first byte not consumed (keep buf.subarray(consumed) for the next chunk). */
  readonly consumed: number;
  /** Bytes skipped because they did not start a HEPv3 packet. */
  readonly skipped: number;
}

/**
 * Frames back-to-back HEPv3 packets on a TCP stream. Garbage is skipped up to the next "HEP3"
 * magic (reported once per run as HEP_STREAM_RESYNC). A partial packet at the end stays
 * unconsumed.
 */
export function splitHepStream(buf: Buffer, report?: DiagnosticSink): HepStreamSplit {
  const packets: Buffer[] = [];
  let off = 0;
  let skipped = 0;
  while (off < buf.length) {
    const len = hepPacketLength(buf, off);
    if (len === undefined) break;
    if (len === -1) {
      let next = buf.indexOf('HEP3', off + 1, 'latin1');
      if (next < 0) {
        // keep a tail that could be the start of a magic split across chunks
        next = Math.max(off + 1, buf.length - 3);
        while (next < buf.length && hepPacketLength(buf, next) === -1) next++;
      }
      skipped += next - off;
      report?.({ code: 'HEP_STREAM_RESYNC' });
      off = next;
      continue;
    }
    if (off + len > buf.length) break;
    packets.push(buf.subarray(off, off + len));
    off += len;
  }
  return { packets, consumed: off, skipped };
}
