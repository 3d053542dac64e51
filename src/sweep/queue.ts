/**
 * Distributed mode, the producer's side: the sweep's unfinished cells go onto a BullMQ queue on
 * Redis, one job per cell whose job id is the cell's key (so a cell already queued, running or
 * done is not added twice, and a second producer run finds the first one's jobs), with retries and
 * exponential backoff. Results come back through the queue (each job's return value); the producer
 * writes them to the sweep folder as they arrive, with the job's execution record (its log of
 * starts and finishes, kept in Redis by the workers).
 */
import { Queue, QueueEvents, type ConnectionOptions, type Job } from "bullmq";
import type { KeyedCell } from "./cells.js";
import { startOutcome, type SweepOutcome } from "./pool.js";
import type { SweepHooks } from "./run.js";
import type { AttemptEvent, CellResult, SweepStore } from "./store.js";

export const DEFAULT_QUEUE = "trigscope-sweep";

/** A job's payload: the cell and its key (the worker checks that they agree). */
export interface CellJob {
  key: string;
  cell: KeyedCell["cell"];
}

/** A queued cell's result: the stored result and every execution the workers logged. */
export type QueuedResult = CellResult & { attempts?: AttemptEvent[] };

/** Redis connection options from a redis:// URL (host, port, password, database). */
export function connectionFromUrl(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--queue: not a URL: '${url}' (expected redis://HOST:PORT)`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:")
    throw new Error(`--queue: expected a redis:// URL, got '${url}'`);
  const db = u.pathname.replace(/^\//, "");
  return {
    host: u.hostname || "127.0.0.1",
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

export interface QueueSweepOptions extends SweepHooks {
  url: string;
  name?: string;
  cells: KeyedCell[];
  store: SweepStore;
  /** Tries per cell before it is failed (default 3), the first retry's delay (default 2 s). */
  attempts?: number;
  backoffMs?: number;
  /** How often job states are polled besides the events (default 5 s). */
  pollMs?: number;
}

/** The execution events a job's log holds (the workers write one JSON line per event). */
export async function jobAttempts(
  queue: Pick<Queue, "getJobLogs">,
  id: string,
): Promise<AttemptEvent[]> {
  const { logs } = await queue.getJobLogs(id, 0, -1, true);
  return logs.flatMap((l) => {
    try {
      return [JSON.parse(l) as AttemptEvent];
    } catch {
      return [];
    }
  });
}

/**
 * The result of a job found completed, read from a fresh copy of the job: a job object fetched
 * while the cell was still running has no return value yet, even when its state, asked a moment
 * later, is already "completed". Null when the stored value is missing or is another cell's.
 */
export async function completedResult(
  queue: Pick<Queue<CellJob, QueuedResult>, "getJob" | "getJobLogs">,
  id: string,
): Promise<QueuedResult | null> {
  const fresh = await queue.getJob(id);
  const value = fresh?.returnvalue as QueuedResult | undefined | null;
  if (!value || value.key !== id) return null;
  return { ...value, attempts: await jobAttempts(queue, id) };
}

export async function queueSweep(o: QueueSweepOptions): Promise<SweepOutcome> {
  const connection = connectionFromUrl(o.url);
  const name = o.name ?? DEFAULT_QUEUE;
  const queue = new Queue<CellJob, QueuedResult>(name, { connection });
  const events = new QueueEvents(name, { connection });
  const { todo, outcome } = startOutcome(o.store, o.cells);
  const waiting = new Set(todo.map((c) => c.key));
  let wake: () => void = () => {};
  const take = async (job: Job<CellJob, QueuedResult> | undefined) => {
    if (!job?.id || !waiting.has(job.id)) return;
    const state = await job.getState();
    if (state === "completed") {
      const result = await completedResult(queue, job.id);
      // Not readable yet: the next event or poll takes it.
      if (result === null || !waiting.delete(job.id)) return;
      o.store.write(result);
      outcome.ran++;
      o.onResult(result, outcome.skipped + outcome.ran, outcome.total);
    } else if (state === "failed") {
      if (!waiting.delete(job.id)) return;
      outcome.failed.push({ key: job.id, error: job.failedReason });
      o.onFailure(job.id, job.failedReason);
    }
    if (waiting.size === 0) wake();
  };
  const check = (id: string) => void queue.getJob(id).then(take);
  try {
    await events.waitUntilReady();
    events.on("completed", ({ jobId }) => check(jobId));
    events.on("failed", ({ jobId }) => check(jobId));
    await queue.addBulk(
      todo.map((c) => ({
        name: "cell",
        data: { key: c.key, cell: c.cell },
        opts: {
          jobId: c.key,
          attempts: o.attempts ?? 3,
          backoff: { type: "exponential", delay: o.backoffMs ?? 2000 },
          removeOnComplete: { age: 7 * 24 * 3600 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      })),
    );
    // Jobs left failed by an earlier run are tried again; finished ones are taken as they are.
    for (const c of todo) {
      const job = await queue.getJob(c.key);
      if ((await job?.getState()) === "failed") await job!.retry("failed");
      else await take(job);
    }
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => [...waiting].forEach(check), o.pollMs ?? 5000);
      const finish = () => {
        clearInterval(poll);
        o.signal?.removeEventListener("abort", finish);
        resolve();
      };
      wake = finish;
      o.signal?.addEventListener("abort", finish, { once: true });
      if (waiting.size === 0 || o.signal?.aborted) finish();
    });
  } finally {
    await events.close();
    await queue.close();
  }
  outcome.interrupted = waiting.size > 0 && (o.signal?.aborted ?? false);
  return outcome;
}
