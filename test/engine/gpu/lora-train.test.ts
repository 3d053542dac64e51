/**
 * Organism training on the GPU fast path: with `--engine fast` on the webgpu device the trainer's
 * LoRA gradients come from src/model/gpu-lora.ts (WGSL), and training follows the same run with
 * the host fast path's gradients (src/model/fast-lora.ts, itself checked against jax-js's
 * valueAndGrad in test/train/lora-gradient.test.ts; jax-js's own training on a software
 * rasteriser takes over ten minutes) step by step: losses within 1e-4, gradient norms and
 * adapters within 1e-3 relative. Skips without a WebGPU adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../../src/engine/device.js";
import { tree } from "../../../src/engine/jax.js";
import { defaultLoraConfig, type LoraParams } from "../../../src/model/lora.js";
import { modelFromTensors, type Model } from "../../../src/model/model.js";
import { initialTensors } from "../../../src/train/init.js";
import {
  fastLoraLoss,
  fastLoraLossAndGrads,
  fastModelWithLora,
} from "../../../src/model/fast-lora.js";
import { asLoraParams, loraHostGradient } from "../../../src/train/lora-gradient.js";
import { namedLeaves } from "../../../src/train/named-tree.js";
import { train, type HostGradient, type TrainJob } from "../../../src/train/trainer.js";
import { tinyConfig } from "../../model/random-model.js";
import { loraTrainJob } from "../../train/lora-job.js";
import { ctx, gpuSuite } from "./gpu-env.js";

const cfg = tinyConfig("llama", { vocabSize: 24, nLayers: 2 });
const loraCfg = defaultLoraConfig(cfg.nLayers, { rank: 4, alpha: 8 });

describe.skipIf(!ctx)(gpuSuite("LoRA training on the GPU fast path"), () => {
  let model: Model;
  beforeAll(async () => {
    await initEngine("webgpu");
    model = modelFromTensors(cfg, initialTensors(cfg, 3), "init");
  });
  afterAll(() => model?.dispose());

  /** The host fast path's gradients, as the trainer takes them on a CPU device. */
  const onHost: HostGradient<LoraParams> = {
    name: "fast",
    async lossAndGrad(lora, batch) {
      const r = fastLoraLossAndGrads(model, await fastModelWithLora(model, lora, loraCfg), batch);
      return { loss: r.loss, grads: asLoraParams(r.grads, lora) };
    },
    async loss(lora, batch) {
      return fastLoraLoss(model, await fastModelWithLora(model, lora, loraCfg), batch);
    },
  };

  function job(gpu: boolean): TrainJob<LoraParams> {
    const chosen = loraHostGradient(model, loraCfg, "fast");
    expect(chosen.decision.reason).toBe("fast (requested: llama on webgpu, WGSL kernels)");
    const hostGradient = gpu ? chosen.gradient : onHost;
    return loraTrainJob(model, loraCfg, { steps: 6, examples: 200, validation: 30, hostGradient });
  }

  it("follows the host fast path's training step by step", async () => {
    const host = await train(job(false));
    const gpu = await train(job(true));
    let worst = 0;
    const gpuLeaves = new Map(namedLeaves(gpu.trainable));
    for (const [name, x] of namedLeaves(host.trainable)) {
      const want = (await x.ref.data()) as Float32Array;
      const got = (await gpuLeaves.get(name)!.ref.data()) as Float32Array;
      const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      want.forEach((v, k) => (worst = Math.max(worst, Math.abs(got[k]! - v) / scale)));
    }
    tree.dispose([host.trainable, gpu.trainable]);
    host.history.forEach((h, i) => {
      const f = gpu.history[i]!;
      expect(Math.abs(f.loss - h.loss), `step ${i + 1} loss`).toBeLessThan(1e-4);
      expect(Math.abs(f.gradNorm - h.gradNorm) / h.gradNorm, `step ${i + 1} norm`).toBeLessThan(
        1e-3,
      );
    });
    expect(worst).toBeLessThan(1e-3);
    expect(gpu.history.at(-1)!.loss).toBeLessThan(gpu.history[0]!.loss);
    console.log(
      `webgpu: GPU vs host LoRA gradients, 6 training steps: adapters rel ≤ ${worst.toExponential(2)}`,
    );
  });
});
