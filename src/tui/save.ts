/**
 * Save from the UI: the SIP packets of the chosen calls, copied from the capture by a second
 * read (io/save-capture.ts), so nothing is held in memory for it. `.pcapng` names ask for
 * pcapng; otherwise pcap unless the packets mix link types.
 */
import type { CallStore } from '../core/store/call-store.js';
import { saveSelectedPackets } from '../io/save-capture.js';

/** Frame numbers of every message of the calls (a message over several frames gives them all). */
export function framesOfCalls(store: CallStore, calls: readonly number[]): Set<number> {
  const frames = new Set<number>();
  for (const id of calls) {
    for (const e of store.call(id)?.messages ?? []) {
      for (const f of e.message.frames ?? [e.message.frame]) frames.add(f);
    }
  }
  return frames;
}

/** Writes the file; resolves to the one-line status to show (errors included, never throws). */
export async function saveCallsToFile(input: string, output: string, store: CallStore, calls: readonly number[], linkTypes: ReadonlySet<number>): Promise<string> {
  const frames = framesOfCalls(store, calls);
  try {
    const format = /\.pcapng$/i.test(output) ? 'pcapng' : undefined;
    const r = await saveSelectedPackets(input, output, (rec) => frames.has(rec.frame), linkTypes, format);
    return `saved ${r.written} packets of ${calls.length} call${calls.length === 1 ? '' : 's'} to ${output} (${r.format})`;
  } catch (err) {
    return `save failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}
