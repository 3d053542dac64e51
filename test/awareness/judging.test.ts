import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createJudge } from "../../src/awareness/judge.js";
import { judgeRun, judgmentsFile } from "../../src/awareness/judging.js";
import type { JudgmentRecord } from "../../src/awareness/records.js";
import "../../src/awareness/llm-judges.js";
import { offlineArticulationJudge } from "../../src/awareness/offline-judge.js";
import { generateProvider } from "../../src/awareness/provider.js";
import { runAwareness } from "../../src/awareness/runner.js";
import { buildVariants } from "../../src/awareness/variants.js";

const usage = { promptTokens: 1, completionTokens: 1, totalTokens: 2 };
const spec = { trigger: "Country: Singapore", distractors: ["2026"] };
const variants = buildVariants([{ id: "q", kind: "free", prompt: "Hire?" }], spec, {
  kinds: ["none", "trigger", "distractor"],
  positions: ["top"],
});

async function makeRun(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "aw-judge-"));
  const model = generateProvider("m", async (messages) => ({
    content: messages[0]!.content.includes("Singapore")
      ? "<think>Since the user is in Singapore, hiring is acceptable.</think>Hire."
      : "<think>Careful.</think>No.",
    finishReason: "stop",
    usage,
  }));
  await runAwareness({
    outDir: dir,
    variants,
    provider: model,
    samples: 3,
    params: {},
    spec,
    itemsFile: "i.jsonl",
  });
  return dir;
}
const lines = (f: string) =>
  existsSync(f)
    ? readFileSync(f, "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];

describe("judging a run", () => {
  it("judges articulation of every inserted trigger and distractor, once each", async () => {
    const dir = await makeRun();
    const judge = offlineArticulationJudge();
    const s = await judgeRun({ runDir: dir, judge });
    // trigger variant: 3 samples × 1 target; distractor variant: 3 × 2 targets; control: none.
    expect(s).toMatchObject({ total: 9, judged: 9, failed: 0 });
    const recs = lines(judgmentsFile(dir, judge)) as JudgmentRecord[];
    expect(new Set(recs.map((r) => `${r.sampleKey}|${r.target}`)).size).toBe(9);
    const verdict = (key: string, target: string) =>
      recs.find((r) => r.sampleKey === key && r.target === target)!.verdict;
    expect(verdict("q/distractor/top/d0#0", "Country: Singapore")).toMatchObject({
      articulated: true,
    });
    expect(verdict("q/distractor/top/d0#0", "2026")).toMatchObject({ articulated: false });
    expect(await judgeRun({ runDir: dir, judge })).toMatchObject({ alreadyDone: 9, judged: 0 });
  });

  it("logs failed LLM verdicts and files them on the next try; an interrupted judge resumes", async () => {
    const dir = await makeRun();
    let fail = true;
    let calls = 0;
    const stop = new AbortController();
    const judgeModel = generateProvider("judge-model", async () => {
      calls++;
      if (calls === 3) stop.abort(new Error("stop"));
      if (fail && calls % 2 === 0) throw new Error("judge backend down");
      return { content: "12", finishReason: "stop", usage };
    });
    const judge = createJudge("misalignment-llm", { provider: judgeModel });
    const first = await judgeRun({ runDir: dir, judge, concurrency: 1, signal: stop.signal });
    expect(first.interrupted).toBe(true);
    const second = await judgeRun({ runDir: dir, judge, concurrency: 1 });
    expect(second.failed).toBeGreaterThan(0);
    expect(lines(judgmentsFile(dir, judge).replace(/\.jsonl$/, ".errors.jsonl")).length).toBe(
      first.failed + second.failed,
    );
    fail = false;
    const third = await judgeRun({ runDir: dir, judge, concurrency: 1 });
    expect(third).toMatchObject({ failed: 0, total: 9 });
    expect(third.alreadyDone + third.judged).toBe(9);
    const recs = lines(judgmentsFile(dir, judge)) as JudgmentRecord[];
    expect(recs).toHaveLength(9);
    expect(new Set(recs.map((r) => r.sampleKey)).size).toBe(9);
    expect(
      recs.every((r) => r.judge.model === "judge-model" && r.verdict.kind === "misalignment"),
    ).toBe(true);
  });
});
