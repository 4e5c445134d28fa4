/** Test helper: decodes a shared capture and correlates its messages into calls. */
import path from 'node:path';
import { CallCorrelator } from '../../src/core/correlate/index.js';
import type { CallRecord } from '../../src/core/correlate/types.js';
import { decodeCaptureFile } from '../../src/io/decode-file.js';
import { requireSharedCaptures } from '../conformance/shared-captures.js';

export async function loadCalls(file: string): Promise<readonly CallRecord[]> {
  const dir = requireSharedCaptures();
  const correlator = new CallCorrelator();
  await decodeCaptureFile(path.join(dir, file), { onMessage: (m) => correlator.add(m) });
  correlator.end();
  return correlator.calls();
}
