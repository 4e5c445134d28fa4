/**
 * Small byte builders for the net tests: each returns a Buffer holding one header plus
 * its payload, so tests read as stacks of layers.
 */
import type { CaptureRecord } from '../../src/core/capture/record.js';

export const hex = (s: string): Buffer => Buffer.from(s.replace(/[\s:]/g, ''), 'hex');

export function ip4addr(text: string): Buffer {
  return Buffer.from(text.split('.').map(Number));
}

/** Expand an IPv6 text address (with at most one ::) to 16 bytes. */
export function ip6addr(text: string): Buffer {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

export interface Ipv4Opts {
  id?: number;
  more?: boolean;
  offset?: number; // bytes, multiple of 8
  ihl?: number; // in 4-byte words
  totalLength?: number; // override
  options?: Buffer;
}

export function ipv4(src: string, dst: string, protocol: number, payload: Buffer, o: Ipv4Opts = {}): Buffer {
  const options = o.options ?? Buffer.alloc(0);
  const hl = 20 + options.length;
  const h = Buffer.alloc(20);
  h[0] = 0x40 | (o.ihl ?? hl / 4);
  h.writeUInt16BE(o.totalLength ?? hl + payload.length, 2);
  h.writeUInt16BE(o.id ?? 0x1234, 4);
  h.writeUInt16BE((o.more ? 0x2000 : 0) | ((o.offset ?? 0) / 8), 6);
  h[8] = 64;
  h[9] = protocol;
  ip4addr(src).copy(h, 12);
  ip4addr(dst).copy(h, 16);
  return Buffer.concat([h, options, payload]);
}

/** IPv6 header; `next` is the first next-header value, `rest` the bytes after the header. */
export function ipv6(src: string, dst: string, next: number, rest: Buffer, payloadLength?: number): Buffer {
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  h.writeUInt16BE(payloadLength ?? rest.length, 4);
  h[6] = next;
  h[7] = 64;
  ip6addr(src).copy(h, 8);
  ip6addr(dst).copy(h, 24);
  return Buffer.concat([h, rest]);
}

/** Generic IPv6 extension header (hop-by-hop, routing, destination options) of 8*n bytes. */
export function ext6(next: number, words8 = 1): Buffer {
  const b = Buffer.alloc(8 * words8);
  b[0] = next;
  b[1] = words8 - 1;
  if (words8 * 8 > 2) b[2] = 0x01; // PadN option
  if (words8 * 8 > 3) b[3] = words8 * 8 - 4;
  return b;
}

export function frag6(next: number, offset: number, more: boolean, id: number): Buffer {
  const b = Buffer.alloc(8);
  b[0] = next;
  b.writeUInt16BE(offset | (more ? 1 : 0), 2);
  b.writeUInt32BE(id, 4);
  return b;
}

export function udp(sport: number, dport: number, payload: Buffer, length?: number): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt16BE(length ?? 8 + payload.length, 4);
  return Buffer.concat([h, payload]);
}

export function tcp(sport: number, dport: number, payload: Buffer, o: { seq?: number; ack?: number; flags?: number; options?: Buffer; dataOffset?: number } = {}): Buffer {
  const options = o.options ?? Buffer.alloc(0);
  const h = Buffer.alloc(20);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt32BE(o.seq ?? 1000, 4);
  h.writeUInt32BE(o.ack ?? 2000, 8);
  h[12] = (o.dataOffset ?? (20 + options.length) / 4) << 4;
  h[13] = o.flags ?? 0x18;
  h.writeUInt16BE(65535, 14);
  return Buffer.concat([h, options, payload]);
}

export function sctpData(tsn: number, streamId: number, ppid: number, data: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h[0] = 0;
  h[1] = 0x03;
  h.writeUInt16BE(16 + data.length, 2);
  h.writeUInt32BE(tsn, 4);
  h.writeUInt16BE(streamId, 8);
  h.writeUInt16BE(0, 10);
  h.writeUInt32BE(ppid, 12);
  const pad = (4 - (data.length % 4)) % 4;
  return Buffer.concat([h, data, Buffer.alloc(pad)]);
}

/** A non-DATA chunk (e.g. SACK type 3) of `len` bytes of value. */
export function sctpChunk(type: number, value: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h[0] = type;
  h.writeUInt16BE(4 + value.length, 2);
  const pad = (4 - (value.length % 4)) % 4;
  return Buffer.concat([h, value, Buffer.alloc(pad)]);
}

export function sctp(sport: number, dport: number, chunks: Buffer[]): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt32BE(0xdeadbeef, 4);
  return Buffer.concat([h, ...chunks]);
}

const MACS = hex('00 11 22 33 44 55 66 77 88 99 aa bb');

export function ethernet(etherType: number, payload: Buffer): Buffer {
  const t = Buffer.alloc(2);
  t.writeUInt16BE(etherType, 0);
  return Buffer.concat([MACS, t, payload]);
}

/** A VLAN tag (TCI + inner EtherType) to put after a tagging EtherType. */
export function vlanTag(vid: number, innerType: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt16BE(vid & 0x0fff, 0);
  b.writeUInt16BE(innerType, 2);
  return b;
}

export function pppoe(ppp: Buffer): Buffer {
  const h = hex('11 00 00 2a 00 00');
  h.writeUInt16BE(ppp.length, 4);
  return Buffer.concat([h, ppp]);
}

export function gre(flags: number, protocol: number, optionalWords: Buffer, payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16BE(flags, 0);
  h.writeUInt16BE(protocol, 2);
  return Buffer.concat([h, optionalWords, payload]);
}

export function sll1(protocol: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(0, 0); // to us
  h.writeUInt16BE(1, 2); // ARPHRD_ETHER
  h.writeUInt16BE(6, 4);
  MACS.copy(h, 6, 0, 6);
  h.writeUInt16BE(protocol, 14);
  return Buffer.concat([h, payload]);
}

export function sll2(protocol: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(protocol, 0);
  h.writeUInt32BE(2, 4); // ifindex
  h.writeUInt16BE(1, 8); // ARPHRD_ETHER
  h[10] = 0;
  h[11] = 6;
  MACS.copy(h, 12, 0, 6);
  return Buffer.concat([h, payload]);
}

export function record(linkType: number, data: Buffer, frame = 1, tsSec = 1_700_000_000, extra: Partial<CaptureRecord> = {}): CaptureRecord {
  return {
    frame,
    tsSec,
    tsNsec: 0,
    linkType,
    data,
    origLen: data.length,
    truncated: false,
    fileOffset: 100 * frame,
    interfaceId: 0,
    ...extra,
  };
}

export const SIP = Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n');
export const SIP_UDP = udp(5060, 5070, SIP);
