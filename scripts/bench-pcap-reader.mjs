#!/usr/bin/env node
// Throughput of siptrace's capture reader against the npm package pcap-parser (0.2.1).
//
//   npm run build                       # the reader is imported from dist/
//   mkdir -p /tmp/pcapp && (cd /tmp/pcapp && npm init -y && npm i pcap-parser@0.2.1)
//   node scripts/bench-pcap-reader.mjs FILE.pcap [FILE2.pcap ...]
//
// Environment: RUNS (default 5, median reported), DIST_DIR (default dist/), PCAP_PARSER_DIR (default
// /tmp/pcapp/node_modules), VARIANTS (comma list, default all).
// Each run is a fresh `node` process (no JIT or GC state shared between variants);
// variants are interleaved run by run. Every variant reads the file from disk, counts
// packets and touches each packet's captured length (what a consumer needs at least).
//
// Variants:
//   siptrace-file    readCaptureFile() (1 MiB chunks, yields to the event loop per chunk)
//   siptrace-push    fs.readSync 1 MiB chunks pushed straight into createCaptureReader()
//   pcapparser-64k   pcap-parser on its own fs.createReadStream (64 KiB chunks)
//   pcapparser-1m    pcap-parser on a read stream with 1 MiB chunks
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.DIST_DIR ? path.resolve(process.env.DIST_DIR) : path.resolve(here, '../dist');
const ALL = ['siptrace-file', 'siptrace-push', 'pcapparser-64k', 'pcapparser-1m'];
const MiB = 1 << 20;

async function runOne(variant, file) {
  const t0 = process.hrtime.bigint();
  let packets = 0;
  let bytes = 0;
  const onRecord = (r) => {
    packets++;
    bytes += r.data.length;
  };
  if (variant === 'siptrace-file') {
    const { readCaptureFile } = await import(pathToFileURL(path.join(dist, 'io/file-source.js')).href);
    await readCaptureFile(file, { onRecord }, { chunkSize: MiB });
  } else if (variant === 'siptrace-push') {
    const { createCaptureReader } = await import(pathToFileURL(path.join(dist, 'core/capture/open-reader.js')).href);
    const reader = createCaptureReader({ onRecord, onFatal: (f) => { throw new Error(f.message); } });
    const fd = openSync(file, 'r');
    for (;;) {
      const chunk = Buffer.allocUnsafe(MiB);
      const n = readSync(fd, chunk, 0, MiB, null);
      if (n === 0) break;
      reader.push(n === MiB ? chunk : chunk.subarray(0, n));
    }
    closeSync(fd);
    reader.end();
  } else {
    const require = createRequire(path.join(process.env.PCAP_PARSER_DIR || '/tmp/pcapp/node_modules', 'x.js'));
    const pcapParser = require('pcap-parser');
    const input = variant === 'pcapparser-1m' ? createReadStream(file, { highWaterMark: MiB }) : file;
    await new Promise((resolve, reject) => {
      const p = pcapParser.parse(input);
      p.on('packet', (pkt) => {
        packets++;
        bytes += pkt.data.length;
      });
      p.on('error', reject);
      p.on('end', resolve);
    });
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return { packets, bytes, secs };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

if (process.argv[2] === '--one') {
  process.noDeprecation = true; // pcap-parser calls new Buffer()
  const r = await runOne(process.argv[3], process.argv[4]);
  process.stdout.write(JSON.stringify(r));
} else {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: node scripts/bench-pcap-reader.mjs FILE.pcap [...]');
    process.exit(2);
  }
  const runs = Number(process.env.RUNS || 5);
  const variants = (process.env.VARIANTS || ALL.join(',')).split(',');
  console.log(`| file | size | variant | packets | median s | packets/s | MB/s |`);
  console.log(`|---|---|---|---|---|---|---|`);
  for (const file of files) {
    const size = statSync(file).size;
    const samples = Object.fromEntries(variants.map((v) => [v, []]));
    let packets = {};
    for (let i = 0; i < runs; i++) {
      for (const v of variants) {
        const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--one', v, file], { maxBuffer: 1 << 20 });
        const r = JSON.parse(out.toString());
        samples[v].push(r.secs);
        packets[v] = r.packets;
      }
    }
    for (const v of variants) {
      const s = median(samples[v]);
      console.log(
        `| ${path.basename(file)} | ${(size / 1e6).toFixed(1)} MB | ${v} | ${packets[v]} | ${s.toFixed(3)} | ${Math.round(packets[v] / s).toLocaleString('en-US')} | ${(size / 1e6 / s).toFixed(0)} |`,
      );
    }
  }
}
