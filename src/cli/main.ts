/**
 * Process entry: runs the program, maps every failure to one line and an exit code, and keeps
 * a closed stdout pipe (`siptrace … | head`) from turning into an error.
 */
import { runProgram } from './program.js';
import { reportError } from './errors.js';

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
});

runProgram(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = reportError(err, (line) => process.stderr.write(line + '\n'));
  },
);
