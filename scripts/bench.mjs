#!/usr/bin/env node
// siptrace end-to-end benchmark against tshark and sngrep on the same capture.
//
//   npm run bench -- [--size small|medium|large] [--runs N] [--file CAPTURE] [--tools a,b,...]
//
// The capture is made once with ../shared/bench/gen-capture.sh (SIP through a
// kamailio proxy over UDP+TCP, with RTP; needs root for tcpdump, see that
// folder's README) into /tmp/siptrace-bench/<size>.pcap and reused afterwards:
//   small  =   1,000 dialogs (~8 MB, ~10 s to make)
//   medium =  20,000 dialogs (~166 MB, ~45 s)
//   large  = 120,000 dialogs (~1 GB, 4-5 minutes)
// --file benchmarks an existing capture instead.
//
// Every tool runs --runs times (default 3), interleaved (run 1 of every tool,
// then run 2, ...) so a noisy neighbour hurts all alike, each under
// /usr/bin/time -v (Debian package `time`): wall, CPU = user+sys, peak RSS.
// Medians are printed as a Markdown table and written to test-output/bench-<size>.md.
// CPU time is the figure to compare on a busy machine (wall varies with load).
// A tool that fails gets its error in the table and the others still run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH_DIR = '/tmp/siptrace-bench';
const GEN = process.env.SIPTRACE_GEN_CAPTURE ?? resolve(ROOT, '../shared/bench/gen-capture.sh');
const SIZES = {
  small: { dialogs: 1000, rate: 200 },
  medium: { dialogs: 20000, rate: 500 },
  large: { dialogs: 120000, rate: 500 },
};
const TIME = '/usr/bin/time';
const SNGREP_LIMIT = 10000000; // sngrep's default capture.limit (20,000 dialogs) would truncate medium/large
const MIN_SECONDS = 0.01; // clamp for rates: /usr/bin/time reports 10 ms steps

function parseArgs(argv) {
  const opts = { size: 'small', runs: 3, file: null, tools: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--size') opts.size = val();
    else if (a === '--runs') opts.runs = Number(val());
    else if (a === '--file') opts.file = val();
    else if (a === '--tools') opts.tools = val().split(',');
    else if (a === '-h' || a === '--help') { console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 21).map((l) => l.replace(/^\/\/ ?/, '')).join('\n')); process.exit(0); }
    else fail(`unknown argument ${a}`);
  }
  if (!SIZES[opts.size] && !opts.file) fail(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  if (!Number.isInteger(opts.runs) || opts.runs < 1) fail('--runs must be a positive integer');
  return opts;
}
function fail(msg) { console.error(`bench: ${msg}`); process.exit(2); }
const has = (cmd) => spawnSync('bash', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const q = (s) => `'${String(s).replaceAll("'", "'\\''")}'`;

function ensureCapture(size) {
  const out = join(BENCH_DIR, `${size}.pcap`);
  if (existsSync(out) && statSync(out).size > 24) { console.error(`bench: reusing ${out}`); return out; }
  if (!existsSync(GEN)) fail(`${out} is missing and the generator ${GEN} is not there (set SIPTRACE_GEN_CAPTURE or use --file)`);
  if (process.getuid?.() !== 0) fail(`${out} is missing; making it needs root (tcpdump on lo): sudo npm run bench -- --size ${size}, or --file CAPTURE`);
  mkdirSync(BENCH_DIR, { recursive: true });
  const { dialogs, rate } = SIZES[size];
  const partial = `${out}.partial`;
  console.error(`bench: generating ${out} (${dialogs} dialogs at ${rate}/s) with ${GEN} ...`);
  const r = spawnSync('bash', [GEN, partial, String(dialogs), String(rate)], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0 || !existsSync(partial)) { rmSync(partial, { force: true }); fail(`gen-capture.sh failed (exit ${r.status})`); }
  renameSync(partial, out); // only a finished capture is ever reused
  return out;
}

function countPackets(file) {
  const r = spawnSync('capinfos', ['-c', '-M', file], { encoding: 'utf8' });
  const m = /Number of packets:\s*(\d+)/.exec(r.stdout ?? '');
  return m ? Number(m[1]) : null;
}
function version(cmd, args, re) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  const m = re.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  return m ? m[1] : 'n/a';
}

