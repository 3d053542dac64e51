/**
 * The GPU steering loss and d loss / d vector (src/engine/gpu/steer.ts, hand-written VJPs on the
 * tiled SGEMM) against the CPU fast path (float32) and transformers' fixtures, for llama, qwen2
 * and qwen3: loss ≤ 1e-4, gradient rtol ≤ 1e-3 (atol 1e-5 · max |grad|), with the fixture's
 * user-span mask and scale, with one vector per example, and the steered layer last; and on a
 * random 4-layer model steered at layer 1 (the middle layers' full VJPs). Repeat runs give the
 * same bits. Skips without a WebGPU adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../../src/engine/device.js";
import { fastSteeringLossAndGrad } from "../../../src/model/fast-adapter.js";
import { prepareGpuSteeringFor } from "../../../src/model/gpu-adapter.js";
import { batchFromMask } from "../../../src/model/inputs.js";
import type { SteeringLossResult, TeacherForcedBatch } from "../../../src/model/loss.js";
import { loadModel, modelFromTensors, type Model } from "../../../src/model/model.js";
import type { Steering } from "../../../src/model/steering.js";
import { expectClose, gradClose } from "../../model/compare.js";
import { loadFixture, type Fixture, fixtureBatch } from "../../model/fixture.js";
import { randomTensors, tinyConfig } from "../../model/random-model.js";
import { randomArray } from "../fast/gradcheck.js";
import { ctx, gpuSuite, sameBits } from "./gpu-env.js";

const LOSS_ATOL = 1e-4;
const GRAD_RTOL = 1e-3;

async function gpuSteer(model: Model, tf: TeacherForcedBatch, s: Steering) {
  const prepared = await prepareGpuSteeringFor(model, tf, s);
  try {
    const first = await prepared.lossAndGrad(s.vector);
    const again = await prepared.lossAndGrad(s.vector);
    expect(again.loss).toBe(first.loss);
    expect(sameBits(again.grad, first.grad)).toBe(true);
    return first;
  } finally {
    prepared.dispose();
  }
}

function compare(tag: string, gpu: SteeringLossResult, cpu: SteeringLossResult): string {
  const opts = { atol: LOSS_ATOL, rtol: 1e-5 };
  expectClose(`${tag} loss vs cpu fast`, [gpu.loss], [cpu.loss], opts);
  expectClose(`${tag} per-example vs cpu fast`, gpu.perExample, cpu.perExample, opts);
  const r = gradClose(`${tag} grad vs cpu fast`, gpu.grad, cpu.grad, GRAD_RTOL);
  const dl = Math.abs(gpu.loss - cpu.loss);
  return `|loss diff| ${dl.toExponential(2)}, grad max|diff|/max|grad| ${r.toExponential(2)}`;
}

describe.skipIf(!ctx)(gpuSuite("gpu steering gradient"), () => {
  beforeAll(async () => {
    await initEngine("wasm");
  });

  describe.each(["llama", "qwen2", "qwen3"])("%s", (arch) => {
    let model: Model;
    let fx: Fixture;
    beforeAll(() => {
      fx = loadFixture(arch);
      model = loadModel(fx.dir);
    });
    afterAll(() => model.dispose());

    function site(vector: Float32Array, layer?: number): { tf: TeacherForcedBatch; s: Steering } {
      const hb = fixtureBatch(fx, "steer_");
      const responseMask = Uint8Array.from(fx.f32("steer_response_mask").data);
      const { scale } = fx.manifest.steer;
      const positionMask = fx.f32("steer_user_mask").data;
      const at = layer ?? fx.manifest.steer.layer;
      return { tf: { batch: hb, responseMask }, s: { layer: at, vector, positionMask, scale } };
    }

    it("equals the CPU fast path and transformers (the fixture's vector)", async () => {
      const { tf, s } = site(fx.f32("steer_vector").data);
      const gpu = await gpuSteer(model, tf, s);
      const cpu = await fastSteeringLossAndGrad(model, tf, s);
      const line = compare(arch, gpu, cpu);
      const opts = { atol: LOSS_ATOL, rtol: 1e-5 };
      expectClose("loss vs transformers", [gpu.loss], fx.f32("steer_loss").data, opts);
      const rRef = gradClose(
        "grad vs transformers",
        gpu.grad,
        fx.f32("steer_grad").data,
        GRAD_RTOL,
      );
      console.log(`${arch} vs CPU fast: ${line}; grad vs transformers ${rRef.toExponential(2)}`);
    });

    it("equals the CPU fast path with one vector per example", async () => {
      const b = fixtureBatch(fx, "steer_").batch;
      const d = model.config.dModel;
      const { tf, s } = site(Float32Array.from(randomArray(b * d, 21, 0.5)));
      const line = compare(
        `${arch} per-example`,
        await gpuSteer(model, tf, s),
        await fastSteeringLossAndGrad(model, tf, s),
      );
      console.log(`${arch} per-example vs CPU fast: ${line}`);
    });

    it("equals the CPU fast path steering every position at the first and the last layer", async () => {
      for (const layer of [0, model.config.nLayers - 1]) {
        // Every real position steered: the last layer's gradient reaches the loss's rows.
        const { tf, s: user } = site(fx.f32("steer_vector").data, layer);
        const s = { ...user, positionMask: undefined };
        const line = compare(
          `${arch} layer ${layer}`,
          await gpuSteer(model, tf, s),
          await fastSteeringLossAndGrad(model, tf, s),
        );
        console.log(`${arch} layer ${layer} vs CPU fast: ${line}`);
      }
    });
  });

  it.each(["llama", "qwen2", "qwen3"] as const)(
    "equals the CPU fast path on a random 4-layer %s steered at layer 1",
    async (arch) => {
      const cfg = tinyConfig(arch, { nLayers: 4 });
      const model = modelFromTensors(cfg, randomTensors(cfg, 5), "random");
      try {
        const ids = Int32Array.from({ length: 2 * 10 }, (_, i) => (i * 13 + 5) % cfg.vocabSize);
        const mask = Uint8Array.from({ length: 20 }, (_, i) => (i < 2 ? 0 : 1));
        const batch = batchFromMask(ids, mask, 2, 10);
        const responseMask = Uint8Array.from({ length: 20 }, (_, i) => (i % 10 >= 7 ? 1 : 0));
        const vector = Float32Array.from(randomArray(cfg.dModel, 9, 0.5));
        const tf = { batch, responseMask };
        const s = { layer: 1, vector, scale: 1.5 };
        const line = compare(
          `${arch} 4 layers`,
          await gpuSteer(model, tf, s),
          await fastSteeringLossAndGrad(model, tf, s),
        );
        console.log(`${arch} 4 layers, layer 1 vs CPU fast: ${line}`);
      } finally {
        model.dispose();
      }
    },
  );
});
