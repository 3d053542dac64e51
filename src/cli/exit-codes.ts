/**
 * The CLI's exit codes, one table for every command (the README lists the same table), so that a
 * script can tell a mistyped command from a failed run from one that was stopped and can resume.
 */
export const EXIT = {
  /** The command did what it was asked. */
  ok: 0,
  /** It ran and failed: bad input data, a failed check, samples or cells that failed. */
  failure: 1,
  /** It was called wrongly: unknown command or option, missing or out-of-range value. */
  usage: 2,
  /** SIGINT or SIGTERM stopped it; what was done is saved and the same command resumes. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The table as `trigscope --help` prints it. */
export const EXIT_TABLE = [
  `  ${EXIT.ok}    success`,
  `  ${EXIT.failure}    failure (bad input data, a failed check, failed samples or cells)`,
  `  ${EXIT.usage}    usage error (unknown command or option, missing or invalid value)`,
  `  ${EXIT.interrupted}  interrupted by SIGINT/SIGTERM (state saved; the printed command resumes)`,
].join("\n");
