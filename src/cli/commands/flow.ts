/** `siptrace flow FILE --call …`: the ladder of the chosen calls, for a bug report. */
import { writeFileSync } from 'node:fs';
import { sdpOfMessage } from '../../core/sdp/session.js';
import type { CallStore } from '../../core/store/call-store.js';
import { renderCallsJson } from '../../export/calls-json.js';
import { renderHtml } from '../../export/html.js';
import { renderMarkdown } from '../../export/markdown.js';
import { renderMermaid } from '../../export/mermaid.js';
import { renderTextLadder } from '../../export/text-ladder.js';
import { layoutLadder } from '../../view/ladder.js';
import { CliError, EXIT, type ExitCode } from '../errors.js';
import { aliasMap } from '../../io/config.js';
import { fsErrorText } from '../../io/fs-errors.js';
import { cliConfig, loadForCommand } from './load.js';
import { selectedCalls, type SelectionOptions } from './selection.js';

export type FlowFormat = 'text' | 'markdown' | 'mermaid' | 'json' | 'html';

export interface FlowOptions extends SelectionOptions {
  format: FlowFormat;
  width?: string;
  compress?: boolean;
  raw?: boolean;
  ascii?: boolean;
  rtp?: boolean;
  related?: boolean;
  output?: string;
  /** false with --no-aliases: addresses as captured, ignoring the config's aliases. */
  aliases?: boolean;
}

/** Adds every call linked by X-Call-ID-like headers, transitively (the `x` key of sngrep). */
function withRelated(ids: number[], store: CallStore): number[] {
  const seen = new Set(ids);
  const todo = [...ids];
  while (todo.length > 0) {
    const c = store.call(todo.pop()!);
    for (const r of c?.related ?? []) {
      if (!seen.has(r)) {
        seen.add(r);
        todo.push(r);
      }
    }
  }
  return [...seen].sort((a, b) => a - b);
}

export async function runFlow(file: string, opts: FlowOptions, write: (s: string) => void): Promise<ExitCode> {
  const width = opts.width === undefined ? undefined : Number(opts.width);
  if (width !== undefined && (!Number.isInteger(width) || width < 20 || width > 10000)) {
    throw new CliError(`--width must be a whole number from 20 to 10000 (got ${JSON.stringify(opts.width)})`, EXIT.USAGE);
  }
  const load = await loadForCommand(file);
  const store = load.store;
  let ids = selectedCalls(opts, store);
  if (ids.length === 0) throw new CliError('no call matches the selection (siptrace calls FILE lists them)', EXIT.NOT_FOUND);
  if (opts.related) ids = withRelated(ids, store);
  const calls = ids.map((i) => store.call(i)!);
  const streams = ids.flatMap((i) => [...store.streams(i)]);
  const layout = layoutLadder({
    calls,
    streams,
    compress: opts.compress === true,
    showRtp: opts.rtp !== false,
    sdpLabel: (m) => sdpOfMessage(m)?.label,
    ...(opts.aliases !== false ? { aliases: aliasMap(cliConfig().config) } : {}),
  });
  const text = { ...(width ? { width } : {}), raw: opts.raw === true, ascii: opts.ascii === true };
  let out: string;
  switch (opts.format) {
    case 'text':
      out = renderTextLadder(layout, text);
      break;
    case 'markdown':
      out = renderMarkdown(layout, { ...text, mermaid: true });
      break;
    case 'mermaid':
      out = renderMermaid(layout);
      break;
    case 'json':
      out = renderCallsJson(calls, { streams });
      break;
    case 'html':
      out = renderHtml(layout, { title: `siptrace: ${calls.length === 1 ? calls[0]!.callId : `${calls.length} calls`}` });
      break;
  }
  if (opts.output && opts.output !== '-') {
    try {
      writeFileSync(opts.output, out);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new CliError(`${opts.output}: cannot write: ${fsErrorText(e, 'no such directory')}`, EXIT.OUTPUT);
    }
  } else write(out.endsWith('\n') ? out : out + '\n');
  return EXIT.OK;
}
