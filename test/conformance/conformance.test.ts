/**
 * Conformance with the reference decoder: every capture in ../shared/captures decoded by the
 * real pipeline and compared, message by message, with tshark's reading (EXPECTED.tsv). TLS rows
 * are out of scope until decryption lands. A difference is allowed only when it is listed, with
 * its reason, in reviewed-differences.tsv — and a listed difference that no longer occurs fails too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAPTURES_DIR, REPO_ROOT, captureFiles, expectedRows, type ExpectedRow } from './shared-captures.js';

const FIXTURES_DIR = path.join(REPO_ROOT, 'fixtures');
import { decodeRows } from './decode-rows.js';

interface Reviewed {
  kind: 'missing' | 'extra';
  row: string;
  reason: string;
}

function reviewedDifferences(name: string): Map<string, Reviewed[]> {
  const text = readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), name), 'utf8');
  const byFile = new Map<string, Reviewed[]>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const cols = line.split('\t');
    const file = cols[0]!;
    const kind = cols[1] as 'missing' | 'extra';
    const row = cols.slice(2, 11).join('\t');
    const reason = cols[11] ?? '';
    if (!reason) throw new Error(`reviewed difference without a reason: ${line}`);
    const list = byFile.get(file) ?? [];
    list.push({ kind, row, reason });
    byFile.set(file, list);
  }
  return byFile;
}

/**
 * Unprintable bytes are rendered differently by design: siptrace shows a control byte as a
 * visible `\xNN` escape, tshark cuts a string at NUL and drops other control bytes, and the two
 * replace invalid UTF-8 with a different number of U+FFFD. Only the fuzzed capture has such
 * bytes; both sides are brought to tshark's rendering before comparing, so every other byte
 * still has to agree.
 */
function tsharkRendering(row: string): string {
  return row
    .split('\t')
    .map((cell) => cell.replace(/\\x00.*$/, '').replace(/\\x(0[1-9a-f]|1[0-9a-f])/g, '').replace(/[\x01-\x1f]/g, '').replace(/\uFFFD+/g, '\uFFFD'))
    .join('\t');
}

/** Multiset difference a - b. */
function minus(a: string[], b: string[]): string[] {
  const counts = new Map<string, number>();
  for (const x of b) counts.set(x, (counts.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const n = counts.get(x) ?? 0;
    if (n > 0) counts.set(x, n - 1);
    else out.push(x);
  }
  return out;
}

/** Compares one capture's decoded rows with tshark's, allowing only reviewed differences. */
async function checkCapture(dir: string, file: string, expected: ExpectedRow[], reviewed: Map<string, Reviewed[]>): Promise<void> {
    const want = expected.filter((r) => r.file === file && r.transport !== 'tls').map((r) => tsharkRendering(r.row));
    const got = await decodeRows(path.join(dir, file));
    got.rows = got.rows.map(tsharkRendering);
    const missing = minus(want, got.rows);
    const extra = minus(got.rows, want);
    const allowed = reviewed.get(file) ?? [];
    const allowedMissing = allowed.filter((d) => d.kind === 'missing').map((d) => d.row);
    const allowedExtra = allowed.filter((d) => d.kind === 'extra').map((d) => d.row);
    expect({ missing: minus(missing, allowedMissing), extra: minus(extra, allowedExtra) }, got.error ?? '').toEqual({ missing: [], extra: [] });
    // a reviewed difference that no longer happens must be removed from the list
    expect({ staleMissing: minus(allowedMissing, missing), staleExtra: minus(allowedExtra, extra) }).toEqual({ staleMissing: [], staleExtra: [] });
    // capture order: rows come out sorted by the frame that completed them
    const frames = got.rows.map((r) => Number(r.split('\t')[0]));
    expect(frames).toEqual([...frames].sort((a, b) => a - b));
}

describe('conformance with tshark on ../shared/captures (EXPECTED.tsv)', () => {
  const files = captureFiles();
  const expected = expectedRows();
  const reviewed = reviewedDifferences('reviewed-differences.tsv');
  it('finds the shared captures', () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
  });
  it.each(files)('%s', (file) => checkCapture(CAPTURES_DIR, file, expected, reviewed));
});

describe('conformance with tshark on our own fixtures (fixtures/EXPECTED.tsv)', () => {
  const files = readdirSync(FIXTURES_DIR).filter((f) => /\.(pcap|pcapng|cap|gz)$/.test(f)).sort();
  const expected = expectedRows(path.join(FIXTURES_DIR, 'EXPECTED.tsv'));
  const reviewed = reviewedDifferences('reviewed-differences-fixtures.tsv');
  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });
  it.each(files)('%s', (file) => checkCapture(FIXTURES_DIR, file, expected, reviewed));
});
