/**
 * The worker's side of LLM judge calls on the awareness queue: rebuild the judge from its id, the
 * recipe of its provider (cached per run on this machine) and its reply limit; refuse the job when
 * the rebuilt judge's version or model differs from the one the verdicts are filed under; judge.
 */
import type { Job } from "bullmq";
import { cachedProvider, canonicalJson } from "../awareness/cache.js";
import { createJudge, type Judge } from "../awareness/judge.js";
import "../awareness/llm-judges.js";
import { AwarenessJobError } from "./awareness-job-check.js";
import {
  parseJudgeJobData,
  type JudgeJobData,
  type JudgeJobResult,
} from "./awareness-judge-job.js";
import { refuseUnless, type WorkerContext } from "./awareness-worker-context.js";

export function judgeProcessor(ctx: WorkerContext) {
  const judges = new Map<string, Judge>();
  const judgeFor = (d: JudgeJobData, id: string) => {
    const k = canonicalJson([d.runId, d.judge, d.provider]);
    let j = judges.get(k);
    if (!j) {
      const provider = cachedProvider(ctx.provider(d.provider), ctx.cache(d.runId));
      j = createJudge(d.judge.id, {
        provider,
        ...(d.judge.maxTokens !== null ? { maxTokens: d.judge.maxTokens } : {}),
      });
      judges.set(k, j);
    }
    for (const f of ["version", "model"] as const)
      if (j[f] !== d.judge[f])
        throw new AwarenessJobError(
          id,
          `judge.${f}`,
          `is '${d.judge[f]}', this worker's judge has '${j[f]}'`,
        );
    return j;
  };
  return async (job: Job): Promise<JudgeJobResult> => {
    const id = job.id ?? "?";
    const [d, judge] = refuseUnless(ctx, id, () => {
      const data = parseJudgeJobData(id, job.data);
      return [data, judgeFor(data, id)] as const;
    });
    const { sampleKey, target } = d.task;
    const label = `${sampleKey}|${target ?? ""} (${d.judge.id})`;
    const verdict = await ctx.logged(job, label, () => judge.judge(d.task.input, {}));
    return {
      runId: d.runId,
      sampleKey,
      target,
      verdict,
      worker: ctx.o.workerName,
      pid: process.pid,
    };
  };
}
