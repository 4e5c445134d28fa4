#!/usr/bin/env -S node --expose-gc
// Media correlation cost: the MediaRegistry's retained heap and CPU time on a capture.
//
//   node --expose-gc scripts/bench-media.mjs [--file CAPTURE] [--runs N] [--out DIR] [--no-build]
//                                            [--snapshot PREFIX]  (heap snapshots with/without the registry)
//
// Builds the sources (npx tsc -p tsconfig.build.json, into dist/ or --out DIR), then:
// 1. decodes the capture (default /tmp/bench/medium.pcap) through the decoder and the call
//    correlator, recording the registry's inputs in capture order (SIP entries and the UDP
//    segments that carried no SIP, payloads copied, so the decoder is not timed again);
// 2. parses every SDP once up front (sdpOfMessage caches per message), timed apart, because
//    that cost belongs to src/core/sdp/session.ts, not to the registry;
// 3. replays the inputs into a fresh MediaRegistry --runs times (default 3): CPU (user+sys)
//    and wall time per replay, GC included since the registry's allocations are its cost;
// 4. heap used after global.gc() with the last registry alive, then without it: the
//    difference is what the registry alone retains (SDP sessions stay alive through the
//    correlator's messages in both readings, so they are not counted here).
import { performance } from 'node:perf_hooks';
import { benchOptions, buildSources } from './bench-build.mjs';

const opts = benchOptions(process.argv.slice(2), { runs: 3, valued: ['snapshot'] });
if (typeof global.gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(2);
}
const mod = buildSources(opts);
const { decodeCaptureFile } = await mod('io/decode-file.js');
const { CallCorrelator } = await mod('core/correlate/correlator.js');
const { MediaRegistry } = await mod('core/correlate/media-registry.js');
const { sdpOfMessage } = await mod('core/sdp/session.js');

const mb = (n) => (n / 1e6).toFixed(1);
function heapUsed() {
  for (let i = 0; i < 4; i++) global.gc();
  return process.memoryUsage().heapUsed;
}

// 1. decode + correlate, recording the registry's inputs in order.
const events = []; // MessageEntry | TransportSegment (told apart by `payload`)
const correlator = new CallCorrelator();
let t0 = performance.now();
await decodeCaptureFile(opts.file, {
  onMessage: (m) => events.push(correlator.add(m)),
  onOtherUdp: (seg) => events.push({ ...seg, payload: Buffer.from(seg.payload) }),
});
correlator.end();
const decodeMs = performance.now() - t0;
let udp = 0;
for (const e of events) if (e.payload) udp++;
console.log(`capture ${opts.file}: ${events.length - udp} SIP messages, ${udp} other UDP segments, ${correlator.calls().length} calls (decode+correlate ${(decodeMs / 1000).toFixed(2)} s)`);

// 2. SDP parsing, apart.
t0 = performance.now();
let sdps = 0;
for (const e of events) if (!e.payload && sdpOfMessage(e.message)) sdps++;
console.log(`SDP bodies parsed: ${sdps} in ${(performance.now() - t0).toFixed(0)} ms (session.ts, not counted below)`);

// 3. replays.
function replay() {
  const reg = new MediaRegistry({});
  let sipMs = 0;
  let udpMs = 0;
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  // Timed in runs of one kind, so the clock is read once per run, not per packet.
  let i = 0;
  while (i < events.length) {
    const s = performance.now();
    if (events[i].payload) {
      while (i < events.length && events[i].payload) reg.onUdp(events[i++]);
      udpMs += performance.now() - s;
    } else {
      while (i < events.length && !events[i].payload) reg.onSipMessage(events[i++]);
      sipMs += performance.now() - s;
    }
  }
  const wall = performance.now() - w0;
  const cpu = process.cpuUsage(cpu0);
  return { reg, wall, cpuMs: (cpu.user + cpu.system) / 1000, sipMs, udpMs };
}
let reg;
const rows = [];
for (let r = 0; r < opts.runs; r++) {
  reg = undefined;
  global.gc();
  const x = replay();
  reg = x.reg;
  delete x.reg;
  rows.push(x);
  console.log(
    `replay ${r + 1}: cpu ${x.cpuMs.toFixed(0)} ms, wall ${x.wall.toFixed(0)} ms (onSipMessage ${x.sipMs.toFixed(0)} ms, onUdp ${x.udpMs.toFixed(0)} ms)`,
  );
}
const best = rows.reduce((a, b) => (b.cpuMs < a.cpuMs ? b : a));
let streams = reg.streams();
let packets = 0;
for (const s of streams) packets += s.packets;
const streamCount = streams.length;
const withReg = heapUsed();
if (opts.snapshot) (await import('node:v8')).writeHeapSnapshot(`${opts.snapshot}.with.heapsnapshot`);
const st = reg.stats;
const callsWithStreams = new Set(streams.map((s) => s.callIndex)).size;
reg = undefined;
streams = undefined;
const withoutReg = heapUsed();
if (opts.snapshot) (await import('node:v8')).writeHeapSnapshot(`${opts.snapshot}.without.heapsnapshot`);
const retained = withReg - withoutReg;
const calls = correlator.calls().length;
console.log(`registry: ${streamCount} streams (${packets} RTP packets in streams; stats rtp ${st.rtpPackets} rtcp ${st.rtcpPackets} other ${st.otherMediaPackets}) over ${callsWithStreams} calls`);
console.log(`heap used after gc: with registry ${mb(withReg)} MB, without ${mb(withoutReg)} MB`);
console.log(`RESULT retained ${mb(retained)} MB = ${(retained / calls).toFixed(0)} B per call; best replay cpu ${best.cpuMs.toFixed(0)} ms wall ${best.wall.toFixed(0)} ms (onSipMessage ${best.sipMs.toFixed(0)} ms, onUdp ${best.udpMs.toFixed(0)} ms)`);
