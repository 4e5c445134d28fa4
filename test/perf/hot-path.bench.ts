/**
 * Micro-benchmarks behind the hot-path choices (run with `npx vitest bench --run test/perf`).
 * The numbers in the
 * comments (measured against the code each choice replaced, since removed) are plain-node measurements on the machine the work was done on (2 vCPU, Node 20),
 * end to end on a 165 MB capture of 230k SIP messages: `siptrace messages` went from
 * 1.93 s to about 1.35 s CPU (see the report in the commit that added this file).
 *
 * - Buffer#toString('utf8', s, e) vs utf8Slice(s, e): ~100 vs ~85 ns per short value; every
 *   call is a C++ transition, so the lazy fields (tags, branch, URI, reason) save most.
 * - Buffer.from(view) vs allocUnsafe + copy: ~300 vs ~250 ns for a 500-byte message; a
 *   subarray alone costs ~95 ns (FastBuffer construction), hence the in-place records.
 * - Known-method interning: no decode call for the method and the CSeq method.
 * - Content-Length read in the framer's one header scan (no colon search per line).
 */
import { bench, describe } from 'vitest';
import { frameDatagram } from '../../src/core/sip/framer.js';
import { parseSipMessage } from '../../src/core/sip/message.js';
import { matchStartLine } from '../../src/core/sip/start-line.js';
import { TcpReassembler } from '../../src/core/reasm/tcp-stream.js';
import type { TransportSegment } from '../../src/core/net/segment.js';
import { ORIGIN } from '../sip/origin-for-test.js';
import { readUdpPayloads } from '../sip/read-udp-payloads-for-test.js';

const payloads = ['pkts-sipp-udp.pcap', 'sngrep-aaa-register-invite-rtp.pcap'].flatMap((f) => readUdpPayloads(f)).map((u) => Buffer.from(u.payload));
const sip = payloads.filter((p) => matchStartLine(p));
const notSip = payloads.filter((p) => !matchStartLine(p));

type WithSlices = Buffer & { utf8Slice(start: number, end: number): string };

describe(`parse ${sip.length} real messages (correlation fields only, as \`siptrace messages\`)`, () => {
  bench('now: lazy tags/branch/URI/reason, interned methods', () => {
    for (const raw of sip) parseSipMessage(raw, ORIGIN).cseq;
  });
  bench('now, then reading every lazy field (what correlation does)', () => {
    for (const raw of sip) {
      const m = parseSipMessage(raw, ORIGIN);
      void [m.fromTag, m.toTag, m.viaBranch, m.requestUri, m.reason];
    }
  });
});

describe(`frameDatagram over ${payloads.length} UDP payloads (${notSip.length} not SIP)`, () => {
  bench('now: one header scan reads Content-Length', () => {
    for (const p of payloads) frameDatagram(p, 1);
  });
});

describe('matchStartLine', () => {
  bench('now: prefix first, one pass to the line end', () => {
    for (const p of payloads) matchStartLine(p);
  });
});

describe('decoding a short value', () => {
  const buf = Buffer.from('Call-ID: 1-8885@127.0.78.1\r\n') as WithSlices;
  bench('toString(utf8, s, e)', () => {
    for (let i = 0; i < 1000; i++) buf.toString('utf8', 9, 26);
  });
  bench('utf8Slice(s, e)', () => {
    for (let i = 0; i < 1000; i++) buf.utf8Slice(9, 26);
  });
});

describe('owned copy of a 500-byte message', () => {
  const big = Buffer.alloc(1 << 20, 65);
  bench('Buffer.from(subarray)', () => {
    for (let i = 0; i < 1000; i++) Buffer.from(big.subarray(i * 600, i * 600 + 500));
  });
  bench('allocUnsafe + copy', () => {
    for (let i = 0; i < 1000; i++) {
      const b = Buffer.allocUnsafe(500);
      big.copy(b, 0, i * 600, i * 600 + 500);
    }
  });
});

describe('TCP reassembly, 8 interleaved flows', () => {
  const segs: TransportSegment[] = [];
  for (let i = 0; i < 2000; i++) {
    const f = i % 8;
    segs.push({
      frame: i + 1, tsSec: 1000, tsNsec: i, ipVersion: 4, src: `10.0.0.${f}`, dst: '10.0.1.1', srcPort: 5060 + f, dstPort: 5060,
      transport: 'tcp', payload: Buffer.alloc(400, 0x41), fileOffset: 0, tcp: { seq: Math.floor(i / 8) * 400, ack: 0, flags: 0x18 },
    });
  }
  bench('push (flow-key cache, most-recent shortcut)', () => {
    const tcp = new TcpReassembler({ onData: () => {} });
    for (const s of segs) tcp.push(s);
    tcp.flush();
  });
});
