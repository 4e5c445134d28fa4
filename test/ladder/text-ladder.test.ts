import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LadderColumn, LadderLayout, LadderRow } from '../../src/view/ladder.js';
import { layoutLadder } from '../../src/view/ladder.js';
import { LADDER_MIN_GAP, LADDER_SELF_LOOP_WIDTH, columnLetter, wrapLabel } from '../../src/view/ladder-geometry.js';
import { renderTextLadder } from '../../src/export/text-ladder.js';
import { BASE_SEC, correlate, sip, stream } from './build.js';

const A = '10.0.0.1:5060';
const B = '10.0.0.2:5060';

/** A synthetic layout: n columns, arrows with the given labels (drawn as media rows: plain data). */
function synthetic(n: number, arrows: readonly { from: number; to: number; label: string }[]): LadderLayout {
  const columns: LadderColumn[] = Array.from({ length: n }, (_, i) => ({ index: i, address: `10.0.0.${i + 1}:5060`, host: `10.0.0.${i + 1}`, label: `10.0.0.${i + 1}:5060` }));
  const ts = { tsSec: BASE_SEC, tsNsec: 0 };
  const rows: LadderRow[] = arrows.map((a, i) => ({
    kind: 'rtp',
    index: i,
    from: a.from,
    to: a.to,
    label: a.label,
    ts,
    deltaPrevMs: 0,
    deltaFirstMs: 0,
    frame: i + 1,
    stream: stream({ src: 'x:1', dst: 'y:2' }),
  }));
  return { columns, rows, calls: [], streams: [], compressed: false, firstTs: ts };
}

/** Lines of the diagram body: after the bar line closing the header, up to the blank line before the marks. */
function body(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trimStart().startsWith('│') || l.trimStart().startsWith('|'));
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end < 0 ? lines.length : end);
}

describe('wrapLabel', () => {
  it('breaks at spaces, then after commas, then inside words', () => {
    expect(wrapLabel('INVITE (SDP PCMA,PCMU,G729)', 16)).toEqual(['INVITE (SDP', 'PCMA,PCMU,G729)']);
    expect(wrapLabel('PCMA,PCMU,G729,telephone-event', 12)).toEqual(['PCMA,PCMU,', 'G729,', 'telephone-', 'event']);
    expect(wrapLabel('481 Call leg/Transaction does not exist', 14)).toEqual(['481 Call leg/', 'Transaction', 'does not exist']);
    expect(wrapLabel('averyveryverylongword', 8)).toEqual(['averyver', 'yverylon', 'gword']);
    expect(wrapLabel('abc', 1)).toEqual(['a', 'b', 'c']);
    expect(wrapLabel('', 5)).toEqual(['']);
  });

  it('keeps every non-space character, in order, within the width', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.integer({ min: 1, max: 40 }), (text, width) => {
        const lines = wrapLabel(text, width);
        expect(lines.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
        for (const l of lines) expect(Array.from(l).length).toBeLessThanOrEqual(width);
      }),
    );
  });
});

