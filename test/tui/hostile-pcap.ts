/** A tiny pcap whose SIP headers carry terminal escape sequences (written to a temp dir). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pcapGlobalHeader, pcapRecord } from '../../src/core/capture/pcap-writer.js';
import { ethernet, ipv4, udp } from '../net/packet-builders.js';

/** What the From display name holds: clear screen, then a cursor move and an OSC title change. */
export const HOSTILE_NAME = 'Eve\x1b[2J\x1b[10;10H\x1b]0;pwned\x07';

function sipPacket(text: string, sport: number, dport: number, src: string, dst: string): Buffer {
  return ethernet(0x0800, ipv4(src, dst, 17, udp(sport, dport, Buffer.from(text, 'utf8'))));
}

export function writeHostilePcap(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'siptrace-tui-'));
  const file = path.join(dir, 'hostile.pcap');
  const invite = [
    'INVITE sip:bob@example.com SIP/2.0',
    'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-evil1',
    `From: "${HOSTILE_NAME}" <sip:eve@example.com>;tag=e1`,
    'To: <sip:bob@example.com>',
    'Call-ID: evil-\x1b[31mred@example.com',
    'CSeq: 1 INVITE',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const busy = [
    'SIP/2.0 486 Busy Here',
    'Server: Evil\x1b[?1049h\x9b2J',
    'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-evil1',
    `From: "${HOSTILE_NAME}" <sip:eve@example.com>;tag=e1`,
    'To: <sip:bob@example.com>;tag=b1',
    'Call-ID: evil-\x1b[31mred@example.com',
    'CSeq: 1 INVITE',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const frames = [sipPacket(invite, 5060, 5060, '10.0.0.1', '10.0.0.2'), sipPacket(busy, 5060, 5060, '10.0.0.2', '10.0.0.1')];
  const recs = frames.map((data, i) => pcapRecord({ tsSec: 1_700_000_000 + i, tsNsec: 0, data, origLen: data.length }));
  writeFileSync(file, Buffer.concat([pcapGlobalHeader(1), ...recs]));
  return file;
}
