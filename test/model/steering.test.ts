/**
 * Steering, hooks and generation behaviour on tiny random models: the vector lands only on the
 * masked positions, per-example vectors, hook replacement, gradients against central finite
 * differences, sampling determinism, stop conditions, and no leaked buffers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { liveBufferCounter } from "../../src/engine/live-buffers.js";
import { np } from "../../src/engine/jax.js";
import { generate } from "../../src/model/generate.js";
import { leftPad } from "../../src/model/inputs.js";
import { steeringLossAndGrad } from "../../src/model/loss.js";
import { modelFromTensors, type Model } from "../../src/model/model.js";
import { runWithCache, runWithHooks } from "../../src/model/run.js";
import { normalSampler, randomTensors, tinyConfig } from "./random-model.js";

let model: Model;
let live: () => number;
const D = 32;
const batch = leftPad(
  [
    [1, 5, 6, 7, 8, 9],
    [1, 9, 10, 11],
  ],
  0,
);
const T = batch.seqLen;
const userMask = Float32Array.from([0, 1, 1, 1, 0, 0, /* row 2 */ 0, 0, 0, 1, 1, 0]);

function randomVector(seed: number, n = D): Float32Array {
  const s = normalSampler(seed);
  return new Float32Array(n).map(() => s());
}

beforeAll(async () => {
  await initEngine("wasm");
  live = await liveBufferCounter();
  model = modelFromTensors(tinyConfig("llama"), randomTensors(tinyConfig("llama"), 7), "random");
});
afterAll(() => model.dispose());

describe("steering", () => {
  it("adds the vector only on the masked positions at blocks.ℓ.hook_resid_post", async () => {
    const v = randomVector(1);
    const plain = await runWithCache(model, batch, {
      capture: ["blocks.0.hook_resid_post"],
      logits: false,
    });
    const steered = await runWithCache(model, batch, {
      capture: ["blocks.0.hook_resid_post"],
      logits: false,
      steering: { layer: 0, vector: v, positionMask: userMask, scale: 2 },
    });
    const a = plain.cache["blocks.0.hook_resid_post"]!.data;
    const b = steered.cache["blocks.0.hook_resid_post"]!.data;
    for (let p = 0; p < 2 * T; p++) {
      for (let d = 0; d < D; d++) {
        const expected = userMask[p]! * 2 * v[d]!;
        expect(Math.abs(b[p * D + d]! - a[p * D + d]! - expected)).toBeLessThan(1e-5);
      }
    }
  });

  it("takes one vector per example", async () => {
    const v = randomVector(2, 2 * D);
    const r = await runWithCache(model, batch, {
      capture: ["blocks.1.hook_resid_pre"],
      logits: false,
      steering: { layer: 0, vector: v, positionMask: userMask },
    });
    const rowOnly = await runWithCache(model, leftPad([[1, 9, 10, 11]], 0, T), {
      capture: ["blocks.1.hook_resid_pre"],
      logits: false,
      steering: { layer: 0, vector: v.slice(D), positionMask: userMask.slice(T) },
    });
    const both = r.cache["blocks.1.hook_resid_pre"]!.data.subarray(T * D);
    const single = rowOnly.cache["blocks.1.hook_resid_pre"]!.data;
    for (let i = 0; i < single.length; i++)
      expect(Math.abs(both[i]! - single[i]!)).toBeLessThan(1e-5);
  });

  it("rejects a vector of the wrong width and a layer out of range", async () => {
    await expect(
      runWithCache(model, batch, { steering: { layer: 0, vector: new Float32Array(D + 1) } }),
    ).rejects.toThrow(/d_model = 32/);
    await expect(
      runWithCache(model, batch, { steering: { layer: 2, vector: new Float32Array(D) } }),
    ).rejects.toThrow(/out of range/);
  });

  it("has the gradient of the response loss that central finite differences give (float32, h = 1e-2)", async () => {
    const v = randomVector(3);
    const responseMask = Uint8Array.from([0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1]);
    const tf = { batch, responseMask };
    const at = (vec: Float32Array) =>
      steeringLossAndGrad(model, tf, { layer: 0, vector: vec, positionMask: userMask, scale: 1.5 });
    const r = await at(v);
    const h = 1e-2;
    for (const i of [0, 7, 19, 31]) {
      const plus = v.slice();
      plus[i]! += h;
      const minus = v.slice();
      minus[i]! -= h;
      const fd = ((await at(plus)).loss - (await at(minus)).loss) / (2 * h);
      // float32 losses of ~4 with h = 1e-2: finite-difference noise is about 1e-5 / 1e-2 = 1e-3.
      expect(Math.abs(r.grad[i]! - fd)).toBeLessThan(2e-3 + 1e-2 * Math.abs(fd));
    }
  });

  it("refuses a batch without response tokens, naming the problem, and leaks nothing", async () => {
    const before = live();
    const tf = { batch, responseMask: new Uint8Array(2 * T) };
    await expect(
      steeringLossAndGrad(model, tf, { layer: 0, vector: randomVector(5) }),
    ).rejects.toThrow(/no response tokens/);
    const first = Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    await expect(
      steeringLossAndGrad(
        model,
        { batch, responseMask: first },
        { layer: 0, vector: randomVector(5) },
      ),
    ).rejects.toThrow(/no preceding prompt token/);
    expect(live()).toBe(before);
  });

  it("leaves the live-buffer count unchanged (forward, hooks, gradient, generation)", async () => {
    const tf = { batch, responseMask: Uint8Array.from([0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1]) };
    const steering = { layer: 1, vector: randomVector(4), positionMask: userMask };
    const work = async () => {
      await runWithCache(model, batch, { capture: ["blocks.0.attn.hook_pattern"], steering });
      await runWithHooks(
        model,
        batch,
        { "blocks.0.hook_mlp_out": (x) => x.mul(0.5) },
        { capture: ["blocks.1.hook_resid_post"] },
      );
      await steeringLossAndGrad(model, tf, steering);
      await generate(
        model,
        [
          [1, 5, 6],
          [1, 7],
        ],
        { maxNewTokens: 5, steering: { ...steering, positionMask: undefined, allPositions: true } },
      );
    };
    await work(); // compiles (compiled programs keep their constants until model.dispose())
    const before = live();
    await work();
    expect(live()).toBe(before);
  });
});

