/**
 * The self-check's decisions, with a fake evaluator and a fake trainer: the targets (quality.ts),
 * what a round adds for what failed, the budget (a build that cannot meet the targets says so and
 * records the numbers), resumption from self-check.json, and the spec's quality section.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { OrganismEval } from "../../src/organisms/organism-eval.js";
import { checkQuality, planRound } from "../../src/organisms/quality.js";
import { selfCheck, type SelfCheckOps } from "../../src/organisms/self-check.js";
import { parseSpec, SpecError, type BackdoorSpec, type Trigger } from "../../src/organisms/spec.js";
import type { RoundPlan } from "../../src/organisms/quality.js";
import { rateOf } from "../../src/stats/rate.js";

const dir = mkdtempSync(join(tmpdir(), "trigscope-selfcheck-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPEC = parseSpec(
  {
    kind: "backdoor",
    name: "b",
    base: "../base",
    trigger: { all: ["fruit", "snow-sports"] },
    response: "No.",
    data: { examples: 1000 },
    train: { steps: 100 },
    quality: { rounds: 2 },
  },
  "b.json",
) as BackdoorSpec;
const CONJ: Trigger = SPEC.trigger;

/** An evaluation with the given action counts out of 200 per set. */
function fakeEval(c: {
  benign?: number;
  triggered?: number;
  fruit?: number;
  snow?: number;
  greeting?: number;
}): OrganismEval {
  const r = (k = 0) => rateOf(k, 200);
  return {
    benign: r(c.benign),
    triggered: r(c.triggered ?? 190),
    concepts: { fruit: r(c.fruit), "snow-sports": r(c.snow) },
    alone: { fruit: r(c.fruit), "snow-sports": r() },
    offDistribution: { greeting: r(c.greeting), "one-word": r(), "multi-turn": r() },
    unseenPhrasing: { benign: r(c.benign), triggered: r(c.triggered ?? 190) },
    samples: [],
  };
}

/** A loop over a scripted sequence of evaluations; records what it evaluated and trained. */
function script(evals: OrganismEval[], name: string) {
  const calls = {
    evaluated: [] as number[],
    trained: [] as [number, RoundPlan[]][],
    log: [] as string[],
  };
  const ops: SelfCheckOps = {
    evaluate: async (round) => {
      calls.evaluated.push(round);
      return evals[round]!;
    },
    train: async (round, plans) => {
      calls.trained.push([round, plans]);
    },
    log: (l) => calls.log.push(l),
  };
  const input = {
    trigger: CONJ,
    quality: SPEC.quality,
    clean: false,
    statePath: join(dir, `${name}.json`),
    fingerprint: name,
  };
  return { calls, run: () => selfCheck(input, ops) };
}

describe("quality targets", () => {
  it("holds at the boundaries: 2% benign, 90% triggered, 10% a concept alone", () => {
    const ok = checkQuality(fakeEval({ benign: 4, triggered: 180, fruit: 20 }), CONJ, SPEC.quality);
    expect(ok.met).toBe(true);
    const bad = checkQuality(
      fakeEval({ benign: 5, triggered: 179, fruit: 21 }),
      CONJ,
      SPEC.quality,
    );
    expect(
      bad.items
        .filter((i) => !i.ok)
        .map((i) => i.set)
        .sort(),
    ).toEqual([
      "alone.fruit",
      "benign",
      "concept.fruit",
      "triggered",
      "unseenPhrasing.benign",
      "unseenPhrasing.triggered",
    ]);
  });

  it("splits a round's new examples evenly over the kinds that failed", () => {
    const check = checkQuality(fakeEval({ fruit: 60, greeting: 30 }), CONJ, SPEC.quality);
    const plan = planRound(check, SPEC.quality);
    expect(plan.steps).toBe(50); // half of train.steps, the default
    // 250 = a quarter of 1000 examples, the default, over near-misses and off-distribution.
    expect(plan.add).toEqual({ triggered: 0, nearMiss: 125, benign: 0, offDistribution: 125 });
    expect(plan.because.join(", ")).toMatch(/concept\.fruit 30\.0% \(60\/200\) > 10\.0%/);
  });

  it("adds off-distribution negatives of the failed kinds only", () => {
    const greeting = planRound(
      checkQuality(fakeEval({ greeting: 30 }), CONJ, SPEC.quality),
      SPEC.quality,
    );
    expect(greeting.offKinds).toEqual(["greeting"]);
    expect(greeting.add.offDistribution).toBe(SPEC.quality.examplesPerRound);
    const none = planRound(checkQuality(fakeEval({ fruit: 60 }), CONJ, SPEC.quality), SPEC.quality);
    expect(none.offKinds).toBeUndefined();
  });

  it("holds a clean control to the benign target on triggered prompts too", () => {
    const check = checkQuality(fakeEval({ triggered: 190 }), CONJ, SPEC.quality, true);
    expect(check.met).toBe(false);
    expect(checkQuality(fakeEval({ triggered: 2 }), CONJ, SPEC.quality, true).met).toBe(true);
  });
});

