import { beforeAll, describe, expect, it } from 'vitest';
import { CallCorrelator } from '../../src/core/correlate/correlator.js';
import { CALL_ATTRIBUTES, callRow, type CallRow } from '../../src/core/store/attributes.js';
import {
  callsCsvChunks,
  callsTableChunks,
  csvField,
  DEFAULT_TABLE_COLUMNS,
  renderCallsCsv,
  renderCallsTable,
  UnknownColumnError,
} from '../../src/export/calls-table.js';
import { request, response } from '../correlate/fake-message.js';
import { loadRows } from './load-calls.js';

const EVIL_CALL_ID = 'a,b"c"\x07@host';

/** One rejected call whose wire strings hold commas, quotes, escape sequences and controls. */
function evilRows(): CallRow[] {
  const c = new CallCorrelator();
  const base = { callId: EVIL_CALL_ID, cseq: 1, fromTag: 'f1', branch: 'z9hG4bK-1', src: '10.0.0.1:5060', dst: '10.0.0.2:5060' };
  c.add(
    request('INVITE', {
      ...base,
      atMs: 0,
      fromHeader: '"\x1b[31mEvil\x1b[0m, Inc" <sip:evil@example.com>',
      headers: [['User-Agent', 'ua\x1b]0;title\x07\ttabbed']],
    }),
  );
  c.add(
    response(486, {
      ...base,
      atMs: 120.5,
      src: '10.0.0.2:5060',
      dst: '10.0.0.1:5060',
      toTag: 't1',
      cseqMethod: 'INVITE',
      reason: 'Busy\x1b[2JHere',
      fromHeader: '"\x1b[31mEvil\x1b[0m, Inc" <sip:evil@example.com>',
      headers: [['Warning', '399 host "line\rbreak\x9b"'], ['Reason', 'Q.850;cause=17;text="User busy"']],
    }),
  );
  c.end();
  return c.calls().map((call) => callRow(call));
}

