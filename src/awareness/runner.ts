/**
 * Runs every (variant, sample index) pair through a provider and records each exactly once.
 * One such pair is a job (`executeSampleJob`): it needs only the variant, the index, the provider,
 * the parameters, the run seed and the cache, so a queue can hand jobs to workers on many machines.
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
import { cacheKey, ResponseCache } from "./cache.js";
import { appendJsonl, readLog } from "./jsonl.js";
import type { ChatRequest, Completion, GenerationParams, Provider } from "./provider.js";
import {
  lockRun,
  readManifest,
  RUN_SCHEMA,
  runPaths,
  variantsHash,
  type RunManifest,
} from "./run-dir.js";
import {
  parseChoice,
  splitReasoning,
  type ParsedChoice,
  type SplitTranscript,
} from "./transcript.js";
import type { TriggerSpec, Variant } from "./variants.js";
import { checkRepeats, sampleSeed, SEED_SCHEME, type RepeatCheck } from "./seeds.js";

export interface SampleRecord {
  key: string;
  variantId: string;
  itemId: string;
  sampleIndex: number;
  /** The seed sent with the request; null when none was sent. */
  seed: number | null;
  completion: Completion;
  transcript: SplitTranscript;
  /** For choice items: the parsed letter and whether it is the misaligned option. */
  choice: (ParsedChoice & { misaligned: boolean | null }) | null;
  attempts: number;
  cached: boolean;
  startedAt: string;
  finishedAt: string;
}

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

export const sampleKey = (variantId: string, sampleIndex: number) => `${variantId}#${sampleIndex}`;

/** The request for one sample; `seed` is that sample's own seed, or null to send none. */
export function requestFor(v: Variant, params: GenerationParams, seed: number | null): ChatRequest {
  return {
    messages: v.messages,
    params: seed === null ? params : { ...params, seed },
    ...(v.prefill !== null ? { prefill: v.prefill } : {}),
  };
}

export function toRecord(
  v: Variant,
  sampleIndex: number,
  completion: Completion,
  meta: { seed: number | null; attempts: number; cached: boolean; startedAt: string },
): SampleRecord {
  const transcript = splitReasoning({
    content: completion.content,
    reasoningContent: completion.reasoning,
    prefill: completion.prefillApplied ? v.prefill : null,
    finishReason: completion.finishReason,
  });
  let choice: SampleRecord["choice"] = null;
  if (v.choice) {
    const parsed = parseChoice(transcript.answer, v.choice.letters);
    choice = {
      ...parsed,
      misaligned: parsed.letter === null ? null : parsed.letter === v.choice.misaligned,
    };
  }
  return {
    key: sampleKey(v.id, sampleIndex),
    variantId: v.id,
    itemId: v.itemId,
    sampleIndex,
    seed: meta.seed,
    completion,
    transcript,
    choice,
    attempts: meta.attempts,
    cached: meta.cached,
    startedAt: meta.startedAt,
    finishedAt: new Date().toISOString(),
  };
}

/** One unit of work: sample `sampleIndex` of `variant`. Its key is sampleKey(variant.id, index). */
export interface SampleJob {
  variant: Variant;
  sampleIndex: number;
}

/** What a job needs besides itself; the same for every job of a run. */
export interface SampleJobContext {
  provider: Provider;
  params: GenerationParams;
  /** The run seed (manifest.seed). */
  runSeed: number;
  sendSeed: boolean;
  cache: ResponseCache;
  signal?: AbortSignal;
}

/** A job that failed after its retries; `attempts` says how many requests were made. */
export class SampleJobError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
    this.name = "SampleJobError";
  }
}

/**
 * Runs one job: the cached completion when there is one, else a provider call (with its
 * retries), cached before it is returned. Writes nothing else, so any worker can run any job.
 */
export async function executeSampleJob(
  job: SampleJob,
  ctx: SampleJobContext,
): Promise<SampleRecord> {
  const { variant: v, sampleIndex: i } = job;
  const seed = ctx.sendSeed ? sampleSeed(ctx.runSeed, v.itemId, i) : null;
  const request = requestFor(v, ctx.params, seed);
  const key = cacheKey(ctx.provider.identity, request, i);
  const startedAt = new Date().toISOString();
  let attempts = 1;
  let completion = ctx.cache.get(key);
  const cached = completion !== null;
  if (!completion) {
    try {
      completion = await ctx.provider.complete(request, {
        sampleIndex: i,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        onRetry: (e) => {
          attempts = e.attempt + 1;
        },
      });
    } catch (err) {
      throw new SampleJobError((err as Error).message, attempts);
    }
    ctx.cache.put(key, i, completion);
  }
  return toRecord(v, i, completion, { seed, attempts, cached, startedAt });
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
 * Runs one sample job and files its record (or its error, counted as failed). Returns false when
 * the run was aborted during the call, so the worker stops without filing anything.
 */
async function runTask(
  task: { v: Variant; i: number },
  ctx: SampleJobContext,
  paths: ReturnType<typeof runPaths>,
  summary: RunSummary,
): Promise<boolean> {
  const { v, i } = task;
  let record: SampleRecord;
  try {
    record = await executeSampleJob({ variant: v, sampleIndex: i }, ctx);
  } catch (err) {
    if (ctx.signal?.aborted) return false;
    summary.failed++;
    appendJsonl(paths.errors, [
      {
        key: sampleKey(v.id, i),
        attempts: err instanceof SampleJobError ? err.attempts : 1,
        error: (err as Error).message,
        at: new Date().toISOString(),
      },
    ]);
    return true;
  }
  appendJsonl(paths.samples, [record]);
  summary.completed++;
  if (record.cached) summary.fromCache++;
  return true;
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
    const cache = new ResponseCache(paths.cache, (p, why) =>
      warn(`cache entry ${p} ignored: ${why}`),
    );
    const tasks: { v: Variant; i: number }[] = [];
    for (const v of opts.variants)
      for (let i = 0; i < opts.samples; i++)
        if (!done.has(sampleKey(v.id, i))) tasks.push({ v, i });
    const total = opts.variants.length * opts.samples;
    const alreadyDone = total - tasks.length;
    const summary: RunSummary = {
      runId: manifest.runId,
      total,
      alreadyDone,
      completed: 0,
      fromCache: 0,
      failed: 0,
      interrupted: false,
      repeats: { variants: 0, identical: 0, warning: null },
      warnings: [],
    };
    const progress = () =>
      opts.onProgress?.({ done: alreadyDone + summary.completed, total, failed: summary.failed });
    progress();
    let next = 0;
    const ctx: SampleJobContext = {
      provider: opts.provider,
      params: opts.params,
      runSeed: manifest.seed,
      sendSeed: manifest.seeding.sent,
      cache,
      ...(opts.signal ? { signal: opts.signal } : {}),
    };
    const worker = async () => {
      while (next < tasks.length && !opts.signal?.aborted) {
        if (!(await runTask(tasks[next++]!, ctx, paths, summary))) break;
        progress();
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(concurrency, Math.max(1, tasks.length)) }, worker),
    );
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
