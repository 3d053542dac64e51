/**
 * What the awareness worker's processors (samples: awareness-worker.ts, judge calls:
 * awareness-judge-worker.ts) share: the options, providers built once per recipe, a completion
 * cache per run on this machine, and the execution log each job keeps in Redis (start, finish,
 * fail: the same JSON lines as sweep cells).
 */
import { UnrecoverableError, type Job } from "bullmq";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { canonicalJson, ResponseCache } from "../awareness/cache.js";
import "../awareness/local-generate.js";
import "../awareness/openai-provider.js";
import { createProvider, type Provider } from "../awareness/provider.js";
import type { ProviderRecipe } from "./awareness-job.js";

export interface AwarenessWorkerOptions {
  url: string;
  /** The queue's name (default AWARENESS_QUEUE). */
  name?: string;
  /** Jobs in flight at once (default 1). */
  concurrency?: number;
  /** Where completions are cached, a folder per run (default: the system's temp folder). */
  cacheDir?: string;
  /** How long a job's lock lasts without renewal (default 30 s) and the stalled check's period. */
  lockMs?: number;
  stalledMs?: number;
  workerName: string;
  log: (line: string) => void;
}

export interface WorkerContext {
  o: AwarenessWorkerOptions;
  /** The provider a recipe builds on this machine (built once per recipe). */
  provider(recipe: ProviderRecipe): Provider;
  /** The completion cache of run `runId` on this machine. */
  cache(runId: string): ResponseCache;
  /** Runs `fn` for the job's `key`, logging start and finish (or fail) on the job. */
  logged<R>(job: Job, key: string, fn: () => Promise<R>): Promise<R>;
}

export function workerContext(o: AwarenessWorkerOptions): WorkerContext {
  const providers = new Map<string, Provider>();
  const caches = new Map<string, ResponseCache>();
  const cacheRoot = o.cacheDir ?? join(tmpdir(), "trigscope-awareness");
  const record = (job: Job, e: { key: string; event: string; error?: string }) =>
    job.log(
      JSON.stringify({
        ...e,
        worker: o.workerName,
        pid: process.pid,
        host: hostname(),
        at: new Date().toISOString(),
      }),
    );
  return {
    o,
    provider(recipe) {
      const k = canonicalJson({ spec: recipe.spec, options: recipe.options });
      let p = providers.get(k);
      if (!p) providers.set(k, (p = createProvider(recipe.spec, recipe.options)));
      return p;
    },
    cache(runId) {
      let c = caches.get(runId);
      if (!c) {
        const dir = join(cacheRoot, runId.replace(/[^\w.-]/g, "_"), "cache");
        c = new ResponseCache(dir, (p, why) => o.log(`cache entry ${p} ignored: ${why}`));
        caches.set(runId, c);
      }
      return c;
    },
    async logged(job, key, fn) {
      await record(job, { key, event: "start" });
      o.log(`${key}: running (attempt ${job.attemptsStarted}, pid ${process.pid})`);
      try {
        const r = await fn();
        await record(job, { key, event: "finish" });
        o.log(`${key}: done`);
        return r;
      } catch (err) {
        const error = (err as Error).message;
        await record(job, { key, event: "fail", error }).catch(() => {});
        o.log(`${key}: failed: ${error}`);
        throw err;
      }
    },
  };
}

/** Runs `check`; a failure refuses the job for good (no retries), logged with the job id. */
export function refuseUnless<T>(ctx: WorkerContext, id: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    ctx.o.log(`${id}: refused: ${(err as Error).message}`);
    throw new UnrecoverableError((err as Error).message);
  }
}