function toolsFor(file) {
  // run the bin itself, as a user does
  const sip = q(join(ROOT, 'bin/siptrace'));
  return [
    { name: 'siptrace messages', cmd: `${sip} messages ${q(file)} --format tsv > /dev/null`, need: 'node' },
    { name: 'siptrace calls', cmd: `${sip} calls ${q(file)} > /dev/null`, need: 'node', note: 'the call list (table), as sngrep loads it' },
    { name: 'siptrace calls json', cmd: `${sip} calls ${q(file)} --format json > /dev/null`, need: 'node', note: 'every call with dialogs, transactions, streams' },
    { name: 'tshark -Y sip -T fields', cmd: `tshark -r ${q(file)} -Y sip -T fields -e frame.number -e sip.Call-ID -e sip.CSeq > /dev/null`, need: 'tshark' },
    { name: 'sngrep -N', cmd: `sngrep -N -l ${SNGREP_LIMIT} -I ${q(file)} > /dev/null`, need: 'sngrep', note: 'polls every 0.5 s: wall rounded up' },
  ];
}

/** One timed run: { wall, cpu, rssMb, ok, err }. */
function timeOnce(tool, scratch) {
  const tf = join(scratch, 'time.txt');
  const ef = join(scratch, 'stderr.txt');
  rmSync(tf, { force: true });
  const r = spawnSync(TIME, ['-v', '-o', tf, 'bash', '-c', `${tool.cmd} 2> ${q(ef)}`], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const t = existsSync(tf) ? readFileSync(tf, 'utf8') : '';
  const field = (label) => { const m = new RegExp(`${label}[^:]*: (.*)`).exec(t); return m ? m[1].trim() : null; };
  const clock = /Elapsed \(wall clock\) time \([^)]*\): (.*)/.exec(t)?.[1];
  const wall = clock ? clock.split(':').reduce((s, x) => s * 60 + Number(x), 0) : NaN;
  const cpu = Number(field('User time')) + Number(field('System time'));
  const rssMb = Number(field('Maximum resident set size')) / 1024;
  const status = Number(field('Exit status') ?? r.status);
  if (status !== 0) {
    const err = existsSync(ef) ? readFileSync(ef, 'utf8').trim().split('\n').filter(Boolean) : [];
    return { ok: false, err: `exit ${status}: ${(err.find((l) => /error/i.test(l)) ?? err[0] ?? '').slice(0, 160)}` };
  }
  return { ok: true, wall, cpu, rssMb };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, d = 2) => (!Number.isFinite(x) ? 'n/a' : x >= 100 ? x.toFixed(0) : x.toFixed(d));
