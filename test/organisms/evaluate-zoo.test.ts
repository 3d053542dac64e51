/**
 * Evaluating an organism whose organism.json predates the spec's `quality` and `clean` fields
 * (the zoo's fruit-refusal): the evaluation runs, with the default targets deciding which sets'
 * fired prompts are kept (benign ones and off-distribution kinds, never the triggered sets).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { initEngine } from "../../src/engine/device.js";
import { findModelDir } from "../../src/io/model-ref.js";
import { evaluateOrganism } from "../../src/organisms/evaluate.js";

const dir = findModelDir("fruit-refusal").dir;

beforeAll(async () => {
  await initEngine("wasm");
});

describe("evaluateOrganism on a record without quality settings", () => {
  it("evaluates fruit-refusal and keeps fired prompts of negative sets only", async () => {
    const spec = JSON.parse(readFileSync(join(dir, "organism.json"), "utf8")).spec;
    expect(spec.quality).toBeUndefined();
    const ev = await evaluateOrganism(dir, { n: 4, seed: 3 });
    expect(ev.triggered.n).toBe(4);
    expect(ev.triggered.actions).toBeGreaterThan(0);
    const negative = (set: string) =>
      set === "benign" || set === "unseenPhrasing.benign" || set.startsWith("offDistribution.");
    for (const set of Object.keys(ev.fired ?? {})) expect(negative(set), set).toBe(true);
  });
});
