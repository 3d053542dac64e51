/**
 * The worker's side of awareness runs on the queue: a BullMQ worker on the awareness queue that
 * checks each job (awareness-job-check.ts), builds the job's provider from its recipe (once per
 * recipe), refuses a job whose provider identity differs from the run's, and runs the sample with
 * executeSampleJob, caching the completion in a folder per run on this machine. Every execution is
 * logged on the job (start, finish, fail: the same JSON lines as sweep cells). A worker that dies
 * mid-sample stops renewing the job's lock; another worker's stalled check puts the sample back on
 * the queue and it runs again, once (maxStalledCount 1). A provider call is asynchronous, so the
 * worker's event loop stays free to renew locks (a `local:` model computes in this process: give
 * it a lock longer than one sample takes).
 */
import { UnrecoverableError, Worker, type Job } from "bullmq";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { canonicalJson, ResponseCache } from "../awareness/cache.js";
import "../awareness/local-generate.js";
import "../awareness/openai-provider.js";
import { createProvider, type Provider } from "../awareness/provider.js";
import { executeSampleJob } from "../awareness/sample-job.js";
import { AwarenessJobError, parseSampleJobData } from "./awareness-job-check.js";
import {
  AWARENESS_QUEUE,
  sampleJobId,
  type SampleJobData,
  type SampleJobResult,
} from "./awareness-job.js";
import { connectionFromUrl } from "./queue.js";
import type { AttemptEvent } from "./store.js";

export interface AwarenessWorkerOptions {
  url: string;
  /** The queue's name (default AWARENESS_QUEUE). */
  name?: string;
  /** Samples in flight at once (default 1). */
  concurrency?: number;
  /** Where completions are cached, a folder per run (default: the system's temp folder). */
  cacheDir?: string;
  /** How long a job's lock lasts without renewal (default 30 s) and the stalled check's period. */
  lockMs?: number;
  stalledMs?: number;
  workerName: string;
  log: (line: string) => void;
}

export interface StartedWorker {
  /** Samples this worker finished. */
  processed(): number;
  /** Stops taking jobs; a sample in flight is abandoned (its lock lapses, another worker takes it). */
  close(): Promise<void>;
}

type Event = Omit<AttemptEvent, "at" | "host" | "worker" | "pid">;

/** The processor: one sample job, checked, run and logged. */
function sampleProcessor(o: AwarenessWorkerOptions, done: () => void) {
  const providers = new Map<string, Provider>();
  const caches = new Map<string, ResponseCache>();
  const cacheRoot = o.cacheDir ?? join(tmpdir(), "trigscope-awareness");
  const record = (job: Job, e: Event) =>
    job.log(
      JSON.stringify({
        ...e,
        worker: o.workerName,
        pid: process.pid,
        host: hostname(),
        at: new Date().toISOString(),
      }),
    );
  const providerFor = (d: SampleJobData, id: string) => {
    const recipeKey = canonicalJson({ spec: d.provider.spec, options: d.provider.options });
    let p = providers.get(recipeKey);
    if (!p) providers.set(recipeKey, (p = createProvider(d.provider.spec, d.provider.options)));
    if (canonicalJson(p.identity) !== canonicalJson(d.provider.identity))
      throw new AwarenessJobError(
        id,
        "provider.identity",
        `is ${canonicalJson(d.provider.identity)}, but '${d.provider.spec}' gives ${canonicalJson(p.identity)} on this worker`,
      );
    return p;
  };
  const cacheFor = (runId: string) => {
    let c = caches.get(runId);
    if (!c) {
      const dir = join(cacheRoot, runId.replace(/[^\w.-]/g, "_"), "cache");
      c = new ResponseCache(dir, (p, why) => o.log(`cache entry ${p} ignored: ${why}`));
      caches.set(runId, c);
    }
    return c;
  };
  return async (job: Job): Promise<SampleJobResult> => {
    const id = job.id ?? "?";
    let d: SampleJobData;
    let provider: Provider;
    try {
      d = parseSampleJobData(id, job.data);
      if (sampleJobId(d.runId, d.key) !== id)
        throw new AwarenessJobError(id, "key", `does not hash to this job id (run ${d.runId})`);
      provider = providerFor(d, id);
    } catch (err) {
      o.log(`${id}: refused: ${(err as Error).message}`);
      throw new UnrecoverableError((err as Error).message);
    }
    await record(job, { key: d.key, event: "start" });
    o.log(`${d.key}: running (attempt ${job.attemptsStarted}, pid ${process.pid})`);
    try {
      const r = await executeSampleJob(
        { variant: d.variant, sampleIndex: d.sampleIndex },
        {
          provider,
          params: d.params,
          runSeed: d.runSeed,
          sendSeed: d.sendSeed,
          cache: cacheFor(d.runId),
        },
      );
      if (r.seed !== d.seed)
        throw new UnrecoverableError(
          `${d.key}: this worker sent seed ${r.seed}, the run expects ${d.seed}`,
        );
      await record(job, { key: d.key, event: "finish" });
      done();
      o.log(`${d.key}: done`);
      return { runId: d.runId, key: d.key, record: r, worker: o.workerName, pid: process.pid };
    } catch (err) {
      const error = (err as Error).message;
      await record(job, { key: d.key, event: "fail", error }).catch(() => {});
      o.log(`${d.key}: failed: ${error}`);
      throw err;
    }
  };
}

/** Starts a worker on the awareness queue; resolves once it is connected. */
export async function startAwarenessWorker(o: AwarenessWorkerOptions): Promise<StartedWorker> {
  let processed = 0;
  const name = o.name ?? AWARENESS_QUEUE;
  const worker = new Worker<unknown, SampleJobResult>(
    name,
    sampleProcessor(o, () => processed++),
    {
      connection: connectionFromUrl(o.url),
      concurrency: o.concurrency ?? 1,
      lockDuration: o.lockMs ?? 30_000,
      stalledInterval: o.stalledMs ?? 30_000,
      maxStalledCount: 1,
    },
  );
  worker.on("error", (e) => o.log(`awareness worker error: ${e.message}`));
  await worker.waitUntilReady();
  o.log(
    `awareness worker ${o.workerName} on ${o.url} (queue ${name}, ${o.concurrency ?? 1} at once)`,
  );
  return { processed: () => processed, close: () => worker.close(true) };
}