const rate = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0));

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(TIME)) fail(`${TIME} not found: apt-get install time`);
  const file = opts.file ? resolve(opts.file) : ensureCapture(opts.size);
  if (!existsSync(file)) fail(`${file} not found`);
  const label = opts.file ? basename(file).replace(/\.[^.]+$/, '') : opts.size;
  const bytes = statSync(file).size;
  const packets = countPackets(file);
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) console.error('bench: dist/cli/main.js is missing: run `npm run build` first (siptrace rows will fail)');

  let tools = toolsFor(file);
  if (opts.tools) tools = tools.filter((t) => opts.tools.some((n) => t.name.startsWith(n)));
  const scratch = join(tmpdir(), `siptrace-bench-${process.pid}`);
  mkdirSync(scratch, { recursive: true });
  // warm the page cache once so no tool pays for the first read
  const fd = openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(1 << 20);
  while (readSync(fd, chunk, 0, chunk.length, null) > 0);
  closeSync(fd);

  const samples = new Map(tools.map((t) => [t.name, []]));
  const errors = new Map();
  for (let run = 1; run <= opts.runs; run++) {
    for (const tool of tools) {
      if (!has(tool.need)) { errors.set(tool.name, `${tool.need} not installed`); continue; }
      if (errors.has(tool.name) && samples.get(tool.name).length === 0) continue; // failed before: do not retry
      const s = timeOnce(tool, scratch);
      if (!s.ok) { errors.set(tool.name, s.err); console.error(`bench: ${tool.name} run ${run}: ${s.err}`); continue; }
      samples.get(tool.name).push(s);
      console.error(`bench: ${tool.name} run ${run}: wall ${fmt(s.wall)} s, cpu ${fmt(s.cpu)} s, rss ${fmt(s.rssMb, 1)} MB`);
    }
  }
  rmSync(scratch, { recursive: true, force: true });

  const mb = bytes / 1e6;
  const rows = tools.map((t) => {
    const xs = samples.get(t.name);
    if (xs.length === 0) return { name: t.name, err: errors.get(t.name) ?? 'no runs', note: t.note };
    return { name: t.name, n: xs.length, wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)),
      rss: median(xs.map((x) => x.rssMb)), note: t.note };
  });
  const refs = rows.filter((r) => (r.name === 'siptrace messages' || r.name === 'siptrace calls') && r.cpu !== undefined);
  const lines = [];
  lines.push(`# siptrace benchmark: ${label}`, '');
  lines.push(`Capture \`${file}\`: ${packets ?? '?'} packets, ${fmt(mb, 1)} MB. ` +
    `${opts.runs} runs per tool, interleaved, medians. Machine: ${cpus().length} CPUs, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}; ` +
    `node ${process.version}, tshark ${version('tshark', ['-v'], /TShark \(Wireshark\) (\S+)/)}, sngrep ${version('sngrep', ['-V'], /sngrep - (\S+)/)}; ` +
    `${new Date().toISOString()}.`, '');
  lines.push('Rates use CPU time (user+sys): on a busy machine it is the closer estimate of the wall time on an idle core. ' +
    'Ratios > 1 mean the tool needs more than siptrace.', '');
  const refCols = refs.map((r) => `CPU ÷ ${r.name} | RSS ÷ ${r.name}`);
  lines.push(`| tool | runs | wall s | CPU s | packets/s (CPU) | MB/s (CPU) | peak RSS MB | ${refCols.join(' | ')}${refCols.length ? ' | ' : ''}notes |`);
  lines.push(`|---|---:|---:|---:|---:|---:|---:|${refs.map(() => '---:|---:|').join('')}---|`);
  for (const r of rows) {
    if (r.err) {
      lines.push(`| ${r.name} | 0 | | | | | | ${refs.map(() => ' | |').join('')} error: ${r.err.replaceAll('|', '\\|')} |`);
      continue;
    }
    const c = Math.max(r.cpu, MIN_SECONDS);
    const ratios = refs.map((ref) => `${fmt(c / Math.max(ref.cpu, MIN_SECONDS))} | ${fmt(r.rss / ref.rss)}`);
    lines.push(`| ${r.name} | ${r.n} | ${fmt(r.wall)} | ${fmt(r.cpu)} | ${packets ? rate(packets / c) : 'n/a'} | ${fmt(mb / c, 1)} | ` +
      `${fmt(r.rss, 1)} | ${ratios.join(' | ')}${ratios.length ? ' | ' : ''}${r.note ?? ''} |`);
  }
  // The calls issue's target: `siptrace calls` at least 3x faster than sngrep loading the file,
  // with at most a quarter of its peak RSS.
  const calls = rows.find((r) => r.name === 'siptrace calls' && !r.err);
  const sngrep = rows.find((r) => r.name === 'sngrep -N' && !r.err);
  if (calls && sngrep) {
    const cpuX = sngrep.cpu / Math.max(calls.cpu, MIN_SECONDS);
    const wallX = sngrep.wall / Math.max(calls.wall, MIN_SECONDS);
    const rssX = sngrep.rss / calls.rss;
    lines.push('', `sngrep -N ÷ siptrace calls: CPU ${fmt(cpuX)}, wall time ${fmt(wallX)}, peak RSS ${fmt(rssX)} ` +
      `(the calls issue's target on a 1 GB capture: ≥ 3 for speed, ≥ 4 for RSS; here CPU ${cpuX >= 3 ? 'met' : 'NOT met'}, ` +
      `wall ${wallX >= 3 ? 'met' : 'NOT met'}, RSS ${rssX >= 4 ? 'met' : 'NOT met'}).`);
  }
  lines.push('', 'Commands (`FILE` = the capture):', '');
  for (const t of tools) lines.push(`- ${t.name}: \`${t.cmd.replaceAll(file, 'FILE').replaceAll(ROOT + '/', '')}\``);
  const md = `${lines.join('\n')}\n`;
  process.stdout.write(md);
  const outDir = join(ROOT, 'test-output');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `bench-${label}.md`), md);
  console.error(`bench: written ${join('test-output', `bench-${label}.md`)}`);
}

main();
