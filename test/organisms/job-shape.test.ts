/**
 * A long job of completions runs at one batch shape (JobShape, chatCompletions' `shapes`): jax-js's
 * wasm allocator keeps every freed buffer for a later one of the same size and never merges them,
 * so a job whose length-sorted batches each ran at their own shape stranded the memory of every
 * shape and a game organism's build ran the 4 GiB heap out. Here the heap's high-water over a job
 * of many prompt lengths stays at what one batch of the job's shape needed, the replies are those
 * of the unpadded batches, and generate() with a shape (filler rows, prompts padded, steering,
 * chunks) gives the unshaped ids.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { wasmHeapBytes } from "../../src/engine/wasm-heap.js";
import { generate, type GenerateOptions } from "../../src/model/generate.js";
import { generationBytesPerRow } from "../../src/model/generate-chunks.js";
import { modelFromTensors, type Model } from "../../src/model/model.js";
import { loadChatModel, type ChatModel } from "../../src/model/text-generation.js";
import { chatCompletions, jobBatches } from "../../src/organisms/evaluate.js";
import { findModelDir } from "../../src/io/model-ref.js";
import { normalSampler, randomTensors, tinyConfig } from "../model/random-model.js";

const BATCH = 8;
let cm: ChatModel;

/** Chat prompts of 1..60 words: 60 lengths, 15 prompt lengths after bucketing to 8 tokens. */
const prompts = Array.from({ length: 60 }, (_, i) => ({
  text: Array.from({ length: i + 1 }, (_, j) => ["tell", "me", "about", "snow"][j % 4]).join(" "),
}));

beforeAll(async () => {
  await initEngine("wasm");
  cm = await loadChatModel(findModelDir("base").dir);
});

describe("a long job of completions on wasm", () => {
  // First in the file: the heap's size is the process's high-water mark.
  it("keeps the heap to what one batch of its shape needs", async () => {
    const longest = prompts.slice(-BATCH);
    const start = wasmHeapBytes()!;
    expect(start).toBeGreaterThan(0);
    await chatCompletions(cm, longest, 2, { batchSize: BATCH, engine: "jax" });
    const oneBatch = wasmHeapBytes()! - start;
    // One batch of the longest prompts grows the heap by several size classes of 64 KiB.
    expect(oneBatch).toBeGreaterThan(2 ** 20);
    await chatCompletions(cm, prompts, 2, { batchSize: BATCH, engine: "jax" });
    // At one shape the job grew it by nothing more; each batch at its own shape grew it from
    // 87 MiB (one batch) to 295 MiB (2026-12-07).
    expect(wasmHeapBytes()! - start).toBeLessThan(1.5 * oneBatch);
  });

  it("replies as the batches at their own shapes do", async () => {
    const own = await chatCompletions(cm, prompts, 6, {
      batchSize: BATCH,
      shapes: 0,
      engine: "jax",
    });
    for (const shapes of [1, 3])
      expect(
        await chatCompletions(cm, prompts, 6, { batchSize: BATCH, shapes, engine: "jax" }),
      ).toEqual(own);
  });
});

describe("jobBatches", () => {
  const lengths = [5, 30, 12, 7, 19, 3, 25, 8, 14];

  it("takes prompts sorted by length, each once, a batch at a time", () => {
    const b = jobBatches(lengths, 4, 1);
    expect(b.map((x) => x.idx.length)).toEqual([4, 4, 1]);
    expect(b.flatMap((x) => x.idx)).toEqual([5, 0, 3, 7, 2, 8, 4, 6, 1]);
  });

  it("pads to the longest of each run of batches", () => {
    expect(jobBatches(lengths, 3, 1).map((x) => x.promptTokens)).toEqual([30, 30, 30]);
    expect(jobBatches(lengths, 3, 2).map((x) => x.promptTokens)).toEqual([7, 30, 30]);
    expect(jobBatches(lengths, 3, 3).map((x) => x.promptTokens)).toEqual([7, 14, 30]);
    expect(jobBatches(lengths, 3, 9).map((x) => x.promptTokens)).toEqual([7, 14, 30]);
    expect(jobBatches(lengths, 3, 0).map((x) => x.promptTokens)).toEqual([0, 0, 0]);
  });
});

describe("generate() at a job shape", () => {
  const D = 32;
  let model: Model;
  const rows = [
    [3, 9, 4, 12, 7, 8, 1, 2, 5],
    [5, 6, 11, 2],
    [1, 2, 3, 4, 5, 6, 7],
  ];
  const T = 9;
  const positionMask = new Float32Array(rows.length * T);
  rows.forEach((_, i) => positionMask.fill(1, i * T + T - 2, (i + 1) * T));

  beforeAll(() => {
    const cfg = tinyConfig("llama", { nLayers: 3, vocabSize: 20 });
    model = modelFromTensors(cfg, randomTensors(cfg, 4), "random");
  });

  async function same(opts: GenerateOptions) {
    const plain = await generate(model, rows, opts);
    const shaped = await generate(model, rows, { ...opts, shape: { promptTokens: 21, rows: 8 } });
    expect(shaped.ids).toEqual(plain.ids);
    expect(shaped.finishReasons).toEqual(plain.finishReasons);
    plain.logprobs.forEach((row, i) =>
      row.forEach((lp, j) => expect(shaped.logprobs[i]![j]).toBeCloseTo(lp, 5)),
    );
  }

  it("drops its filler rows and gives the unpadded greedy ids", async () => {
    await same({ maxNewTokens: 6, eosTokenIds: [] });
  });

  it("gives them with per-row steering on a position mask", async () => {
    const s = normalSampler(3, 2);
    const vector = Float32Array.from({ length: rows.length * D }, () => s());
    await same({
      maxNewTokens: 6,
      eosTokenIds: [],
      steering: { layer: 1, vector, positionMask, scale: 1 },
    });
  });

  it("gives them in equal chunks of rows under a small budget", async () => {
    const budget = 3 * generationBytesPerRow(model.config, 21 + 6);
    await same({ maxNewTokens: 6, eosTokenIds: [], activationBudget: budget });
  });
});
