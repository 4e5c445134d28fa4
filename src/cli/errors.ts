/**
 * Exit codes and the one-line error users see. Bad input never produces a stack trace:
 * every failure the CLI knows becomes `siptrace: <message>` and one of these codes.
 * (Set SIPTRACE_DEBUG=1 to see the stack of an unexpected error.)
 */
export const EXIT = {
  OK: 0,
  /** A bug: an unexpected exception. */
  INTERNAL: 1,
  /** Wrong command line: unknown option, bad value, bad filter expression. */
  USAGE: 2,
  /** The input cannot be opened: missing file, a directory, permission denied. */
  INPUT: 3,
  /** The input is not a capture siptrace can read (not pcap/pcapng, damaged file header). */
  FORMAT: 4,
  /** An output cannot be written (export path, pcap output). */
  OUTPUT: 5,
  /** The capture holds no such call (unknown --call). */
  NOT_FOUND: 6,
  /** The config file (SIPTRACE_CONFIG, ~/.config/siptrace/config.json) cannot be read or is invalid. */
  CONFIG: 7,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error with a user-facing one-line message and the exit code it maps to. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Prints one line for the error and returns the exit code to use. */
export function reportError(err: unknown, write: (line: string) => void): ExitCode {
  if (err instanceof CliError) {
    write(`siptrace: ${err.message}`);
    return err.exitCode;
  }
  const e = err as { code?: unknown; message?: unknown; exitCode?: unknown } | undefined;
  if (e && typeof e.code === 'string' && typeof e.message === 'string') {
    // typed input errors from the io layer (CaptureInputError and the like)
    const code = e.code;
    const exit = code === 'OUTPUT' ? EXIT.OUTPUT : code === 'FILTER_SYNTAX' ? EXIT.USAGE : code === 'CONFIG' ? EXIT.CONFIG : /^E[A-Z]+$/.test(code) && code !== 'EMPTY_CAPTURE' ? EXIT.INPUT : EXIT.FORMAT;
    write(`siptrace: ${e.message}`);
    return exit;
  }
  const message = err instanceof Error ? err.message : String(err);
  write(`siptrace: internal error: ${message.split('\n')[0]}`);
  if (process.env.SIPTRACE_DEBUG && err instanceof Error && err.stack) write(err.stack);
  return EXIT.INTERNAL;
}
