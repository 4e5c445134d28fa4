/** Loads a capture for a printing command, with damage reported on stderr as one summary line. */
import { loadConfig, type LoadedConfig } from '../../io/config.js';
import { startLoad, type CaptureLoad } from '../../io/load-capture.js';

/** The user's config file (docs/tui.md): read once per command; a bad file is a ConfigError. */
let configCache: LoadedConfig | undefined;
export function cliConfig(): LoadedConfig {
  return (configCache ??= loadConfig());
}

export async function loadForCommand(file: string): Promise<CaptureLoad> {
  const related = cliConfig().config.relatedCallHeaders;
  const load = startLoad(file, related ? { relatedCallHeaders: related } : {});
  const result = await load.done;
  const damage = Object.entries(result.diagnostics).filter(([code]) => /^(CAPTURE_|PCAP)/.test(code));
  if (damage.length > 0 || process.env.SIPTRACE_STATS) {
    const all = process.env.SIPTRACE_STATS ? Object.entries(result.diagnostics) : damage;
    process.stderr.write(`siptrace: ${result.read.frames} packets, ${result.stats.messages} SIP messages; diagnostics: ${all.map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
  }
  return load;
}
