/**
 * LLM judge calls on the distributed queue, the producer's side: a JudgeDispatch
 * (src/awareness/judge-dispatch.ts) that adds one job per (sample, target) not yet filed to the
 * awareness queue (awareness-judge-job.ts), waits for the verdicts and files each once through the
 * judging pass (queue-batch.ts). The same `trigscope worker` processes that run samples run them.
 */
import type { JudgeDispatch } from "../awareness/judge-dispatch.js";
import { AWARENESS_QUEUE, type ProviderRecipe } from "./awareness-job.js";
import { judgeJobId, type JudgeJobData, type JudgeJobResult } from "./awareness-judge-job.js";
import { checkRecipe } from "./awareness-queue.js";
import {
  checkBatchOptions,
  QUEUE_BATCH_KEYS,
  runBatch,
  type QueueBatchOptions,
} from "./queue-batch.js";

export interface JudgeQueueOptions extends QueueBatchOptions {
  /** How workers build the judge's provider (the spec and options of --judge-provider). */
  provider: ProviderRecipe;
  /** The judge's reply limit (the judge's own default when absent). */
  maxTokens?: number;
}

export function judgeQueueDispatch(o: JudgeQueueOptions): JudgeDispatch {
  const what = "judge queue";
  checkBatchOptions(what, o, [...QUEUE_BATCH_KEYS, "provider", "maxTokens"]);
  checkRecipe(what, "provider", o.provider);
  if (o.maxTokens !== undefined && (!Number.isInteger(o.maxTokens) || o.maxTokens < 1))
    throw new Error(`${what}: 'maxTokens' must be a positive integer, got ${o.maxTokens}`);
  return {
    where: `${o.url} queue ${o.name ?? AWARENESS_QUEUE}`,
    run(tasks, judging, file, signal) {
      const { id, version, model } = judging.judge;
      if (model === null)
        throw new Error(`judge '${id}' has no model: it runs where verdicts are filed`);
      const judge = { id, version, model, maxTokens: o.maxTokens ?? null };
      const byId = new Map<string, JudgeJobData>();
      for (const task of tasks) {
        const data = { runId: judging.runId, judge, provider: o.provider, task };
        byId.set(judgeJobId(data), data);
      }
      const task = (jobId: string) => byId.get(jobId)!.task;
      return runBatch<JudgeJobData, JudgeJobResult>(
        o,
        {
          queueName: AWARENESS_QUEUE,
          jobName: "judge",
          jobs: byId,
          accept: (jobId, v) =>
            v.runId === judging.runId &&
            v.sampleKey === task(jobId).sampleKey &&
            v.target === task(jobId).target &&
            v.verdict?.kind === judging.judge.kind,
          onResult: (jobId, r) => file.verdict(task(jobId), r.verdict),
          onFailed: (jobId, reason) => file.failed(task(jobId), reason),
        },
        signal,
      );
    },
  };
}
