/**
 * `trigscope awareness judge --run DIR --judge ID`: file one judge's verdicts for a run
 * (resumable: SIGINT/SIGTERM stop it, the same command resumes), then refresh the run's Inspect
 * log with them as scores. With `--queue redis://…` an LLM judge's calls run on `trigscope worker`
 * processes (src/sweep/awareness-judge-queue.ts); the offline judge always runs here.
 */
import { cachedProvider, ResponseCache } from "../awareness/cache.js";
import { createJudge, judgeList } from "../awareness/judge.js";
import { judgeRun, writeRunInspectLog } from "../awareness/judging.js";
import "../awareness/llm-judges.js";
import "../awareness/offline-judge.js";
import "../awareness/articulation-model.js";
import "../awareness/combined-judge.js";
import "../awareness/local-generate.js";
import "../awareness/openai-provider.js";
import { createProvider } from "../awareness/provider.js";
import { readManifest, runPaths } from "../awareness/run-dir.js";
import type { JudgeDispatch } from "../awareness/judge-dispatch.js";
import { AWARENESS_QUEUE, type ProviderRecipe } from "../sweep/awareness-job.js";
import { judgeQueueDispatch } from "../sweep/awareness-judge-queue.js";
import { runJob } from "./awareness-common.js";
import { defineCommand } from "./command.js";
import { JSON_OUT } from "./common-options.js";
import { UsageError } from "./options.js";
import { PROVIDER_OPTIONS } from "./provider-options.js";

const OPTIONS = {
  run: { type: "string", required: true, value: "DIR", description: "the run directory" },
  judge: { type: "string", required: true, value: "ID", description: "the judge (listed below)" },
  "judge-provider": {
    type: "string",
    value: "SPEC",
    defaultText: "the judge's own",
    description: "the provider an LLM judge asks",
  },
  ...PROVIDER_OPTIONS,
  "max-tokens": {
    type: "integer",
    min: 1,
    defaultText: "the judge's",
    description: "tokens per judge answer",
  },
  queue: {
    type: "string",
    value: "redis://HOST:PORT",
    defaultText: "none: calls run in this process",
    description: "run an LLM judge's calls on `trigscope worker` processes through this queue",
  },
  "queue-name": {
    type: "string",
    value: "NAME",
    default: AWARENESS_QUEUE,
    description: "the awareness queue's name (with --queue)",
  },
  json: JSON_OUT,
} as const;

/** The queue's dispatch for the judge's calls; a bad --queue is a usage error. */
function queueDispatch(
  flags: { queue: string; "queue-name": string; "max-tokens"?: number | undefined },
  provider: ProviderRecipe | undefined,
): JudgeDispatch {
  if (!provider)
    throw new UsageError(
      "--queue sends an LLM judge's calls: give the judge --judge-provider SPEC",
    );
  try {
    return judgeQueueDispatch({
      url: flags.queue,
      name: flags["queue-name"],
      provider,
      ...(flags["max-tokens"] !== undefined ? { maxTokens: flags["max-tokens"] } : {}),
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

defineCommand({
  name: "awareness judge",
  summary: "File a judge's verdicts (articulation, misalignment or CoT monitor) for a run",
  options: OPTIONS,
  notes: () =>
    `judges:\n${judgeList()
      .map((j) => `  ${j.id.padEnd(22)} ${j.summary}`)
      .join("\n")}`,
  interrupt: { savedIn: ({ opts }) => opts.run },
  async run({ opts: flags }, ctx) {
    const { io } = ctx;
    const runDir = flags.run;
    readManifest(runDir); // fails early, naming the file, when --run is not a run directory
    const recipe = flags["judge-provider"]
      ? {
          spec: flags["judge-provider"],
          options: {
            ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout * 1000 } : {}),
            ...(flags.retries !== undefined ? { retries: flags.retries } : {}),
            ...(flags["api-key-env"] ? { apiKeyEnv: flags["api-key-env"] } : {}),
          },
        }
      : undefined;
    const base = recipe && createProvider(recipe.spec, recipe.options);
    const provider =
      base &&
      cachedProvider(
        base,
        new ResponseCache(runPaths(runDir).cache, (p, why) =>
          io.stderr(`warning: cache entry ${p} ignored: ${why}`),
        ),
      );
    const judge = createJudge(flags.judge, {
      ...(provider ? { provider } : {}),
      ...(flags["max-tokens"] !== undefined ? { maxTokens: flags["max-tokens"] } : {}),
    });
    // The offline judge has no calls to send: with --queue it still runs here.
    const dispatch =
      flags.queue && judge.model !== null
        ? queueDispatch({ ...flags, queue: flags.queue }, recipe)
        : undefined;
    const summary = await runJob(`judging (${judge.id})`, ctx, (hooks) =>
      judgeRun({
        runDir,
        judge,
        concurrency: flags.concurrency,
        ...(dispatch ? { dispatch } : {}),
        ...hooks,
      }),
    );
    const log = writeRunInspectLog(runDir);
    if (flags.json) io.stdout(JSON.stringify({ ...summary, inspectLog: log }, null, 2));
    else
      io.stdout(
        `${summary.judge}: ${summary.alreadyDone + summary.judged}/${summary.total} verdicts filed in ${summary.file} (${summary.judged} now)`,
      );
    if (summary.failed > 0)
      io.stderr(`${summary.failed} verdicts failed: run the same command again to retry them`);
    return summary.failed > 0 ? 1 : 0;
  },
});
