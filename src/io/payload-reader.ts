/**
 * Re-reads message bytes from the capture file by offset (DESIGN.md "The store": payloads are
 * read again on demand instead of living in memory). Synchronous positional reads: a view asks
 * for one message at a time, and the page cache answers in microseconds.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isGzip } from '../core/capture/open-reader.js';
import type { PayloadReader } from '../core/correlate/message-table.js';

/** Closes the descriptor of a reader nobody holds any more (a store dropped without close()). */
const unreferenced = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

export class FilePayloadReader implements PayloadReader {
  private fd: number | undefined;

  private constructor(fd: number) {
    this.fd = fd;
    unreferenced.register(this, fd, this);
  }

  /**
   * A reader for a regular, uncompressed capture file; undefined for stdin, pipes, gzip (offsets
   * count the decompressed stream) or a file that cannot be opened: messages then keep copies.
   */
  static open(path: string): FilePayloadReader | undefined {
    if (path === '-') return undefined;
    let fd: number | undefined;
    try {
      fd = openSync(path, 'r');
      if (!fstatSync(fd).isFile()) throw new Error('not a regular file');
      const head = Buffer.alloc(2);
      if (readSync(fd, head, 0, 2, 0) === 2 && isGzip(head)) throw new Error('gzip');
      return new FilePayloadReader(fd);
    } catch {
      if (fd !== undefined) closeSync(fd);
      return undefined;
    }
  }

  read(position: number, length: number): Buffer | undefined {
    if (this.fd === undefined) return undefined;
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    try {
      while (got < length) {
        const n = readSync(this.fd, buf, got, length - got, position + got);
        if (n === 0) break;
        got += n;
      }
    } catch {
      return undefined;
    }
    return got === length ? buf : undefined;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    unreferenced.unregister(this);
  }
}
