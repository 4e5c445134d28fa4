/**
 * TEST-ONLY capture reader: just enough to pull UDP payloads out of the corpus files these SIP
 * tests use (classic pcap with Ethernet or Linux SLL v1, pcapng EPB with the same link types,
 * IPv4 without fragments). The real readers live in src/core/capture and src/core/net.
 */
import { readFileSync } from 'node:fs';
import { segmentsOfFile } from '../support/real-captures.js';
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

/** UDP payloads of a shared capture, in capture order (real readers and decoder). */
export function readUdpPayloads(file: string): UdpPayload[] {
  return segmentsOfFile(path.join(CAPTURES, file))
    .filter((s) => s.transport === 'udp')
    .map((s) => ({ frame: s.frame, src: s.src, srcPort: s.srcPort, dst: s.dst, dstPort: s.dstPort, payload: s.payload }));
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
