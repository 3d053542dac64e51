/**
 * Runs every (variant, sample index) pair through a provider and records each exactly once.
 * One such pair is a job (sample-job.ts): it needs only the variant, the index, the provider, the
 * parameters, the run seed and the cache, so a queue can hand jobs to workers on many machines
 * (`dispatch`, dispatch.ts).
 * Each sample is sent its own seed (seeds.ts) unless `sendSeed` is false, and the seed is recorded
 * with the sample; a provider that repeats itself anyway is reported in the summary.
 *
 * The ledger (samples.jsonl) is append-only; on start the keys already in it are skipped, so an
 * interrupted run resumes where it stopped. A sample is taken by one worker only, is written once
 * when it finishes, and a failure (retries exhausted, a non-retryable error) is logged to
 * errors.jsonl and left for the next resume instead of being written as finished. Responses go to
 * the disk cache before the ledger, so a crash between the two costs no second request.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { writeJsonAtomic } from "../io/atomic.js";
import { ResponseCache } from "./cache.js";
import { appendJsonl, readLog } from "./jsonl.js";
import type { GenerationParams, Provider } from "./provider.js";
import {
  lockRun,
  readManifest,
  RUN_SCHEMA,
  runPaths,
  variantsHash,
  type RunManifest,
} from "./run-dir.js";
import type { SampleDispatch, SampleFiling } from "./dispatch.js";
import {
  executeSampleJob,
  sampleKey,
  SampleJobError,
  type SampleJob,
  type SampleJobContext,
  type SampleRecord,
} from "./sample-job.js";
import type { TriggerSpec, Variant } from "./variants.js";
import { checkRepeats, SEED_SCHEME, type RepeatCheck } from "./seeds.js";

export interface RunOptions {
  outDir: string;
  variants: Variant[];
  provider: Provider;
  samples: number;
  params: GenerationParams;
  spec: TriggerSpec;
  itemsFile: string;
  seed?: number;
  concurrency?: number;
  signal?: AbortSignal;
  /** Send each sample its own seed (seeds.ts; default true). False for servers that reject one. */
  sendSeed?: boolean;
  onProgress?: (p: { done: number; total: number; failed: number }) => void;
  onWarning?: (message: string) => void;
  /** Runs the jobs elsewhere (dispatch.ts; e.g. on a queue) instead of in this process. */
  dispatch?: SampleDispatch;
}

export interface RunSummary {
  runId: string;
  total: number;
  alreadyDone: number;
  completed: number;
  fromCache: number;
  failed: number;
  interrupted: boolean;
  /** Whether the samples of each variant differ (all finished samples, earlier ones included). */
  repeats: RepeatCheck;
  warnings: string[];
}

/** The keys of the samples already recorded, refusing records without a key or twice over. */
function recordedKeys(file: string, warn: (m: string) => void): Set<string> {
  const done = new Set<string>();
  for (const { line, value } of readLog(file, warn)) {
    const key = (value as { key?: unknown }).key;
    if (typeof key !== "string") throw new Error(`${file}:${line}: record has no 'key'`);
    if (done.has(key)) throw new Error(`${file}:${line}: sample '${key}' is recorded twice`);
    done.add(key);
  }
  return done;
}

/**
 * Files outcomes in the run directory: a record once per key in samples.jsonl (a key already
 * there, e.g. a job a queue delivered twice, is not written again), a failure in errors.jsonl.
 */
function ledgerFiling(
  paths: ReturnType<typeof runPaths>,
  summary: RunSummary,
  done: Set<string>,
  progress: () => void,
): SampleFiling {
  return {
    record(r) {
      if (done.has(r.key)) return;
      done.add(r.key);
      appendJsonl(paths.samples, [r]);
      summary.completed++;
      if (r.cached) summary.fromCache++;
      progress();
    },
    failed(key, attempts, error) {
      summary.failed++;
      appendJsonl(paths.errors, [{ key, attempts, error, at: new Date().toISOString() }]);
      progress();
    },
  };
}

/**
 * Runs one sample job and files its record (or its error, counted as failed). Returns false when
 * the run was aborted during the call, so the worker stops without filing anything.
 */
async function runTask(job: SampleJob, ctx: SampleJobContext, file: SampleFiling) {
  try {
    file.record(await executeSampleJob(job, ctx));
  } catch (err) {
    if (ctx.signal?.aborted) return false;
    const attempts = err instanceof SampleJobError ? err.attempts : 1;
    file.failed(sampleKey(job.variant.id, job.sampleIndex), attempts, (err as Error).message);
  }
  return true;
}

/** Runs the jobs in this process, `concurrency` at a time. */
async function runHere(
  jobs: SampleJob[],
  ctx: SampleJobContext,
  file: SampleFiling,
  concurrency: number,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length && !ctx.signal?.aborted) {
      if (!(await runTask(jobs[next++]!, ctx, file))) break;
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(concurrency, Math.max(1, jobs.length)) }, worker),
  );
}

