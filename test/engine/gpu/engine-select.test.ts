/**
 * The GPU fast path behind the model-level selection point on the webgpu device: "auto" keeps
 * jax-js (the GPU path is opt-in) and says why; "fast" runs logits and steering gradients in WGSL,
 * equal to jax-js on WebGPU (logits ≤ 1e-4, gradient rtol ≤ 1e-3), records the engine, and sends
 * a small model's generation to the host decoder by name (greedy ids equal to jax-js on WebGPU).
 * Skips without a WebGPU adapter (or when jax-js cannot start on it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../../src/engine/device.js";
import { engineFor, modelEngine } from "../../../src/model/engine-select.js";
import { generate } from "../../../src/model/generate.js";
import { generationRouteOf, routeGeneration } from "../../../src/model/generation-route.js";
import { modelFromTensors, type Model } from "../../../src/model/model.js";
import { expectClose } from "../../model/compare.js";
import { randomTensors, tinyConfig } from "../../model/random-model.js";
import { hb, real, steering, tf } from "../select-batch.js";
import { ctx, gpuSuite } from "./gpu-env.js";

describe.skipIf(!ctx)(gpuSuite("engine selection on webgpu"), () => {
  let llama: Model;
  beforeAll(async () => {
    await initEngine("webgpu");
    llama = modelFromTensors(tinyConfig("llama"), randomTensors(tinyConfig("llama"), 3), "r");
  });
  afterAll(() => llama?.dispose());

  it("auto keeps jax-js on webgpu and says the fast path is opt-in", () => {
    const d = engineFor(llama);
    expect(d.engine).toBe("jax");
    expect(d.reason).toMatch(/^jax \(auto: the fast path on webgpu is opt-in/);
  });

  it("fast runs logits and steering gradients in WGSL, equal to jax-js", async () => {
    const fast = modelEngine(llama, "fast");
    const jax = modelEngine(llama, "jax");
    expect(fast.decision.reason).toBe("fast (requested: llama on webgpu, WGSL kernels)");
    const lf = await fast.logits(hb);
    const lj = await jax.logits(hb);
    const dl = expectClose("logits", lf.data, lj.data, { atol: 1e-4, where: real });
    const g1 = await fast.steeringLossAndGrad(tf, steering);
    const g0 = await jax.steeringLossAndGrad(tf, steering);
    expectClose("loss", [g1.loss], [g0.loss], { atol: 1e-4 });
    const gmax = Math.max(...Array.from(g0.grad, Math.abs));
    const dg = expectClose("grad", g1.grad, g0.grad, { atol: 1e-5 * gmax, rtol: 1e-3 });
    console.log(
      `webgpu fast vs jax-js webgpu: logits ${dl.toExponential(2)}, grad ${(dg / gmax).toExponential(2)}`,
    );
    expect(fast.takeUsed()).toEqual(["fast (requested: llama on webgpu, WGSL kernels)"]);
  });

  it("decodes a small model on the host by name, with jax-js's greedy ids", async () => {
    const fast = modelEngine(llama, "fast");
    fast.takeGeneration();
    const route = generationRouteOf(llama)!;
    expect(route.fast).toBe(true);
    const prompts = [
      [1, 5, 9, 2],
      [3, 4],
    ];
    const opts = { maxNewTokens: 6, eosTokenIds: [] };
    const onHost = await generate(llama, prompts, opts);
    const used = fast.takeUsed();
    expect(used).toHaveLength(1);
    expect(used[0]).toMatch(
      /^fast \(generation on the host decoder on webgpu: [\d.]+M parameters\)$/,
    );
    routeGeneration(llama, null);
    const onGpu = await generate(llama, prompts, opts);
    expect(onHost.ids).toEqual(onGpu.ids);
  });
});
