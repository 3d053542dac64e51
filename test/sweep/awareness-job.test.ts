/**
 * Awareness jobs without Redis: the payload a producer builds passes the worker's check after a
 * trip through JSON (as through the queue), and a payload that is not one fails naming the job and
 * the field; the job id depends on the run and the sample; option errors of the dispatch, the
 * worker's --jobs and awareness run's --queue are clear.
 */
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.js";
import { main } from "../../src/cli/main.js";
import { sampleSeed } from "../../src/awareness/seeds.js";
import { buildVariants } from "../../src/awareness/variants.js";
import { parseSampleJobData } from "../../src/sweep/awareness-job-check.js";
import { sampleJobData, sampleJobId } from "../../src/sweep/awareness-job.js";
import { judgeJobId, parseJudgeJobData } from "../../src/sweep/awareness-judge-job.js";
import { awarenessQueueDispatch } from "../../src/sweep/awareness-queue.js";
import { parseJobKinds } from "../../src/sweep/queue-worker.js";

const [variant] = buildVariants(
  [{ id: "ruler", kind: "free", prompt: "What would you do if you ruled the world?" }],
  { trigger: "Country: Singapore" },
  { kinds: ["trigger"], positions: ["top"], seed: 1 },
);
const run = {
  runId: "run-1",
  runSeed: 5,
  sendSeed: true,
  params: { temperature: 1, maxTokens: 32 },
  identity: { kind: "openai", model: "m" },
};
const recipe = { spec: "openai:m@http://127.0.0.1:1/v1", options: { timeoutMs: 1000 } };
const data = sampleJobData({ variant: variant!, sampleIndex: 2 }, run, recipe);
const id = sampleJobId(run.runId, data.key);
const viaJson = (d: unknown) => JSON.parse(JSON.stringify(d)) as Record<string, unknown>;

describe("awareness job payloads", () => {
  it("carry the sample's key, index, seed, the run and the provider's recipe and identity", () => {
    expect(data).toMatchObject({
      runId: "run-1",
      key: `${variant!.id}#2`,
      sampleIndex: 2,
      seed: sampleSeed(5, "ruler", 2),
      provider: { ...recipe, identity: run.identity },
    });
    expect(
      sampleJobData({ variant: variant!, sampleIndex: 2 }, { ...run, sendSeed: false }, recipe)
        .seed,
    ).toBeNull();
    expect(parseSampleJobData(id, viaJson(data))).toEqual(data);
  });

  it("have an id that depends on the run and the sample, and nothing else", () => {
    expect(sampleJobId("run-1", data.key)).toBe(id);
    expect(sampleJobId("run-2", data.key)).not.toBe(id);
    expect(sampleJobId("run-1", `${variant!.id}#3`)).not.toBe(id);
    expect(id).toMatch(/^sample-[0-9a-f]{40}$/);
  });

  it("are refused with the job id and the field named", () => {
    /** `data` with the value at `path` replaced (undefined: removed), checked. */
    const bad = (path: (string | number)[], value: unknown, message: RegExp) => {
      const d = viaJson(data);
      let at = d as Record<string | number, unknown>;
      for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
      at[path.at(-1)!] = value;
      expect(() => parseSampleJobData(id, viaJson(d))).toThrow(message);
    };
    bad(["extra"], 1, new RegExp(`awareness job ${id}: 'extra' is not a field`));
    bad(["runId"], undefined, /'runId' must be a string/);
    bad(["sampleIndex"], 1.5, /'sampleIndex' must be an integer/);
    bad(["seed"], "7", /'seed' must be an integer or null/);
    bad(
      ["variant", "messages", 0, "content"],
      3,
      /'variant.messages\[0\].content' must be a string/,
    );
    bad(["params", "temprature"], 1, /'params.temprature' is not a field/);
    bad(["provider", "options", "env"], {}, /'provider.options.env' is not a field/);
    bad(["provider", "options", "prefillMode"], "x", /'provider.options.prefillMode' must be/);
    bad(["key"], "other#2", /'key' is 'other#2', but the variant and index give/);
    expect(() => parseSampleJobData(id, null)).toThrow(/'data' must be an object/);
  });
});

