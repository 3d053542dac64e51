/**
 * The fast forward (src/engine/fast, float32 on the process's CPU sgemm) against transformers'
 * logits in the reference fixtures and against jax-js's runWithCache on the same batch: ≤ 1e-4
 * at real positions, for the Llama family (llama with llama3 RoPE scaling, qwen2 with q/k/v
 * biases, qwen3 with q/k norms, tied and untied). Other families are refused by name.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../../src/engine/device.js";
import { FastUnsupportedError } from "../../../src/engine/fast/model.js";
import { fastModelOf, fastRunLogits } from "../../../src/model/fast-adapter.js";
import { batchFromMask } from "../../../src/model/inputs.js";
import { loadModel, modelFromTensors, type Model } from "../../../src/model/model.js";
import { runWithCache } from "../../../src/model/run.js";
import { expectClose } from "../../model/compare.js";
import { loadFixture, type Fixture, fixtureBatch, realRows } from "../../model/fixture.js";
import { randomTensors, tinyConfig } from "../../model/random-model.js";

const ATOL = 1e-4;
const FAMILIES = ["llama", "qwen2", "qwen3", "llama-padded", "qwen3-padded"] as const;

beforeAll(async () => {
  await initEngine("wasm");
});

describe.each(FAMILIES)("fast forward, %s", (name) => {
  let model: Model;
  let fx: Fixture;
  beforeAll(() => {
    fx = loadFixture(name);
    model = loadModel(fx.dir);
  });
  afterAll(() => model.dispose());

  it.each(["", "steer_"])("equals transformers and jax-js (batch '%s')", async (prefix) => {
    const hb = fixtureBatch(fx, prefix);
    const fast = await fastRunLogits(model, hb);
    const where = realRows(hb, model.config.vocabSize);
    expect(fast.shape).toEqual([hb.batch, hb.seqLen, model.config.vocabSize]);
    const jax = await runWithCache(model, hb);
    const dJax = expectClose(`${name} logits vs jax`, fast.data, jax.logits!.data, {
      atol: ATOL,
      where,
    });
    if (prefix === "") {
      const dRef = expectClose(`${name} logits vs transformers`, fast.data, fx.f32("logits").data, {
        atol: ATOL,
        where,
      });
      console.log(`${name}: max |diff| vs transformers ${dRef.toExponential(2)}`);
    }
    console.log(`${name} '${prefix}': max |diff| vs jax-js ${dJax.toExponential(2)}`);
  });
});

describe("fast forward, tied embeddings (no fixture has them)", () => {
  it.each(["llama", "qwen3"] as const)("%s equals jax-js", async (arch) => {
    const cfg = tinyConfig(arch, { tieEmbeddings: true });
    const model = modelFromTensors(cfg, randomTensors(cfg, 7), "random");
    try {
      const ids = Int32Array.from({ length: 2 * 9 }, (_, i) => (i * 7) % cfg.vocabSize);
      const mask = Uint8Array.from({ length: 18 }, (_, i) => (i < 3 ? 0 : 1));
      const hb = batchFromMask(ids, mask, 2, 9);
      const fast = await fastRunLogits(model, hb);
      const jax = await runWithCache(model, hb);
      const where = realRows(hb, cfg.vocabSize);
      expectClose(`${arch} tied`, fast.data, jax.logits!.data, { atol: ATOL, where });
    } finally {
      model.dispose();
    }
  });
});

describe("fast forward refuses other families", () => {
  it.each(["gemma2", "gemma3", "gpt2"])("%s", (name) => {
    const model = loadModel(loadFixture(name).dir);
    try {
      expect(() => fastModelOf(model)).toThrow(FastUnsupportedError);
      expect(() => fastModelOf(model)).toThrow(
        new RegExp(`architecture '${name}' is not implemented.*use the jax engine`),
      );
    } finally {
      model.dispose();
    }
  });
});
