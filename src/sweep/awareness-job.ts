/**
 * An awareness sample as a BullMQ job (awareness-queue.ts adds them, awareness-worker.ts runs
 * them): everything a worker on another machine needs to run it, and nothing secret. The provider
 * travels as its recipe (spec and options; an API key stays in the worker's environment, named by
 * `apiKeyEnv`) with the identity the run was started with, so a worker whose provider would differ
 * refuses the job. The job id hashes the run id and the sample key: a producer that runs again
 * finds its jobs instead of adding them twice, and two runs never share one.
 */
import { sha256 } from "../awareness/cache.js";
import type { DispatchedRun } from "../awareness/dispatch.js";
import type { GenerationParams, Provider, ProviderOptions } from "../awareness/provider.js";
import { sampleKey, type SampleJob, type SampleRecord } from "../awareness/sample-job.js";
import { sampleSeed } from "../awareness/seeds.js";
import type { Variant } from "../awareness/variants.js";

/** The queue awareness jobs go on unless another is named. */
export const AWARENESS_QUEUE = "trigscope-awareness";

/** The provider options a job may carry (never `env`: secrets stay on each machine). */
export type ProviderJobOptions = Pick<
  ProviderOptions,
  "timeoutMs" | "retries" | "apiKeyEnv" | "prefillMode"
>;

/** How a worker builds the provider: the spec ("KIND:REST") and its options. */
export interface ProviderRecipe {
  spec: string;
  options: ProviderJobOptions;
}

/** One sample job's payload. */
export interface SampleJobData {
  runId: string;
  key: string;
  variant: Variant;
  sampleIndex: number;
  /** The seed the sample is sent (null: none); the worker's record must carry the same one. */
  seed: number | null;
  runSeed: number;
  sendSeed: boolean;
  params: GenerationParams;
  provider: ProviderRecipe & { identity: Provider["identity"] };
}

/** What a finished sample job returns through the queue. */
export interface SampleJobResult {
  runId: string;
  key: string;
  record: SampleRecord;
  /** The worker that ran it (name and process id). */
  worker: string;
  pid: number;
}

/** The job id of sample `key` of run `runId`. */
export const sampleJobId = (runId: string, key: string) =>
  `sample-${sha256(`${runId}|${key}`).slice(0, 40)}`;

export function sampleJobData(
  job: SampleJob,
  run: DispatchedRun,
  recipe: ProviderRecipe,
): SampleJobData {
  const { variant, sampleIndex } = job;
  return {
    runId: run.runId,
    key: sampleKey(variant.id, sampleIndex),
    variant,
    sampleIndex,
    seed: run.sendSeed ? sampleSeed(run.runSeed, variant.itemId, sampleIndex) : null,
    runSeed: run.runSeed,
    sendSeed: run.sendSeed,
    params: run.params,
    provider: { ...recipe, identity: run.identity },
  };
}
