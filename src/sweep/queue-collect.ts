/**
 * The producer's wait for a batch of BullMQ jobs it added: each job's outcome is taken exactly once,
 * from the queue's events and from a periodic poll (an event can arrive before its result is
 * readable, or be missed while the producer was away). Jobs a previous producer left failed are
 * retried; jobs already completed are taken as they are. Used by sweeps (cells) and awareness runs
 * (samples).
 */
import type { Job, Queue, QueueEvents } from "bullmq";

export interface CollectOptions<R> {
  queue: Pick<Queue, "getJob">;
  events: QueueEvents;
  /** The job ids to wait for (all already added). */
  ids: string[];
  /** A completed job's result, or null while it is not readable yet (the next check takes it). */
  read(id: string): Promise<R | null>;
  onResult(id: string, result: R): void;
  onFailed(id: string, reason: string, attempts: number): void;
  /** How often the states of jobs still out are polled besides the events (default 5 s). */
  pollMs?: number;
  signal?: AbortSignal;
}

/** Waits until every job's outcome is taken or `signal` aborts; returns the ids still out. */
export async function collectJobs<R>(o: CollectOptions<R>): Promise<Set<string>> {
  const waiting = new Set(o.ids);
  let wake: () => void = () => {};
  const take = async (job: Job | undefined) => {
    if (!job?.id || !waiting.has(job.id)) return;
    const state = await job.getState();
    if (state === "completed") {
      const result = await o.read(job.id);
      if (result === null || !waiting.delete(job.id)) return;
      o.onResult(job.id, result);
    } else if (state === "failed") {
      if (!waiting.delete(job.id)) return;
      o.onFailed(job.id, job.failedReason, job.attemptsMade);
    }
    if (waiting.size === 0) wake();
  };
  // Checks started by events and polls: awaited before returning, so the caller may close the
  // queue's connection at once (one still in flight would fail with "Connection is closed").
  let stopped = false;
  const inflight = new Set<Promise<void>>();
  const check = (id: string) => {
    if (stopped) return;
    const p: Promise<void> = o.queue
      .getJob(id)
      .then(take)
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };
  const onEvent = ({ jobId }: { jobId: string }) => check(jobId);
  await o.events.waitUntilReady();
  o.events.on("completed", onEvent);
  o.events.on("failed", onEvent);
  for (const id of o.ids) {
    const job = await o.queue.getJob(id);
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
  stopped = true;
  o.events.off("completed", onEvent);
  o.events.off("failed", onEvent);
  await Promise.allSettled([...inflight]);
  return waiting;
}
