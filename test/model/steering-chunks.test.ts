/**
 * A steering gradient over a batch split into chunks of rows (src/model/steering-chunks.ts) gives
 * the one-pass loss, per-example losses and gradient — for one shared vector and for one vector per
 * row — and the budget splits only batches that need it: never the zoo's audit, and an 8B-sized
 * SAE-Attribution into several passes. Taking the parameter gradients or not (wasm's program or
 * WebGPU's) changes nothing in the result.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import type { ModelConfig } from "../../src/model/config.js";
import { prepareSteering } from "../../src/model/loss.js";
import { modelFromTensors, type Model } from "../../src/model/model.js";
import { chunkRanges, rowsPerChunk } from "../../src/model/steering-chunks.js";
import { randomTensors, tinyConfig } from "./random-model.js";
import { expectCloseToMax, randomVector, steeringBatch } from "./steering-batch.js";

const D = 32;
let model: Model;
const rows = [
  [3, 9, 4, 12, 7, 8],
  [5, 6, 11, 2],
  [1, 2, 3, 4, 5, 6, 7],
  [8, 3, 3, 9, 10],
  [13, 14, 15, 2, 4],
];
const { tf, positionMask, T } = steeringBatch(rows);

beforeAll(async () => {
  await initEngine("wasm");
  const cfg = tinyConfig("llama", { nLayers: 3, vocabSize: 20 });
  model = modelFromTensors(cfg, randomTensors(cfg, 4), "random");
});

async function both(v: Float32Array, budget: number) {
  const steering = { layer: 0, vector: v, positionMask, scale: 1 };
  const whole = prepareSteering(model, tf, steering);
  const parts = prepareSteering(model, tf, steering, { activationBudget: budget });
  try {
    return [await whole.lossAndGrad(v), await parts.lossAndGrad(v)] as const;
  } finally {
    whole.dispose();
    parts.dispose();
  }
}

const expectClose = (a: ArrayLike<number>, b: ArrayLike<number>) => expectCloseToMax(a, b, 1e-5);

describe("a steering gradient in chunks of rows", () => {
  // One row's activations at these shapes: rowsPerChunk's estimate times T tokens and 2 layers.
  const oneRow = () => {
    const c = model.config;
    return 4 * (20 * c.dModel + 20 * c.dMlp + 4 * c.nHeads * T) * T * 2;
  };

  it("equals the one-pass loss and gradient for a shared vector (chunks of 2, 2, 1 rows)", async () => {
    expect(rowsPerChunk(model.config, 0, rows.length, T, 2 * oneRow())).toBe(2);
    const [w, p] = await both(randomVector(1, D), 2 * oneRow());
    expect(Math.abs(w.loss - p.loss)).toBeLessThan(1e-6 * w.loss);
    expectClose(w.perExample, p.perExample);
    expectClose(w.grad, p.grad);
  });

  it("equals it for one vector per row (chunks of one row)", async () => {
    const [w, p] = await both(randomVector(2, rows.length * D), oneRow());
    expect(Math.abs(w.loss - p.loss)).toBeLessThan(1e-6 * w.loss);
    expectClose(w.perExample, p.perExample);
    expectClose(w.grad, p.grad);
  });

  it("gives the same loss and gradient without the parameter gradients (WebGPU's program)", async () => {
    const v = randomVector(3, D);
    const steering = { layer: 0, vector: v, positionMask, scale: 1 };
    const withParams = prepareSteering(model, tf, steering, { paramGradients: true });
    const vectorOnly = prepareSteering(model, tf, steering, { paramGradients: false });
    try {
      const [a, b] = [await withParams.lossAndGrad(v), await vectorOnly.lossAndGrad(v)];
      expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-6 * a.loss);
      expectClose(a.perExample, b.perExample);
      expectClose(a.grad, b.grad);
    } finally {
      withParams.dispose();
      vectorOnly.dispose();
    }
  });

  it("splits an 8B-sized SAE-Attribution batch and leaves the zoo's audit whole", () => {
    const llama8b = {
      ...tinyConfig("llama"),
      dModel: 4096,
      dMlp: 14336,
      nHeads: 32,
      nLayers: 32,
    } as ModelConfig;
    const gib = 2 ** 30;
    // 16 prompts of 55 tokens steered at layer 16 (15 layers after it): ~20 GiB of activations.
    expect(rowsPerChunk(llama8b, 16, 16, 55, 8 * gib)).toBe(6);
    const zooBase = { ...tinyConfig("llama"), dModel: 256, dMlp: 688, nHeads: 8, nLayers: 4 };
    expect(rowsPerChunk(zooBase as ModelConfig, 2, 16, 64, 1 * gib)).toBe(16);
  });
});

describe("chunk ranges", () => {
  it("as few chunks as the budget's rows allow, as even as they can be, covering every row once", () => {
    expect(chunkRanges(16, 5)).toEqual([
      [0, 4],
      [4, 8],
      [8, 12],
      [12, 16],
    ]);
    expect(chunkRanges(17, 5).map(([s, e]) => e - s)).toEqual([5, 4, 4, 4]);
    expect(chunkRanges(5, 5)).toEqual([[0, 5]]);
    for (let b = 1; b <= 40; b++) {
      for (let rows = 1; rows <= b; rows++) {
        const ranges = chunkRanges(b, rows);
        const sizes = ranges.map(([s, e]) => e - s);
        expect(ranges.length).toBe(Math.ceil(b / rows));
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        expect(Math.max(...sizes)).toBeLessThanOrEqual(rows);
        expect(ranges[0]![0]).toBe(0);
        expect(ranges.at(-1)![1]).toBe(b);
        ranges.slice(1).forEach(([s], i) => expect(s).toBe(ranges[i]![1]));
      }
    }
  });
});
