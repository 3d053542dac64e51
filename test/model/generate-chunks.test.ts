/**
 * Generation over more rows than the activation budget allows (src/model/generate-chunks.ts) runs
 * in chunks of rows and gives the one-pass ids, log-probs and finish reasons — with one shared
 * steering vector, one vector per row and a position mask re-laid to each chunk's padding — and the
 * budget splits only batches that need it: never the zoo's probes, and an 8B-sized probe batch on
 * WebGPU into several passes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import type { ModelConfig } from "../../src/model/config.js";
import { generate, type GenerateOptions } from "../../src/model/generate.js";
import {
  defaultGenerationBudget,
  generationBytesPerRow,
  generationRows,
} from "../../src/model/generate-chunks.js";
import { modelFromTensors, type Model } from "../../src/model/model.js";
import { normalSampler, randomTensors, tinyConfig } from "./random-model.js";

const D = 32;
let model: Model;
const prompts = [
  [3, 9, 4, 12, 7, 8, 1, 2, 5],
  [5, 6, 11, 2],
  [1, 2, 3, 4, 5, 6, 7],
  [8, 3, 3, 9, 10],
  [13, 14, 15, 2, 4, 6],
];
const T = Math.max(...prompts.map((p) => p.length));
// Every row's last two prompt tokens are steered (left padding: the row's end is T's end).
const positionMask = new Float32Array(prompts.length * T);
prompts.forEach((_, i) => positionMask.fill(1, i * T + T - 2, (i + 1) * T));

function vector(seed: number, n: number): Float32Array {
  const s = normalSampler(seed, 2);
  return Float32Array.from({ length: n }, () => s());
}

beforeAll(async () => {
  await initEngine("wasm");
  const cfg = tinyConfig("llama", { nLayers: 3, vocabSize: 20 });
  model = modelFromTensors(cfg, randomTensors(cfg, 4), "random");
});

/** One pass and passes of `rows` rows (a budget of exactly that many rows). */
async function wholeAndChunked(opts: GenerateOptions, rows: number) {
  const t = T + opts.maxNewTokens;
  const budget = rows * generationBytesPerRow(model.config, t);
  expect(generationRows(model.config, prompts.length, t, budget)).toBe(rows);
  const whole = await generate(model, prompts, opts);
  const parts = await generate(model, prompts, { ...opts, activationBudget: budget });
  return { whole, parts };
}

function expectSame(a: Awaited<ReturnType<typeof generate>>, b: typeof a) {
  expect(b.ids).toEqual(a.ids);
  expect(b.finishReasons).toEqual(a.finishReasons);
  a.logprobs.forEach((row, i) =>
    row.forEach((lp, j) => expect(b.logprobs[i]![j]).toBeCloseTo(lp, 5)),
  );
}

describe("generation in chunks of rows", () => {
  it("gives the one-pass greedy generation, unsteered", async () => {
    for (const rows of [1, 2]) {
      const { whole, parts } = await wholeAndChunked({ maxNewTokens: 5, eosTokenIds: [] }, rows);
      expectSame(whole, parts);
    }
  });

  it("gives it with one shared steering vector and a position mask", async () => {
    const steering = { layer: 1, vector: vector(1, D), positionMask, scale: 1 };
    const { whole, parts } = await wholeAndChunked(
      { maxNewTokens: 5, eosTokenIds: [], steering },
      2,
    );
    expectSame(whole, parts);
  });

  it("gives it with one steering vector per row", async () => {
    const steering = { layer: 0, vector: vector(2, prompts.length * D), positionMask, scale: 1 };
    const { whole, parts } = await wholeAndChunked(
      { maxNewTokens: 4, eosTokenIds: [], steering },
      2,
    );
    expectSame(whole, parts);
    // The steering changed the generations (so the per-row slices were exercised).
    const plain = await generate(model, prompts, { maxNewTokens: 4, eosTokenIds: [] });
    expect(plain.logprobs).not.toEqual(whole.logprobs);
  });

  it("splits an 8B-sized probe batch on WebGPU, not the zoo's", () => {
    const llama8b = {
      ...tinyConfig("llama"),
      dModel: 4096,
      dMlp: 14336,
      nLayers: 32,
      nHeads: 32,
    } as ModelConfig;
    // 56 probe prompts of ~40 tokens + 8 new ran an 80 GB card out of memory in one pass.
    const rows8b = generationRows(llama8b, 56, 48, defaultGenerationBudget("webgpu"));
    expect(rows8b).toBeGreaterThan(1);
    expect(rows8b).toBeLessThan(56);
    const zoo = { ...tinyConfig("llama"), dModel: 256, dMlp: 640, nLayers: 6, nHeads: 8 };
    expect(generationRows(zoo as ModelConfig, 64, 80, defaultGenerationBudget("wasm"))).toBe(64);
    expect(generationRows(zoo as ModelConfig, 64, 80, defaultGenerationBudget("webgpu"))).toBe(64);
    // A CPU build's base replies, 128 rows of ~200 tokens, passed wasm's 4 GiB heap in one pass.
    const wasmRows = generationRows(zoo as ModelConfig, 128, 200, defaultGenerationBudget("wasm"));
    expect(wasmRows).toBeGreaterThan(1);
    expect(wasmRows).toBeLessThan(128);
  });
});
