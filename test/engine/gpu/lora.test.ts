/**
 * LoRA on the GPU path (src/engine/gpu/linear.ts, lm-loss.ts; src/model/gpu-lora.ts) against the
 * CPU fast path in float32 (itself checked against central differences and jax-js in
 * test/engine/fast/lora-train.test.ts): adapters on all seven projections of the reference
 * fixtures' llama/qwen2/qwen3 — the training loss within 1e-4 and every adapter's gradient within
 * rtol 1e-3 (max |diff| / max |grad|), the validation loss within 1e-4, logits of a model with
 * unmerged adapters within 1e-4 — and on a random 4-layer model adapted above its first layer only
 * (the unadapted layers below run forward only). Repeat runs give the same bits, and the model's
 * own GPU weights carry no adapter after a step. Skips without a WebGPU adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../../src/engine/device.js";
import { tree } from "../../../src/engine/jax.js";
import { fastRunLogits } from "../../../src/model/fast-adapter.js";
import {
  fastLoraLoss,
  fastLoraLossAndGrads,
  fastModelWithLora,
  type FastLoraStep,
} from "../../../src/model/fast-lora.js";
import { gpuModelOf, gpuRunLogits } from "../../../src/model/gpu-adapter.js";
import { gpuLoraLoss, gpuLoraLossAndGrads } from "../../../src/model/gpu-lora.js";
import {
  applyLora,
  defaultLoraConfig,
  type LoraConfig,
  type LoraParams,
} from "../../../src/model/lora.js";
import { loadModel, modelFromTensors, type Model } from "../../../src/model/model.js";
import { trainBatch } from "../../../src/train/batches.js";
import { expectClose } from "../../model/compare.js";
import { loadFixture } from "../../model/fixture.js";
import { randomTensors, tinyConfig } from "../../model/random-model.js";
import { expectGradClose } from "../fast/gradcheck.js";
import { allLayersLoraConfig, loraExamples, randomLora } from "../fast/random-lora.js";
import { gpuModelWithLora, uploadModel } from "../../../src/engine/gpu/model.js";
import type { FastLoraSet } from "../../../src/engine/fast/lora.js";
import { tinyFastModel } from "../fast/tiny.js";
import { randomArray } from "../fast/gradcheck.js";
import { ctx, gpuSuite, sameBits } from "./gpu-env.js";

const LOSS_ATOL = 1e-4;
const GRAD_RTOL = 1e-3;

/** The GPU step twice (same bits), against the CPU fast path: the worst gradient error. */
async function compareStep(model: Model, lora: LoraParams, cfg: LoraConfig): Promise<string> {
  const tb = trainBatch(loraExamples(model.config.vocabSize), [0, 1, 2], 8, 0);
  const gpu = await gpuLoraLossAndGrads(model, lora, cfg, tb);
  const again = await gpuLoraLossAndGrads(model, lora, cfg, tb);
  expect(again.loss).toBe(gpu.loss);
  const fm = await fastModelWithLora(model, lora, cfg);
  const cpu = fastLoraLossAndGrads(model, fm, tb);
  expectClose("loss vs cpu fast", [gpu.loss], [cpu.loss], { atol: LOSS_ATOL });
  const alone = await gpuLoraLoss(model, lora, cfg, tb);
  expectClose("loss alone vs cpu fast", [alone], [fastLoraLoss(model, fm, tb)], {
    atol: LOSS_ATOL,
  });
  let worst = 0;
  for (const [l, mats] of Object.entries(cpu.grads)) {
    for (const [t, want] of Object.entries(mats) as [
      string,
      FastLoraStep["grads"][string]["q"],
    ][]) {
      const got = gpu.grads[l]![t as "q"]!;
      const rep = again.grads[l]![t as "q"]!;
      expect(sameBits(rep.a, got.a) && sameBits(rep.b, got.b), `${l}.${t} repeat bits`).toBe(true);
      worst = Math.max(worst, expectGradClose(`${l}.${t}.a`, got.a, want!.a, GRAD_RTOL));
      worst = Math.max(worst, expectGradClose(`${l}.${t}.b`, got.b, want!.b, GRAD_RTOL));
    }
  }
  expect(Object.keys(gpu.grads).sort()).toEqual(Object.keys(cpu.grads).sort());
  // The step's adapters lived on a view: the model's own upload has none.
  expect((await gpuModelOf(model)).layers.every((w) => !w.lora)).toBe(true);
  return `|loss diff| ${Math.abs(gpu.loss - cpu.loss).toExponential(2)}, adapter grads max rel ${worst.toExponential(2)}`;
}

