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
    // The decoding thread starts first (two small modules), so that its start-up overlaps the
    // loading of everything else; then the load that adopts it, then the UI's modules.
    const [{ spawnDecodeWorker }, { TUI_LOAD_CHUNK_SIZE }] = await Promise.all([import('../io/decode-worker-spawn.js'), import('../tui/load-constants.js')]);
    const decodeWorker = process.env.SIPTRACE_DECODE_THREAD === 'main' ? undefined : spawnDecodeWorker(file, { chunkSize: TUI_LOAD_CHUNK_SIZE, lowPriority: true });
    const [{ loadConfig }, { startTuiLoad }] = await Promise.all([import('../io/config.js'), import('../tui/start-load.js')]);
    let config;
    try {
      config = loadConfig();
    } catch (err) {
      void decodeWorker?.worker.terminate();
      throw err;
    }
    const started = startTuiLoad(file, config.config, decodeWorker);
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
