/** `siptrace calls FILE`: one row per call as a table, JSON or CSV. */
import { callsJsonChunks } from '../../export/calls-json.js';
import { callsCsvChunks, callsTableChunks, UnknownColumnError } from '../../export/calls-table.js';
import { callRow, type CallRow } from '../../core/store/attributes.js';
import { CliError, EXIT, type ExitCode } from '../errors.js';
import { aliasMap } from '../../io/config.js';
import { cliConfig, loadForCommand } from './load.js';
import { selectedCalls, type SelectionOptions } from './selection.js';

export interface CallsOptions extends SelectionOptions {
  format: 'table' | 'json' | 'csv';
  columns?: string;
  wide?: boolean;
  sort?: string;
  reverse?: boolean;
  /** false with --no-aliases: addresses as captured in the table. */
  aliases?: boolean;
}

/** Writes text; a returned promise means the sink is full: wait for it before writing more. */
export type TextWriter = (s: string) => Promise<void> | void;

export async function runCalls(file: string, opts: CallsOptions, write: TextWriter): Promise<ExitCode> {
  const load = await loadForCommand(file);
  const store = load.store;
  let ids = selectedCalls(opts, store);
  if (opts.sort) {
    try {
      const chosen = new Set(ids);
      ids = store.query({ sort: { attr: opts.sort, desc: opts.reverse === true } }).ids.filter((i) => chosen.has(i));
    } catch (err) {
      throw new CliError(`--sort: ${(err as Error).message}`, EXIT.USAGE);
    }
  } else if (opts.reverse) ids.reverse();
  // Rows made one at a time and let go (the store's row cache would hold 100k of them).
  function* rows(): Generator<CallRow> {
    for (const i of ids) yield callRow(store.call(i)!, store.streams(i));
  }
  try {
    const columns = opts.columns ? opts.columns.split(',').map((c) => c.trim()).filter(Boolean) : undefined;
    let chunks: Iterable<string>;
    if (opts.format === 'json') {
      chunks = callsJsonChunks(
        ids.map((i) => store.call(i)!),
        { streams: ids.flatMap((i) => store.streams(i)) },
      );
    } else if (opts.format === 'csv') {
      chunks = callsCsvChunks(rows(), columns ? { columns } : {});
    } else {
      const aliases = opts.aliases !== false ? aliasMap(cliConfig().config) : undefined;
      chunks = callsTableChunks(rows(), { ...(columns ? { columns } : {}), ...(opts.wide ? { wide: true } : {}), ...(aliases ? { aliases } : {}) });
    }
    // a chunk at a time, waiting while stdout is full (a slow pipe must not buffer the whole output)
    for (const chunk of chunks) {
      const full = write(chunk);
      if (full) await full;
    }
  } catch (err) {
    if (err instanceof UnknownColumnError) throw new CliError(`--columns: ${err.message}`, EXIT.USAGE);
    throw err;
  }
  return EXIT.OK;
}