describe.skipIf(!ctx)(gpuSuite("gpu LoRA gradients"), () => {
  beforeAll(async () => {
    await initEngine("wasm");
  });

  describe.each(["llama", "qwen2", "qwen3"])("fixture %s", (arch) => {
    let model: Model;
    let cfg: LoraConfig;
    let lora: LoraParams;
    beforeAll(() => {
      model = loadModel(loadFixture(arch).dir);
      cfg = allLayersLoraConfig(model.config.nLayers);
      lora = randomLora(model, cfg, 11);
    });
    afterAll(() => {
      tree.dispose(lora);
      model.dispose();
    });

    it("gives the CPU fast path's loss and adapter gradients", async () => {
      console.log(`${arch} gpu vs cpu fast: ${await compareStep(model, lora, cfg)}`);
    });

    it("runs the forward with unmerged adapters (logits within 1e-4 of the CPU fast path)", async () => {
      const m2 = loadModel(loadFixture(arch).dir);
      try {
        m2.params.layers = applyLora(m2.params, randomLora(m2, cfg, 11), cfg).layers;
        const tb = trainBatch(loraExamples(m2.config.vocabSize), [0, 1, 2], 8, 0);
        const gpu = await gpuRunLogits(m2, tb.batch);
        const cpu = await fastRunLogits(m2, tb.batch);
        const v = m2.config.vocabSize;
        const real = (i: number) => tb.batch.mask[Math.floor(i / v)] === 1;
        expectClose(`${arch} unmerged logits`, gpu.data, cpu.data, { atol: 1e-4, where: real });
      } finally {
        m2.dispose();
      }
    });
  });

  it.each(["llama", "qwen2", "qwen3"] as const)(
    "equals the CPU fast path on a random 4-layer %s adapted at layers 2 and 3",
    async (arch) => {
      const c = tinyConfig(arch, { nLayers: 4 });
      const model = modelFromTensors(c, randomTensors(c, 5), "random");
      const cfg = defaultLoraConfig(4, { rank: 2, alpha: 4, layers: [2, 3] });
      const lora = randomLora(model, cfg, 3);
      try {
        console.log(`${arch} 4 layers gpu vs cpu fast: ${await compareStep(model, lora, cfg)}`);
      } finally {
        tree.dispose(lora);
        model.dispose();
      }
    },
  );

  it("runs a step's adapters on a view that keeps the model's own and frees only its", () => {
    const fm = tinyFastModel("llama");
    const c = fm.config;
    const set = (seed: number): FastLoraSet => ({
      q: {
        a: randomArray(c.dModel * 2, seed, 0.5),
        b: randomArray(2 * c.nHeads * c.dHead, seed + 1, 0.5),
        rank: 2,
        scale: 1,
      },
    });
    const layers = fm.weights.layers.map((w, l) => (l === 1 ? { ...w, lora: set(1) } : w));
    const base = uploadModel(ctx!, { config: c, weights: { ...fm.weights, layers } });
    try {
      expect(() => gpuModelWithLora(base, new Map([[1, set(2)]]))).toThrow(
        /already has an adapter/,
      );
      const view = gpuModelWithLora(base, new Map([[2, set(3)]]));
      expect(view.layers[1]!.lora).toBe(base.layers[1]!.lora);
      expect(view.layers[2]!.lora?.q).toBeDefined();
      expect(base.layers[2]!.lora).toBeUndefined();
      view.dispose();
      expect(base.layers[1]!.lora?.q).toBeDefined();
    } finally {
      base.dispose();
    }
  });
});
