import { describe, expect, it } from 'vitest';
import { parseSipMessage } from '../../src/core/sip/message.js';
import { matchStartLine } from '../../src/core/sip/start-line.js';
import { headerNameKey } from '../../src/core/sip/header-names.js';
import { expectedRows, readUdpPayloads } from './read-udp-payloads-for-test.js';

/** Every UDP payload that starts with a SIP start line, parsed, as EXPECTED.tsv rows. */
function parsedRows(file: string, bodyMatchesContentLength = false): { rows: string[]; malformed: number; codes: Set<string> } {
  const rows: string[] = [];
  let malformed = 0;
  const codes = new Set<string>();
  for (const u of readUdpPayloads(file)) {
    if (!matchStartLine(u.payload)) continue;
    const m = parseSipMessage(Buffer.from(u.payload), {
      frame: u.frame, tsSec: 0, tsNsec: 0, transport: 'udp', ipVersion: 4, src: u.src, srcPort: u.srcPort, dst: u.dst, dstPort: u.dstPort, fileOffset: 0,
    });
    if (m.malformed) malformed++;
    for (const d of m.diagnostics) codes.add(d.code);
    // the single-header scan (no decoded list yet) agrees with the decoded list, names in any case
    const listed = parseSipMessage(Buffer.from(u.payload), m);
    const names = new Set(['From', 'to', 'VIA', 'Content-Type', 'X-Call-ID', 'User-Agent', 'Reason', 'f', 'T', 'v', 'c', 'l', 'Nope']);
    for (const h of listed.headers()) names.add(h.name);
    for (const n of names) {
      const fromList = listed.headers().find((h) => headerNameKey(h.name) === headerNameKey(n))?.value;
      expect(parseSipMessage(Buffer.from(u.payload), m).header(n), `${file} frame ${u.frame} header ${n}`).toBe(fromList);
    }
    // every eager field agrees with the lazy header view
    expect(m.headerAll('Call-ID').join(',')).toBe(m.callId);
    expect(m.header('CSeq') ?? '').toBe(m.cseq);
    if (bodyMatchesContentLength && m.contentLength !== undefined) expect(m.body.length).toBe(m.contentLength);
    rows.push([file, m.frame, m.transport, m.src, m.srcPort, m.dst, m.dstPort, m.callId, m.cseq, m.isRequest ? m.method : m.statusCode].join('\t'));
  }
  return { rows, malformed, codes };
}

const expected = (file: string): string[] =>
  expectedRows(file).map((r) => [r.file, r.frame, r.transport, r.src, r.sport, r.dst, r.dport, r.callId, r.cseq, r.methodOrStatus].join('\t'));

