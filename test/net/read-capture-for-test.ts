/**
 * TEST-ONLY capture reader (whole file in memory): classic pcap in both byte orders with
 * micro- or nanosecond timestamps, and minimal pcapng (SHB byte order, IDB link type and
 * timestamp resolution, EPB/SPB/OPB). The real chunk-fed readers live in
 * src/core/capture; this exists so the net tests do not depend on them.
 */
import { readFileSync } from 'node:fs';
import type { CaptureRecord } from '../../src/core/capture/record.js';

export function readCaptureForTest(file: string): CaptureRecord[] {
  return parseCaptureForTest(readFileSync(file));
}

export function parseCaptureForTest(buf: Buffer): CaptureRecord[] {
  const magicLE = buf.readUInt32LE(0);
  if (magicLE === 0x0a0d0d0a) return parsePcapng(buf);
  return parsePcap(buf);
}

function parsePcap(buf: Buffer): CaptureRecord[] {
  const m = buf.readUInt32LE(0);
  let le: boolean;
  let nano: boolean;
  if (m === 0xa1b2c3d4 || m === 0xa1b23c4d) {
    le = true;
    nano = m === 0xa1b23c4d;
  } else {
    const mb = buf.readUInt32BE(0);
    if (mb !== 0xa1b2c3d4 && mb !== 0xa1b23c4d) throw new Error('not a pcap file');
    le = false;
    nano = mb === 0xa1b23c4d;
  }
  const r32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const linkType = r32(20) & 0x0fffffff;
  const out: CaptureRecord[] = [];
  let off = 24;
  let frame = 0;
  while (off + 16 <= buf.length) {
    const tsSec = r32(off);
    const frac = r32(off + 4);
    const capLen = r32(off + 8);
    const origLen = r32(off + 12);
    const dataOff = off + 16;
    if (dataOff + capLen > buf.length) break;
    frame++;
    out.push({
      frame,
      tsSec,
      tsNsec: nano ? frac : frac * 1000,
      linkType,
      data: buf.subarray(dataOff, dataOff + capLen),
      origLen,
      truncated: origLen > capLen,
      fileOffset: dataOff,
      interfaceId: 0,
    });
    off = dataOff + capLen;
  }
  return out;
}

function parsePcapng(buf: Buffer): CaptureRecord[] {
  const out: CaptureRecord[] = [];
  let le = true;
  let ifaces: { linkType: number; tsDiv: bigint; tsMul: bigint }[] = [];
  let off = 0;
  let frame = 0;
  while (off + 12 <= buf.length) {
    const typeLE = buf.readUInt32LE(off);
    if (typeLE === 0x0a0d0d0a) {
      le = buf.readUInt32LE(off + 8) === 0x1a2b3c4d;
      ifaces = [];
    }
    const r32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
    const r16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
    const type = r32(off);
    const len = r32(off + 4);
    if (len < 12 || off + len > buf.length) break;
    const body = off + 8;
    if (type === 1) {
      // IDB: link type, reserved, snaplen, options (if_tsresol = 9).
      let tsDiv = 1_000_000n;
      let o = body + 8;
      const end = off + len - 4;
      while (o + 4 <= end) {
        const code = r16(o);
        const olen = r16(o + 2);
        if (code === 0) break;
        if (code === 9 && olen >= 1) {
          const v = buf[o + 4]!;
          tsDiv = v & 0x80 ? 2n ** BigInt(v & 0x7f) : 10n ** BigInt(v);
        }
        o += 4 + ((olen + 3) & ~3);
      }
      ifaces.push({ linkType: r16(body), tsDiv, tsMul: 1n });
    } else if (type === 6 || type === 2) {
      const ifId = type === 6 ? r32(body) : r16(body);
      const tsHigh = BigInt(r32(body + 4));
      const tsLow = BigInt(r32(body + 8));
      const capLen = r32(body + 12);
      const origLen = r32(body + 16);
      const dataOff = body + 20;
      const iface = ifaces[ifId] ?? { linkType: 1, tsDiv: 1_000_000n, tsMul: 1n };
      const ts = (tsHigh << 32n) | tsLow;
      const sec = ts / iface.tsDiv;
      const rem = ts % iface.tsDiv;
      frame++;
      out.push({
        frame,
        tsSec: Number(sec),
        tsNsec: Number((rem * 1_000_000_000n) / iface.tsDiv),
        linkType: iface.linkType,
        data: buf.subarray(dataOff, dataOff + capLen),
        origLen,
        truncated: origLen > capLen,
        fileOffset: dataOff,
        interfaceId: ifId,
      });
    } else if (type === 3) {
      const origLen = r32(body);
      const iface = ifaces[0] ?? { linkType: 1, tsDiv: 1_000_000n, tsMul: 1n };
      const capLen = Math.min(origLen, len - 16);
      frame++;
      out.push({
        frame,
        tsSec: 0,
        tsNsec: 0,
        linkType: iface.linkType,
        data: buf.subarray(body + 4, body + 4 + capLen),
        origLen,
        truncated: origLen > capLen,
        fileOffset: body + 4,
        interfaceId: 0,
      });
    }
    off += len;
  }
  return out;
}
