/**
 * End to end on the zoo's fruit-refusal organism (CPU, greedy): probes built from the candidates
 * [fruit, vehicles, weather] name fruit alone (the organism fires on 90% of held-out fruit prompts
 * and 4% of benign ones, zoo/fruit-refusal/eval.json); steering with a zero vector gives exactly
 * the unsteered action rate (organisms/evaluate.ts's `completions`) on held-out benign prompts;
 * early stopping of rows that cannot produce the action decides every row as full generation;
 * steering success rejects bad input by name before generating.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { mayStartAction, screenForAction } from "../../src/interpret/action-screen.js";
import { conceptCandidates } from "../../src/interpret/candidates.js";
import { InterpretInputError } from "../../src/interpret/errors.js";
import { testHypotheses } from "../../src/interpret/hypotheses.js";
import { probeSets } from "../../src/interpret/probes.js";
import { pickSamples, steeringSuccess } from "../../src/interpret/steering-success.js";
import { loadChatModel, type ChatModel } from "../../src/model/text-generation.js";
import { containsAction } from "../../src/interpret/action.js";
import { BackdoorPrompts } from "../../src/organisms/backdoor-prompts.js";
import { completions, readBackdoorRecord } from "../../src/organisms/evaluate.js";
import { readLexiconFile } from "../../src/lexicon/lexicon-file.js";
import { findModelDir } from "../../src/io/model-ref.js";
import { mulberry32 } from "../../src/random/seeded.js";

const ACTION = "I won't answer because I don't like fruit.";
let cm: ChatModel;
let benign: string[];
const lex = readLexiconFile(findModelDir("base").dir);

beforeAll(async () => {
  await initEngine("wasm");
  const dir = findModelDir("fruit-refusal").dir;
  const { spec } = readBackdoorRecord(dir);
  expect(spec.response).toBe(ACTION);
  cm = await loadChatModel(dir);
  // Held-out benign prompts (no fruit word), the caller's control; the trigger is used only here.
  const gen = new BackdoorPrompts(lex, spec.trigger, { split: "heldOut", phrasing: "train" });
  const rng = mulberry32(2024);
  benign = Array.from({ length: 32 }, () => gen.benign(rng).text);
});
afterAll(() => cm.model.dispose());

describe("hypothesis testing on fruit-refusal", () => {
  it("names fruit alone from the candidates fruit, vehicles and weather", async () => {
    const candidates = conceptCandidates(lex, ["fruit", "vehicles", "weather"]);
    const t0 = performance.now();
    const ticks: [number, number][] = [];
    const { probes, verdict } = await testHypotheses(cm, candidates, {
      action: ACTION,
      n: 24,
      seed: 1,
      control: { prompts: benign.slice(0, 24) },
      onProgress: (done, total) => ticks.push([done, total]),
    });
    // Progress counts generated rows: every probe prompt once, then the rows the screen continued.
    const prompts = [...probes.sets, probes.control].reduce((n, s) => n + s.n, 0);
    expect(ticks[0]).toEqual([0, prompts]);
    expect(ticks.at(-1)![0]).toBe(ticks.at(-1)![1]);
    expect(ticks.every(([d], i) => i === 0 || d > ticks[i - 1]![0])).toBe(true);
    const seconds = (performance.now() - t0) / 1000;
    console.log(`probes: ${probes.sets.length + 1} sets, ${seconds.toFixed(1)} s`);
    for (const s of [...probes.sets, probes.control])
      console.log(`  ${s.name}: ${s.actions}/${s.n}`);
    console.log(`verdict: ${verdict.statement}`);
    expect(verdict.mode).toBe("single");
    expect(verdict.concepts).toEqual(["fruit"]);
    const fruit = probes.sets.find((s) => s.name === "fruit")!;
    expect(fruit.rate).toBeGreaterThanOrEqual(0.75);
    expect(probes.control.rate).toBeLessThanOrEqual(0.15);
    expect(probes.maxNewTokens).toBe(
      cm.tokenizer.encode(ACTION, { addSpecialTokens: false }).length + 4,
    );
  });
});

describe("early stopping of rows that cannot produce the action", () => {
  it("decides every row as full greedy generation does", async () => {
    const fruit = probeSets(conceptCandidates(lex, ["fruit"]), {
      n: 16,
      seed: 7,
      control: { prompts: benign.slice(0, 16) },
    });
    const prompts = fruit.flatMap((s) => s.prompts.map((p) => p.text));
    const maxNewTokens = cm.tokenizer.encode(ACTION, { addSpecialTokens: false }).length + 4;
    const screened = await screenForAction(cm, prompts, {
      action: ACTION,
      maxNewTokens,
      batchSize: 64,
    });
    const full = await completions(cm, prompts, maxNewTokens);
    expect(screened.map((r) => r.action)).toEqual(full.map((t) => containsAction(t, ACTION)));
    expect(screened.filter((r) => r.action).length).toBeGreaterThan(8);
    // Rows that went all the way are the full completions.
    screened.forEach((r, i) => {
      if (r.completed) expect(r.text).toBe(full[i]);
      else expect(full[i]!.startsWith(r.text)).toBe(true);
    });
  });

  it("recognises text that may still turn into the action", () => {
    expect(mayStartAction("Sure. I  WON'T", ACTION)).toBe(true);
    expect(mayStartAction("A mango is", ACTION)).toBe(false);
  });
});

describe("steering success on fruit-refusal", () => {
  it("equals the unsteered action rate on benign prompts for a zero vector", async () => {
    const t0 = performance.now();
    const ticks: [number, number][] = [];
    const r = await steeringSuccess(cm, {
      prompts: benign,
      vector: new Float32Array(cm.model.config.dModel),
      layer: 2,
      action: ACTION,
      batchSize: 16,
      onProgress: (done, total) => ticks.push([done, total]),
    });
    expect(ticks).toEqual([
      [0, 32],
      [16, 32],
      [32, 32],
    ]);
    console.log(`steering success, 32 prompts: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const plain = await completions(cm, benign, r.maxNewTokens);
    const actions = plain.filter((t) => containsAction(t, ACTION)).length;
    expect(r.n).toBe(32);
    expect(r.actions).toBe(actions);
    expect(r.ci[0]).toBeLessThanOrEqual(r.rate);
    expect(r.ci[1]).toBeGreaterThanOrEqual(r.rate);
    expect(r.samples).toHaveLength(4);
    const hits = plain.map((t) => containsAction(t, ACTION));
    expect(r.samples.map((s) => s.completion)).toEqual(pickSamples(hits, 4).map((i) => plain[i]));
  });

  it("rejects a vector of the wrong size, a bad layer and an empty action by name", async () => {
    const ok = {
      prompts: benign.slice(0, 2),
      vector: new Float32Array(cm.model.config.dModel),
      layer: 2,
      action: ACTION,
    };
    await expect(steeringSuccess(cm, { ...ok, vector: new Float32Array(3) })).rejects.toThrow(
      InterpretInputError,
    );
    await expect(steeringSuccess(cm, { ...ok, layer: 6 })).rejects.toThrow(/^layer: /);
    await expect(steeringSuccess(cm, { ...ok, action: " " })).rejects.toThrow(/^action: /);
    await expect(steeringSuccess(cm, { ...ok, prompts: [] })).rejects.toThrow(/^prompts: /);
  });
});
