// Shared by the micro-benchmarks (bench-sdp.mjs, bench-media.mjs): their command line, the
// build of the sources they measure, and the import of a built module.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * --file CAPTURE, --runs N, --out DIR, --no-build, plus `valued` options (`--name VALUE`, kept
 * under `name`). Exits 2 on anything else.
 */
export function benchOptions(argv, { runs, valued = [] }) {
  const o = { file: '/tmp/bench/medium.pcap', runs, out: resolve(ROOT, 'dist'), build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--file') o.file = argv[++i];
    else if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--out') o.out = resolve(argv[++i]);
    else if (a === '--no-build') o.build = false;
    else if (valued.includes(a.slice(2))) o[a.slice(2)] = argv[++i];
    else {
      console.error(`unknown argument ${a}`);
      process.exit(2);
    }
  }
  return o;
}

/** Builds the sources into opts.out (unless --no-build); returns an importer of built modules. */
export function buildSources(opts) {
  if (opts.build) {
    const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', opts.out], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) console.error(`warning: tsc exited ${r.status}; measuring whatever was emitted`);
  }
  return (p) => import(pathToFileURL(resolve(opts.out, p)).href);
}
