/**
 * Awareness runs on the distributed queue, the producer's side: a SampleDispatch
 * (src/awareness/dispatch.ts) that adds one BullMQ job per sample the run's ledger still lacks
 * (awareness-job.ts: the job id hashes the run id and the sample key, so a producer that runs again
 * finds its jobs, queued, running or done, instead of adding them twice), with retries and
 * exponential backoff, waits for them, and files each record through the runner's ledger, which
 * writes a key once (queue-batch.ts). Workers anywhere run them (awareness-worker.ts,
 * `trigscope worker --queue URL`).
 */
import type { SampleDispatch } from "../awareness/dispatch.js";
import {
  AWARENESS_QUEUE,
  sampleJobData,
  sampleJobId,
  type ProviderRecipe,
  type SampleJobData,
  type SampleJobResult,
} from "./awareness-job.js";
import {
  checkBatchOptions,
  QUEUE_BATCH_KEYS,
  runBatch,
  type QueueBatchOptions,
} from "./queue-batch.js";

export interface AwarenessQueueOptions extends QueueBatchOptions {
  /** How workers build the run's provider: the spec and options it was created from. */
  provider: ProviderRecipe;
}

/** Checks a provider recipe for the queue: a spec, and no environment (secrets stay put). */
export function checkRecipe(what: string, field: string, r: ProviderRecipe | undefined): void {
  if (typeof r?.spec !== "string" || r.spec === "")
    throw new Error(`${what}: '${field}.spec' must be a provider spec such as openai:MODEL@URL`);
  if ("env" in (r.options ?? {}))
    throw new Error(
      `${what}: '${field}.options.env' cannot travel on the queue; workers read their own environment`,
    );
}

/** A dispatch that runs an awareness run's samples on BullMQ workers (see the file's comment). */
export function awarenessQueueDispatch(o: AwarenessQueueOptions): SampleDispatch {
  const what = "awareness queue";
  checkBatchOptions(what, o, [...QUEUE_BATCH_KEYS, "provider"]);
  checkRecipe(what, "provider", o.provider);
  return {
    where: `${o.url} queue ${o.name ?? AWARENESS_QUEUE}`,
    run(jobs, run, file, signal) {
      const byId = new Map<string, SampleJobData>();
      for (const j of jobs) {
        const data = sampleJobData(j, run, o.provider);
        byId.set(sampleJobId(run.runId, data.key), data);
      }
      const key = (id: string) => byId.get(id)!.key;
      return runBatch<SampleJobData, SampleJobResult>(
        o,
        {
          queueName: AWARENESS_QUEUE,
          jobName: "sample",
          jobs: byId,
          accept: (id, v) =>
            v.runId === run.runId && v.key === key(id) && v.record?.key === key(id),
          onResult: (_id, r) => file.record(r.record),
          onFailed: (id, reason, attempts) => file.failed(key(id), attempts, reason),
        },
        signal,
      );
    },
  };
}
