/**
 * The worker's side of awareness runs on the queue: a BullMQ worker on the awareness queue that
 * takes two kinds of job, samples ("sample") and LLM judge calls ("judge",
 * awareness-judge-worker.ts). A sample job is checked (awareness-job-check.ts), its provider built
 * from its recipe (once per recipe), refused when that provider's identity differs from the run's,
 * and run with executeSampleJob, caching the completion in a folder per run on this machine. Every
 * execution is logged on the job (awareness-worker-context.ts). A worker that dies mid-job stops
 * renewing its lock; another worker's stalled check puts the job back on the queue and it runs
 * again, once (maxStalledCount 1). A provider call is asynchronous, so the worker's event loop
 * stays free to renew locks (a `local:` model computes in this process: give it a lock longer
 * than one sample takes).
 */
import { UnrecoverableError, Worker, type Job } from "bullmq";
import { canonicalJson } from "../awareness/cache.js";
import { executeSampleJob } from "../awareness/sample-job.js";
import { AwarenessJobError, parseSampleJobData } from "./awareness-job-check.js";
import { AWARENESS_QUEUE, sampleJobId, type SampleJobResult } from "./awareness-job.js";
import { judgeProcessor } from "./awareness-judge-worker.js";
import {
  refuseUnless,
  workerContext,
  type AwarenessWorkerOptions,
  type WorkerContext,
} from "./awareness-worker-context.js";
import { connectionFromUrl } from "./queue.js";

export type { AwarenessWorkerOptions } from "./awareness-worker-context.js";

export interface StartedWorker {
  /** Jobs this worker finished. */
  processed(): number;
  /** Stops taking jobs; a job in flight is abandoned (its lock lapses, another worker takes it). */
  close(): Promise<void>;
}

function sampleProcessor(ctx: WorkerContext) {
  return async (job: Job): Promise<SampleJobResult> => {
    const id = job.id ?? "?";
    const [d, provider] = refuseUnless(ctx, id, () => {
      const data = parseSampleJobData(id, job.data);
      if (sampleJobId(data.runId, data.key) !== id)
        throw new AwarenessJobError(id, "key", `does not hash to this job id (run ${data.runId})`);
      const p = ctx.provider(data.provider);
      const want = canonicalJson(data.provider.identity);
      if (canonicalJson(p.identity) !== want)
        throw new AwarenessJobError(
          id,
          "provider.identity",
          `is ${want}, but '${data.provider.spec}' gives ${canonicalJson(p.identity)} on this worker`,
        );
      return [data, p] as const;
    });
    const record = await ctx.logged(job, d.key, async () => {
      const r = await executeSampleJob(
        { variant: d.variant, sampleIndex: d.sampleIndex },
        {
          provider,
          params: d.params,
          runSeed: d.runSeed,
          sendSeed: d.sendSeed,
          cache: ctx.cache(d.runId),
        },
      );
      if (r.seed !== d.seed)
        throw new UnrecoverableError(
          `${d.key}: this worker sent seed ${r.seed}, the run expects ${d.seed}`,
        );
      return r;
    });
    return { runId: d.runId, key: d.key, record, worker: ctx.o.workerName, pid: process.pid };
  };
}

/** Starts a worker on the awareness queue; resolves once it is connected. */
export async function startAwarenessWorker(o: AwarenessWorkerOptions): Promise<StartedWorker> {
  let processed = 0;
  const name = o.name ?? AWARENESS_QUEUE;
  const ctx = workerContext(o);
  const byName: Record<string, (job: Job) => Promise<unknown>> = {
    sample: sampleProcessor(ctx),
    judge: judgeProcessor(ctx),
  };
  const processor = async (job: Job) => {
    const run = byName[job.name];
    if (!run)
      throw new UnrecoverableError(
        `awareness job ${job.id}: unknown job name '${job.name}' (known: ${Object.keys(byName).join(", ")})`,
      );
    const r = await run(job);
    processed++;
    return r;
  };
  const worker = new Worker(name, processor, {
    connection: connectionFromUrl(o.url),
    concurrency: o.concurrency ?? 1,
    lockDuration: o.lockMs ?? 30_000,
    stalledInterval: o.stalledMs ?? 30_000,
    maxStalledCount: 1,
  });
  worker.on("error", (e) => o.log(`awareness worker error: ${e.message}`));
  await worker.waitUntilReady();
  o.log(
    `awareness worker ${o.workerName} on ${o.url} (queue ${name}, ${o.concurrency ?? 1} at once)`,
  );
  return { processed: () => processed, close: () => worker.close(true) };
}
