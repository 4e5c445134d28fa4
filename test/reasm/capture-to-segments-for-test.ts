/**
 * TEST-ONLY: a tiny classic-pcap → TransportSegment reader, good enough for the TCP/WS
 * captures in ../shared/captures (Ethernet with VLAN tags, Linux SLL v1, NULL/loopback, raw
 * IP; IPv4 without fragments, IPv6 without extension headers; TCP and UDP). The real capture
 * and net decoders replace it later.
 */
import { readFileSync } from 'node:fs';
import { segmentsOfFile } from '../support/real-captures.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TransportSegment } from '../../src/core/net/segment.js';

export const CAPTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/captures');

function ipv6Text(b: Buffer, at: number): string {
  const words: string[] = [];
  for (let i = 0; i < 8; i++) words.push(b.readUInt16BE(at + i * 2).toString(16));
  // RFC 5952: compress the longest run of zero words (length >= 2)
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === '0') j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return words.join(':');
  return `${words.slice(0, best).join(':')}::${words.slice(best + bestLen).join(':')}`;
}

function fromIp(
  b: Buffer,
  at: number,
  end: number,
  base: { frame: number; tsSec: number; tsNsec: number; fileOffset: number; truncated: boolean },
): TransportSegment | undefined {
  if (at >= end) return undefined;
  const version = b[at]! >> 4;
  let proto: number;
  let src: string;
  let dst: string;
  let l4: number;
  let l4End: number;
  if (version === 4) {
    const ihl = (b[at]! & 0x0f) * 4;
    const total = b.readUInt16BE(at + 2);
    proto = b[at + 9]!;
    src = `${b[at + 12]}.${b[at + 13]}.${b[at + 14]}.${b[at + 15]}`;
    dst = `${b[at + 16]}.${b[at + 17]}.${b[at + 18]}.${b[at + 19]}`;
    const frag = b.readUInt16BE(at + 6);
    if (frag & 0x3fff) return undefined; // fragments: not needed by these tests
    if (proto === 4) return fromIp(b, at + ihl, Math.min(end, at + total), base); // IP-in-IP
    l4 = at + ihl;
    l4End = Math.min(end, at + total);
  } else if (version === 6) {
    proto = b[at + 6]!;
    src = ipv6Text(b, at + 8);
    dst = ipv6Text(b, at + 24);
    l4 = at + 40;
    l4End = Math.min(end, l4 + b.readUInt16BE(at + 4));
  } else return undefined;
  if (proto === 6) {
    if (l4End - l4 < 20) return undefined;
    const off = (b[l4 + 12]! >> 4) * 4;
    return {
      ...base,
      ipVersion: version as 4 | 6,
      src,
      dst,
      srcPort: b.readUInt16BE(l4),
      dstPort: b.readUInt16BE(l4 + 2),
      transport: 'tcp',
      payload: b.subarray(Math.min(l4 + off, l4End), l4End),
      tcp: { seq: b.readUInt32BE(l4 + 4), ack: b.readUInt32BE(l4 + 8), flags: b[l4 + 13]! },
    };
  }
  if (proto === 17) {
    return {
      ...base,
      ipVersion: version as 4 | 6,
      src,
      dst,
      srcPort: b.readUInt16BE(l4),
      dstPort: b.readUInt16BE(l4 + 2),
      transport: 'udp',
      payload: b.subarray(l4 + 8, l4End),
    };
  }
  return undefined;
}

/** The TCP and UDP segments of a shared capture, in capture order (real readers and decoder). */
export function captureToSegments(file: string): TransportSegment[] {
  return segmentsOfFile(path.join(CAPTURES_DIR, file)).filter((s) => s.transport === 'tcp' || s.transport === 'udp');
}

export interface ExpectedRow {
  frame: number;
  transport: string;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  callId: string;
  cseq: string;
  methodOrStatus: string;
}

/** Rows of EXPECTED.tsv for one capture file. */
export function expectedRows(file: string): ExpectedRow[] {
  const text = readFileSync(path.join(CAPTURES_DIR, 'EXPECTED.tsv'), 'utf8');
  const rows: ExpectedRow[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.split('\t');
    if (f[0] !== file) continue;
    rows.push({
      frame: Number(f[1]),
      transport: f[2]!,
      src: f[3]!,
      sport: Number(f[4]),
      dst: f[5]!,
      dport: Number(f[6]),
      callId: f[7]!,
      cseq: f[8]!,
      methodOrStatus: f[9]!,
    });
  }
  return rows;
}

/** Minimal test-side reading of a framed SIP message: Call-ID, CSeq, method or status. */
export function summarise(bytes: Buffer): { callId: string; cseq: string; methodOrStatus: string } {
  const text = bytes.toString('latin1');
  const first = text.slice(0, text.search(/\r?\n/));
  const status = /^SIP\/2\.0 (\d{3})/i.exec(first);
  const methodOrStatus = status ? status[1]! : first.split(' ')[0]!;
  const head = text.split(/\r?\n\r?\n/)[0]!;
  const callId = /^(?:call-id|i)[ \t]*:[ \t]*(.*?)[ \t]*$/im.exec(head)?.[1] ?? '';
  const cseq = /^cseq[ \t]*:[ \t]*(.*?)[ \t]*$/im.exec(head)?.[1] ?? '';
  return { callId, cseq, methodOrStatus };
}
