#!/usr/bin/env node
// SDP parsing cost: the one-pass byte reader (src/core/sdp/sdp-reader.ts, via parseSdpBytes)
// against the sdp-transform parser it replaced (test/sdp/sdp-oracle.ts, transpiled on the fly).
//
//   node scripts/bench-sdp.mjs [--file CAPTURE] [--runs N] [--out DIR] [--no-build]
//
// Builds the sources (npx tsc -p tsconfig.build.json, into dist/ or --out DIR), decodes the
// capture (default /tmp/bench/medium.pcap) through the capture reader and SipDecoder, keeps a
// copy of every SDP body (findSdpBody), checks both parsers give the same sessions, then times
// --runs passes (default 5) of each over all bodies and prints µs per SDP (best and median).
// "old" includes the body's toString('utf8'), as the old sdpOfMessage did.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { pathToFileURL } from 'node:url';
import { benchOptions, buildSources, ROOT } from './bench-build.mjs';

const opts = benchOptions(process.argv.slice(2), { runs: 5 });
const mod = buildSources(opts);
const { createCaptureReader } = await mod('core/capture/open-reader.js');
const { SipDecoder } = await mod('core/pipeline/sip-decoder.js');
const { findSdpBody } = await mod('core/sdp/body.js');
const { parseSdpBytes } = await mod('core/sdp/session.js');

// The old parser: test/sdp/sdp-oracle.ts, its imports pointed at the build and at sdp-transform.
async function loadOracle() {
  const require = createRequire(join(ROOT, 'package.json'));
  const ts = require('typescript');
  const source = readFileSync(join(ROOT, 'test/sdp/sdp-oracle.ts'), 'utf8');
  let js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  js = js.replaceAll("'../../src/core/", `'${pathToFileURL(opts.out).href}/core/`);
  js = js.replace("from 'sdp-transform'", `from '${pathToFileURL(require.resolve('sdp-transform')).href}'`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-sdp-'));
  const file = join(dir, 'sdp-oracle.mjs');
  writeFileSync(file, js);
  try {
    return (await import(pathToFileURL(file).href)).parseSdpOracle;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const parseSdpOracle = await loadOracle();

// 1. SDP bodies of the capture.
let t0 = performance.now();
const bodies = [];
let messages = 0;
const decoder = new SipDecoder({
  onMessage: (m) => {
    messages++;
    const body = findSdpBody(m);
    if (body) bodies.push(Buffer.from(body));
  },
});
const reader = createCaptureReader({ onRecord: (r) => decoder.push(r) });
reader.push(readFileSync(opts.file));
reader.end();
decoder.end();
const bytes = bodies.reduce((n, b) => n + b.length, 0);
console.log(
  `capture ${opts.file}: ${messages} SIP messages, ${bodies.length} SDP bodies (${(bytes / bodies.length).toFixed(0)} bytes on average), decoded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
if (bodies.length === 0) process.exit(1);

// 2. Same results.
let differ = 0;
for (const b of bodies) if (!isDeepStrictEqual(parseSdpBytes(b), parseSdpOracle(b.toString('utf8')))) differ++;
console.log(`sessions that differ between old and new: ${differ}`);

// 3. Timing: alternate old/new passes so both see the same machine state.
const oldPass = () => {
  let media = 0;
  for (let i = 0; i < bodies.length; i++) media += parseSdpOracle(bodies[i].toString('utf8'))?.media.length ?? 0;
  return media;
};
const newPass = () => {
  let media = 0;
  for (let i = 0; i < bodies.length; i++) media += parseSdpBytes(bodies[i])?.media.length ?? 0;
  return media;
};
const time = (pass) => {
  const s = performance.now();
  pass();
  return ((performance.now() - s) * 1000) / bodies.length;
};
time(oldPass); // warm-up
time(newPass);
const oldUs = [];
const newUs = [];
for (let r = 0; r < opts.runs; r++) {
  oldUs.push(time(oldPass));
  newUs.push(time(newPass));
}
const best = (xs) => Math.min(...xs);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (x) => x.toFixed(2);
console.log(`old (sdp-transform): best ${f(best(oldUs))} µs/SDP, median ${f(median(oldUs))} µs/SDP`);
console.log(`new (sdp-reader):    best ${f(best(newUs))} µs/SDP, median ${f(median(newUs))} µs/SDP`);
console.log(`speed-up (median): ${(median(oldUs) / median(newUs)).toFixed(1)}x; all bodies: old ${f((median(oldUs) * bodies.length) / 1000)} ms, new ${f((median(newUs) * bodies.length) / 1000)} ms`);
process.exit(differ === 0 ? 0 : 1);
