/**
 * The model-level selection point (src/model/engine-select.ts): "auto" by default, running the
 * fast path on a Llama-family model equal to jax-js (logits ≤ 1e-4, gradient rtol ≤ 1e-3) and
 * jax-js on gpt2 and the gemma2 fixture with the reason named; "fast" refuses those before any
 * work; every call is recorded with the engine that ran it, fallbacks through jaxFor included.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../../src/engine/device.js";
import { FastUnsupportedError } from "../../../src/engine/fast/model.js";
import { engineFor, modelEngine } from "../../../src/model/engine-select.js";
import { loadModel, modelFromTensors, type Model } from "../../../src/model/model.js";
import { expectClose } from "../../model/compare.js";
import { loadFixture } from "../../model/fixture.js";
import { randomTensors, tinyConfig } from "../../model/random-model.js";
import { hb, real, steering, tf } from "../select-batch.js";

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

  it("defaults to auto: the fast path on llama on the CPU", () => {
    expect(engineFor(llama)).toEqual({ engine: "fast", reason: "fast (auto: llama on wasm)" });
    expect(modelEngine(llama).decision.engine).toBe("fast");
  });

  it("auto runs the fast path on llama, equal to jax-js, and records it", async () => {
    const fast = modelEngine(llama, "auto");
    const jax = modelEngine(llama, "jax");
    const lf = await fast.logits(hb);
    const lj = await jax.logits(hb);
    expectClose("logits", lf.data, lj.data, { atol: 1e-4, where: real });
    const g1 = await fast.steeringLossAndGrad(tf, steering);
    const g0 = await jax.steeringLossAndGrad(tf, steering);
    expectClose("loss", [g1.loss], [g0.loss], { atol: 1e-4 });
    const gmax = Math.max(...Array.from(g0.grad, Math.abs));
    expectClose("grad", g1.grad, g0.grad, { atol: 1e-5 * gmax, rtol: 1e-3 });
    expect(fast.takeUsed()).toEqual(["fast (auto: llama on wasm)"]);
    expect(fast.takeUsed()).toEqual([]);
    expect(jax.takeUsed()).toEqual(["jax (requested)"]);
  });

  it("a prepared fast site gives the same gradient for many vectors and refuses use after dispose", async () => {
    const fast = modelEngine(llama, "fast");
    const jax = modelEngine(llama, "jax");
    const [sf, sj] = [
      await fast.prepareSteering(tf, steering),
      await jax.prepareSteering(tf, steering),
    ];
    for (const c of [0.1, -0.7]) {
      const v = Float32Array.from({ length: 32 }, (_, i) => c * Math.sin(i));
      const [a, b] = [await sf.lossAndGrad(v), await sj.lossAndGrad(v)];
      expectClose(`loss ${c}`, [a.loss], [b.loss], { atol: 1e-4 });
      const gmax = Math.max(...Array.from(b.grad, Math.abs));
      expectClose(`grad ${c}`, a.grad, b.grad, { atol: 1e-5 * gmax, rtol: 1e-3 });
    }
    sf.dispose();
    sj.dispose();
    await expect(sf.lossAndGrad(steering.vector)).rejects.toThrow(/after dispose/);
  });

  it("auto keeps gpt2 on jax-js and says why; fast refuses it", async () => {
    const e = modelEngine(gpt2, "auto");
    expect(e.decision.engine).toBe("jax");
    expect(e.decision.reason).toMatch(/^jax \(auto: architecture 'gpt2' is not implemented/);
    await e.logits(hb);
    expect(e.takeUsed()).toEqual([e.decision.reason]);
    expect(() => modelEngine(gpt2, "fast")).toThrow(FastUnsupportedError);
  });

  it("names a call the fast path does not implement", () => {
    const e = modelEngine(llama, "auto");
    const d = e.jaxFor("generation with a KV cache");
    expect(d).toEqual({
      engine: "jax",
      reason: "jax (generation with a KV cache: not on the fast path)",
    });
    expect(e.takeUsed()).toEqual([d.reason]);
  });

  it("rejects an unknown engine by name", () => {
    expect(() => modelEngine(llama, "torch" as never)).toThrow(
      "engine 'torch': expected one of jax, fast, auto",
    );
  });
});

describe("engine selection on the gemma2 fixture", () => {
  it("falls back to jax-js under auto, naming what the fast path lacks; fast refuses", () => {
    const m = loadModel(loadFixture("gemma2").dir);
    try {
      const d = modelEngine(m).decision;
      expect(d.engine).toBe("jax");
      expect(d.reason).toMatch(/^jax \(auto: architecture 'gemma2' is not implemented/);
      expect(() => modelEngine(m, "fast")).toThrow(/engine 'fast': architecture 'gemma2'/);
    } finally {
      m.dispose();
    }
  });
});
