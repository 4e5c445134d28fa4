/**
 * Eager-parse throughput on the 111 real messages of pkts-sipp-udp.pcap and sngrep-aaa (run
 * with `npx vitest bench --run test/sip`); messages/s = hz x 111. The lazy header decode is
 * measured separately. Measured while writing it: ~2,600 hz under vitest (~290k messages/s),
 * ~450k messages/s (~220 MB/s, 488-byte messages) in plain node; the one-pass param scan
 * (params.ts findHeaderParam) was worth +35%.
 */
import { bench, describe } from 'vitest';
import { parseSipMessage } from '../../src/core/sip/message.js';
import { matchStartLine } from '../../src/core/sip/start-line.js';
import { readUdpPayloads } from './read-udp-payloads-for-test.js';
import { ORIGIN } from './origin-for-test.js';

const messages = ['pkts-sipp-udp.pcap', 'sngrep-aaa-register-invite-rtp.pcap']
  .flatMap((f) => readUdpPayloads(f))
  .filter((u) => matchStartLine(u.payload))
  .map((u) => Buffer.from(u.payload));

describe(`parse ${messages.length} real SIP messages`, () => {
  bench('eager parse (correlation fields)', () => {
    for (const raw of messages) parseSipMessage(raw, ORIGIN);
  });
  bench('eager parse + headers()', () => {
    for (const raw of messages) parseSipMessage(raw, ORIGIN).headers();
  });
});
