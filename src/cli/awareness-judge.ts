/**
 * `trigscope awareness judge --run DIR --judge ID`: file one judge's verdicts for a run
 * (resumable), then refresh the run's Inspect log with them as scores.
 */
import { cachedProvider, ResponseCache } from "../awareness/cache.js";
import { createJudge, judgeList } from "../awareness/judge.js";
import { judgeRun, writeRunInspectLog } from "../awareness/judging.js";
import "../awareness/llm-judges.js";
import "../awareness/offline-judge.js";
import "../awareness/local-generate.js";
import "../awareness/openai-provider.js";
import { createProvider } from "../awareness/provider.js";
import { readManifest, runPaths } from "../awareness/run-dir.js";
import { parseArgs } from "./args.js";
import { requireFlag, runJob } from "./awareness-common.js";
import { register } from "./registry.js";

const spec = {
  run: { type: "string" },
  judge: { type: "string" },
  "judge-provider": { type: "string" },
  "api-key-env": { type: "string" },
  concurrency: { type: "number" },
  "max-tokens": { type: "number" },
  timeout: { type: "number" },
  retries: { type: "number" },
  json: { type: "boolean" },
} as const;

register({
  name: "awareness judge",
  summary: "File a judge's verdicts (articulation, misalignment or CoT monitor) for a run",
  usage: `awareness judge --run DIR --judge ID [--judge-provider SPEC] [--concurrency N] [--max-tokens N] [--timeout SECONDS] [--retries N] [--api-key-env NAME] [--json]\n\njudges:\n${judgeList()
    .map((j) => `  ${j.id.padEnd(22)} ${j.summary}`)
    .join("\n")}`,
  async run(argv, io) {
    const { flags } = parseArgs(argv, spec);
    const runDir = requireFlag(flags.run, "run");
    readManifest(runDir); // fails early, naming the file, when --run is not a run directory
    const base = flags["judge-provider"]
      ? createProvider(flags["judge-provider"], {
          ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout * 1000 } : {}),
          ...(flags.retries !== undefined ? { retries: flags.retries } : {}),
          ...(flags["api-key-env"] ? { apiKeyEnv: flags["api-key-env"] } : {}),
        })
      : undefined;
    const provider =
      base &&
      cachedProvider(
        base,
        new ResponseCache(runPaths(runDir).cache, (p, why) =>
          io.stderr(`warning: cache entry ${p} ignored: ${why}`),
        ),
      );
    const judge = createJudge(requireFlag(flags.judge, "judge"), {
      ...(provider ? { provider } : {}),
      ...(flags["max-tokens"] !== undefined ? { maxTokens: flags["max-tokens"] } : {}),
    });
    const summary = await runJob(`judging (${judge.id})`, io, (hooks) =>
      judgeRun({ runDir, judge, concurrency: flags.concurrency ?? 4, ...hooks }),
    );
    const log = writeRunInspectLog(runDir);
    if (flags.json) io.stdout(JSON.stringify({ ...summary, inspectLog: log }, null, 2));
    else
      io.stdout(
        `${summary.judge}: ${summary.alreadyDone + summary.judged}/${summary.total} verdicts filed in ${summary.file} (${summary.judged} now)`,
      );
    if (summary.failed > 0)
      io.stderr(`${summary.failed} verdicts failed: run the same command again to retry them`);
    if (summary.interrupted) io.stderr("interrupted: run the same command again to resume");
    return summary.failed > 0 || summary.interrupted ? 1 : 0;
  },
});
