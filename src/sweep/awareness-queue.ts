/**
 * Awareness runs on the distributed queue, the producer's side: a SampleDispatch
 * (src/awareness/dispatch.ts) that adds one BullMQ job per sample the run's ledger still lacks
 * (awareness-job.ts: the job id hashes the run id and the sample key, so a producer that runs again
 * finds its jobs, queued, running or done, instead of adding them twice), with retries and
 * exponential backoff (`retryOptions`), waits for them with `collectJobs`, and files each record
 * through the runner's ledger, which writes a key once. Workers anywhere run them
 * (awareness-worker.ts, `trigscope worker --queue URL`).
 */
import { Queue, QueueEvents } from "bullmq";
import type { DispatchedRun, SampleDispatch, SampleFiling } from "../awareness/dispatch.js";
import type { SampleJob } from "../awareness/sample-job.js";
import {
  AWARENESS_QUEUE,
  sampleJobData,
  sampleJobId,
  type ProviderRecipe,
  type SampleJobData,
  type SampleJobResult,
} from "./awareness-job.js";
import { collectJobs } from "./queue-collect.js";
import { connectionFromUrl, retryOptions } from "./queue.js";

export interface AwarenessQueueOptions {
  /** redis://HOST:PORT of the queue. */
  url: string;
  /** The queue's name (default AWARENESS_QUEUE). */
  name?: string;
  /** How workers build the run's provider: the spec and options it was created from. */
  provider: ProviderRecipe;
  /** Tries per sample before it is filed as failed (default 3), the first retry's delay (2 s). */
  attempts?: number;
  backoffMs?: number;
  /** How often job states are polled besides the events (default 5 s). */
  pollMs?: number;
}

const OPTION_KEYS = ["url", "name", "provider", "attempts", "backoffMs", "pollMs"];

function checkOptions(o: AwarenessQueueOptions): void {
  for (const k of Object.keys(o))
    if (!OPTION_KEYS.includes(k))
      throw new Error(`awareness queue: unknown option '${k}' (known: ${OPTION_KEYS.join(", ")})`);
  connectionFromUrl(o.url);
  if (typeof o.provider?.spec !== "string" || o.provider.spec === "")
    throw new Error(
      "awareness queue: 'provider.spec' must be a provider spec such as openai:MODEL@URL",
    );
  if ("env" in (o.provider.options ?? {}))
    throw new Error(
      "awareness queue: 'provider.options.env' cannot travel on the queue; workers read their own environment",
    );
  for (const k of ["attempts", "backoffMs", "pollMs"] as const) {
    const v = o[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 1))
      throw new Error(`awareness queue: '${k}' must be a positive integer, got ${v}`);
  }
}

/**
 * The result of a job found completed, read from a fresh copy (see queue.ts completedResult);
 * null while it is not readable, or when it is another run's or another sample's.
 */
async function sampleResult(
  queue: Queue<SampleJobData, SampleJobResult>,
  id: string,
  expect: { runId: string; key: string },
): Promise<SampleJobResult | null> {
  const value = (await queue.getJob(id))?.returnvalue as SampleJobResult | null | undefined;
  if (!value || value.runId !== expect.runId || value.key !== expect.key) return null;
  if (value.record?.key !== expect.key) return null;
  return value;
}

async function runOnQueue(
  o: AwarenessQueueOptions,
  jobs: SampleJob[],
  run: DispatchedRun,
  file: SampleFiling,
  signal?: AbortSignal,
): Promise<void> {
  const connection = connectionFromUrl(o.url);
  const name = o.name ?? AWARENESS_QUEUE;
  const queue = new Queue<SampleJobData, SampleJobResult>(name, { connection });
  const events = new QueueEvents(name, { connection });
  const byId = new Map(
    jobs.map((j) => {
      const data = sampleJobData(j, run, o.provider);
      return [sampleJobId(run.runId, data.key), data] as const;
    }),
  );
  try {
    await events.waitUntilReady();
    await queue.addBulk(
      [...byId].map(([jobId, data]) => ({
        name: "sample",
        data,
        opts: { jobId, ...retryOptions(o.attempts, o.backoffMs) },
      })),
    );
    await collectJobs<SampleJobResult>({
      queue,
      events,
      ids: [...byId.keys()],
      read: (id) => sampleResult(queue, id, { runId: run.runId, key: byId.get(id)!.key }),
      onResult: (_id, result) => file.record(result.record),
      onFailed: (id, reason, attempts) => file.failed(byId.get(id)!.key, attempts, reason),
      ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
      ...(signal ? { signal } : {}),
    });
  } finally {
    await events.close();
    await queue.close();
  }
}

/** A dispatch that runs an awareness run's samples on BullMQ workers (see the file's comment). */
export function awarenessQueueDispatch(o: AwarenessQueueOptions): SampleDispatch {
  checkOptions(o);
  return {
    where: `${o.url} queue ${o.name ?? AWARENESS_QUEUE}`,
    run: (jobs, run, file, signal) => runOnQueue(o, jobs, run, file, signal),
  };
}
