/**
 * The command line (commander). The only place that wires io, core and the outputs together
 * and maps failures to exit codes (errors.ts).
 */
import { Command, CommanderError, Option } from 'commander';
import { decodeCaptureFile } from '../io/decode-file.js';
import { LineSink } from '../io/line-sink.js';
import { MESSAGES_TSV_HEADER, messageJsonLine, messageTsvRow } from '../export/messages.js';
import { CliError, EXIT, type ExitCode } from './errors.js';

type MessagesFormat = 'tsv' | 'json';

async function runMessages(file: string, format: MessagesFormat): Promise<ExitCode> {
  const sink = new LineSink(process.stdout);
  if (format === 'tsv') sink.line(MESSAGES_TSV_HEADER);
  const pending: Promise<void>[] = [];
  const result = await decodeCaptureFile(file, {
    onMessage: (m) => {
      const p = sink.line(format === 'tsv' ? messageTsvRow(m) : messageJsonLine(m));
      if (p) pending.push(p);
    },
  });
  await Promise.all(pending);
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

  program
    .argument('[file]', 'capture to open (until the terminal UI lands, prints its SIP messages)')
    .action(async (file: string | undefined) => {
      if (!file) throw new CliError('no capture given (try: siptrace FILE, or siptrace --help)', EXIT.USAGE);
      exitCode = await runMessages(file, 'tsv');
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
