/** tshark's reading of RTP streams (`-z rtp,streams`) and of which SDP frame set each one up. */
import { execFileSync } from 'node:child_process';

export interface TsharkStream {
  start: number;
  end: number;
  srcIp: string;
  srcPort: number;
  dstIp: string;
  dstPort: number;
  ssrc: number;
  payload: string;
  packets: number;
  lost: number;
  maxDeltaMs: number;
  maxJitterMs: number;
  meanJitterMs: number;
  /** Frame whose SDP set the stream up (rtp.setup-frame), and that frame's Call-ID ('' when not SIP). */
  setupFrame?: number;
  setupCallId?: string;
}

const ROW =
  /^\s*([\d.]+)\s+([\d.]+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+0x([0-9A-Fa-f]+)\s+(.+?)\s+(\d+)\s+(-?\d+) \([-\d.]+%\)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*X?\s*$/;

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
}

export function tsharkRtpStreams(file: string): TsharkStream[] {
  const out: TsharkStream[] = [];
  for (const line of tshark(['-q', '-z', 'rtp,streams', '-r', file]).split('\n')) {
    const m = ROW.exec(line);
    if (!m) continue;
    out.push({
      start: Number(m[1]),
      end: Number(m[2]),
      srcIp: m[3]!,
      srcPort: Number(m[4]),
      dstIp: m[5]!,
      dstPort: Number(m[6]),
      ssrc: parseInt(m[7]!, 16),
      payload: m[8]!,
      packets: Number(m[9]),
      lost: Number(m[10]),
      maxDeltaMs: Number(m[13]),
      meanJitterMs: Number(m[15]),
      maxJitterMs: Number(m[16]),
    });
  }
  // Which frame set each stream up, and the Call-ID of that frame.
  const setup = new Map<string, number>();
  for (const line of tshark(['-r', file, '-Y', 'rtp', '-T', 'fields', '-e', 'rtp.ssrc', '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'udp.srcport', '-e', 'ip.dst', '-e', 'ipv6.dst', '-e', 'udp.dstport', '-e', 'rtp.setup-frame']).split('\n')) {
    const c = line.split('\t');
    if (c.length < 8 || c[7] === '') continue;
    const key = `${parseInt(c[0]!, 16)} ${c[1] || c[2]}:${c[3]} ${c[4] || c[5]}:${c[6]}`;
    if (!setup.has(key)) setup.set(key, Number(c[7]));
  }
  const callIds = new Map<number, string>();
  for (const line of tshark(['-r', file, '-Y', 'sip', '-T', 'fields', '-e', 'frame.number', '-e', 'sip.Call-ID']).split('\n')) {
    const [f, id] = line.split('\t');
    if (f && id) callIds.set(Number(f), id.split(',')[0]!);
  }
  for (const s of out) {
    const f = setup.get(`${s.ssrc} ${s.srcIp}:${s.srcPort} ${s.dstIp}:${s.dstPort}`);
    if (f !== undefined) {
      s.setupFrame = f;
      s.setupCallId = callIds.get(f) ?? '';
    }
  }
  return out;
}
