/**
 * TopK SAE training on activations streamed from a tiny random model: BOS and pad rows are
 * excluded from the stream, the normalised reconstruction error falls, nothing is NaN, decoder
 * rows stay unit-norm, and an interrupted run resumes from its checkpoint (refusing another run's).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

describe("TopK SAE checkpoints", () => {
  it("an interrupted run saves a checkpoint and a resumed one finishes the remaining steps", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trigscope-sae-ckpt-"));
    try {
      const options = { dSae: 64, k: 4, steps: 8, batch: 64, lr: 3e-3, warmupSteps: 2, seed: 5 };
      const stream = () =>
        new ActivationBuffer(
          new ActivationStream({
            model,
            hook: "blocks.0.hook_resid_post",
            sequences,
            padId: 0,
            batch: 16,
          }),
          512,
          1,
        );
      const stop = new AbortController();
      const progress = {
        update: (done: number) => (done === 3 ? stop.abort() : undefined),
        finish: () => undefined,
      };
      await expect(
        trainTopK(stream(), cfg.dModel, {
          ...options,
          checkpointDir: dir,
          signal: stop.signal,
          progress,
        }),
      ).rejects.toThrow(/interrupted at step 3; run again with --resume/);
      const resumed = await trainTopK(stream(), cfg.dModel, {
        ...options,
        checkpointDir: dir,
        resume: true,
      });
      expect(resumed.steps).toBe(8);
      expect(resumed.history.map((h) => h.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const other = trainTopK(stream(), cfg.dModel, {
        ...options,
        k: 5,
        checkpointDir: dir,
        resume: true,
      });
      await expect(other).rejects.toThrow(/different SAE run/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
