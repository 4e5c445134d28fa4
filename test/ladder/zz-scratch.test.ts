import { it } from 'vitest';
import { loadCalls } from './load-capture.js';
it('dump', async () => {
  for (const f of ['pkts-simple-invite.pcap','sngrep-ipv6-fragmented-sll.pcap','heplify-gre-teb-mirror-udp.pcapng','sngrep-aaa-register-invite-rtp.pcap']) {
    const calls = await loadCalls(f);
    console.log('=== ' + f);
    for (const c of calls) {
      console.log(c.index, c.callId, c.firstMethod, c.state, c.finalCode, c.finalReason, c.participants.join(' '), c.related);
      for (const e of c.messages) {
        const m = e.message;
        console.log('   ', e.seq, m.frame, m.tsSec + '.' + String(m.tsNsec).padStart(9,'0'), e.src, '->', e.dst, m.isRequest ? m.method : m.statusCode + ' ' + m.reason, 'tx', e.transactionIndex, e.retransmission ? 'RETX' : '', m.body.length, m.header('content-type') ?? '');
      }
    }
  }
});
