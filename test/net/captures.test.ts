/**
 * Real captures from ../shared/captures: every SIP row of EXPECTED.tsv (tshark's reading)
 * must have a segment with the same frame, transport and innermost addresses and ports.
 * (TCP rows: the frame that completed the message carries a TCP segment of that flow; the
 * stream reassembly itself is tested elsewhere.)
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TransportSegment } from '../../src/core/net/segment.js';
import { captureFiles, CAPTURES_DIR, expectedRows, requireSharedCaptures } from '../conformance/shared-captures.js';
import { decodeAll } from './decode-helpers.js';
import { readCaptureForTest } from './read-capture-for-test.js';

requireSharedCaptures();

const NAMED = [
  'derived-qinq-pkts-cancel.pcap',
  'derived-sll2-pkts-sipp.pcap',
  'derived-vlan8021q-pkts-sip-rtp.pcap',
  'heplify-gre-teb-mirror-udp.pcapng',
  'heplify-ipv6-udp.pcap',
  'heplify-rawip-ipip.pcap',
  'heplify-sctp-sll.pcap',
  'ndpi-vlan-gre-ppp.pcapng',
  'pcapplusplus-requests-pppoe.pcap',
  'sngrep-ipip-tunnel-tcp.pcap',
  'sngrep-ipv6-fragmented-sll.pcap',
  'pkts-ipv4-fragmented-udp.pcap',
  'voipshark-udp-srtp-call.pcap',
  'suricata-tcp-64k-body-null-linktype.pcap',
  'zeek-long-paths-rawipv4.pcap',
  'wiresharkwiki-metasploit-invite-spoof-icmp.pcap',
];

interface Row {
  frame: number;
  transport: string;
  src: string;
  sport: number;
  dst: string;
  dport: number;
}

function rowsOf(file: string): Row[] {
  return expectedRows()
    .filter((r) => r.file === file)
    .map((r) => {
      const c = r.row.split('\t');
      return { frame: Number(c[0]), transport: c[1]!, src: c[2]!, sport: Number(c[3]), dst: c[4]!, dport: Number(c[5]) };
    });
}

const key = (frame: number, transport: string, src: string, sport: number, dst: string, dport: number) =>
  `${frame} ${transport} ${src}:${sport} > ${dst}:${dport}`;

function decodeFile(file: string) {
  const out = decodeAll(readCaptureForTest(path.join(CAPTURES_DIR, file)));
  const keys = new Set(out.segs.map((s) => key(s.frame, s.transport, s.src, s.srcPort, s.dst, s.dstPort)));
  return { ...out, keys };
}

function missing(rows: Row[], keys: Set<string>): string[] {
  return rows
    .filter((r) => ['udp', 'tcp', 'sctp'].includes(r.transport))
    .map((r) => key(r.frame, r.transport, r.src, r.sport, r.dst, r.dport))
    .filter((k) => !keys.has(k));
}

describe('real captures against EXPECTED.tsv', () => {
  it.each(NAMED)('%s: every SIP row has its segment', (file) => {
    const rows = rowsOf(file);
    expect(rows.length).toBeGreaterThan(0);
    const { keys } = decodeFile(file);
    expect(missing(rows, keys)).toEqual([]);
  });

  it('ICMP port-unreachable quoting the INVITE yields no segment', () => {
    const { segs } = decodeFile('wiresharkwiki-metasploit-invite-spoof-icmp.pcap');
    expect(segs.map((s) => s.frame)).toEqual([1, 2]);
  });

  it('IPv4 fragments of voipshark-udp-srtp-call: frame 59 completes 58+59', () => {
    const { segs } = decodeFile('voipshark-udp-srtp-call.pcap');
    const s = segs.find((x) => x.frame === 59) as TransportSegment;
    expect(s.fragmentFrames).toEqual([58, 59]);
    expect(s.payload.subarray(0, 7).toString()).toBe('INVITE ');
    expect(segs.some((x) => x.frame === 58)).toBe(false);
  });

  it('IPv6 fragments of sngrep-ipv6-fragmented-sll are reassembled', () => {
    const { segs, diags } = decodeFile('sngrep-ipv6-fragmented-sll.pcap');
    expect(diags).toEqual([]);
    const s = segs.find((x) => x.frame === 2) as TransportSegment;
    expect(s.fragmentFrames).toEqual([1, 2]);
    expect(s.ipVersion).toBe(6);
  });

  it('pkts-ipv4-fragmented-udp: the lone first fragment is reported at the end, not lost silently', () => {
    const { segs, diags } = decodeFile('pkts-ipv4-fragmented-udp.pcap');
    expect(segs.some((s) => s.frame === 1)).toBe(false);
    expect(diags.map((d) => [d.code, d.frame])).toEqual([['IP_FRAGMENTS_INCOMPLETE', 1]]);
  });

  it('heplify-sctp-sll: DATA chunks carry TSN, stream and PPID', () => {
    const { segs } = decodeFile('heplify-sctp-sll.pcap');
    expect(segs.every((s) => s.transport === 'sctp' && s.sctp !== undefined)).toBe(true);
    expect(segs.find((s) => s.frame === 2)?.sctp).toEqual({ tsn: 43003200, streamId: 0, ppid: 0, flags: 5 });
  });

  it('every capture in the folder: no throw, and every udp/tcp/sctp SIP row is found', () => {
    const problems: string[] = [];
    for (const file of captureFiles()) {
      const { keys } = decodeFile(file);
      for (const m of missing(rowsOf(file), keys)) problems.push(`${file}: ${m}`);
    }
    expect(problems).toEqual([]);
  });
});
