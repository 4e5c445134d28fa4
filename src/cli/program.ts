/**
 * The command line (commander). The only place that wires io, core and the outputs together
 * and maps failures to exit codes (errors.ts).
 */
import { Command, CommanderError, Option } from 'commander';
import { decodeCaptureFile } from '../io/decode-file.js';
import { LineSink } from '../io/line-sink.js';
import { MESSAGES_TSV_HEADER, messageJsonLine, messageTsvRow } from '../export/messages.js';
import { CliError, EXIT, type ExitCode } from './errors.js';
import { runCalls, type CallsOptions } from './commands/calls.js';
import { runFlow, type FlowOptions } from './commands/flow.js';
import { runSave, type SaveOptions } from './commands/save.js';
import { addSelectionOptions } from './commands/selection.js';
import { cliConfig } from './commands/load.js';

/** Writes to stdout; returns a promise to wait on while stdout is full (back-pressure). */
const print = (s: string): Promise<void> | undefined =>
  process.stdout.write(s) ? undefined : new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));

type MessagesFormat = 'tsv' | 'json';

async function runMessages(file: string, format: MessagesFormat): Promise<ExitCode> {
  const sink = new LineSink(process.stdout);
  if (format === 'tsv') sink.line(MESSAGES_TSV_HEADER);
  // back-pressure: while stdout is full, the reader waits before its next chunk
  let waiting: Promise<void> | undefined;
  const result = await decodeCaptureFile(
    file,
    {
      onMessage: (m) => {
        const p = sink.line(format === 'tsv' ? messageTsvRow(m) : messageJsonLine(m));
        if (p) waiting = p;
      },
    },
    {
      pace: () => {
        const w = waiting;
        waiting = undefined;
        return w;
      },
    },
  );
  await waiting;
  await sink.close();
  const diag = Object.entries(result.diagnostics);
  if (process.env.SIPTRACE_STATS || diag.some(([code]) => /^(CAPTURE_|PCAP)/.test(code))) {
    process.stderr.write(
      `siptrace: ${result.read.frames} packets, ${result.stats.messages} SIP messages (${result.stats.malformed} malformed)` +
        (diag.length ? `; diagnostics: ${diag.map(([k, v]) => `${k}=${v}`).join(' ')}` : '') +
        '\n',
    );
  }
  return EXIT.OK;
}

export async function runProgram(argv: readonly string[]): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.OK;
  const program = new Command();
  program
    .name('siptrace')
    .description('Passive SIP traffic analyzer and call-flow visualizer')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s.startsWith('error:') ? `siptrace: ${s}` : s),
    })
    .showSuggestionAfterError(true);

  program
    .command('messages')
    .description('print one row per SIP message, in capture order')
    .argument('<file>', 'pcap or pcapng capture (gzip allowed), or - for stdin')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['tsv', 'json']).default('tsv'))
    .action(async (file: string, opts: { format: MessagesFormat }) => {
      exitCode = await runMessages(file, opts.format);
    });

  addSelectionOptions(
    program
      .command('calls')
      .description('one row per call: state, codes, timings, media')
      .argument('<file>', 'pcap or pcapng capture (gzip allowed), or - for stdin')
      .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
      .option('--columns <list>', 'comma-separated attribute ids (table and csv)')
      .option('--wide', 'do not cut table values at their column width')
      .option('--sort <attribute>', 'sort by an attribute (default: call index)')
      .option('-r, --reverse', 'reverse the order')
      .option('--no-aliases', "show addresses as captured, not the config file's aliases (table)"),
  ).action(async (file: string, opts: CallsOptions) => {
    exitCode = await runCalls(file, opts, print);
  });

  addSelectionOptions(
    program
      .command('flow')
      .description('the call flow (ladder) of the chosen calls, for a bug report')
      .argument('<file>', 'pcap or pcapng capture (gzip allowed), or - for stdin')
      .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'markdown', 'mermaid', 'json', 'html']).default('text'))
      .option('-w, --width <columns>', 'text width (labels wrap, never cut)')
      .option('--compress', 'one column per host instead of per address:port')
      .option('--raw', 'append every message in full after the ladder')
      .option('--ascii', 'ASCII drawing characters only')
      .option('--no-rtp', 'leave RTP streams out of the ladder')
      .option('-x, --related', 'add calls linked by X-Call-ID and similar headers (B-legs)')
      .option('--no-aliases', "show addresses as captured, not the config file's aliases")
      .option('-o, --output <file>', 'write to a file instead of stdout'),
  ).action(async (file: string, opts: FlowOptions) => {
    exitCode = await runFlow(file, opts, print);
  });

  addSelectionOptions(
    program
      .command('save')
      .description("write the chosen calls' packets to a new capture")
      .argument('<file>', 'pcap or pcapng capture (read twice: not stdin)')
      .requiredOption('-o, --output <file>', 'the capture to write')
      .option('--rtp', 'also write the calls\' RTP and RTCP packets')
      .option('--pcapng', 'write pcapng (default: pcap, or pcapng when link types are mixed)'),
  ).action(async (file: string, opts: SaveOptions) => {
    exitCode = await runSave(file, opts, (s) => process.stderr.write(s));
  });

  program
    .argument('[file]', 'capture to open in the terminal UI (prints the calls table when stdout is not a terminal)')
    .action(async (file: string | undefined) => {
      if (!file) throw new CliError('no capture given (try: siptrace FILE, or siptrace --help)', EXIT.USAGE);
      if (process.stdout.isTTY && process.stdin.isTTY && file !== '-') {
        // loaded on demand: the printing commands never pay for blessed
        const { runTui } = await import('../tui/app.js');
        exitCode = (await runTui(file, { config: cliConfig() })) as ExitCode;
      } else {
        exitCode = await runCalls(file, { format: 'table' }, print);
      }
    });

  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; commander already printed its one-line message
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    throw err;
  }
  return exitCode;
}
