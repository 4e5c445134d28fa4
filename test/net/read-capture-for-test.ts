/** Capture records for the net tests, read by the real readers (see test/support). */
import type { CaptureRecord } from '../../src/core/capture/record.js';
import { recordsOf, recordsOfFile } from '../support/real-captures.js';

export function readCaptureForTest(file: string): CaptureRecord[] {
  return recordsOfFile(file);
}

export function parseCaptureForTest(buf: Buffer): CaptureRecord[] {
  return recordsOf(buf);
}
