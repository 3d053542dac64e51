/**
 * SIGINT and SIGTERM for long commands, whichever parent sends them (a terminal's Ctrl-C, `kill`,
 * `npm start`, a job scheduler): the first one aborts the work's AbortSignal so it saves what it has
 * and stops; a second one exits at once with 130. The handlers are removed when the work ends.
 */
import { EXIT } from "./exit-codes.js";

export type StopSignal = "SIGINT" | "SIGTERM";

/** The reason a stopped job's signal is aborted with. */
export class Interrupted extends Error {
  constructor(readonly by: StopSignal) {
    super(`interrupted by ${by}`);
    this.name = "Interrupted";
  }
}

/** Which signal stopped the work, if one did. */
export function stoppedBy(signal: AbortSignal): StopSignal | null {
  return signal.aborted && signal.reason instanceof Interrupted ? signal.reason.by : null;
}

/** Runs `job` with an AbortSignal that SIGINT or SIGTERM aborts (with an `Interrupted`). */
export async function withStopSignals<T>(job: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const handlers = (["SIGINT", "SIGTERM"] as const).map((sig) => {
    const onSignal = () => {
      if (stop.signal.aborted) process.exit(EXIT.interrupted);
      stop.abort(new Interrupted(sig));
    };
    process.on(sig, onSignal);
    return [sig, onSignal] as const;
  });
  try {
    return await job(stop.signal);
  } finally {
    for (const [sig, onSignal] of handlers) process.removeListener(sig, onSignal);
  }
}

/** Resolves when the signal is aborted: how a server waits until it is told to stop. */
export function untilStopped(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true }),
  );
}
