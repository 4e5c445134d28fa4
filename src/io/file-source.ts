/**
 * Reads a capture file (or stdin for '-') in chunks into the chunk-fed capture reader,
 * gunzipping on the fly when the input starts with the gzip magic, and yielding to the
 * event loop after every chunk (or every `sliceMs` of decoding, for the UI) so a UI stays
 * responsive while a large file loads.
 *
 * Offsets: CaptureRecord.fileOffset counts bytes of the stream the reader saw. For a
 * gzip-compressed input that is the DECOMPRESSED stream, so readAt() cannot re-read those
 * payloads from the .gz file (ReadCaptureResult.compressed tells the caller).
 */
import { open, stat } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { constants as zlibConstants, createGunzip } from 'node:zlib';
import { createCaptureReader, isGzip } from '../core/capture/open-reader.js';
import type { CaptureFatal, CaptureReaderEvents } from '../core/capture/record.js';

export type CaptureInputErrorCode =
  | 'ENOENT'
  | 'EISDIR'
  | 'EACCES'
  | 'EIO'
  | 'ABORTED'
  | 'GZIP_ERROR'
  | 'NOT_A_CAPTURE'
  | 'EMPTY_CAPTURE'
  | 'CAPTURE_DAMAGED'
  | 'CAPTURE_RECORD_TOO_LARGE';

/** An input that cannot be read; `message` is one line the CLI prints as is. */
export class CaptureInputError extends Error {
  constructor(
    readonly code: CaptureInputErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'CaptureInputError';
  }
}

export interface ReadCaptureOptions {
  /** Bytes per read (default 1 MiB). */
  chunkSize?: number;
  /** Called after each chunk: bytes read from the file (compressed bytes for .gz) and its size when known. */
  onProgress?(bytesRead: number, totalBytes: number | undefined): void;
  signal?: AbortSignal;
  /** Awaited after each chunk: lets a slow consumer (stdout) hold the reader back (back-pressure). */
  pace?(): Promise<void> | undefined;
  /**
   * Longest run of decoding (ms) between two yields to the event loop. Each chunk is then fed
   * in pieces of SLICE_PIECE_BYTES and the reader yields (after onProgress) as soon as this
   * much time went by, so a key waits about this long at most whatever the chunk size and the
   * machine's speed. Unset: one yield per chunk (the CLI: fewer turns, same output).
   */
  sliceMs?: number;
  /** Monotonic clock (ms) for sliceMs; performance.now() unless a test passes a fake one. */
  now?(): number;
}

export interface ReadCaptureResult {
  /** Records delivered. */
  frames: number;
  /** True when the input was gzip: fileOffset values refer to the decompressed stream. */
  compressed: boolean;
  /** Bytes read from the file or stdin. */
  bytesRead: number;
}

export const DEFAULT_CHUNK_SIZE = 1024 * 1024;
/**
 * Piece of a chunk fed at once when time-slicing: small enough to decode in a few ms on a slow
 * machine (256 KiB took ~40 ms), big enough that checking the clock costs nothing.
 */
export const SLICE_PIECE_BYTES = 32 * 1024;
/** zlib rejects output chunks smaller than this. */
const MIN_GUNZIP_CHUNK = 64;

function inputError(err: unknown, name: string): CaptureInputError {
  const code = (err as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new CaptureInputError('ENOENT', `${name}: no such file`, name);
    case 'EISDIR':
      return new CaptureInputError('EISDIR', `${name}: is a directory, not a capture file`, name);
    case 'EACCES':
    case 'EPERM':
      return new CaptureInputError('EACCES', `${name}: permission denied`, name);
    default: {
      const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
      return new CaptureInputError('EIO', `${name}: cannot read: ${detail}`, name);
    }
  }
}

function fatalError(fatal: CaptureFatal, name: string): CaptureInputError {
  const known: readonly string[] = ['NOT_A_CAPTURE', 'EMPTY_CAPTURE', 'CAPTURE_DAMAGED', 'CAPTURE_RECORD_TOO_LARGE'];
  const code = (known.includes(fatal.code) ? fatal.code : 'CAPTURE_DAMAGED') as CaptureInputErrorCode;
  return new CaptureInputError(code, `${name}: ${fatal.message}`, name);
}

async function openSource(pathOrDash: string, chunkSize: number): Promise<{ stream: Readable; total: number | undefined }> {
  if (pathOrDash === '-') return { stream: process.stdin, total: undefined };
  let info;
  try {
    info = await stat(pathOrDash);
  } catch (err) {
    throw inputError(err, pathOrDash);
  }
  if (info.isDirectory()) throw inputError({ code: 'EISDIR' }, pathOrDash);
  let handle;
  try {
    handle = await open(pathOrDash, 'r');
  } catch (err) {
    throw inputError(err, pathOrDash);
  }
  const stream = handle.createReadStream({ highWaterMark: chunkSize }); // closes the handle at end or destroy
  return { stream, total: info.isFile() ? info.size : undefined };
}

/**
 * Streams `pathOrDash` into a capture reader that calls `events`. Resolves when the input is
 * read (diagnostics about damaged records arrive through events.onDiagnostic); rejects with a
 * CaptureInputError when the input cannot be opened, is not a capture (after events.onFatal),
 * is a broken gzip stream, or the signal aborts.
 */
