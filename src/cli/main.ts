/**
 * Process entry: runs the program, maps every failure to one line and an exit code, and keeps
 * a closed stdout pipe (`siptrace … | head`) from turning into an error.
 */
import { reportError, type ExitCode } from './errors.js';

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
});

/** Names commander takes as subcommands (a capture with such a name goes through commander). */
const COMMANDS = new Set(['messages', 'calls', 'flow', 'save', 'help']);

/**
 * `siptrace FILE` on a terminal goes straight to the UI: the printing commands' modules and
 * commander are not loaded first (~100 ms of the half second the list has to appear in).
 */
async function run(argv: readonly string[]): Promise<ExitCode> {
  const args = argv.slice(2);
  const file = args[0];
  if (args.length === 1 && file !== undefined && file !== '-' && !file.startsWith('-') && !COMMANDS.has(file) && process.stdout.isTTY && process.stdin.isTTY) {
    // the load (and its decoding thread) starts before the UI's modules load
    const [{ loadConfig }, { startTuiLoad }] = await Promise.all([import('../io/config.js'), import('../tui/start-load.js')]);
    const config = loadConfig();
    const started = startTuiLoad(file, config.config);
    const { runTui } = await import('../tui/app.js');
    return (await runTui(file, { config, started })) as ExitCode;
  }
  const { runProgram } = await import('./program.js');
  return runProgram(argv);
}

run(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = reportError(err, (line) => process.stderr.write(line + '\n'));
  },
);
