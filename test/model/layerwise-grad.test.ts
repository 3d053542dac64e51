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
import { leftPad } from "../../src/model/inputs.js";
import { prepareSteering, type TeacherForcedBatch } from "../../src/model/loss.js";
import { modelFromTensors, type Model } from "../../src/model/model.js";
import { normalSampler, randomTensors, tinyConfig } from "./random-model.js";

const D = 32;
const LAYERS = 4;
const rows = [
  [3, 9, 4, 12, 7, 8],
  [5, 6, 11, 2],
  [1, 2, 3, 4, 5, 6, 7],
];
const batch = leftPad(rows, 0);
const T = batch.seqLen;
// The last two real tokens of each row are the response; the two before them are steered.
const responseMask = new Uint8Array(rows.length * T);
const positionMask = new Float32Array(rows.length * T);
rows.forEach((_, i) => {
  for (let j = T - 2; j < T; j++) responseMask[i * T + j] = 1;
  for (let j = T - 4; j < T - 2; j++) positionMask[i * T + j] = 1;
});
const tf: TeacherForcedBatch = { batch, responseMask };
const models = new Map<Architecture, Model>();

function vector(seed: number, n: number): Float32Array {
  const s = normalSampler(seed, 0.5);
  return Float32Array.from({ length: n }, () => s());
}

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
  expect(a.length).toBe(b.length);
  const scale = Math.max(...Array.from(a, Math.abs));
  expect(scale).toBeGreaterThan(0);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(rtol * scale);
}

describe("the steering gradient one layer at a time", () => {
  const cases = (["llama", "gemma2", "qwen3"] as const).flatMap((arch) =>
    [0, 1, LAYERS - 1].map((layer) => ({ arch, layer })),
  );
  it.each(cases)("equals the whole program: $arch steered at layer $layer", async (c) => {
    const model = models.get(c.arch)!;
    const [w, l] = await both(model, c.layer, vector(c.layer + 1, D), true);
    expect(Math.abs(w.loss - l.loss)).toBeLessThan(1e-5 * w.loss);
    expectClose(w.perExample, l.perExample, 1e-5);
    expectClose(w.grad, l.grad, 1e-4);
  });

  it("equals it for one vector per row, and without the query window", async () => {
    const model = models.get("gemma2")!;
    for (const queryWindow of [true, false]) {
      const [w, l] = await both(model, 1, vector(7, rows.length * D), queryWindow);
      expect(Math.abs(w.loss - l.loss)).toBeLessThan(1e-5 * w.loss);
      expectClose(w.perExample, l.perExample, 1e-5);
      expectClose(w.grad, l.grad, 1e-4);
    }
  });

  it("gives the same gradient for a second vector on the same prepared site", async () => {
    const model = models.get("llama")!;
    const v1 = vector(11, D);
    const v2 = vector(12, D);
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
    const steering = { layer: 1, vector: vector(13, D), positionMask, scale: 1 };
    // A first call compiles the programs (their constants stay with the model).
    const warm = prepareSteering(model, tf, steering, { layerwise: true });
    await warm.lossAndGrad(steering.vector);
    warm.dispose();
    const live = await liveBufferCounter("wasm");
    const before = live();
    const site = prepareSteering(model, tf, steering, { layerwise: true });
    await site.lossAndGrad(steering.vector);
    await site.lossAndGrad(vector(14, D));
    site.dispose();
    expect(live()).toBe(before);
  });
});
