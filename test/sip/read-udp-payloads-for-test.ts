/**
 * TEST-ONLY capture reader: just enough to pull UDP payloads out of the corpus files these SIP
 * tests use (classic pcap with Ethernet or Linux SLL v1, pcapng EPB with the same link types,
 * IPv4 without fragments). The real readers live in src/core/capture and src/core/net.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CAPTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/captures');

export interface UdpPayload {
  frame: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  payload: Buffer;
}

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_LINUX_SLL = 113;

function ipv4Udp(frame: number, pkt: Buffer, at: number): UdpPayload | undefined {
  if (at + 20 > pkt.length || pkt[at]! >> 4 !== 4) return undefined;
  const ihl = (pkt[at]! & 0x0f) * 4;
  const totalLen = pkt.readUInt16BE(at + 2);
  const fragField = pkt.readUInt16BE(at + 6);
  if ((fragField & 0x3fff) !== 0) return undefined; // fragments: not handled by this test reader
  if (pkt[at + 9] !== 17) return undefined;
  const src = `${pkt[at + 12]}.${pkt[at + 13]}.${pkt[at + 14]}.${pkt[at + 15]}`;
  const dst = `${pkt[at + 16]}.${pkt[at + 17]}.${pkt[at + 18]}.${pkt[at + 19]}`;
  const u = at + ihl;
  if (u + 8 > pkt.length) return undefined;
  const udpLen = pkt.readUInt16BE(u + 4);
  const end = Math.min(pkt.length, at + totalLen, u + udpLen);
  return { frame, src, dst, srcPort: pkt.readUInt16BE(u), dstPort: pkt.readUInt16BE(u + 2), payload: pkt.subarray(u + 8, end) };
}

function linkToUdp(frame: number, linkType: number, pkt: Buffer): UdpPayload | undefined {
  let at: number;
  let etherType: number;
  if (linkType === LINKTYPE_ETHERNET) {
    at = 14;
    etherType = pkt.readUInt16BE(12);
    while (etherType === 0x8100 && at + 4 <= pkt.length) {
      etherType = pkt.readUInt16BE(at + 2);
      at += 4;
    }
  } else if (linkType === LINKTYPE_LINUX_SLL) {
    at = 16;
    etherType = pkt.readUInt16BE(14);
  } else return undefined;
  return etherType === 0x0800 ? ipv4Udp(frame, pkt, at) : undefined;
}

/** Every UDP-over-IPv4 payload of a capture file, with its 1-based frame number. */
export function readUdpPayloads(file: string): UdpPayload[] {
  const data = readFileSync(path.isAbsolute(file) ? file : path.join(CAPTURES, file));
  const magic = data.readUInt32LE(0);
  return magic === 0x0a0d0d0a ? readPcapng(data) : readPcap(data);
}

function readPcap(data: Buffer): UdpPayload[] {
  const m = data.readUInt32LE(0);
  const le = m === 0xa1b2c3d4 || m === 0xa1b23c4d;
  if (!le && data.readUInt32BE(0) !== 0xa1b2c3d4 && data.readUInt32BE(0) !== 0xa1b23c4d) throw new Error('not a pcap');
  const u32 = (o: number): number => (le ? data.readUInt32LE(o) : data.readUInt32BE(o));
  const linkType = u32(20) & 0xffff;
  const out: UdpPayload[] = [];
  let off = 24;
  let frame = 0;
  while (off + 16 <= data.length) {
    const incl = u32(off + 8);
    const pkt = data.subarray(off + 16, off + 16 + incl);
    off += 16 + incl;
    frame++;
    const u = linkToUdp(frame, linkType, pkt);
    if (u) out.push(u);
  }
  return out;
}

function readPcapng(data: Buffer): UdpPayload[] {
  const out: UdpPayload[] = [];
  let le = true;
  let linkTypes: number[] = [];
  let off = 0;
  let frame = 0;
  while (off + 12 <= data.length) {
    const typeLE = data.readUInt32LE(off);
    if (typeLE === 0x0a0d0d0a) {
      le = data.readUInt32LE(off + 8) === 0x1a2b3c4d;
      linkTypes = [];
    }
    const u32 = (o: number): number => (le ? data.readUInt32LE(o) : data.readUInt32BE(o));
    const u16 = (o: number): number => (le ? data.readUInt16LE(o) : data.readUInt16BE(o));
    const type = u32(off);
    const len = u32(off + 4);
    if (len < 12) break;
    if (type === 1) linkTypes.push(u16(off + 8));
    else if (type === 6) {
      const iface = u32(off + 8);
      const capLen = u32(off + 20);
      const pkt = data.subarray(off + 28, off + 28 + capLen);
      frame++;
      const u = linkToUdp(frame, linkTypes[iface] ?? -1, pkt);
      if (u) out.push(u);
    } else if (type === 3) frame++; // simple packet block still counts as a frame
    off += len;
  }
  return out;
}

export interface ExpectedRow {
  file: string;
  frame: number;
  transport: string;
  src: string;
  sport: string;
  dst: string;
  dport: string;
  callId: string;
  cseq: string;
  methodOrStatus: string;
}

/** Rows of EXPECTED.tsv for one capture file. */
export function expectedRows(file: string): ExpectedRow[] {
  const text = readFileSync(path.join(CAPTURES, 'EXPECTED.tsv'), 'utf8');
  const rows: ExpectedRow[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.split('\t');
    if (f[0] !== file) continue;
    rows.push({
      file: f[0]!, frame: Number(f[1]), transport: f[2]!, src: f[3]!, sport: f[4]!, dst: f[5]!, dport: f[6]!,
      callId: f[7]!, cseq: f[8]!, methodOrStatus: f[9]!,
    });
  }
  return rows;
}