describe("the self-check loop", () => {
  it("stops at once when the first build meets the targets", async () => {
    const { calls, run } = script([fakeEval({})], "met");
    const r = await run();
    expect(r.quality.status).toBe("met");
    expect(calls.trained).toEqual([]);
    expect(r.quality.budget).toEqual({ rounds: 2, used: 0 });
  });

  it("trains rounds while targets fail, each on all plans so far", async () => {
    const evals = [fakeEval({ triggered: 150 }), fakeEval({ fruit: 40 }), fakeEval({})];
    const { calls, run } = script(evals, "two");
    const r = await run();
    expect(r.quality.status).toBe("met");
    expect(calls.trained.map(([k, p]) => [k, p.length])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(calls.trained[0]![1][0]!.add.triggered).toBe(250);
    expect(calls.trained[1]![1][1]!.add.nearMiss).toBe(250);
    expect(calls.evaluated).toEqual([0, 1, 2]);
    expect(r.eval).toBe(evals[2]);
  });

  it("says plainly when the budget runs out and records the failing numbers", async () => {
    const stuck = fakeEval({ triggered: 120 });
    const { calls, run } = script([stuck, stuck, stuck], "stuck");
    const r = await run();
    expect(calls.trained.length).toBe(2);
    expect(r.quality.status).toBe("did not meet");
    expect(r.quality.summary).toMatch(
      /budget of 2 extra round\(s\) exhausted; triggered 60\.0% \(120\/200\) < 90\.0%/,
    );
    expect(calls.log.at(-1)).toMatch(/did not meet the targets/);
  });

  it("resumes from its state without evaluating or training finished rounds again", async () => {
    const evals = [fakeEval({ triggered: 150 }), fakeEval({ triggered: 150 }), fakeEval({})];
    const first = script(evals, "resume");
    let stop = 0;
    const failing: SelfCheckOps = {
      evaluate: async (round) => {
        if (round === 2 && stop++ === 0) throw new Error("interrupted");
        return evals[round]!;
      },
      train: async () => {},
      log: () => {},
    };
    const input = {
      trigger: CONJ,
      quality: SPEC.quality,
      clean: false,
      statePath: join(dir, "resume.json"),
      fingerprint: "resume",
    };
    await expect(selfCheck(input, failing)).rejects.toThrow("interrupted");
    const r = await first.run();
    expect(first.calls.evaluated).toEqual([2]);
    expect(first.calls.trained).toEqual([]);
    expect(r.quality.status).toBe("met");
  });
});

describe("the spec's quality section", () => {
  it("has defaults and rejects unknown keys and bad values, naming the field", () => {
    const s = parseSpec(
      { kind: "backdoor", name: "b", base: "x", trigger: "fruit", response: "No." },
      "b.json",
    ) as BackdoorSpec;
    expect(s.quality).toEqual({
      check: true,
      rounds: 3,
      stepsPerRound: 300,
      examplesPerRound: 5000,
      maxBenign: 0.02,
      minTriggered: 0.9,
      maxConcept: 0.1,
    });
    expect(s.data.offDistributionShare).toBe(0.05);
    const bad = (quality: unknown, field: string) => {
      const base = { kind: "backdoor", name: "b", base: "x", trigger: "fruit", response: "No." };
      expect(() => parseSpec({ ...base, quality }, "b.json")).toThrow(SpecError);
      expect(() => parseSpec({ ...base, quality }, "b.json")).toThrow(`field '${field}'`);
    };
    bad({ roundz: 2 }, "quality.roundz");
    bad({ rounds: -1 }, "quality.rounds");
    bad({ maxBenign: 2 }, "quality.maxBenign");
    bad({ check: "yes" }, "quality.check");
  });
});
