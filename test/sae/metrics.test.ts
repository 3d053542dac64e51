/**
 * Metrics on constructed examples with hand-computed values, and splicing a SAE into a tiny
 * random Llama: with the error term kept the logits equal the clean ones, and the cross-entropy
 * summary is consistent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { liveBufferCounter } from "../../src/engine/live-buffers.js";
import { leftPad } from "../../src/model/inputs.js";
import { modelFromTensors, type Model } from "../../src/model/model.js";
import { runWithHooks } from "../../src/model/run.js";
import {
  explainedVariance,
  latentStats,
  reconstructionError,
  saeMetrics,
  saeToDevice,
  spliceCrossEntropy,
  spliceHook,
  type HostTensor,
} from "../../src/sae/index.js";
import { randomTensors, tinyConfig } from "../model/random-model.js";
import { maxDiff, randomSae } from "./sae-helpers.js";

let live: () => number;
let model: Model;
const cfg = tinyConfig("llama"); // d_model 32, 2 layers, vocab 50
const batch = leftPad(
  [
    [1, 5, 6, 7, 8, 9, 10, 11],
    [1, 9, 10, 11, 12],
  ],
  0,
);

beforeAll(async () => {
  await initEngine("wasm");
  live = await liveBufferCounter();
  model = modelFromTensors(cfg, randomTensors(cfg, 7), "random");
});
afterAll(() => model?.dispose());

describe("activation metrics (hand-computed)", () => {
  // x rows (1,0), (3,0), (1,2), (3,2): mean (2,1), Σ‖x − mean‖² = 4·2 = 8.
  // x̂ differs only in the last row's second coordinate (2 → 1): Σ‖x − x̂‖² = 1.
  const x: HostTensor = { shape: [4, 2], data: Float32Array.from([1, 0, 3, 0, 1, 2, 3, 2]) };
  const xhat: HostTensor = { shape: [4, 2], data: Float32Array.from([1, 0, 3, 0, 1, 2, 3, 1]) };

  it("MSE is Σ(x − x̂)² over all elements: 1/8", () => {
    expect(reconstructionError(x, xhat)).toBe(0.125);
  });

  it("explained variance is 1 − 1/8", () => {
    expect(explainedVariance(x, xhat)).toBe(0.875);
  });

  it("L0, dead and dense latents over 20 tokens (dense is strictly > 10%)", () => {
    // latent 0 fires on 10 tokens (50%), latent 1 on 2 (exactly 10%: not dense),
    // latent 2 never (dead), latent 3 on 3 (15%: dense). L0 = (10 + 2 + 3)/20 = 0.75.
    const n = 20;
    const f = new Float32Array(n * 4);
    for (let i = 0; i < 10; i++) f[i * 4 + 0] = 1.5;
    for (const i of [3, 17]) f[i * 4 + 1] = 0.2;
    for (const i of [0, 5, 19]) f[i * 4 + 3] = 2;
    const s = latentStats({ shape: [n, 4], data: f });
    expect(s.l0).toBe(0.75);
    expect([...s.frequency]).toEqual([0.5, 0.1, 0, 0.15]);
    expect(s.dead).toEqual([2]);
    expect(s.dense).toEqual([0, 3]);
  });

  it("saeMetrics agrees with the host functions on a SAE's own outputs", async () => {
    const sae = randomSae({ dIn: 8, dSae: 24 });
    const xs: HostTensor = { shape: [5, 8], data: new Float32Array(40).map((_, i) => Math.sin(i)) };
    const d = saeToDevice(sae);
    const m = await saeMetrics(d, xs);
    d.dispose();
    expect(m.mse).toBeGreaterThan(0);
    expect(m.explainedVariance).toBeLessThan(1);
    expect(m.dead.length + m.frequency.filter((p) => p > 0).length).toBe(24);
  });
});

describe("splicing into the model", () => {
  const hook = "blocks.0.hook_resid_post";

  it("with the error term kept, the logits equal the clean logits (float error only)", async () => {
    const before = live();
    const d = saeToDevice(randomSae({ dIn: 32, dSae: 64, hookName: hook }));
    const clean = await runWithHooks(model, batch, {});
    const spliced = await runWithHooks(model, batch, {
      [hook]: spliceHook(d, { keepError: true }),
    });
    const dropped = await runWithHooks(model, batch, { [hook]: spliceHook(d) });
    d.dispose();
    const { diff, at } = maxDiff(clean.logits!.data, spliced.logits!.data);
    expect(diff, `max |diff| at ${at}`).toBeLessThan(1e-4);
    expect(maxDiff(clean.logits!.data, dropped.logits!.data).diff).toBeGreaterThan(1e-2);
    expect(live()).toBe(before);
  });

  it("spliceCrossEntropy: keepError gives spliced = clean and recovered = 1", async () => {
    const sae = randomSae({ dIn: 32, dSae: 64, hookName: hook });
    const r = await spliceCrossEntropy(model, sae, batch, { keepError: true });
    expect(r.tokens).toBe(7 + 4);
    expect(Math.abs(r.spliced - r.clean)).toBeLessThan(1e-5);
    expect(Math.abs(r.recovered - 1)).toBeLessThan(1e-3);
    expect(r.zeroAblated).not.toBeCloseTo(r.clean, 3);
  });

  it("spliceCrossEntropy without the error term: recovered = (zero − spliced)/(zero − clean)", async () => {
    const before = live();
    const d = saeToDevice(
      randomSae({ dIn: 32, dSae: 64, hookName: hook, architecture: "topk", k: 8 }),
    );
    const r = await spliceCrossEntropy(model, d, batch);
    d.dispose();
    expect(Number.isFinite(r.spliced)).toBe(true);
    expect(r.spliced).not.toBeCloseTo(r.clean, 4);
    expect(r.recovered).toBeCloseTo((r.zeroAblated - r.spliced) / (r.zeroAblated - r.clean), 12);
    expect(live()).toBe(before);
  });

  it("refuses a SAE whose d_in does not match the model", async () => {
    const sae = randomSae({ dIn: 16, dSae: 32, hookName: hook });
    await expect(spliceCrossEntropy(model, sae, batch)).rejects.toThrow(
      /d_in \(16\).*d_model \(32\)/,
    );
  });
});
