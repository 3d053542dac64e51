/**
 * Running a run's sample jobs somewhere other than this process: a dispatch (e.g. BullMQ workers
 * on many machines, src/sweep/awareness-queue.ts) receives the jobs the ledger still lacks and
 * files each outcome back as it arrives; the runner (runner.ts) keeps the ledger, the manifest and
 * the summary, so a dispatched run resumes and is reported exactly as a local one.
 */
import type { GenerationParams, Provider } from "./provider.js";
import type { SampleJob, SampleRecord } from "./sample-job.js";

/** What every job of a run shares, as a worker elsewhere needs it. */
export interface DispatchedRun {
  runId: string;
  /** The run seed (manifest.seed) and whether each sample is sent its own seed. */
  runSeed: number;
  sendSeed: boolean;
  params: GenerationParams;
  /** The provider the run was started with: a worker refuses a job whose identity differs. */
  identity: Provider["identity"];
}

/** Where outcomes go: each finished sample once, each job that failed after its retries. */
export interface SampleFiling {
  record(r: SampleRecord): void;
  failed(key: string, attempts: number, error: string): void;
}

export interface SampleDispatch {
  /** Where the jobs go, for the log (e.g. "redis://host:6379 queue trigscope-awareness"). */
  readonly where: string;
  /**
   * Runs `jobs` elsewhere and files every outcome through `file`; resolves once each job is
   * filed, or as soon as `signal` aborts (jobs still out keep running and are filed next time).
   */
  run(
    jobs: SampleJob[],
    run: DispatchedRun,
    file: SampleFiling,
    signal?: AbortSignal,
  ): Promise<void>;
}
