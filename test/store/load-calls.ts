/** Test helper: runs a shared capture through the real pipeline and the correlator. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CallCorrelator } from '../../src/core/correlate/correlator.js';
import { callRow, type CallRow } from '../../src/core/store/attributes.js';
import { decodeCaptureFile } from '../../src/io/decode-file.js';

export const CAPTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/captures');

/** The correlator (ended) after every SIP message of `file` (a name in ../shared/captures). */
export async function loadCalls(file: string): Promise<CallCorrelator> {
  if (!existsSync(CAPTURES)) throw new Error(`shared captures missing at ${CAPTURES}`);
  const correlator = new CallCorrelator();
  await decodeCaptureFile(path.join(CAPTURES, file), { onMessage: (m) => correlator.add(m) });
  correlator.end();
  return correlator;
}

export async function loadRows(file: string): Promise<CallRow[]> {
  return (await loadCalls(file)).calls().map((c) => callRow(c));
}
