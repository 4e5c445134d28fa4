/** Entry for process tests (tmux): `node dist/tui/run-for-test.js FILE`. */
import { runTui } from './app.js';

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: run-for-test FILE\n');
  process.exit(2);
}
runTui(file).then(
  (code) => setImmediate(() => process.exit(code)),
  (err: unknown) => {
    process.stderr.write(`siptrace: ${err instanceof Error ? err.message : String(err)}\n`);
    setImmediate(() => process.exit(1));
  },
);
