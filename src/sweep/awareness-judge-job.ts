/**
 * An LLM judge call as a BullMQ job on the awareness queue (awareness-judge-queue.ts adds them,
 * awareness-worker.ts runs them): the judge's id, version and model, the judge provider's recipe,
 * and the task (what the judge reads). A worker rebuilds the judge and refuses the job when its
 * version or model differs, so verdicts from another prompt or model never reach the file. The
 * job id hashes the run, the judge (label and model) and the (sample, target).
 */
import { canonicalJson, sha256 } from "../awareness/cache.js";
import type { JudgeTask } from "../awareness/judge-dispatch.js";
import type { Verdict } from "../awareness/judge.js";
import { AwarenessJobError, checkFields, checkProviderOptions } from "./awareness-job-check.js";
import type { ProviderRecipe } from "./awareness-job.js";

export interface JudgeJobData {
  runId: string;
  judge: { id: string; version: string; model: string; maxTokens: number | null };
  provider: ProviderRecipe;
  task: JudgeTask;
}

export interface JudgeJobResult {
  runId: string;
  sampleKey: string;
  target: string | null;
  verdict: Verdict;
  worker: string;
  pid: number;
}

export const judgeJobId = (d: Pick<JudgeJobData, "runId" | "judge" | "task">) =>
  `judge-${sha256(
    canonicalJson([
      d.runId,
      d.judge.id,
      d.judge.version,
      d.judge.model,
      d.task.sampleKey,
      d.task.target,
    ]),
  ).slice(0, 40)}`;

/** The payload of judge job `id`, checked; throws AwarenessJobError naming the field. */
export function parseJudgeJobData(id: string, raw: unknown): JudgeJobData {
  const d = checkFields(id, "", raw, {
    runId: "string",
    judge: "object",
    provider: "object",
    task: "object",
  });
  const j = checkFields(id, "judge", d.judge, {
    id: "string",
    version: "string",
    model: "string",
    maxTokens: "integer|null",
  });
  if (j.maxTokens !== null && (j.maxTokens as number) < 1)
    throw new AwarenessJobError(id, "judge.maxTokens", "must be ≥ 1 or null");
  const p = checkFields(id, "provider", d.provider, { spec: "string", options: "object" });
  checkProviderOptions(id, p.options);
  const t = checkFields(id, "task", d.task, {
    sampleKey: "string",
    target: "string|null",
    targetRole: "string|null",
    input: "object",
  });
  if (t.targetRole !== null && !["trigger", "distractor"].includes(t.targetRole as string))
    throw new AwarenessJobError(id, "task.targetRole", "must be trigger, distractor or null");
  checkFields(id, "task.input", t.input, {
    prompt: "string",
    reasoning: "string|null",
    answer: "string",
    reasoningCutOff: "boolean",
    trigger: "string|null",
  });
  const data = d as unknown as JudgeJobData;
  if (judgeJobId(data) !== id)
    throw new AwarenessJobError(
      id,
      "task",
      "does not hash to this job id (run, judge, sample, target)",
    );
  return data;
}