describe('real UDP SIP messages (compared with EXPECTED.tsv)', () => {
  it('pkts-sipp-udp.pcap: 30 messages, all well formed', () => {
    const { rows, malformed, codes } = parsedRows('pkts-sipp-udp.pcap', true);
    expect(rows).toHaveLength(30);
    expect(rows).toEqual(expected('pkts-sipp-udp.pcap'));
    expect(malformed).toBe(0);
    expect([...codes]).toEqual([]);
  });

  it('sngrep-aaa-register-invite-rtp.pcap: 81 messages', () => {
    const { rows, malformed } = parsedRows('sngrep-aaa-register-invite-rtp.pcap', true);
    expect(rows).toHaveLength(81);
    expect(rows).toEqual(expected('sngrep-aaa-register-invite-rtp.pcap'));
    expect(malformed).toBe(0);
  });

  it('reads tags, branches and Content-Length the same way tshark does on pkts-sipp-udp.pcap', () => {
    // tshark -r pkts-sipp-udp.pcap -T fields -e frame.number -e sip.from.tag -e sip.to.tag -e sip.Via.branch -e sip.Content-Length
    const want: [number, string, string, string, number][] = [
    [1, '16732SIPpTag001', '', 'z9hG4bK-16732-1-0', 129],
    [2, '16732SIPpTag001', '16640SIPpTag0115', 'z9hG4bK-16732-1-0', 0],
    [3, '16732SIPpTag001', '16640SIPpTag0115', 'z9hG4bK-16732-1-0', 129],
    [4, '16732SIPpTag001', '16640SIPpTag0115', 'z9hG4bK-16732-1-5', 0],
    [5, '16732SIPpTag002', '', 'z9hG4bK-16732-2-0', 129],
    [6, '16732SIPpTag002', '16640SIPpTag0116', 'z9hG4bK-16732-2-0', 0],
    [7, '16732SIPpTag002', '16640SIPpTag0116', 'z9hG4bK-16732-2-0', 129],
    [8, '16732SIPpTag002', '16640SIPpTag0116', 'z9hG4bK-16732-2-5', 0],
    [9, '16732SIPpTag001', '16640SIPpTag0115', 'z9hG4bK-16732-1-7', 0],
    [10, '16732SIPpTag001', '16640SIPpTag0115', 'z9hG4bK-16732-1-7', 0],
    [11, '16732SIPpTag003', '', 'z9hG4bK-16732-3-0', 129],
    [12, '16732SIPpTag003', '16640SIPpTag0117', 'z9hG4bK-16732-3-0', 0],
    [13, '16732SIPpTag003', '16640SIPpTag0117', 'z9hG4bK-16732-3-0', 129],
    [14, '16732SIPpTag003', '16640SIPpTag0117', 'z9hG4bK-16732-3-5', 0],
    [15, '16732SIPpTag002', '16640SIPpTag0116', 'z9hG4bK-16732-2-7', 0],
    [16, '16732SIPpTag002', '16640SIPpTag0116', 'z9hG4bK-16732-2-7', 0],
    [17, '16732SIPpTag004', '', 'z9hG4bK-16732-4-0', 129],
    [18, '16732SIPpTag004', '16640SIPpTag0118', 'z9hG4bK-16732-4-0', 0],
    [19, '16732SIPpTag004', '16640SIPpTag0118', 'z9hG4bK-16732-4-0', 129],
    [20, '16732SIPpTag004', '16640SIPpTag0118', 'z9hG4bK-16732-4-5', 0],
    [21, '16732SIPpTag003', '16640SIPpTag0117', 'z9hG4bK-16732-3-7', 0],
    [22, '16732SIPpTag003', '16640SIPpTag0117', 'z9hG4bK-16732-3-7', 0],
    [23, '16732SIPpTag004', '16640SIPpTag0118', 'z9hG4bK-16732-4-7', 0],
    [24, '16732SIPpTag005', '', 'z9hG4bK-16732-5-0', 129],
    [25, '16732SIPpTag004', '16640SIPpTag0118', 'z9hG4bK-16732-4-7', 0],
    [26, '16732SIPpTag005', '16640SIPpTag0119', 'z9hG4bK-16732-5-0', 0],
    [27, '16732SIPpTag005', '16640SIPpTag0119', 'z9hG4bK-16732-5-0', 129],
    [28, '16732SIPpTag005', '16640SIPpTag0119', 'z9hG4bK-16732-5-5', 0],
    [29, '16732SIPpTag005', '16640SIPpTag0119', 'z9hG4bK-16732-5-7', 0],
    [30, '16732SIPpTag005', '16640SIPpTag0119', 'z9hG4bK-16732-5-7', 0],
    ];
    const got = readUdpPayloads('pkts-sipp-udp.pcap').map((u) => {
      const m = parseSipMessage(Buffer.from(u.payload), { frame: u.frame, tsSec: 0, tsNsec: 0, transport: 'udp', ipVersion: 4, src: u.src, srcPort: u.srcPort, dst: u.dst, dstPort: u.dstPort, fileOffset: 0 });
      return [m.frame, m.fromTag ?? '', m.toTag ?? '', m.viaBranch ?? '', m.contentLength ?? -1];
    });
    expect(got).toEqual(want);
  });

  it.each([
    'suricata-compact-headers.pcap', 'suricata-duplicate-to-header.pcap', 'zeek-junk-before-request.pcap', 'zeek-invalid-content-length.pcap',
    'protos-c07-sip-r2-malformed.pcap', 'suricata-cloudshark-s0-invite-register.pcap', 'voipshark-udp-rtp-call.pcap',
    'wiresharkwiki-sipp-freeswitch-g726-8calls.pcap',
  ])('%s: every row matches', (file) => {
    const { rows } = parsedRows(file);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(expected(file));
  });

  it('ndpi-fuzzed-aaa-malformed.pcap: never throws; differs from tshark only on known byte flips', () => {
    const exp = new Map(expectedRows('ndpi-fuzzed-aaa-malformed.pcap').map((r) => [r.frame, r]));
    const differ: number[] = [];
    let matched = 0;
    for (const u of readUdpPayloads('ndpi-fuzzed-aaa-malformed.pcap')) {
      // every UDP payload, SIP or not
      const m = parseSipMessage(Buffer.from(u.payload), { frame: u.frame, tsSec: 0, tsNsec: 0, transport: 'udp', ipVersion: 4, src: u.src, srcPort: u.srcPort, dst: u.dst, dstPort: u.dstPort, fileOffset: 0 });
      m.headers();
      const r = exp.get(u.frame);
      if (!r) continue;
      const same = m.callId === r.callId && m.cseq === r.cseq && String(m.isRequest ? m.method : m.statusCode) === r.methodOrStatus;
      if (same) matched++;
      else differ.push(u.frame);
    }
    // 155, 182: tshark cuts values at a NUL byte (we keep it verbatim); 247, 266: a flipped LF
    // leaves a lone CR, which tshark takes as a line end and RFC 3261 §7.5 does not;
    // 527: tshark's own rendering of a 300-byte run of 0xAA in CSeq.
    expect(differ).toEqual([155, 182, 247, 266, 527]);
    expect(matched).toBe(47);
  });
});
