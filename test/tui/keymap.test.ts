import { describe, expect, it } from 'vitest';
import { actionFor, displayKey, helpLines, INPUT_SCREENS, KEYMAP, keyName, type ScreenId } from '../../src/tui/keymap.js';

describe('keyName', () => {
  it('keeps printable characters as typed, so S and s differ', () => {
    expect(keyName('S', { name: 's', full: 'S-s', shift: true } as never)).toBe('S');
    expect(keyName('s', { name: 's', full: 's' })).toBe('s');
    expect(keyName('<', undefined)).toBe('<');
    expect(keyName('9', { name: '9', full: '9' })).toBe('9');
  });
  it('names special keys, control keys and space', () => {
    expect(keyName(undefined, { name: 'f7', full: 'f7' })).toBe('f7');
    expect(keyName('\x06', { name: 'f', full: 'C-f', ctrl: true })).toBe('C-f');
    expect(keyName(' ', { name: 'space', full: 'space' })).toBe('space');
    expect(keyName('\r', { name: 'enter', full: 'enter' })).toBe('enter');
    expect(keyName('\x1b', { name: 'escape', full: 'escape' })).toBe('escape');
    expect(keyName(undefined, { name: 'pagedown', full: 'pagedown' })).toBe('pagedown');
  });
  it('drops the duplicate `return` blessed sends before `enter`', () => {
    expect(keyName('\r', { name: 'return', full: 'return' })).toBeUndefined();
  });
});

describe('KEYMAP', () => {
  it("has sngrep's call-list keys and vi keys", () => {
    const expected: [string, string][] = [
      ['enter', 'open'], ['f6', 'raw'], ['R', 'raw'], ['f7', 'filter'], ['/', 'search'], ['f10', 'columns'],
      ['<', 'sortPrev'], ['>', 'sortNext'], ['z', 'sortReverse'], ['space', 'select'], ['f2', 'save'], ['S', 'save'],
      ['i', 'stats'], ['A', 'follow'], ['f1', 'help'], ['q', 'quit'], ['escape', 'back'],
      ['j', 'down'], ['k', 'up'], ['g', 'first'], ['G', 'last'], ['C-f', 'pageDown'], ['C-b', 'pageUp'],
      ['down', 'down'], ['up', 'up'], ['pagedown', 'pageDown'], ['pageup', 'pageUp'],
    ];
    for (const [k, a] of expected) expect(actionFor('list', k), k).toBe(a);
  });
  it("has sngrep's call-flow keys", () => {
    const expected: [string, string][] = [
      ['t', 'togglePane'], ['9', 'paneNarrower'], ['0', 'paneWider'], ['c', 'colorMode'], ['s', 'compress'],
      ['d', 'sdpMode'], ['f2', 'sdpMode'], ['m', 'rtpMode'], ['f3', 'rtpMode'], ['x', 'related'], ['f4', 'related'],
      ['h', 'left'], ['l', 'right'], ['left', 'left'], ['right', 'right'], ['f6', 'raw'], ['R', 'raw'], ['escape', 'back'],
    ];
    for (const [k, a] of expected) expect(actionFor('flow', k), k).toBe(a);
  });
  it('binds no key twice on a screen, and every screen can go back or quit', () => {
    for (const [screen, bindings] of Object.entries(KEYMAP)) {
      const keys = bindings.flatMap((b) => b.keys);
      expect(new Set(keys).size, screen).toBe(keys.length);
      expect(keys, screen).toContain('escape');
      if (!INPUT_SCREENS.has(screen as ScreenId)) expect(keys, screen).toContain('q');
    }
  });
  it('help lists every key of the screen, generated from the table', () => {
    for (const screen of Object.keys(KEYMAP) as ScreenId[]) {
      const text = helpLines(screen).join('\n');
      for (const b of KEYMAP[screen]) {
        expect(text).toContain(b.help);
        for (const k of b.keys) expect(text).toContain(displayKey(k));
      }
    }
    expect(displayKey('C-f')).toBe('Ctrl-F');
    expect(displayKey('f10')).toBe('F10');
  });
});