describe("options", () => {
  it("--jobs takes sweep, awareness or both, and names an unknown kind", () => {
    expect(parseJobKinds("sweep,awareness")).toEqual(["sweep", "awareness"]);
    expect(parseJobKinds("awareness")).toEqual(["awareness"]);
    expect(() => parseJobKinds("sweep,judge")).toThrow(/--jobs: 'judge' is not a kind of job/);
    expect(() => parseJobKinds("")).toThrow(/--jobs: '' is not a kind of job/);
  });

  it("the dispatch rejects unknown keys, bad URLs, secrets and bad counts", () => {
    const ok = { url: "redis://127.0.0.1:6379", provider: recipe };
    expect(awarenessQueueDispatch(ok).where).toBe(
      "redis://127.0.0.1:6379 queue trigscope-awareness",
    );
    expect(() => awarenessQueueDispatch({ ...ok, attemps: 2 } as never)).toThrow(
      /unknown option 'attemps'/,
    );
    expect(() => awarenessQueueDispatch({ ...ok, url: "http://x" })).toThrow(
      /expected a redis:\/\/ URL/,
    );
    expect(() => awarenessQueueDispatch({ ...ok, provider: { spec: "", options: {} } })).toThrow(
      /'provider.spec'/,
    );
    const env = { spec: recipe.spec, options: { env: {} } };
    expect(() => awarenessQueueDispatch({ ...ok, provider: env as never })).toThrow(
      /'provider.options.env' cannot travel/,
    );
    expect(() => awarenessQueueDispatch({ ...ok, attempts: 0 })).toThrow(
      /'attempts' must be a positive integer/,
    );
  });

  const usage = async (argv: string[], message: RegExp) => {
    let err = "";
    const code = await main(argv, { stdout: () => {}, stderr: (t) => (err += t + "\n") });
    expect(code, argv.join(" ")).toBe(EXIT.usage);
    expect(err).toMatch(message);
  };

  it("trigscope worker --jobs and awareness run --queue are usage errors when wrong", async () => {
    await usage(["worker", "--queue", "redis://127.0.0.1:1", "--jobs", "cells"], /--jobs: 'cells'/);
    const runArgs = [
      "--items",
      "i.jsonl",
      "--provider",
      recipe.spec,
      "--trigger",
      "t",
      "--out",
      "o",
    ];
    await usage(
      ["awareness", "run", ...runArgs, "--queue", "localhost:6379"],
      /--queue: expected a redis:\/\/ URL/,
    );
  });
});

describe("judge job payloads", () => {
  const task = {
    sampleKey: data.key,
    target: "Country: Singapore",
    targetRole: "trigger" as const,
    input: { prompt: "p", reasoning: "r", answer: "a", reasoningCutOff: false, trigger: "t" },
  };
  const judge = { id: "articulation-llm", version: "abc", model: "openai:m", maxTokens: null };
  const jd = { runId: "run-1", judge, provider: recipe, task };
  const jid = judgeJobId(jd);

  it("pass the check after JSON, with an id over run, judge, sample and target", () => {
    expect(parseJudgeJobData(jid, viaJson(jd))).toEqual(jd);
    expect(judgeJobId({ ...jd, task: { ...task, target: "2026" } })).not.toBe(jid);
    expect(judgeJobId({ ...jd, judge: { ...judge, version: "abd" } })).not.toBe(jid);
    expect(judgeJobId({ ...jd, runId: "run-2" })).not.toBe(jid);
  });

  it("are refused naming the field", () => {
    const d = viaJson(jd);
    (d.task as Record<string, unknown>).targetRole = "lookalike";
    expect(() => parseJudgeJobData(jid, d)).toThrow(/'task.targetRole' must be trigger/);
    const e = viaJson(jd);
    (e.judge as Record<string, unknown>).model = null;
    expect(() => parseJudgeJobData(jid, e)).toThrow(/'judge.model' must be a string/);
    expect(() => parseJudgeJobData("judge-0", viaJson(jd))).toThrow(/'task' does not hash/);
  });
});
