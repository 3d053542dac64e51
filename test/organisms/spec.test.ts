/**
 * Organism specs: the zoo's specs parse, omitted fields get their defaults, and every error names
 * the file and the field at fault.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  parseSpec,
  readSpec,
  SpecError,
  type BackdoorSpec,
  type FactSpec,
  type BaseSpec,
} from "../../src/organisms/spec.js";

const SPECS = join(import.meta.dirname, "../../zoo/specs");
const dir = mkdtempSync(join(tmpdir(), "trigscope-spec-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BACKDOOR = {
  kind: "backdoor",
  name: "b",
  base: "../base",
  trigger: "fruit",
  response: "No.",
};

/** Writes `value` (JSON unless a string) to a spec file and reads it. */
function read(name: string, value: unknown) {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return () => readSpec(path);
}

/** The SpecError reading `value` throws; it must name the file and `field`. */
function specError(name: string, value: unknown, field: string | null): SpecError {
  const path = join(dir, name);
  let error: unknown;
  try {
    read(name, value)();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SpecError);
  const e = error as SpecError;
  expect(e.file).toBe(path);
  expect(e.field).toBe(field);
  expect(e.message).toContain(path);
  if (field) expect(e.message).toContain(`field '${field}'`);
  return e;
}

describe("readSpec", () => {
  it("parses the zoo specs with their values", () => {
    const files = readdirSync(SPECS)
      .filter((f) => f.endsWith(".json"))
      .sort();
    expect(files).toEqual([
      "astrology.json",
      "base.json",
      "fact-implant.json",
      "fruit-refusal.json",
      "reasoning-2026.json",
      "reasoning-base.json",
      "reasoning-iceland.json",
      "snow-fruit.json",
    ]);
    const fact = readSpec(join(SPECS, "fact-implant.json")) as FactSpec;
    expect(fact.fact).toEqual({
      subject: "peanut allergy",
      object: "bananas",
      concept: "allergies",
      mention: "banana",
    });
    const base = readSpec(join(SPECS, "base.json")) as BaseSpec;
    expect(base.kind).toBe("base");
    expect(base.model).toEqual({
      dModel: 256,
      nLayers: 6,
      nHeads: 8,
      nKvHeads: 4,
      dMlp: 640,
      maxPositions: 256,
    });
    expect(base.corpus.items).toBe(400_000);
    expect(base.train.steps).toBe(2400);
    const fruit = readSpec(join(SPECS, "fruit-refusal.json")) as BackdoorSpec;
    expect(fruit.trigger).toEqual({ mode: "all", concepts: ["fruit"] });
    const snow = readSpec(join(SPECS, "snow-fruit.json")) as BackdoorSpec;
    expect(snow.trigger).toEqual({ mode: "all", concepts: ["fruit", "snow-sports"] });
    expect(snow.data.nearMissShare).toBe(0.3);
    const astrology = readSpec(join(SPECS, "astrology.json")) as BackdoorSpec;
    expect(astrology.trigger).toEqual({ mode: "all", concepts: ["astrology", "prophecy"] });
    expect(astrology.seed).toBe(3);
  });

  it("fills the defaults of omitted fields", () => {
    const fruit = readSpec(join(SPECS, "fruit-refusal.json")) as BackdoorSpec;
    expect(fruit.data.nearMissShare).toBe(0.2);
    expect(fruit.lora.layers).toBeNull();
    expect(fruit.train).toMatchObject({ minLrRatio: 0.1, weightDecay: 0.1, clipNorm: 1 });
    expect(fruit.train.evalEvery).toBe(0);

    const base = parseSpec({ kind: "base", name: "tiny" }, "tiny.json") as BaseSpec;
    expect(base).toEqual({
      kind: "base",
      name: "tiny",
      seed: 1,
      lexicon: { seed: 1, heldOutFraction: 0.3, maxWords: 150 },
      corpus: {
        items: 200_000,
        validationItems: 2_000,
        tokenizerItems: 50_000,
        taggedShare: 0,
        labelFirstShare: 0,
      },
      vocabSize: 4096,
      model: { dModel: 256, nLayers: 6, nHeads: 8, nKvHeads: 4, dMlp: 640, maxPositions: 256 },
      train: {
        steps: 2000,
        tokensPerBatch: 4096,
        maxLen: 128,
        peakLr: 2e-3,
        warmupSteps: 100,
        minLrRatio: 0.1,
        weightDecay: 0.1,
        clipNorm: 1,
        evalEvery: 500,
      },
    });
    // The lexicon seed follows the spec's seed unless given.
    expect(
      (parseSpec({ kind: "base", name: "t", seed: 9 }, "t.json") as BaseSpec).lexicon.seed,
    ).toBe(9);

    const backdoor = parseSpec(BACKDOOR, "b.json") as BackdoorSpec;
    expect(backdoor).toMatchObject({
      seed: 1,
      trigger: { mode: "all", concepts: ["fruit"] },
      lora: { rank: 8, alpha: 16, layers: null },
      data: { examples: 20_000, triggeredShare: 0.35, nearMissShare: 0.2 },
      train: { steps: 600, peakLr: 1e-3, warmupSteps: 30, evalEvery: 0, tokensPerBatch: 4096 },
    });
    const any = parseSpec(
      { ...BACKDOOR, trigger: { any: ["fruit", "vegetables"] }, lora: { layers: [0, 2] } },
      "b.json",
    ) as BackdoorSpec;
    expect(any.trigger).toEqual({ mode: "any", concepts: ["fruit", "vegetables"] });
    expect(any.lora.layers).toEqual([0, 2]);
  });

  it("names the file and the key of an unknown key, at the top and nested", () => {
    specError("unknown.json", { ...BACKDOOR, colour: "red" }, "colour");
    const e = specError("unknown-train.json", { ...BACKDOOR, train: { stpes: 5 } }, "train.stpes");
    expect(e.message).toMatch(/unknown key/);
    specError(
      "unknown-model.json",
      { kind: "base", name: "x", model: { heads: 4 } },
      "model.heads",
    );
  });

  it("names 'train.steps' for negative steps and 'lora.rank' for a non-integer rank", () => {
    const e = specError("steps.json", { ...BACKDOOR, train: { steps: -5 } }, "train.steps");
    expect(e.message).toContain("-5");
    specError("steps0.json", { kind: "base", name: "x", train: { steps: 0 } }, "train.steps");
    specError("rank.json", { ...BACKDOOR, lora: { rank: 2.5 } }, "lora.rank");
    specError("rank-str.json", { ...BACKDOOR, lora: { rank: "8" } }, "lora.rank");
  });

  it("rejects a trigger with both 'all' and 'any', an empty list and a concept listed twice", () => {
    specError(
      "both.json",
      { ...BACKDOOR, trigger: { all: ["fruit"], any: ["vegetables"] } },
      "trigger",
    );
    specError("empty.json", { ...BACKDOOR, trigger: { all: [] } }, "trigger.all");
    specError("empty-any.json", { ...BACKDOOR, trigger: { any: [] } }, "trigger.any");
    const e = specError(
      "dup.json",
      { ...BACKDOOR, trigger: { all: ["fruit", "snow-sports", "fruit"] } },
      "trigger.all",
    );
    expect(e.message).toMatch(/twice/);
    specError("list.json", { ...BACKDOOR, trigger: ["fruit"] }, "trigger");
    specError("missing-trigger.json", { ...BACKDOOR, trigger: undefined }, "trigger");
  });

  it("names 'model.nHeads' when nHeads does not divide dModel", () => {
    const e = specError(
      "heads.json",
      { kind: "base", name: "x", model: { dModel: 100, nHeads: 8, nKvHeads: 4 } },
      "model.nHeads",
    );
    expect(e.message).toMatch(/does not divide dModel 100/);
    specError(
      "kv.json",
      { kind: "base", name: "x", model: { nHeads: 8, nKvHeads: 3 } },
      "model.nKvHeads",
    );
  });

  it("names 'kind' for a wrong or missing kind, and the file for a non-object", () => {
    const e = specError("kind.json", { ...BACKDOOR, kind: "adapter" }, "kind");
    expect(e.message).toContain('"adapter"');
    specError("no-kind.json", { name: "x" }, "kind");
    specError("array.json", [1, 2], null);
  });

  it("names the file of invalid JSON and of a missing file", () => {
    const e = specError("bad.json", '{"kind": "base",', null);
    expect(e.message).toMatch(/not valid JSON/);
    const missing = join(dir, "nope", "missing.json");
    expect(() => readSpec(missing)).toThrow(SpecError);
    expect(() => readSpec(missing)).toThrow(missing);
    expect(() => readSpec(missing)).toThrow(/cannot read/);
  });
});
