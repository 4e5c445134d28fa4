/** Loads a capture for a printing command, with damage reported on stderr as one summary line. */
import { startLoad, type CaptureLoad } from '../../io/load-capture.js';

export async function loadForCommand(file: string, relatedHeaders?: string[]): Promise<CaptureLoad> {
  const load = startLoad(file, relatedHeaders ? { relatedCallHeaders: relatedHeaders } : {});
  const result = await load.done;
  const damage = Object.entries(result.diagnostics).filter(([code]) => /^(CAPTURE_|PCAP)/.test(code));
  if (damage.length > 0 || process.env.SIPTRACE_STATS) {
    const all = process.env.SIPTRACE_STATS ? Object.entries(result.diagnostics) : damage;
    process.stderr.write(`siptrace: ${result.read.frames} packets, ${result.stats.messages} SIP messages; diagnostics: ${all.map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
  }
  return load;
}
