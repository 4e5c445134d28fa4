/**
 * The layer map of DESIGN.md, kept true by scanning import lines: core ← view ← export,
 * core ← io, core + view ← tui, everything ← cli; core is pure (no fs, net, clock, console);
 * only tui imports blessed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../conformance/shared-captures.js';

const SRC = path.join(REPO_ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Top-level layer of a file under src: core, view, export, io, tui, cli (or the file itself). */
function layerOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0]!;
}

const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  view: ['core', 'view'],
  export: ['core', 'view', 'export'],
  io: ['core', 'io'],
  tui: ['core', 'view', 'export', 'io', 'tui'],
  cli: ['core', 'view', 'export', 'io', 'tui', 'cli'],
};

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
}

describe('layer map', () => {
  const all = files(SRC);
  it('finds the sources', () => {
    expect(all.length).toBeGreaterThan(50);
  });

  it('imports go only in the allowed directions', () => {
    const bad: string[] = [];
    for (const f of all) {
      const from = layerOf(f);
      const allowed = ALLOWED[from];
      if (!allowed) continue;
      for (const spec of importsOf(f)) {
        if (!spec.startsWith('.')) continue;
        const to = layerOf(path.resolve(path.dirname(f), spec));
        if (!allowed.includes(to)) bad.push(`${path.relative(SRC, f)} imports ${spec} (${from} → ${to})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('core is pure: no I/O modules, no clock, no console', () => {
    const bad: string[] = [];
    for (const f of all.filter((x) => layerOf(x) === 'core')) {
      for (const spec of importsOf(f)) {
        if (/^(node:)?(fs|fs\/promises|net|dgram|child_process|http|https|readline|tty|process)$/.test(spec)) bad.push(`${path.relative(SRC, f)}: ${spec}`);
      }
      const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      if (/\bDate\.now\(|\bnew Date\(\)|\bconsole\.|\bsetTimeout\(|\bsetInterval\(|\bprocess\./.test(code)) bad.push(`${path.relative(SRC, f)}: clock, timer, console or process`);
    }
    expect(bad).toEqual([]);
  });

  it('only the tui imports blessed', () => {
    const bad = all.filter((f) => layerOf(f) !== 'tui' && importsOf(f).some((s) => s.startsWith('blessed')));
    expect(bad.map((f) => path.relative(SRC, f))).toEqual([]);
  });
});