describe("hooks", () => {
  it("replaces an activation: zeroing every MLP output equals a model without MLPs", async () => {
    const zero = (x: np.Array) => x.mul(0);
    const r = await runWithHooks(
      model,
      batch,
      { "blocks.0.hook_mlp_out": zero, "blocks.1.hook_mlp_out": zero },
      { capture: ["blocks.1.hook_resid_post", "blocks.1.hook_resid_mid"] },
    );
    const post = r.cache["blocks.1.hook_resid_post"]!.data;
    const mid = r.cache["blocks.1.hook_resid_mid"]!.data;
    for (let i = 0; i < post.length; i++) expect(post[i]).toBe(mid[i]);
  });

  it("patching resid_pre with its own cached value reproduces the logits", async () => {
    const base = await runWithCache(model, batch, { capture: ["blocks.1.hook_resid_pre"] });
    const cached = base.cache["blocks.1.hook_resid_pre"]!;
    const r = await runWithHooks(model, batch, {
      "blocks.1.hook_resid_pre": (x) => {
        x.dispose();
        return np.array(cached.data).reshape(cached.shape);
      },
    });
    const a = base.logits!.data;
    const b = r.logits!.data;
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5);
  });

  it("rejects unknown hook names", async () => {
    await expect(runWithCache(model, batch, { capture: ["blocks.0.hook_nope"] })).rejects.toThrow(
      /unknown hook point/,
    );
    await expect(
      runWithCache(model, batch, { capture: ["blocks.5.hook_resid_post"] }),
    ).rejects.toThrow(/out of range/);
  });
});

describe("generation", () => {
  it("is reproducible for a seed and differs across seeds when sampling", async () => {
    const opts = { maxNewTokens: 12, temperature: 1.5, topP: 0.95, eosTokenIds: [] };
    const a = await generate(model, [[1, 5, 6]], { ...opts, seed: 1 });
    const b = await generate(model, [[1, 5, 6]], { ...opts, seed: 1 });
    const c = await generate(model, [[1, 5, 6]], { ...opts, seed: 2 });
    expect(a.ids).toEqual(b.ids);
    expect(a.ids).not.toEqual(c.ids);
  });

  it("batched greedy generation equals one prompt at a time (left padding is invisible)", async () => {
    const prompts = [
      [1, 5, 6, 7, 8],
      [1, 9],
    ];
    const both = await generate(model, prompts, { maxNewTokens: 6, eosTokenIds: [] });
    for (let i = 0; i < 2; i++) {
      const one = await generate(model, [prompts[i]!], { maxNewTokens: 6, eosTokenIds: [] });
      expect(both.ids[i]).toEqual(one.ids[0]);
      both.logprobs[i]!.forEach((lp, j) =>
        expect(Math.abs(lp - one.logprobs[0]![j]!)).toBeLessThan(1e-4),
      );
    }
  });

  it("stops a row at EOS and at a stop string, and reports why", async () => {
    const free = await generate(model, [[1, 5, 6]], { maxNewTokens: 8, eosTokenIds: [] });
    const first = free.ids[0]![2]!;
    const eos = await generate(model, [[1, 5, 6]], { maxNewTokens: 8, eosTokenIds: [first] });
    expect(eos.ids[0]!.at(-1)).toBe(first);
    expect(eos.ids[0]!.length).toBeLessThanOrEqual(3);
    expect(eos.finishReasons[0]).toBe("eos");
    const decode = (ids: number[]) => ids.map((i) => `<${i}>`).join("");
    const stop = await generate(model, [[1, 5, 6]], {
      maxNewTokens: 8,
      eosTokenIds: [],
      decode,
      stopStrings: [`<${free.ids[0]![1]}>`],
    });
    expect(stop.finishReasons[0]).toBe("stop");
    expect(stop.ids[0]).toEqual(free.ids[0]!.slice(0, 2));
    expect(stop.texts![0]).toBe(decode(free.ids[0]!.slice(0, 1)));
    expect(free.finishReasons[0]).toBe("length");
  });
});