/** Checks the whole run's samples for repeats that should have varied; warns when they did not. */
function finishRepeats(
  opts: RunOptions,
  manifest: RunManifest,
  summary: RunSummary,
  warn: (m: string) => void,
): void {
  const all = readLog(runPaths(opts.outDir).samples, warn).map((l) => l.value as SampleRecord);
  summary.repeats = checkRepeats(all, {
    temperature: opts.params.temperature,
    seedsSent: manifest.seeding.sent,
    provider: opts.provider.id,
  });
  if (summary.repeats.warning) {
    summary.warnings.push(summary.repeats.warning);
    warn(summary.repeats.warning);
  }
}

function checkRunOptions(opts: RunOptions): number {
  if (!Number.isInteger(opts.samples) || opts.samples < 1)
    throw new Error(`samples must be a positive integer, got ${opts.samples}`);
  const concurrency = opts.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  return concurrency;
}

function emptySummary(runId: string, total: number, alreadyDone: number): RunSummary {
  return {
    runId,
    total,
    alreadyDone,
    completed: 0,
    fromCache: 0,
    failed: 0,
    interrupted: false,
    repeats: { variants: 0, identical: 0, warning: null },
    warnings: [],
  };
}

/** Starts or resumes a run in `outDir`; refuses a directory made with another configuration. */
export async function runAwareness(opts: RunOptions): Promise<RunSummary> {
  const concurrency = checkRunOptions(opts);
  const paths = runPaths(opts.outDir);
  mkdirSync(opts.outDir, { recursive: true });
  const unlock = lockRun(opts.outDir);
  try {
    const manifest = openManifest(opts);
    const warn = opts.onWarning ?? (() => {});
    const done = recordedKeys(paths.samples, warn);
    const jobs: SampleJob[] = [];
    for (const v of opts.variants)
      for (let i = 0; i < opts.samples; i++)
        if (!done.has(sampleKey(v.id, i))) jobs.push({ variant: v, sampleIndex: i });
    const total = opts.variants.length * opts.samples;
    const alreadyDone = total - jobs.length;
    const summary = emptySummary(manifest.runId, total, alreadyDone);
    const progress = () =>
      opts.onProgress?.({ done: alreadyDone + summary.completed, total, failed: summary.failed });
    progress();
    const file = ledgerFiling(paths, summary, done, progress);
    if (opts.dispatch) {
      const run = {
        runId: manifest.runId,
        runSeed: manifest.seed,
        sendSeed: manifest.seeding.sent,
        params: opts.params,
        identity: opts.provider.identity,
      };
      await opts.dispatch.run(jobs, run, file, opts.signal);
    } else {
      const ctx: SampleJobContext = {
        provider: opts.provider,
        params: opts.params,
        runSeed: manifest.seed,
        sendSeed: manifest.seeding.sent,
        cache: new ResponseCache(paths.cache, (p, why) => warn(`cache entry ${p} ignored: ${why}`)),
        ...(opts.signal ? { signal: opts.signal } : {}),
      };
      await runHere(jobs, ctx, file, concurrency);
    }
    summary.interrupted = opts.signal?.aborted ?? false;
    finishRepeats(opts, manifest, summary, warn);
    return summary;
  } finally {
    unlock();
  }
}

function openManifest(opts: RunOptions): RunManifest {
  const paths = runPaths(opts.outDir);
  const hash = variantsHash(opts.variants);
  const fresh: RunManifest = {
    schema: RUN_SCHEMA,
    runId: randomUUID(),
    createdAt: new Date().toISOString(),
    provider: { id: opts.provider.id, identity: opts.provider.identity },
    params: opts.params,
    prefill: opts.variants[0]?.prefill ?? null,
    samples: opts.samples,
    seed: opts.seed ?? 0,
    seeding: { sent: opts.sendSeed ?? true, scheme: SEED_SCHEME },
    spec: opts.spec,
    itemsFile: opts.itemsFile,
    variantsHash: hash,
    variantCount: opts.variants.length,
  };
  if (!existsSync(paths.manifest)) {
    writeJsonAtomic(paths.manifest, fresh);
    appendJsonl(paths.variants, opts.variants);
    return fresh;
  }
  const old = readManifest(opts.outDir);
  const differs: string[] = [];
  if (old.variantsHash !== hash)
    differs.push("variants (items, trigger, kinds, positions, pre-fill or seed)");
  if (JSON.stringify(old.provider.identity) !== JSON.stringify(fresh.provider.identity))
    differs.push("provider");
  if (JSON.stringify(old.params) !== JSON.stringify(fresh.params))
    differs.push("generation parameters");
  if (old.seed !== fresh.seed) differs.push("seed");
  if (JSON.stringify(old.seeding) !== JSON.stringify(fresh.seeding))
    differs.push(
      old.seeding === undefined
        ? "seeding (made before per-sample seeds)"
        : "seeding (--no-seed or the seed scheme)",
    );
  if (differs.length > 0)
    throw new Error(
      `${paths.manifest}: this run was started with different ${differs.join(", ")}; resume with the same options or use a new --out`,
    );
  if (opts.samples > old.samples)
    writeJsonAtomic(paths.manifest, { ...old, samples: opts.samples });
  return { ...old, samples: Math.max(old.samples, opts.samples) };
}
