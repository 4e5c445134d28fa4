/**
 * Frame → blessed tag markup. Text was sanitised by the screens; here `{` and `}` are
 * escaped so wire text can never be read as blessed tags either.
 */
import { cellsOf, type Color, type Frame } from './screens/frame.js';

interface CellStyle {
  fg?: Color;
  bold?: boolean;
  inverse?: boolean;
}

function escapeCell(ch: string): string {
  return ch === '{' ? '{open}' : ch === '}' ? '{close}' : ch;
}

function open(s: CellStyle): string {
  // gray degrades to black on 8-colour terminals (unreadable on dark themes): default colour
  return (s.fg && s.fg !== 'gray' ? `{${s.fg}-fg}` : '') + (s.bold ? '{bold}' : '') + (s.inverse ? '{inverse}' : '');
}

function same(a: CellStyle | undefined, b: CellStyle | undefined): boolean {
  return a?.fg === b?.fg && a?.bold === b?.bold && a?.inverse === b?.inverse;
}

/** One string of tagged lines joined by `\n`. */
export function frameToTags(frame: Frame): string {
  const byLine = new Map<number, Frame['marks']>();
  for (const m of frame.marks) {
    const list = byLine.get(m.line) ?? [];
    list.push(m);
    byLine.set(m.line, list);
  }
  return frame.lines
    .map((line, i) => {
      const cells = cellsOf(line);
      const marks = byLine.get(i);
      if (marks === undefined) return cells.map(escapeCell).join('');
      const styles: (CellStyle | undefined)[] = new Array(cells.length).fill(undefined);
      for (const m of marks) {
        for (let x = Math.max(0, m.from); x < Math.min(cells.length, m.to); x++) {
          const s = { ...(styles[x] ?? {}) };
          if (m.fg) s.fg = m.fg;
          if (m.bold) s.bold = true;
          if (m.inverse) s.inverse = true;
          styles[x] = s;
        }
      }
      let out = '';
      let cur: CellStyle | undefined;
      cells.forEach((ch, x) => {
        const s = styles[x];
        if (!same(s, cur)) {
          if (cur !== undefined) out += '{/}';
          if (s !== undefined) out += open(s);
          cur = s;
        }
        out += escapeCell(ch);
      });
      if (cur !== undefined) out += '{/}';
      return out;
    })
    .join('\n');
}