describe('renderTextLadder', () => {
  it('never truncates a label, whatever the width (property)', () => {
    const label = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ ,'), maxLength: 90 });
    const scenario = fc.integer({ min: 1, max: 5 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        width: fc.integer({ min: 10, max: 220 }),
        arrows: fc.array(fc.record({ from: fc.nat(n - 1), to: fc.nat(n - 1), label }), { minLength: 1, maxLength: 12 }),
      }),
    );
    fc.assert(
      fc.property(scenario, ({ n, width, arrows }) => {
        const text = renderTextLadder(synthetic(n, arrows), { width, summary: false });
        const letters = (s: string): string => s.replace(/[^A-Z]/g, '');
        expect(letters(body(text).join('\n'))).toBe(letters(arrows.map((a) => a.label).join('')));
        // lines stay within the width whenever the narrowest ladder fits in it
        const selfOnLast = arrows.some((a) => a.from === a.to && a.from === n - 1);
        const narrowest = '00:00:00.000 +0.000s'.length + 1 + 1 + n + LADDER_MIN_GAP * (n - 1) + (selfOnLast ? LADDER_SELF_LOOP_WIDTH : 0);
        for (const line of body(text)) expect(Array.from(line).length).toBeLessThanOrEqual(Math.max(width, narrowest));
      }),
      { numRuns: 300 },
    );
  });

  it('draws arrows both ways, a self arrow, and the time gutter', () => {
    const calls = correlate([
      sip({ line: 'OPTIONS', src: A, dst: A, atMs: 0 }),
      sip({ line: 'INVITE', src: A, dst: B, atMs: 1234.5, callId: 'c2' }),
      sip({ line: '200 OK', src: B, dst: A, atMs: 1300, callId: 'c2', cseq: '1 INVITE', toTag: 't' }),
    ]);
    const text = renderTextLadder(layoutLadder({ calls: [calls[1]!, calls[0]!] }), { summary: false });
    expect(text).toBe(
      [
        '                   10.0.0.1:5060    10.0.0.2:5060',
        '                         │                │',
        '                         │ OPTIONS        │',
        '00:00:00.000 +0.000s #1  │──┐             │',
        '                         │<─┘             │',
        '                         │     INVITE     │',
        '00:00:01.234 +1.234s #2  │───────────────>│',
        '                         │     200 OK     │',
        '00:00:01.300 +0.066s #2  │<───────────────│',
        '                         │                │',
        '',
      ].join('\n'),
    );
  });

  it('marks retransmissions and has a plain ASCII mode', () => {
    const calls = correlate([
      sip({ line: 'INVITE', src: A, dst: B, atMs: 0 }),
      sip({ line: 'INVITE', src: A, dst: B, atMs: 500 }),
      sip({ line: 'OPTIONS', src: B, dst: B, atMs: 600, callId: 'o' }),
    ]);
    const layout = layoutLadder({ calls });
    const unicode = renderTextLadder(layout);
    expect(unicode).toContain('INVITE (x2)');
    expect(unicode).toMatch(/│═+>│/);
    const ascii = renderTextLadder(layout, { ascii: true });
    expect(ascii).toMatch(/\|=+>\|/);
    expect(ascii).toMatch(/\|-+>\|/);
    expect(ascii).toContain('|--+');
    expect(ascii).toContain('|<-+');
    expect(/^[\x20-\x7e\n]*$/.test(ascii)).toBe(true);
  });

  it('puts wide headers in a legend and keeps full IPv6 addresses', () => {
    const v6 = ['[fd17:625c:f037:2:a00:27ff:feb9:1521]:15060', '[fd17:625c:f037:2:a00:27ff:feb9:3519]:5062', '[fd17:625c:f037:2:a00:27ff:feb9:4222]:25060'];
    const calls = correlate([sip({ line: 'INVITE', src: v6[0]!, dst: v6[1]!, atMs: 0 }), sip({ line: 'INVITE', src: v6[1]!, dst: v6[2]!, atMs: 1, branch: 'z9hG4bK-b' })]);
    const text = renderTextLadder(layoutLadder({ calls }), { width: 100 });
    for (const [i, a] of v6.entries()) expect(text).toContain(`${columnLetter(i)}  ${a}`);
    for (const line of text.split('\n').slice(2)) expect(Array.from(line).length).toBeLessThanOrEqual(100);
    // wide enough: headers side by side instead
    const wide = renderTextLadder(layoutLadder({ calls }), { width: 200, summary: false });
    expect(wide.split('\n')[0]).toContain(`${v6[0]}  `);
    expect(wide.split('\n')[0]).toContain(v6[2]);
  });

  it('appends raw messages, sanitised line by line', () => {
    const calls = correlate([sip({ line: 'INVITE', src: A, dst: B, atMs: 0, body: 'v=0\r\ns=\x1b[2J\tx\r\n' })]);
    const text = renderTextLadder(layoutLadder({ calls }), { raw: true });
    expect(text).toContain('Frame ');
    expect(text).toContain('10.0.0.1:5060 -> 10.0.0.2:5060');
    expect(text).toContain('INVITE sip:bob@example.com SIP/2.0\n');
    expect(text).toContain('s=\\x1b[2J       x');
    expect(text).not.toContain('\x1b');
    expect(text).not.toContain('\r');
  });

  it('says so when there is nothing to draw', () => {
    expect(renderTextLadder(layoutLadder({ calls: [] }))).toBe('\n(no messages)\n');
  });
});
