/**
 * Running a game's builds several at once: up to `jobs` tasks at a time, each given its own abort
 * signal. At the deadline (or when the outer signal aborts) no new task starts and every running
 * task's signal aborts, so it can save a checkpoint and stop; the pool then waits for all of them.
 * A task resolves to "done" when it finished and "stopped" when it saved its state unfinished; a
 * throw counts as failed (its message kept).
 */

export type TaskOutcome = "done" | "stopped";

export interface PoolResult {
  done: string[];
  /** Stopped before finishing (by the deadline or the outer signal) or never started. */
  unfinished: string[];
  failed: { name: string; error: string }[];
}

export interface PoolOptions {
  jobs: number;
  /** Milliseconds from the pool's start after which running tasks are stopped; none: no limit. */
  deadlineMs?: number;
  signal?: AbortSignal;
}

export async function runPool(
  names: readonly string[],
  run: (name: string, signal: AbortSignal) => Promise<TaskOutcome>,
  o: PoolOptions,
): Promise<PoolResult> {
  if (!Number.isInteger(o.jobs) || o.jobs < 1)
    throw new Error(`game: --jobs must be an integer ≥ 1, got ${o.jobs}`);
  const stop = new AbortController();
  const timer =
    o.deadlineMs === undefined
      ? undefined
      : setTimeout(() => stop.abort(new Error("deadline")), Math.max(0, o.deadlineMs));
  const onOuter = () => stop.abort(o.signal?.reason);
  o.signal?.addEventListener("abort", onOuter);
  if (o.signal?.aborted) stop.abort(o.signal.reason);
  const result: PoolResult = { done: [], unfinished: [], failed: [] };
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      if (stop.signal.aborted) {
        result.unfinished.push(name);
        continue;
      }
      try {
        const outcome = await run(name, stop.signal);
        (outcome === "done" ? result.done : result.unfinished).push(name);
      } catch (e) {
        result.failed.push({ name, error: (e as Error).message });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(o.jobs, names.length) }, worker));
  } finally {
    if (timer) clearTimeout(timer);
    o.signal?.removeEventListener("abort", onOuter);
  }
  const order = (xs: string[]) => xs.sort((a, b) => names.indexOf(a) - names.indexOf(b));
  order(result.done);
  order(result.unfinished);
  return result;
}
