/**
 * The message table's narrow columns (32-bit seconds and CSeq, 16-bit payload delta and dialog
 * index) give back every value, the ones too wide for their column included (kept aside).
 */
import { describe, expect, it } from 'vitest';
import { MessageTable, type PayloadReader } from '../../src/core/correlate/message-table.js';
import { parseSipMessage } from '../../src/core/sip/message.js';

const BYTES = Buffer.from('OPTIONS sip:b@x SIP/2.0\r\nCall-ID: c1\r\nCSeq: 7 OPTIONS\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK1\r\n\r\n');

/** A capture of 200 KB where `bytes` sit at `at`. */
function reader(bytes: Buffer, at: number): PayloadReader {
  const file = Buffer.alloc(200_000);
  bytes.copy(file, at);
  return { read: (pos, len) => (pos + len <= file.length ? file.subarray(pos, pos + len) : undefined) };
}

function message(tsSec: number, cseqText: string, fileOffset: number) {
  const raw = Buffer.from(BYTES.toString('latin1').replace('CSeq: 7', `CSeq: ${cseqText}`), 'latin1');
  return parseSipMessage(raw, { frame: 1, tsSec, tsNsec: 5, transport: 'udp', ipVersion: 4, src: '1.2.3.4', srcPort: 5060, dst: '5.6.7.8', dstPort: 5060, fileOffset });
}

describe('message table columns', () => {
  it('keeps ordinary and too-wide values alike', () => {
    const cases = [
      { tsSec: 1_700_000_000, cseq: '7', dialog: 3, delta: 40 },
      { tsSec: 2 ** 33, cseq: '4294967296', dialog: 70_000, delta: 70_000 }, // beyond 2106, > 2^32, many dialogs, a jumbo record
      { tsSec: -3, cseq: '0', dialog: 65_535, delta: 65_534 }, // before 1970; the exact sentinel values
      { tsSec: 12.5, cseq: '4294967294', dialog: 0, delta: 0 },
      { tsSec: 0, cseq: 'x', dialog: 1, delta: 65_535 }, // no CSeq number
    ];
    for (const c of cases) {
      const fileOffset = 1000;
      const msg = message(c.tsSec, c.cseq, fileOffset);
      const t = new MessageTable(reader(msg.raw, fileOffset + c.delta));
      const flow = t.flows.intern(msg);
      t.append(1, msg, fileOffset + c.delta, { callIndex: 1, transactionIndex: 2, dialogIndex: c.dialog, retransmission: false, flow });
      expect(t.tsSec(1), JSON.stringify(c)).toBe(c.tsSec);
      expect(t.tsNsec(1)).toBe(5);
      expect(t.dialogIndex(1)).toBe(c.dialog);
      if (c.cseq === 'x') expect(t.cseqNumber(1)).toBeNaN();
      else expect(t.cseqNumber(1)).toBe(Number(c.cseq));
      expect(t.copiedMessages).toBe(0);
      expect(t.payload(1).equals(msg.raw)).toBe(true);
    }
  });
});
