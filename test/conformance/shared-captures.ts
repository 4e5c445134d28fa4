/** Locates ../shared (beside the repo) and reads EXPECTED.tsv. Fails loudly when absent. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../..');
export const SHARED_DIR = path.resolve(REPO_ROOT, '../shared');
export const CAPTURES_DIR = path.join(SHARED_DIR, 'captures');

export function requireSharedCaptures(): string {
  if (!existsSync(path.join(CAPTURES_DIR, 'EXPECTED.tsv'))) {
    throw new Error(`shared captures not found at ${CAPTURES_DIR}: clone the steering repo's shared/ beside this repo`);
  }
  return CAPTURES_DIR;
}

export function captureFiles(): string[] {
  requireSharedCaptures();
  return readdirSync(CAPTURES_DIR)
    .filter((f) => /\.(pcap|pcapng|cap)$/.test(f))
    .sort();
}

export interface ExpectedRow {
  file: string;
  /** The nine columns after the file name, tab-joined, as `siptrace messages --format tsv` prints them. */
  row: string;
  transport: string;
  frame: number;
}

export function expectedRows(file = path.join(requireSharedCaptures(), 'EXPECTED.tsv')): ExpectedRow[] {
  const text = readFileSync(file, 'utf8');
  const out: ExpectedRow[] = [];
  for (const line of text.split('\n').slice(1)) {
    if (!line) continue;
    const cols = line.split('\t');
    out.push({ file: cols[0]!, row: cols.slice(1).join('\t'), transport: cols[2]!, frame: Number(cols[1]) });
  }
  return out;
}
