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
