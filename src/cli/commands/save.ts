/**
 * `siptrace save FILE --call … -o out.pcap [--rtp]`: the chosen calls' packets, in capture
 * order, read again from the input in a second streaming pass (nothing held in memory).
 * With --rtp, UDP packets of the calls' RTP streams (and RTCP on the next port, RFC 3550 §11)
 * within each stream's frame range are written too.
 */
import { callPacketFilter } from '../../io/call-packets.js';
import { saveSelectedPackets, type SaveFormat } from '../../io/save-capture.js';
import { CliError, EXIT, type ExitCode } from '../errors.js';
import { loadForCommand } from './load.js';
import { selectedCalls, type SelectionOptions } from './selection.js';

export interface SaveOptions extends SelectionOptions {
  output: string;
  rtp?: boolean;
  pcapng?: boolean;
}

export async function runSave(file: string, opts: SaveOptions, write: (s: string) => void): Promise<ExitCode> {
  if (file === '-') throw new CliError('save reads the capture twice: give a file, not stdin', EXIT.USAGE);
  const load = await loadForCommand(file);
  const store = load.store;
  const ids = selectedCalls(opts, store);
  if (ids.length === 0) throw new CliError('no call matches the selection (siptrace calls FILE lists them)', EXIT.NOT_FOUND);
  const format: SaveFormat | undefined = opts.pcapng ? 'pcapng' : undefined;
  const r = await saveSelectedPackets(
    file,
    opts.output,
    callPacketFilter(store, ids, opts.rtp === true),
    load.linkTypes,
    format,
  );
  write(`siptrace: wrote ${r.written} packets of ${ids.length} call${ids.length === 1 ? '' : 's'} to ${opts.output} (${r.format})\n`);
  return EXIT.OK;
}
