/**
 * `siptrace save FILE --call … -o out.pcap [--rtp]`: the chosen calls' packets, in capture
 * order, read again from the input in a second streaming pass (nothing held in memory).
 * With --rtp, UDP packets of the calls' RTP streams (and RTCP on the next port, RFC 3550 §11)
 * within each stream's frame range are written too.
 */
import { NetDecoder } from '../../core/net/net-decoder.js';
import type { TransportSegment } from '../../core/net/segment.js';
import { saveSelectedPackets, type SaveFormat } from '../../io/save-capture.js';
import { CliError, EXIT, type ExitCode } from '../errors.js';
import { loadForCommand } from './load.js';
import { selectedCalls, type SelectionOptions } from './selection.js';

export interface SaveOptions extends SelectionOptions {
  output: string;
  rtp?: boolean;
  pcapng?: boolean;
}

interface MediaWindow {
  first: number;
  last: number;
  keys: Set<string>;
}

const flowKey = (a: string, ap: number, b: string, bp: number): string => `${a}|${ap}|${b}|${bp}`;

export async function runSave(file: string, opts: SaveOptions, write: (s: string) => void): Promise<ExitCode> {
  if (file === '-') throw new CliError('save reads the capture twice: give a file, not stdin', EXIT.USAGE);
  const load = await loadForCommand(file);
  const store = load.store;
  const ids = selectedCalls(opts, store);
  if (ids.length === 0) throw new CliError('no call matches the selection (siptrace calls FILE lists them)', EXIT.NOT_FOUND);
  const frames = new Set<number>();
  for (const i of ids) {
    for (const e of store.call(i)!.messages) {
      const m = e.message;
      if (m.frames) for (const f of m.frames) frames.add(f);
      else frames.add(m.frame);
    }
  }
  const windows: MediaWindow[] = [];
  if (opts.rtp) {
    for (const i of ids) {
      // RTCP may trail the last RTP packet (a final report or BYE): the window runs to the call's last message
      const callLast = Math.max(...store.call(i)!.messages.map((e) => e.message.frame));
      for (const s of store.streams(i)) {
        if (s.srcIp === undefined || s.dstIp === undefined || s.srcPort === undefined || s.dstPort === undefined) continue;
        const keys = new Set([flowKey(s.srcIp, s.srcPort, s.dstIp, s.dstPort), flowKey(s.srcIp, s.srcPort + 1, s.dstIp, s.dstPort + 1)]);
        windows.push({ first: s.firstFrame, last: Math.max(s.lastFrame, callLast), keys });
      }
    }
  }
  const net = new NetDecoder();
  let hit = false;
  const onSeg = (seg: TransportSegment): void => {
    if (seg.transport !== 'udp') return;
    const k = flowKey(seg.src, seg.srcPort, seg.dst, seg.dstPort);
    for (const w of windows) {
      if (seg.frame >= w.first && seg.frame <= w.last && w.keys.has(k)) {
        hit = true;
        return;
      }
    }
  };
  const format: SaveFormat | undefined = opts.pcapng ? 'pcapng' : undefined;
  const r = await saveSelectedPackets(
    file,
    opts.output,
    (rec) => {
      if (frames.has(rec.frame)) return true;
      if (windows.length === 0) return false;
      hit = false;
      net.decode(rec, onSeg);
      return hit;
    },
    load.linkTypes,
    format,
  );
  write(`siptrace: wrote ${r.written} packets of ${ids.length} call${ids.length === 1 ? '' : 's'} to ${opts.output} (${r.format})\n`);
  return EXIT.OK;
}