export async function readCaptureFile(pathOrDash: string, events: CaptureReaderEvents, opts: ReadCaptureOptions = {}): Promise<ReadCaptureResult> {
  const name = pathOrDash === '-' ? 'stdin' : pathOrDash;
  const chunkSize = Math.max(1, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK_SIZE));
  if (opts.signal?.aborted) throw new CaptureInputError('ABORTED', `${name}: reading aborted`, name);
  const { stream, total } = await openSource(pathOrDash, chunkSize);

  let fatal: CaptureFatal | undefined;
  const reader = createCaptureReader({
    onRecord: (r) => events.onRecord(r),
    onInfo: events.onInfo ? (i) => events.onInfo?.(i) : undefined,
    onDiagnostic: events.onDiagnostic ? (d) => events.onDiagnostic?.(d) : undefined,
    onFatal: (f) => {
      fatal = f;
      events.onFatal?.(f);
    },
  });

  let bytesRead = 0;
  let compressed = false;
  let gunzip: ReturnType<typeof createGunzip> | undefined;
  const onAbort = (): void => {
    stream.destroy();
    gunzip?.destroy();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const checkAbort = (): void => {
    if (opts.signal?.aborted) throw new CaptureInputError('ABORTED', `${name}: reading aborted`, name);
  };
  const sliceMs = opts.sliceMs;
  const now = opts.now ?? (() => performance.now());
  let sliceStart = now();
  const turn = async (): Promise<void> => {
    await nextTurn();
    sliceStart = now();
  };
  /**
   * Pushes one chunk; with sliceMs, in pieces, yielding whenever the slice is used up.
   * `progressAt(left)`: the progress figure while `left` bytes of the chunk are not fed yet.
   */
  const feed = async (chunk: Buffer, progressAt: (left: number) => number): Promise<void> => {
    if (sliceMs === undefined) {
      reader.push(chunk);
      return;
    }
    for (let at = 0; at < chunk.length && !reader.stopped; ) {
      const end = Math.min(chunk.length, at + SLICE_PIECE_BYTES);
      reader.push(chunk.subarray(at, end));
      at = end;
      if (at < chunk.length && now() - sliceStart >= sliceMs) {
        opts.onProgress?.(progressAt(chunk.length - at), total);
        checkAbort();
        await turn();
      }
    }
  };

  try {
    const raw = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    // Peek at the first bytes (stdin may deliver fewer than two at first) to spot gzip.
    const head: Buffer[] = [];
    let headLen = 0;
    let rawDone = false;
    while (headLen < 2) {
      const r = await nextRaw(raw, name);
      if (r === undefined) {
        rawDone = true;
        break;
      }
      head.push(r);
      headLen += r.length;
      bytesRead += r.length;
    }
    compressed = isGzip(Buffer.concat(head));

    if (!compressed) {
      let headLeft = headLen;
      for (const chunk of head) {
        headLeft -= chunk.length;
        await feed(chunk, (left) => bytesRead - headLeft - left);
      }
      opts.onProgress?.(bytesRead, total);
      while (!rawDone && !reader.stopped) {
        checkAbort();
        await turn();
        const chunk = await nextRaw(raw, name);
        if (chunk === undefined) break;
        bytesRead += chunk.length;
        await feed(chunk, (left) => bytesRead - left);
        opts.onProgress?.(bytesRead, total);
        await opts.pace?.();
      }
    } else {
      // Z_SYNC_FLUSH at the end: a .gz cut short (capture still being written) yields what
      // it holds instead of an "unexpected end of file" error; the reader then reports the cut record.
      gunzip = createGunzip({ chunkSize: Math.max(MIN_GUNZIP_CHUNK, chunkSize), finishFlush: zlibConstants.Z_SYNC_FLUSH });
      async function* rawChunks(): AsyncGenerator<Buffer> {
        yield* head;
        for (;;) {
          const chunk = await nextRaw(raw, name);
          if (chunk === undefined) return;
          bytesRead += chunk.length;
          yield chunk;
        }
      }
      // pipeline() tears both sides down together: an early stop destroys the source too.
      pipeline(Readable.from(rawChunks()), gunzip, () => undefined);
      try {
        for await (const chunk of gunzip as AsyncIterable<Buffer>) {
          checkAbort();
          await feed(chunk, () => bytesRead);
          opts.onProgress?.(bytesRead, total);
          if (reader.stopped) break;
          await opts.pace?.();
          await turn();
        }
      } catch (err) {
        checkAbort();
        if (err instanceof CaptureInputError) throw err;
        const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
        throw new CaptureInputError('GZIP_ERROR', `${name}: broken gzip data: ${detail}`, name);
      }
    }
    checkAbort();
    reader.end();
    if (fatal) throw fatalError(fatal, name);
    return { frames: reader.frames, compressed, bytesRead };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (stream !== process.stdin) stream.destroy();
    gunzip?.destroy();
  }
}

async function nextRaw(it: AsyncIterator<Buffer>, name: string): Promise<Buffer | undefined> {
  try {
    const r = await it.next();
    return r.done ? undefined : r.value;
  } catch (err) {
    throw inputError(err, name);
  }
}

/**
 * Reads `length` bytes at `fileOffset` of an uncompressed capture file again (payloads kept
 * by offset instead of in memory). Returns fewer bytes only when the file is shorter now.
 */
export async function readAt(path: string, fileOffset: number, length: number): Promise<Buffer> {
  const reader = await openForReread(path);
  try {
    return await reader.readAt(fileOffset, length);
  } finally {
    await reader.close();
  }
}

/** Keeps one file open for many readAt() calls (e.g. saving a call with its RTP). */
export interface RereadHandle {
  readAt(fileOffset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

export async function openForReread(path: string): Promise<RereadHandle> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw inputError(err, path);
  }
  return {
    async readAt(fileOffset: number, length: number): Promise<Buffer> {
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      try {
        while (got < length) {
          const { bytesRead } = await handle.read(buf, got, length - got, fileOffset + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
      } catch (err) {
        throw inputError(err, path);
      }
      return buf.subarray(0, got);
    },
    close: () => handle.close(),
  };
}
