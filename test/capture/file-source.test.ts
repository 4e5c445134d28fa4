/** readCaptureFile: chunked file reading, gzip, typed errors, progress, abort, readAt. */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureInputError, openForReread, readAt, readCaptureFile } from '../../src/io/file-source.js';
import { collector, readWhole, requireCaptures } from './helpers.js';

const dir = requireCaptures();
const tmp = mkdtempSync(path.join(tmpdir(), 'siptrace-capture-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function readFile(file: string, opts: Parameters<typeof readCaptureFile>[2] = {}) {
  const { events, result } = collector();
  const res = await readCaptureFile(file, events, opts);
  return { ...result, res };
}

async function errorOf(p: Promise<unknown>): Promise<CaptureInputError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CaptureInputError);
    return err as CaptureInputError;
  }
  throw new Error('expected a CaptureInputError');
}

describe('readCaptureFile', () => {
  const pcapPath = path.join(dir, 'pkts-sip-rtp.pcap');
  const ngPath = path.join(dir, 'heplify-gre-teb-mirror-udp.pcapng');

  it('reads a pcap and a pcapng in small chunks, same records as an in-memory read, with progress', async () => {
    for (const file of [pcapPath, ngPath]) {
      const expected = readWhole(readFileSync(file)).records;
      const progress: Array<[number, number | undefined]> = [];
      const got = await readFile(file, { chunkSize: 4093, onProgress: (a, b) => progress.push([a, b]) });
      expect(got.records).toEqual(expected);
      expect(got.res).toMatchObject({ frames: expected.length, compressed: false });
      const size = readFileSync(file).length;
      expect(progress.at(-1)).toEqual([size, size]);
      expect(progress.length).toBeGreaterThan(size / 4093 - 1);
    }
  });

  it('gunzips transparently: same records as the plain file, offsets in the decompressed stream', async () => {
    for (const file of [pcapPath, ngPath]) {
      const plain = readFileSync(file);
      const gzPath = path.join(tmp, `${path.basename(file)}.gz`);
      writeFileSync(gzPath, gzipSync(plain));
      const expected = readWhole(plain).records;
      for (const chunkSize of [1000, 1 << 20]) {
        const got = await readFile(gzPath, { chunkSize });
        expect(got.records).toEqual(expected);
        expect(got.res.compressed).toBe(true);
      }
    }
  });

  it('a gzip cut short yields the records it holds and a truncated-record diagnostic', async () => {
    const gz = gzipSync(readFileSync(pcapPath));
    const cutPath = path.join(tmp, 'cut.pcap.gz');
    writeFileSync(cutPath, gz.subarray(0, Math.floor(gz.length / 2)));
    const got = await readFile(cutPath, { chunkSize: 5000 });
    expect(got.records.length).toBeGreaterThan(10);
    expect(got.diagnostics.map((d) => d.code)).toEqual(['CAPTURE_TRUNCATED_RECORD']);
  });

  it('typed errors: missing file, directory, permission, not a capture, empty, corrupt header', async () => {
    expect((await errorOf(readFile(path.join(tmp, 'nope.pcap')))).code).toBe('ENOENT');
    expect((await errorOf(readFile(tmp))).code).toBe('EISDIR');
    const txt = path.join(tmp, 'notes.txt');
    writeFileSync(txt, 'hello world, not a capture');
    const nac = await errorOf(readFile(txt));
    expect(nac.code).toBe('NOT_A_CAPTURE');
    expect(nac.message).not.toContain('\n');
    const empty = path.join(tmp, 'empty.pcap');
    writeFileSync(empty, '');
    expect((await errorOf(readFile(empty))).code).toBe('EMPTY_CAPTURE');
    const corrupt = await errorOf(readFile(path.join(dir, 'pkts-corrupt-bigendian-header.pcap')));
    expect(corrupt.code).toBe('CAPTURE_RECORD_TOO_LARGE');
    expect(corrupt.message).toContain('pkts-corrupt-bigendian-header.pcap');
    // EACCES is checked for real in test/cli/bad-input.test.ts (run as nobody when root)
    const sub = path.join(tmp, 'sub');
    mkdirSync(sub);
    expect((await errorOf(readFile(path.join(sub, 'x', 'y.pcap')))).code).toBe('ENOENT');
  });

  it('stops on abort with ABORTED', async () => {
    const ac = new AbortController();
    const { events } = collector();
    let n = 0;
    const p = readCaptureFile(pcapPath, { ...events, onRecord: () => { if (++n === 50) ac.abort(); } }, { chunkSize: 1000, signal: ac.signal });
    const err = await errorOf(p);
    expect(err.code).toBe('ABORTED');
    expect(n).toBeLessThan(507);
  });

  it('readAt re-reads record bytes by fileOffset', async () => {
    const seen: Array<{ off: number; hex: string }> = [];
    await readCaptureFile(ngPath, { onRecord: (r) => seen.push({ off: r.fileOffset, hex: r.data.toString('hex') }) });
    const some = [seen[0]!, seen[70]!, seen.at(-1)!];
    for (const s of some) expect((await readAt(ngPath, s.off, s.hex.length / 2)).toString('hex')).toBe(s.hex);
    const h = await openForReread(ngPath);
    expect((await h.readAt(seen[3]!.off, seen[3]!.hex.length / 2)).toString('hex')).toBe(seen[3]!.hex);
    expect((await h.readAt(readFileSync(ngPath).length - 2, 10)).length).toBe(2);
    await h.close();
  });
});
