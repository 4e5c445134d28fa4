/**
 * Net-layer throughput on a real 7k-packet capture (mostly RTP over Ethernet/IPv4/UDP),
 * and the cost of IPv6 address formatting. Run: npx vitest bench test/net
 */
import path from 'node:path';
import { bench, describe } from 'vitest';
import { formatIpv6 } from '../../src/core/net/addr.js';
import { NetDecoder } from '../../src/core/net/net-decoder.js';
import { CAPTURES_DIR } from '../conformance/shared-captures.js';
import { ip6addr } from './packet-builders.js';
import { readCaptureForTest } from './read-capture-for-test.js';

const records = readCaptureForTest(path.join(CAPTURES_DIR, 'heplify-fax-t38-megaco.pcap'));
const addr = ip6addr('fd17:625c:f037:2:a00:27ff:feb9:1521');

describe('net layer', () => {
  bench(`decode ${records.length} records`, () => {
    const dec = new NetDecoder();
    let bytes = 0;
    for (const r of records) dec.decode(r, (s) => (bytes += s.payload.length));
    dec.flush();
    if (bytes === 0) throw new Error('nothing decoded');
  });

  bench('formatIpv6', () => {
    formatIpv6(addr, 0);
  });
});
