/**
 * Options shared by `calls`, `flow` and `save`: the simple filters and the expression, compiled
 * into one predicate over the store's rows (the same language the UI uses).
 */
import { Option, type Command } from 'commander';
import { compileCliFilters, type CliFilterOptions } from '../../core/store/cli-filters.js';
import { FilterSyntaxError } from '../../core/store/filter-ast.js';
import { compileFilterExpression } from '../../core/store/filter-compile.js';
import type { CallPredicate } from '../../core/store/filter-compile.js';
import type { CallStore } from '../../core/store/call-store.js';
import { CliError, EXIT } from '../errors.js';

export interface SelectionOptions {
  call?: string[];
  from?: string[];
  to?: string[];
  method?: string[];
  state?: string[];
  code?: string[];
  match?: string[];
  since?: string;
  until?: string;
  filter?: string;
  ignoreCase?: boolean;
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

export function addSelectionOptions(cmd: Command, callRequired = false): Command {
  const call = new Option('--call <index|Call-ID>', 'a call by index or Call-ID (repeatable)').argParser(collect);
  if (callRequired) call.makeOptionMandatory(false);
  return cmd
    .addOption(call)
    .addOption(new Option('--from <regex>', "From URI or display name matches (repeatable: any)").argParser(collect))
    .addOption(new Option('--to <regex>', 'To URI or display name matches (repeatable: any)').argParser(collect))
    .addOption(new Option('--method <method>', 'first method (repeatable: any)').argParser(collect))
    .addOption(new Option('--state <state>', 'call state, e.g. completed, rejected, in-call (repeatable: any)').argParser(collect))
    .addOption(new Option('--code <code>', 'final code, e.g. 486 or 4xx (repeatable: any)').argParser(collect))
    .addOption(new Option('--match <regex>', 'any message of the call matches (raw payload; repeatable: all)').argParser(collect))
    .option('--since <time>', 'calls active at or after: ISO-8601, epoch seconds, or +10s from capture start')
    .option('--until <time>', 'calls active at or before (same forms as --since)')
    .option('-i, --ignore-case', 'regexes of --from, --to and --match ignore case')
    .option('--filter <expression>', "filter expression, e.g. \"state == failed and pdd > 3s\"");
}

/** One predicate for all the given options; a bad filter is a usage error that says where. */
export function selectionPredicate(opts: SelectionOptions, store: CallStore): CallPredicate | undefined {
  const simple: CliFilterOptions = {
    ...(opts.call ? { call: opts.call } : {}),
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.to ? { to: opts.to } : {}),
    ...(opts.method ? { method: opts.method } : {}),
    ...(opts.state ? { state: opts.state } : {}),
    ...(opts.code ? { code: opts.code } : {}),
    ...(opts.match ? { match: opts.match } : {}),
    ...(opts.since ? { since: opts.since } : {}),
    ...(opts.until ? { until: opts.until } : {}),
    ...(opts.ignoreCase ? { ignoreCase: true } : {}),
  };
  try {
    const start = store.captureStartMs();
    const a = compileCliFilters(simple, start === undefined ? {} : { captureStartMs: start });
    const b = opts.filter !== undefined ? compileFilterExpression(opts.filter) : undefined;
    if (a && b) return (row) => a(row) && b(row);
    return a ?? b;
  } catch (err) {
    if (err instanceof FilterSyntaxError) {
      const where = opts.filter !== undefined && err.expression === opts.filter ? `--filter: ${err.message}` : err.message;
      throw new CliError(where, EXIT.USAGE);
    }
    throw err;
  }
}

/** Call indexes selected, in index order; `--call` values that match nothing are an error. */
export function selectedCalls(opts: SelectionOptions, store: CallStore): number[] {
  const predicate = selectionPredicate(opts, store);
  // Without a filter every call is selected: no query, so no row per call is built and cached.
  const ids = predicate
    ? [...store.query({ filter: predicate }).ids].sort((a, b) => a - b)
    : Array.from({ length: store.callCount }, (_, i) => i + 1);
  if (opts.call && opts.call.length > 0) {
    for (const c of opts.call) {
      const known = /^\d+$/.test(c) ? store.call(Number(c)) !== undefined : store.rows().some((r) => r.call.callId === c);
      if (!known) throw new CliError(`no call ${JSON.stringify(c)} in this capture (siptrace calls FILE lists them)`, EXIT.NOT_FOUND);
    }
  }
  return ids;
}
