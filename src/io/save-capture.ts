/**
 * Writes chosen packets of a capture to a new file, read again from the input (a second
 * streaming pass) instead of held in memory: saving a call with its RTP never needs RTP in RAM.
 * Classic pcap when the chosen packets share one link type, pcapng otherwise (or when asked).
 */
import { fsErrorText } from './fs-errors.js';
import { closeSync, openSync, writeSync } from 'node:fs';
import type { CaptureRecord } from '../core/capture/record.js';
import { PcapngWriter, pcapGlobalHeader, pcapRecordHeader } from '../core/capture/pcap-writer.js';
import { readCaptureFile } from './file-source.js';

export type SaveFormat = 'pcap' | 'pcapng';

export interface SaveResult {
  written: number;
  format: SaveFormat;
}

/** An output that cannot be written: the CLI maps it to the output exit code. */
export class CaptureOutputError extends Error {
  readonly code = 'OUTPUT';
  constructor(message: string) {
    super(message);
    this.name = 'CaptureOutputError';
  }
}

function openOutput(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (err) {
    throw new CaptureOutputError(`${path}: cannot write: ${fsErrorText(err, 'no such directory')}`);
  }
}

/**
 * Copies every record for which `select` is true from `input` to `output`, in capture order.
 * `linkTypes` are the link types of the chosen records (known from the first pass).
 */
export async function saveSelectedPackets(
  input: string,
  output: string,
  select: (record: CaptureRecord) => boolean,
  linkTypes: ReadonlySet<number>,
  format?: SaveFormat,
): Promise<SaveResult> {
  const chosen: SaveFormat = format ?? (linkTypes.size <= 1 ? 'pcap' : 'pcapng');
  const fd = openOutput(output);
  let written = 0;
  try {
    const put = (b: Buffer): void => {
      writeSync(fd, b);
    };
    const ng = chosen === 'pcapng' ? new PcapngWriter() : undefined;
    if (!ng) put(pcapGlobalHeader([...linkTypes][0] ?? 1, 262144, true));
    await readCaptureFile(input, {
      onRecord: (rec) => {
        if (!select(rec)) return;
        if (ng) for (const b of ng.record(rec)) put(b);
        else {
          put(pcapRecordHeader(rec, true));
          put(rec.data);
        }
        written++;
      },
    });
    if (ng) for (const b of ng.finish()) put(b);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw new CaptureOutputError(`${output}: no space left on device`);
    throw err;
  } finally {
    closeSync(fd);
  }
  return { written, format: chosen };
}
