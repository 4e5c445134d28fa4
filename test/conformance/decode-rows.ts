/** Runs the real pipeline over a capture and returns `siptrace messages` TSV rows (no header). */
import { decodeCaptureFile } from '../../src/io/decode-file.js';
import { messageTsvRow } from '../../src/export/messages.js';

export interface DecodedRows {
  rows: string[];
  error?: string;
  diagnostics: Record<string, number>;
  malformed: number;
}

export async function decodeRows(file: string): Promise<DecodedRows> {
  const rows: string[] = [];
  try {
    const r = await decodeCaptureFile(file, { onMessage: (m) => rows.push(messageTsvRow(m)) });
    return { rows, diagnostics: r.diagnostics, malformed: r.stats.malformed };
  } catch (err) {
    return { rows, error: err instanceof Error ? err.message : String(err), diagnostics: {}, malformed: 0 };
  }
}
