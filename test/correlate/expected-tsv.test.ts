/**
 * Real call flows: the message sequence of every capture in ../shared/captures, as tshark read
 * it (EXPECTED.tsv: addresses, Call-ID, CSeq, method/status), fed through the fake factory.
 * Tags and branches are not in that file, so transactions match by the RFC 2543 fallback.
 * Fails (does not skip) when the shared folder is missing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CALL_STATES } from '../../src/core/correlate/call-state.js';
import { CallCorrelator } from '../../src/core/correlate/correlator.js';
import { fakeMessage } from './fake-message.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CAPTURES = path.resolve(here, '../../../shared/captures');

interface Row {
  file: string;
  frame: number;
  transport: string;
  src: string;
  dst: string;
  callId: string;
  cseq: string;
  what: string;
}

function loadRows(): Map<string, Row[]> {
  const text = readFileSync(path.join(CAPTURES, 'EXPECTED.tsv'), 'utf8');
  const byFile = new Map<string, Row[]>();
  for (const line of text.split('\n').slice(1)) {
    if (line === '') continue;
    const [file, frame, transport, src, sport, dst, dport, callId, cseq, what] = line.split('\t');
    const row: Row = { file: file!, frame: Number(frame), transport: transport!, src: `${src}:${sport}`, dst: `${dst}:${dport}`, callId: callId!, cseq: cseq!, what: what! };
    const rows = byFile.get(row.file) ?? [];
    rows.push(row);
    byFile.set(row.file, rows);
  }
  return byFile;
}

function correlate(rows: readonly Row[]): CallCorrelator {
  const c = new CallCorrelator();
  for (const r of rows) {
    const [num, method] = r.cseq.split(' ');
    const status = /^\d{3}$/.test(r.what) ? Number(r.what) : undefined;
    const base = { callId: r.callId, cseq: Number(num), cseqMethod: method ?? '', src: r.src, dst: r.dst, atMs: r.frame * 10, transport: r.transport, frame: r.frame };
    c.add(status === undefined ? fakeMessage({ ...base, method: r.what }) : fakeMessage({ ...base, status }));
  }
  c.end();
  return c;
}

const byFile = loadRows();

function statesOf(file: string): Record<string, string> {
  const c = correlate(byFile.get(file) ?? []);
  return Object.fromEntries(c.calls().map((call) => [call.callId, call.state]));
}

describe('EXPECTED.tsv flows', () => {
  it('has the corpus', () => {
    expect(byFile.size).toBeGreaterThan(40);
  });

  it('every file: one call per Call-ID, every message placed, known states', () => {
    for (const [file, rows] of byFile) {
      const c = correlate(rows);
      const ids = new Set(rows.map((r) => r.callId));
      expect(c.calls().length, file).toBe(ids.size);
      expect(c.calls().reduce((n, call) => n + call.messageCount, 0), file).toBe(rows.length);
      for (const call of c.calls()) {
        expect(CALL_STATES, `${file} ${call.callId}`).toContain(call.state);
        expect(call.transactions.reduce((n, t) => n + t.responses.length + (t.request === undefined ? 0 : 1 + t.requestTrain!.count), 0), file).toBe(call.messageCount);
      }
    }
  });

  it('simple calls', () => {
    expect(Object.values(statesOf('pkts-simple-invite.pcap'))).toEqual(['COMPLETED']);
    expect(Object.values(statesOf('heplify-ipv6-udp.pcap'))).toEqual(['COMPLETED']);
    expect(Object.values(statesOf('pkts-sipp-udp.pcap'))).toEqual(Array(5).fill('COMPLETED'));
    expect(Object.values(statesOf('pkts-cancel.pcap'))).toEqual(['CANCELLED']);
    expect(Object.values(statesOf('heplify-sctp-sll.pcap'))).toEqual(['REJECTED']);
    // sngrep leaves this one in CALL SETUP (no ACK captured)
    expect(Object.values(statesOf('sngrep-ipip-tunnel-tcp.pcap'))).toEqual(['COMPLETED']);
  });

  it('aaa.pcap: registrations, auth retries, CANCEL, 480', () => {
    expect(statesOf('sngrep-aaa-register-invite-rtp.pcap')).toEqual({
      '578222729-4665d775@578222732-4665d772': 'AUTH CHALLENGED',
      '105090259-446faf7a@192.168.1.2': 'CANCELLED',
      '85216695-42dcdb1d@192.168.1.2': 'REJECTED',
      '29858147-465b0752@29858051-465b07b2': 'REGISTERED',
      '24487391-449bf2a0@192.168.1.2': 'REJECTED',
      // sngrep says BUSY: we keep 480 Temporarily Unavailable as REJECTED (see call-state.ts)
      '11894297-4432a9f8@192.168.1.2': 'REJECTED',
    });
    const c = correlate(byFile.get('sngrep-aaa-register-invite-rtp.pcap')!);
    const cancelled = c.callById('105090259-446faf7a@192.168.1.2')!;
    // 3 INVITE copies and 11 CANCEL copies: 2 + 10 resends
    expect(cancelled.retransmissionCount).toBe(12);
    expect(cancelled.finalCode).toBe(408);
    expect(c.callById('11894297-4432a9f8@192.168.1.2')!.authChallenged).toBe(true);
  });

  it('webex: 22 unanswered REGISTER copies are FAILED with 20 resends', () => {
    const c = correlate(byFile.get('ndpi-webex-register.pcap')!);
    expect(c.calls()).toHaveLength(1);
    expect(c.calls()[0]!.state).toBe('FAILED');
    expect(c.calls()[0]!.retransmissionCount).toBe(20);
    expect(c.calls()[0]!.transactions).toHaveLength(2);
  });
});
