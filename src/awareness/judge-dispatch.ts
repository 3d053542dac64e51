/**
 * Running an LLM judge's calls somewhere other than this process (e.g. BullMQ workers,
 * src/sweep/awareness-judge-queue.ts), as dispatch.ts does for samples: the judging pass
 * (judging.ts) hands over the (sample, target) tasks not yet filed and files each verdict once as
 * it arrives. Judges without a model (the offline judge) always run where the verdicts are filed.
 */
import type { Judge, JudgeInput, Verdict } from "./judge.js";

/** One (sample, target) to judge, with everything the judge reads. */
export interface JudgeTask {
  sampleKey: string;
  /** The trigger judged (articulation), or null. */
  target: string | null;
  targetRole: "trigger" | "distractor" | null;
  input: JudgeInput;
}

/** What every task of a judging pass shares: the run and the judge a worker must rebuild. */
export interface DispatchedJudging {
  runId: string;
  judge: Pick<Judge, "id" | "kind" | "version" | "model">;
}

/** Where outcomes go: each verdict once, each task that failed after its retries. */
export interface JudgeFiling {
  verdict(task: JudgeTask, verdict: Verdict): void;
  failed(task: JudgeTask, error: string): void;
}

export interface JudgeDispatch {
  /** Where the tasks go, for the log. */
  readonly where: string;
  /** Runs `tasks` elsewhere and files every outcome; resolves when all are filed or on abort. */
  run(
    tasks: JudgeTask[],
    judging: DispatchedJudging,
    file: JudgeFiling,
    signal?: AbortSignal,
  ): Promise<void>;
}
