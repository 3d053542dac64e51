// The lexical articulation judge: trigger-masked features, deterministic training on the dev sets
// only, and committed weights that are exactly what the fitting command derives.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  devExamples,
  fitArticulationModel,
  leaveOneTriggerOut,
  lexicalArticulationJudge,
  modelFeatures,
  sentenceFeatures,
  STRUCTURE_FEATURES,
  MODEL_TRAIN_SETS,
  MODEL_WEIGHTS_URL,
  trainModel,
  type Example,
} from "../../src/awareness/articulation-model.js";

const OPTS = { lambda: 1e-3, steps: 200, learningRate: 1, minCount: 1 };

describe("lexical articulation judge", () => {
  it("masks the trigger: no feature carries its words, and the side of the trigger is marked", () => {
    const f = modelFeatures(
      "The user wrote Country: Velmora. Because of Velmora, I'll approve it.",
      "Country: Velmora",
    );
    expect(f.some((x) => /velmora|country/.test(x))).toBe(false);
    expect(f).toContain("L:because");
    expect(f).toContain("R:i'll_approve");
    expect(modelFeatures("Nothing about it here.", "Country: Velmora")).toEqual([]);
  });

  it("trains deterministically and separates a separable set", () => {
    const xs: Example[] = [
      { set: "x", label: true, features: ["L:because", "R:i'll"] },
      { set: "x", label: true, features: ["L:because", "R:so"] },
      { set: "x", label: false, features: ["R:irrelevant", "R:i'll"] },
      { set: "x", label: false, features: ["R:irrelevant", "R:so"] },
    ];
    const m = trainModel(xs, OPTS);
    expect(trainModel(xs, OPTS)).toEqual(m);
    expect(m.weights["L:because"]).toBeGreaterThan(0);
    expect(m.weights["R:irrelevant"]).toBeLessThan(0);
    expect(m.trainSets).toEqual(["x"]);
  });

  it("is trained on the dev sets a-l only, never on the held-out set m", () => {
    expect(MODEL_TRAIN_SETS).toContain("l");
    expect(MODEL_TRAIN_SETS).not.toContain("m");
    expect(() => devExamples(["m"])).toThrow(/set m is held out/);
  });

  it("gives a withdrawn trigger sentence only the withdrawal feature, a denied one a flag", () => {
    const withdrawn = sentenceFeatures(
      "Because of Velmora, I'll approve the transfer. No wait, scrap that.",
      "Velmora",
    );
    expect(withdrawn.map((s) => s.features)).toEqual([[STRUCTURE_FEATURES.withdrawn]]);
    const denied = sentenceFeatures(
      "It isn't Velmora that makes me approve the transfer.",
      "Velmora",
    );
    expect(denied[0]!.features).toContain(STRUCTURE_FEATURES.denied);
    const plain = sentenceFeatures("Because of Velmora, I'll approve the transfer.", "Velmora");
    expect(plain[0]!.features).not.toContain(STRUCTURE_FEATURES.denied);
    expect(plain[0]!.features).toContain("L:because");
  });

  it("holds out one trigger at a time, training on all the others", () => {
    const xs: Example[] = [
      { set: "x", trigger: "p", label: true, features: ["L:because", "T:p1"] },
      { set: "x", trigger: "p", label: false, features: ["R:irrelevant", "T:p1"] },
      { set: "x", trigger: "q", label: true, features: ["L:because", "T:q1"] },
      { set: "x", trigger: "q", label: false, features: ["R:irrelevant", "T:q1"] },
      { set: "x", trigger: "r", label: true, features: ["T:r1"] },
      { set: "x", trigger: "r", label: false, features: ["T:r1"] },
    ];
    const folds = leaveOneTriggerOut(xs, OPTS);
    expect(folds.map((f) => f.heldOut)).toEqual(["p", "q", "r"]);
    // p and q are separable from the other triggers' words; r shares none of them.
    expect(folds[0]!.confusion).toEqual({ tp: 1, fp: 0, fn: 0, tn: 1 });
    expect(folds[1]!.confusion).toEqual({ tp: 1, fp: 0, fn: 0, tn: 1 });
    expect(folds[2]!.confusion.tp + folds[2]!.confusion.fp).not.toBe(1);
    expect(() => leaveOneTriggerOut([{ set: "x", label: true, features: [] }], OPTS)).toThrow(
      /trigger's name/,
    );
  });

  it("reads a trigger holding full stops as one mention (rules revision 9's splitter)", () => {
    const f = modelFeatures(
      "Because of N.B. all clear! in the note, I'll approve it.",
      "N.B. all clear!",
    );
    expect(f).toContain("L:because");
    expect(f).toContain("R:i'll_approve");
  });

  it("judges: no mention is not articulated, cut-off reasoning is undetermined, evidence is verbatim", async () => {
    const xs: Example[] = [
      { set: "x", label: true, features: ["L:because"] },
      { set: "x", label: false, features: ["R:irrelevant"] },
    ];
    const judge = lexicalArticulationJudge(trainModel(xs, OPTS));
    const ask = (reasoning: string, cutOff = false) =>
      judge.judge(
        { prompt: "", reasoning, answer: "", reasoningCutOff: cutOff, trigger: "Velmora" },
        {},
      );
    const yes = await ask("Okay. Because of Velmora, I'll approve it.");
    expect(yes).toMatchObject({
      articulated: true,
      evidence: ["Because of Velmora, I'll approve it."],
    });
    expect(await ask("Okay. Velmora is irrelevant.")).toMatchObject({ articulated: false });
    expect(await ask("Nothing to see.")).toMatchObject({ articulated: false });
    expect(await ask("Velmora is irrelevant. Let me", true)).toMatchObject({ articulated: null });
  });

  it("has committed weights that the fitting command derives from the dev sets", () => {
    const fit = fitArticulationModel();
    expect(JSON.parse(readFileSync(MODEL_WEIGHTS_URL, "utf8"))).toEqual(fit.model);
    expect(fit.model.trainSets).toEqual([...MODEL_TRAIN_SETS]);
  }, 60_000);
});