/** Minimal RFC 4180 reader, to check the writer's quoting. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
      else if (ch === '"') (quoted = false), i++;
      else (field += ch), i++;
    } else if (ch === '"') (quoted = true), i++;
    else if (ch === ',') record.push(field), (field = ''), i++;
    else if (ch === '\r' && text[i + 1] === '\n') record.push(field), records.push(record), (record = []), (field = ''), (i += 2);
    else (field += ch), i++;
  }
  return records;
}

function hasControl(s: string): boolean {
  return /[\x00-\x1f\x7f-\x9f]/.test(s);
}

describe('csv', () => {
  it('quotes per RFC 4180 and reads back', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('')).toBe('');
    const csv = renderCallsCsv(evilRows());
    expect(csv.endsWith('\r\n')).toBe(true);
    const records = parseCsv(csv);
    expect(records).toHaveLength(2);
    expect(records[0]).toEqual(CALL_ATTRIBUTES.map((a) => a.id));
    const rec = Object.fromEntries(records[0]!.map((k, i) => [k, records[1]![i]!]));
    expect(rec.callid).toBe('a,b"c"\\x07@host');
    expect(csv).toContain('"a,b""c""\\x07@host"');
    expect(rec.fromname).toBe('\\x1b[31mEvil\\x1b[0m, Inc');
    expect(rec.state).toBe('BUSY');
    expect(rec.code).toBe('486');
    expect(rec.cause).toBe('17');
    expect(rec.duration).toBe('120.5');
    expect(rec.start).toBe('2024-01-01T00:00:00.000000Z');
    expect(rec.end).toBe('2024-01-01T00:00:00.120500Z');
    expect(rec.ua).toBe('ua\\x1b]0;title\\x07 tabbed');
    expect(rec.warning).toBe('399 host "line break\\x9b"');
    expect(rec.loss).toBe('');
    expect(hasControl(csv.replace(/\r\n/g, ''))).toBe(false);
  });

  it('takes a column list; unknown columns list the known ones', () => {
    const csv = renderCallsCsv(evilRows(), { columns: ['index', 'status', 'msgs'] });
    expect(csv).toBe('index,code,msgcnt\r\n1,486,2\r\n');
    expect(() => renderCallsCsv([], { columns: ['index', 'bogus'] })).toThrow(UnknownColumnError);
    expect(() => renderCallsCsv([], { columns: ['bogus'] })).toThrow(/known columns: index, callid/);
  });
});

describe('table', () => {
  it('never contains raw control characters', () => {
    const lines = renderCallsTable(evilRows(), { columns: CALL_ATTRIBUTES.map((a) => a.id), wide: true });
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(hasControl(l), JSON.stringify(l)).toBe(false);
    expect(lines[1]).toContain('\\x1b[31mEvil\\x1b[0m, Inc');
    expect(lines[1]).toContain('Busy\\x1b[2JHere');
    for (const l of renderCallsTable(evilRows())) expect(hasControl(l)).toBe(false);
  });

  let rows: CallRow[];
  beforeAll(async () => {
    rows = await loadRows('sngrep-aaa-register-invite-rtp.pcap');
  });

  it('aligns columns, right-aligns numbers, cuts long values at the width hint', () => {
    const lines = renderCallsTable(rows);
    expect(lines).toHaveLength(7);
    const header = lines[0]!;
    for (const id of DEFAULT_TABLE_COLUMNS) expect(header).toContain(CALL_ATTRIBUTES.find((a) => a.id === id)!.title);
    // every column starts at the same offset on every line: check the State column
    const col = header.indexOf('State');
    for (const l of lines.slice(1)) expect(l.slice(col)).toMatch(/^(AUTH CHALLENGED|CANCELLED|REJECTED|REGISTERED)\s/);
    // numbers right-aligned: the Msgs column ends at the same offset
    const msgsEnd = header.indexOf('Msgs') + 'Msgs'.length;
    for (const l of lines.slice(1)) expect(l.slice(msgsEnd - 4, msgsEnd)).toMatch(/^ *\d+$/);
    expect(lines[1]).toMatch(/^\s+1 {2}578222729-4665d775@578222732-46… {2}REGISTER/);
    expect(lines[2]).toContain('2005-07-04T09:40:49.188Z');
    expect(lines[3]).toMatch(/REJECTED\s+403 {2}Wrong password or domain\s+8\s+34\.386s/);
    expect(renderCallsTable(rows, { wide: true })[1]).toContain('578222729-4665d775@578222732-4665d772');
    expect(renderCallsTable(rows, { header: false })).toHaveLength(6);
    expect(renderCallsTable([], { columns: ['index', 'state'] })).toEqual(['Idx  State']);
  });

  it('streams a long table in chunks of whole lines, reading each row once', () => {
    // 5000 rows (the real rows repeated): more than two chunks
    const many = Array.from({ length: 5000 }, (_, i) => rows[i % rows.length]!);
    let reads = 0;
    function* once(): Generator<CallRow> {
      for (const r of many) {
        reads++;
        yield r;
      }
    }
    const chunks = [...callsTableChunks(once())];
    expect(reads).toBe(5000);
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) expect(c.endsWith('\n')).toBe(true);
    const lines = chunks.join('').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(5001);
    expect(lines.slice(0, 7)).toEqual(renderCallsTable(rows));
    const csv = [...callsCsvChunks(many)];
    expect(csv.length).toBeGreaterThan(2);
    expect(csv.join('').split('\r\n')).toHaveLength(5002);
    expect(csv.join('').startsWith(renderCallsCsv(rows))).toBe(true);
  });

  it('measures width in code points: astral characters are one column, never cut in half', () => {
    const c = new CallCorrelator();
    const base = { callId: 'astral', cseq: 1, fromTag: 'f1', branch: 'z9hG4bK-a', src: '10.0.0.1:5060', dst: '10.0.0.2:5060' };
    c.add(request('OPTIONS', { ...base, atMs: 0, fromHeader: `<sip:${'\u{1F4DE}'.repeat(60)}@example.com>` }));
    c.end();
    const astral = c.calls().map((call) => callRow(call));
    const lines = renderCallsTable(astral, { columns: ['from', 'index'] });
    const header = lines[0]!;
    // the Idx column starts at the same column (code point) on both lines
    expect([...lines[1]!].length).toBe([...header].length);
    expect(lines[1]).toContain('sip:\u{1F4DE}\u{1F4DE}\u{1F4DE}');
    // cut at the width hint, on a code point boundary (no lone surrogate), marked with …
    expect(lines[1]).toMatch(/\u{1F4DE}…/u);
    expect(lines[1]).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(renderCallsTable(astral, { columns: ['from'], wide: true })[1]).toContain(`${'\u{1F4DE}'.repeat(60)}@example.com`);
  });
});
