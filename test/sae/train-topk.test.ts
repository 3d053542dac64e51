/**
 * TopK SAE training on activations streamed from a tiny random model: BOS and pad rows are
 * excluded from the stream, the normalised reconstruction error falls, nothing is NaN, and
 * decoder rows stay unit-norm.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { modelFromTensors, type Model } from "../../src/model/model.js";
import { ActivationBuffer, ActivationStream } from "../../src/sae/activation-buffer.js";
import { trainTopK } from "../../src/sae/train-topk.js";
import { mulberry32 } from "../../src/random/seeded.js";
import { randomTensors, tinyConfig } from "../model/random-model.js";

let model: Model;
const cfg = tinyConfig("llama", { vocabSize: 40 });
const rng = mulberry32(3);
const sequences = Array.from({ length: 64 }, () => [
  1,
  ...Array.from({ length: 5 + Math.floor(rng() * 20) }, () => 2 + Math.floor(rng() * 38)),
]);

beforeAll(async () => {
  await initEngine("wasm");
  model = modelFromTensors(cfg, randomTensors(cfg, 11), "random");
});

describe("activation stream", () => {
  it("returns one row per real token after the first of each sequence", async () => {
    const s = new ActivationStream({
      model,
      hook: "blocks.0.hook_resid_post",
      sequences,
      padId: 0,
      batch: 8,
    });
    const rows = await s.pass();
    const expected = sequences.slice(0, 8).reduce((n, q) => n + q.length - 1, 0);
    expect(rows.length).toBe(expected * cfg.dModel);
    expect(rows.every(Number.isFinite)).toBe(true);
  });
});

describe("TopK SAE training", () => {
  it("reduces the normalised reconstruction error and keeps decoder rows unit-norm", async () => {
    const stream = new ActivationStream({
      model,
      hook: "blocks.0.hook_resid_post",
      sequences,
      padId: 0,
      batch: 16,
    });
    const buffer = new ActivationBuffer(stream, 1024, 1);
    const r = await trainTopK(buffer, cfg.dModel, {
      dSae: 128,
      k: 8,
      steps: 60,
      batch: 128,
      lr: 3e-3,
      warmupSteps: 5,
      seed: 2,
      deadWindow: 20,
      resampleEvery: 20,
    });
    const first = r.history.slice(0, 3).reduce((s, h) => s + h.loss, 0) / 3;
    const last = r.history.slice(-3).reduce((s, h) => s + h.loss, 0) / 3;
    expect(last).toBeLessThan(first * 0.8);
    for (const w of Object.values(r.weights)) expect(w.every(Number.isFinite)).toBe(true);
    for (let i = 0; i < 128; i++) {
      let norm = 0;
      for (let j = 0; j < cfg.dModel; j++) norm += r.weights.wDec[i * cfg.dModel + j]! ** 2;
      expect(Math.sqrt(norm)).toBeCloseTo(1, 4);
    }
    expect(r.activationScale).toBeGreaterThan(0);
    expect(r.deadFraction).toBeGreaterThanOrEqual(0);
  });
});
