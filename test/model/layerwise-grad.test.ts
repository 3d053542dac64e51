/**
 * The steering gradient taken one layer at a time (src/model/layerwise-grad.ts, WebGPU's default)
 * gives the whole program's loss, per-example losses and gradient: on Llama, Gemma 2 (soft caps,
 * sliding window, post-norms) and Qwen3 (q/k norms), steered at the first, a middle and the last
 * layer, for a shared vector and one vector per row, with and without the last layer's query
 * window; and it leaves no device buffer behind.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { liveBufferCounter } from "../../src/engine/live-buffers.js";
import type { Architecture } from "../../src/model/config.js";
import { prepareSteering } from "../../src/model/loss.js";
import { modelFromTensors, type Model } from "../../src/model/model.js";
import { randomTensors, tinyConfig } from "./random-model.js";
import { expectCloseToMax, randomVector, steeringBatch } from "./steering-batch.js";

const D = 32;
const LAYERS = 4;
const rows = [
  [3, 9, 4, 12, 7, 8],
  [5, 6, 11, 2],
  [1, 2, 3, 4, 5, 6, 7],
];
const { tf, positionMask } = steeringBatch(rows);
const models = new Map<Architecture, Model>();

beforeAll(async () => {
  await initEngine("wasm");
  for (const arch of ["llama", "gemma2", "qwen3"] as const) {
    const over =
      arch === "gemma2"
        ? {
            embedScale: Math.fround(Math.sqrt(D)),
            postNorms: true,
            attnScale: 0.3,
            attnSoftcap: 5,
            finalSoftcap: 3,
            layerTypes: ["sliding", "full", "sliding", "full"] as ("sliding" | "full")[],
            slidingWindow: 3,
            activation: "gelu_new" as const,
            tieEmbeddings: true,
          }
        : {};
    const cfg = tinyConfig(arch, { nLayers: LAYERS, vocabSize: 20, ...over });
    models.set(arch, modelFromTensors(cfg, randomTensors(cfg, 5), "random"));
  }
});

async function both(model: Model, layer: number, v: Float32Array, queryWindow: boolean) {
  const steering = { layer, vector: v, positionMask, scale: 1.5 };
  const whole = prepareSteering(model, tf, steering, { layerwise: false, queryWindow });
  const byLayer = prepareSteering(model, tf, steering, { layerwise: true, queryWindow });
  try {
    return [await whole.lossAndGrad(v), await byLayer.lossAndGrad(v)] as const;
  } finally {
    whole.dispose();
    byLayer.dispose();
  }
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number) {
  expect(Math.max(...Array.from(a, Math.abs))).toBeGreaterThan(0);
  expectCloseToMax(a, b, rtol);
}

describe("the steering gradient one layer at a time", () => {
  const cases = (["llama", "gemma2", "qwen3"] as const).flatMap((arch) =>
    [0, 1, LAYERS - 1].map((layer) => ({ arch, layer })),
  );
  it.each(cases)("equals the whole program: $arch steered at layer $layer", async (c) => {
    const model = models.get(c.arch)!;
    const [w, l] = await both(model, c.layer, randomVector(c.layer + 1, D), true);
    expect(Math.abs(w.loss - l.loss)).toBeLessThan(1e-5 * w.loss);
    expectClose(w.perExample, l.perExample, 1e-5);
    expectClose(w.grad, l.grad, 1e-4);
  });

  it("equals it for one vector per row, and without the query window", async () => {
    const model = models.get("gemma2")!;
    for (const queryWindow of [true, false]) {
      const [w, l] = await both(model, 1, randomVector(7, rows.length * D), queryWindow);
      expect(Math.abs(w.loss - l.loss)).toBeLessThan(1e-5 * w.loss);
      expectClose(w.perExample, l.perExample, 1e-5);
      expectClose(w.grad, l.grad, 1e-4);
    }
  });

  it("gives the same gradient for a second vector on the same prepared site", async () => {
    const model = models.get("llama")!;
    const v1 = randomVector(11, D);
    const v2 = randomVector(12, D);
    const steering = { layer: 1, vector: v1, positionMask, scale: 1 };
    const byLayer = prepareSteering(model, tf, steering, { layerwise: true });
    const whole = prepareSteering(model, tf, steering, { layerwise: false });
    try {
      await byLayer.lossAndGrad(v1);
      const [a, b] = [await whole.lossAndGrad(v2), await byLayer.lossAndGrad(v2)];
      expectClose(a.grad, b.grad, 1e-4);
    } finally {
      byLayer.dispose();
      whole.dispose();
    }
  });

  it("leaves the live-buffer count where it was", async () => {
    const model = models.get("qwen3")!;
    const steering = { layer: 1, vector: randomVector(13, D), positionMask, scale: 1 };
    // A first call compiles the programs (their constants stay with the model).
    const warm = prepareSteering(model, tf, steering, { layerwise: true });
    await warm.lossAndGrad(steering.vector);
    warm.dispose();
    const live = await liveBufferCounter("wasm");
    const before = live();
    const site = prepareSteering(model, tf, steering, { layerwise: true });
    await site.lossAndGrad(steering.vector);
    await site.lossAndGrad(randomVector(14, D));
    site.dispose();
    expect(live()).toBe(before);
  });
});
