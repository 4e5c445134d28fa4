/** Wire text with escape sequences is drawn as visible escapes on every screen. */
import { describe, expect, it } from 'vitest';
import { renderScreen } from '../../src/tui/screens/index.js';
import { frameToTags } from '../../src/tui/tags.js';
import { initialState, reduce, type UiState } from '../../src/tui/ui-state.js';
import type { ActionId } from '../../src/tui/keymap.js';
import type { ScreenContext } from '../../src/tui/screens/context.js';
import { writeHostilePcap } from './hostile-pcap.js';
import { loadContext } from './helpers.js';

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]/;

function screenAfter(ctx: ScreenContext, ...actions: ActionId[]): string[] {
  let s: UiState = initialState(['index', 'fromname', 'callid', 'state', 'code', 'reason']);
  for (const a of actions) s = reduce(s, { type: 'action', action: a }, renderScreen(s, ctx, 160, 40).env);
  const r = renderScreen(s, ctx, 160, 40);
  // what blessed gets must be clean too (tags escaped, no control characters)
  expect(frameToTags(r.frame)).not.toMatch(CONTROL);
  return r.frame.lines;
}

describe('hostile headers', () => {
  it('list, flow, raw and pane show ESC as \\x1b and never emit it', async () => {
    const ctx = await loadContext(writeHostilePcap());
    const list = screenAfter(ctx).join('\n');
    expect(list).not.toMatch(CONTROL);
    expect(list).toContain('Eve\\x1b[2J');
    expect(list).toContain('evil-\\x1b[31mred@example.com');

    const flow = screenAfter(ctx, 'open').join('\n');
    expect(flow).not.toMatch(CONTROL);
    expect(flow).toContain('486 Busy Here');
    expect(flow).toContain('From: "Eve\\x1b[2J\\x1b[10;10H\\x1b]0;pwned\\x07"');

    const raw = screenAfter(ctx, 'raw').join('\n');
    expect(raw).not.toMatch(CONTROL);
    expect(raw).toContain('Call-ID: evil-\\x1b[31mred@example.com');
    expect(raw).toContain('Server: Evil\\x1b[?1049h\\x9b2J');
  });

  it('escapes blessed tag braces in wire text', () => {
    const tags = frameToTags({ lines: ['From: {bold}x{/bold}'], marks: [{ line: 0, from: 0, to: 4, bold: true }] });
    expect(tags).toBe('{bold}From{/}: {open}bold{close}x{open}/bold{close}');
  });
});
