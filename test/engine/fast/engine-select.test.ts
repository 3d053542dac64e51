/**
 * The model-level selection point (src/model/engine-select.ts): "jax" by default, "auto" runs the
 * fast path on a Llama-family model and jax-js on gpt2, each result naming the engine that ran and
 * agreeing with jax-js (logits ≤ 1e-4, gradient rtol ≤ 1e-3).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../../src/engine/device.js";
import { FastUnsupportedError } from "../../../src/engine/fast/model.js";
import { engineFor, logitsOn, steeringLossAndGradOn } from "../../../src/model/engine-select.js";
import { batchFromMask } from "../../../src/model/inputs.js";
import { modelFromTensors, type Model } from "../../../src/model/model.js";
import { expectClose } from "../../model/compare.js";
import { randomTensors, tinyConfig } from "../../model/random-model.js";

const ids = Int32Array.from({ length: 2 * 8 }, (_, i) => (i * 11 + 2) % 50);
const mask = Uint8Array.from({ length: 16 }, (_, i) => (i >= 8 && i < 10 ? 0 : 1));
const hb = batchFromMask(ids, mask, 2, 8);
const real = (i: number) => mask[Math.floor(i / 50)] === 1;
const tf = {
  batch: hb,
  responseMask: Uint8Array.from({ length: 16 }, (_, i) => (i % 8 >= 6 ? 1 : 0)),
};

describe("engine selection on a model", () => {
  let llama: Model;
  let gpt2: Model;
  beforeAll(async () => {
    await initEngine("wasm");
    llama = modelFromTensors(tinyConfig("llama"), randomTensors(tinyConfig("llama"), 3), "r");
    gpt2 = modelFromTensors(tinyConfig("gpt2"), randomTensors(tinyConfig("gpt2"), 3), "r");
  });
  afterAll(() => {
    llama.dispose();
    gpt2.dispose();
  });

  it("defaults to jax-js", () => {
    expect(engineFor(llama).engine).toBe("jax");
  });

  it("auto runs the fast path on llama, equal to jax-js", async () => {
    const fast = await logitsOn(llama, hb, "auto");
    const jax = await logitsOn(llama, hb);
    expect([fast.engine.engine, jax.engine.engine]).toEqual(["fast", "jax"]);
    expectClose("logits", fast.logits.data, jax.logits.data, { atol: 1e-4, where: real });
    const steering = { layer: 0, vector: new Float32Array(32).fill(0.3), scale: 2 };
    const g1 = await steeringLossAndGradOn(llama, tf, steering, "auto");
    const g0 = await steeringLossAndGradOn(llama, tf, steering, "jax");
    expect(g1.engine.reason).toBe("fast (auto: llama on wasm)");
    expectClose("loss", [g1.loss], [g0.loss], { atol: 1e-4 });
    const gmax = Math.max(...Array.from(g0.grad, Math.abs));
    expectClose("grad", g1.grad, g0.grad, { atol: 1e-5 * gmax, rtol: 1e-3 });
  });

  it("auto keeps gpt2 on jax-js and says why; fast refuses it", async () => {
    const r = await logitsOn(gpt2, hb, "auto");
    expect(r.engine.engine).toBe("jax");
    expect(r.engine.reason).toMatch(/architecture 'gpt2' is not implemented/);
    await expect(logitsOn(gpt2, hb, "fast")).rejects.toThrow(FastUnsupportedError);
  });
});
