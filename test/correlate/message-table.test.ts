/**
 * The message table's narrow columns (32-bit seconds and CSeq, 32-bit offsets past the block's
 * first, 16-bit payload delta, size, dialog and transaction index, 8-bit CSeq method) give back
 * every value, the ones too wide for their column included (kept aside).
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

  it('keeps offsets past the block\'s first row, sizes, transaction indexes and CSeq methods, wide ones too', () => {
    const base = 2 ** 40 + 7; // a capture past 1 TB: offsets are not 32-bit themselves
    const rows = [
      { offset: base, txn: 1, method: 'OPTIONS', size: 0 },
      { offset: base + 2 ** 32 - 2, txn: 65_534, method: 'OPTIONS', size: 65_534 }, // the largest narrow values
      { offset: base + 2 ** 32 - 1, txn: 65_535, method: 'OPTIONS', size: 65_535 }, // the sentinels themselves: wide
      { offset: base + 2 ** 33, txn: 70_000, method: 'OPTIONS', size: 100_000 }, // past the column's range
      { offset: base - 1, txn: 2, method: 'OPTIONS', size: 10 }, // before the block's first row (out of order)
      { offset: -1, txn: 3, method: 'OPTIONS', size: 10 }, // no capture offset
    ];
    const t = new MessageTable(undefined);
    let seq = 0;
    const sent: { raw: Buffer; offset: number; txn: number; method: string }[] = [];
    // 300 distinct CSeq methods: ids past 254 go wide
    for (let m = 0; m < 300; m++) rows.push({ offset: base + 100 + m, txn: 4, method: `X${m}`, size: 1 });
    for (const r of rows) {
      const text = BYTES.toString('latin1').replace('CSeq: 7 OPTIONS', `CSeq: 7 ${r.method}`).replace('\r\n\r\n', `\r\nX-Pad: ${'p'.repeat(r.size)}\r\n\r\n`);
      const raw = Buffer.from(text, 'latin1');
      const msg = parseSipMessage(raw, { frame: 1, tsSec: 1, tsNsec: 0, transport: 'udp', ipVersion: 4, src: '1.2.3.4', srcPort: 5060, dst: '5.6.7.8', dstPort: 5060, fileOffset: r.offset });
      t.append(++seq, msg, -1, { callIndex: 1, transactionIndex: r.txn, dialogIndex: 1, retransmission: false, flow: t.flows.intern(msg) });
      sent.push({ raw, offset: r.offset, txn: r.txn, method: r.method });
    }
    sent.forEach((r, i) => {
      const s = i + 1;
      expect(t.recordOffset(s), `row ${s}`).toBe(r.offset);
      expect(t.transactionIndex(s), `row ${s}`).toBe(r.txn);
      expect(t.cseqMethod(s), `row ${s}`).toBe(r.method);
      expect(t.payloadLength(s), `row ${s}`).toBe(r.raw.length);
      expect(t.payload(s).equals(r.raw), `row ${s}`).toBe(true);
    });
    expect(sent.some((r) => r.raw.length > 65_535)).toBe(true);
  });

  it('reads a message again at an offset past 4 GiB from the block\'s first row', () => {
    const first = message(1, '1', 100);
    const far = message(2, '2', 2 ** 32 + 500);
    const reads: [number, number][] = [];
    const t = new MessageTable({ read: (pos, len) => (reads.push([pos, len]), pos === 2 ** 32 + 520 ? far.raw : first.raw) });
    t.append(1, first, 110, { callIndex: 1, transactionIndex: 1, dialogIndex: 1, retransmission: false, flow: t.flows.intern(first) });
    t.append(2, far, 2 ** 32 + 520, { callIndex: 1, transactionIndex: 2, dialogIndex: 1, retransmission: false, flow: t.flows.intern(far) });
    expect(t.payload(2).equals(far.raw)).toBe(true);
    expect(reads).toEqual([[2 ** 32 + 520, far.raw.length]]);
    expect(t.copiedMessages).toBe(0);
  });
});
