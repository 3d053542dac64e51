/**
 * Ctrl-C for long commands: the first SIGINT aborts the job's signal (the job saves what it has and
 * stops; the same command resumes), and the handler is removed when the job ends either way.
 */
export async function untilInterrupted<T>(
  job: (signal: AbortSignal) => Promise<T>,
  /** What the signal is aborted with (its `reason`; an AbortError when not given). */
  reason?: unknown,
): Promise<T> {
  const stop = new AbortController();
  const onSigint = () => stop.abort(reason);
  process.once("SIGINT", onSigint);
  try {
    return await job(stop.signal);
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}
