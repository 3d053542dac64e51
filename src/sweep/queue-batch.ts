/**
 * The producer's side of a batch of awareness jobs (samples or judge calls): add each job under
 * its own id with retries and exponential backoff (`retryOptions`; an id already on the queue,
 * queued, running or done, is not added twice), wait for every outcome with `collectJobs`, and
 * hand each result over once it is readable and belongs to the job that asked for it.
 */
import { Queue, QueueEvents } from "bullmq";
import { collectJobs } from "./queue-collect.js";
import { connectionFromUrl, retryOptions } from "./queue.js";

/** The options every awareness dispatch takes besides its own. */
export interface QueueBatchOptions {
  /** redis://HOST:PORT of the queue. */
  url: string;
  /** The queue's name (default AWARENESS_QUEUE). */
  name?: string;
  /** Tries per job before it is filed as failed (default 3), the first retry's delay (2 s). */
  attempts?: number;
  backoffMs?: number;
  /** How often job states are polled besides the events (default 5 s). */
  pollMs?: number;
}

export const QUEUE_BATCH_KEYS = ["url", "name", "attempts", "backoffMs", "pollMs"];

/** Checks the shared options and rejects a key outside `keys`, naming `what` and the key. */
export function checkBatchOptions(what: string, o: object, keys: string[]): void {
  for (const k of Object.keys(o))
    if (!keys.includes(k))
      throw new Error(`${what}: unknown option '${k}' (known: ${keys.join(", ")})`);
  const b = o as QueueBatchOptions;
  connectionFromUrl(b.url);
  for (const k of ["attempts", "backoffMs", "pollMs"] as const) {
    const v = b[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 1))
      throw new Error(`${what}: '${k}' must be a positive integer, got ${v}`);
  }
}

export interface Batch<D, R> {
  /** The queue's default name, the jobs' name ("sample", "judge") and each job's data by id. */
  queueName: string;
  jobName: string;
  jobs: Map<string, D>;
  /** Whether a completed job's return value is the one job `id` asked for. */
  accept(id: string, value: R): boolean;
  onResult(id: string, result: R): void;
  onFailed(id: string, reason: string, attempts: number): void;
}

export async function runBatch<D, R>(
  o: QueueBatchOptions,
  b: Batch<D, R>,
  signal?: AbortSignal,
): Promise<void> {
  const connection = connectionFromUrl(o.url);
  const name = o.name ?? b.queueName;
  const queue = new Queue<D, R>(name, { connection });
  const events = new QueueEvents(name, { connection });
  try {
    await events.waitUntilReady();
    await queue.addBulk(
      [...b.jobs].map(([jobId, data]) => ({
        name: b.jobName,
        data,
        opts: { jobId, ...retryOptions(o.attempts, o.backoffMs) },
      })) as Parameters<typeof queue.addBulk>[0],
    );
    await collectJobs<R>({
      queue,
      events,
      ids: [...b.jobs.keys()],
      // A fresh copy: one fetched while the job ran has no return value yet (see queue.ts).
      read: async (id) => {
        const value = (await queue.getJob(id))?.returnvalue as R | null | undefined;
        return value && b.accept(id, value) ? value : null;
      },
      onResult: (id, r) => b.onResult(id, r),
      onFailed: (id, reason, attempts) => b.onFailed(id, reason, attempts),
      ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
      ...(signal ? { signal } : {}),
    });
  } finally {
    await events.close();
    await queue.close();
  }
}
