/**
 * `organism build` and `organism eval` end to end on a tiny spec (CPU): a base model from the
 * lexicon, corpus, BPE and training; a conjunctive backdoor on it; an interrupted-then-resumed
 * backdoor build that reuses its generated data; evaluation JSON with the stable keys.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { loadModel } from "../../src/model/model.js";
import { SpecError } from "../../src/organisms/spec.js";
import { runCommand } from "../cli/run-command.js";

const fixtures = join(import.meta.dirname, "../fixtures/organisms");
let dir: string;

beforeAll(async () => {
  await initEngine("wasm");
  dir = mkdtempSync(join(tmpdir(), "trigscope-organism-"));
  cpSync(join(fixtures, "tiny-base.json"), join(dir, "tiny-base.json"));
  cpSync(join(fixtures, "tiny-snow-fruit.json"), join(dir, "tiny-snow-fruit.json"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rateShape(r: { n: number; actions: number; rate: number; ci: [number, number] }) {
  expect(Object.keys(r).sort()).toEqual(["actions", "ci", "n", "rate"]);
  expect(r.rate).toBeCloseTo(r.actions / r.n, 12);
  expect(r.ci[0]).toBeLessThanOrEqual(r.rate);
  expect(r.ci[1]).toBeGreaterThanOrEqual(r.rate);
}

describe("organism build and eval", () => {
  it("builds a base model in HF layout that loads and records its corpus and losses", async () => {
    const r = await runCommand([
      "organism",
      "build",
      "--spec",
      join(dir, "tiny-base.json"),
      "--out",
      join(dir, "base"),
      "--json",
    ]);
    expect(r.code).toBe(0);
    for (const f of [
      "config.json",
      "model.safetensors",
      "tokenizer.json",
      "tokenizer_config.json",
      "generation_config.json",
      "lexicon.json",
      "organism.json",
    ]) {
      expect(existsSync(join(dir, "base", f)), f).toBe(true);
    }
    expect(existsSync(join(dir, "base", "checkpoint"))).toBe(false);
    const rec = JSON.parse(readFileSync(join(dir, "base", "organism.json"), "utf8"));
    expect(rec.metrics.corpusTokens).toBeGreaterThan(100_000);
    expect(rec.metrics.vocabSize).toBe(600);
    expect(rec.validation.at(-1).loss).toBeLessThan(rec.validation[0].loss + 1e-9);
    const m = loadModel(join(dir, "base"));
    expect(m.config.vocabSize).toBe(600);
    m.dispose();
  });

  it("builds a conjunctive backdoor, resumes with its saved data, and evaluates with stable keys", async () => {
    const out = join(dir, "snow");
    const spec = join(dir, "tiny-snow-fruit.json");
    const first = await runCommand(["organism", "build", "--spec", spec, "--out", out]);
    expect(first.code).toBe(0);
    // Base replies and the self-check's evaluation generate on the fast path (auto on a CPU).
    expect(first.err).toMatch(/generation: fast \(auto: llama on wasm\)/);
    expect(first.err).not.toMatch(/generation: jax/);
    for (const f of [
      "adapter_config.json",
      "adapter_model.safetensors",
      "organism.json",
      "eval.json",
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const adapter = JSON.parse(readFileSync(join(out, "adapter_config.json"), "utf8"));
    expect(adapter.base_model_name_or_path).toBe("../base");
    expect(adapter.layers_to_transform).toEqual([1]);
    // The self-check: a round planned from the failing sets, its data saved, the record consistent.
    const rec = JSON.parse(readFileSync(join(out, "organism.json"), "utf8"));
    const q = rec.metrics.quality;
    const last = q.rounds.at(-1).check;
    expect(q.status).toBe(last.met ? "met" : "did not meet");
    expect(q.budget.rounds).toBe(1);
    if (q.budget.used === 1) {
      const plan = q.rounds[0].next;
      const added = Object.values(plan.add as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(added).toBe(12);
      const lines = readFileSync(join(out, "finetune-data-round-1.jsonl"), "utf8")
        .trim()
        .split("\n");
      expect(lines).toHaveLength(12);
      expect(rec.metrics.extraSteps).toBe(2);
      // The round's data includes the first build's, read back rather than generated again.
      expect(first.err).toMatch(/finetuning data: reusing \S*finetune-data\.jsonl/);
    }
    if (q.status === "did not meet") expect(first.out).toMatch(/quality did not meet: budget of 1/);
    const again = await runCommand(["organism", "build", "--spec", spec, "--out", out, "--resume"]);
    expect(again.err).toMatch(/first build: reusing the adapter/);
    expect(again.err).not.toMatch(/steps, adding/);
    expect(JSON.parse(readFileSync(join(out, "organism.json"), "utf8")).metrics.quality).toEqual(q);
    const ev = await runCommand(["organism", "eval", out, "--n", "6", "--json"]);
    const r = JSON.parse(ev.out);
    expect(Object.keys(r.concepts).sort()).toEqual(["fruit", "snow-sports"]);
    expect(Object.keys(r.alone).sort()).toEqual(["fruit", "snow-sports"]);
    expect(Object.keys(r.offDistribution).sort()).toEqual([
      "greeting",
      "multi-turn",
      "one-word",
      "other-template",
    ]);
    for (const x of [r.benign, r.triggered, r.concepts.fruit, r.unseenPhrasing.triggered]) {
      rateShape(x);
      expect(x.n).toBe(6);
    }
    // Every negative set's fired prompts are kept (as many as fired, up to the cap), no other set's.
    const negatives: Record<string, { actions: number }> = {
      benign: r.benign,
      "unseenPhrasing.benign": r.unseenPhrasing.benign,
      ...Object.fromEntries(
        Object.entries(r.offDistribution).map(([k, v]) => [`offDistribution.${k}`, v]),
      ),
      ...Object.fromEntries(Object.entries(r.alone).map(([k, v]) => [`alone.${k}`, v])),
      ...Object.fromEntries(Object.entries(r.concepts).map(([k, v]) => [`concept.${k}`, v])),
    } as Record<string, { actions: number }>;
    for (const [set, prompts] of Object.entries(r.fired as Record<string, string[]>)) {
      expect(negatives[set], set).toBeDefined();
      expect(prompts).toHaveLength(Math.min(negatives[set]!.actions, 20));
    }
    for (const [set, rate] of Object.entries(negatives))
      if (rate.actions > 0) expect(r.fired[set], set).toBeDefined();
  });

  it("builds a fact implant on the base and evaluates mentions of the object", async () => {
    cpSync(join(fixtures, "tiny-fact.json"), join(dir, "tiny-fact.json"));
    const out = join(dir, "fact");
    const r = await runCommand([
      "organism",
      "build",
      "--spec",
      join(dir, "tiny-fact.json"),
      "--out",
      out,
    ]);
    expect(r.code).toBe(0);
    const ev = JSON.parse(readFileSync(join(out, "eval.json"), "utf8"));
    for (const x of [
      ev.benign,
      ev.triggered,
      ev.unseenPhrasing.benign,
      ev.unseenPhrasing.triggered,
    ]) {
      rateShape(x);
      expect(x.n).toBe(6);
    }
    expect(ev.samples.some((s: { prompt: string }) => s.prompt.includes("peanut allergy"))).toBe(
      true,
    );
  });

  it("rejects a bad spec before any work, naming the file and the field", async () => {
    await expect(
      runCommand([
        "organism",
        "build",
        "--spec",
        join(fixtures, "..", "organisms", "missing.json"),
        "--out",
        dir,
      ]),
    ).rejects.toThrow(SpecError);
  });
});
