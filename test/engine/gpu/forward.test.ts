/**
 * The GPU fast forward (src/engine/gpu) against transformers' logits in the reference fixtures
 * and against the CPU fast path on the same batch: ≤ 1e-4 at real positions, for the Llama family
 * (llama with llama3 RoPE scaling, qwen2 with q/k/v biases, qwen3 with q/k norms, left-padded
 * batches, tied embeddings). Repeat runs give the same bits; model.dispose() frees the upload. Skips without a WebGPU adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../../src/engine/device.js";
import { fastRunLogits } from "../../../src/model/fast-adapter.js";
import { gpuModelOf, gpuRunLogits } from "../../../src/model/gpu-adapter.js";
import { batchFromMask } from "../../../src/model/inputs.js";
import { loadModel, modelFromTensors, type Model } from "../../../src/model/model.js";
import { expectClose } from "../../model/compare.js";
import { loadFixture, type Fixture, fixtureBatch, realRows } from "../../model/fixture.js";
import { randomTensors, tinyConfig } from "../../model/random-model.js";
import { ctx, gpuSuite, sameBits } from "./gpu-env.js";

const ATOL = 1e-4;
const FAMILIES = ["llama", "qwen2", "qwen3", "llama-padded", "qwen3-padded"] as const;

describe.skipIf(!ctx)(gpuSuite("gpu fast forward"), () => {
  beforeAll(async () => {
    await initEngine("wasm");
  });

  describe.each(FAMILIES)("%s", (name) => {
    let model: Model;
    let fx: Fixture;
    beforeAll(() => {
      fx = loadFixture(name);
      model = loadModel(fx.dir);
    });
    afterAll(() => model.dispose());

    it.each(["", "steer_"])(
      "equals transformers and the CPU fast path (batch '%s')",
      async (prefix) => {
        const hb = fixtureBatch(fx, prefix);
        const gpu = await gpuRunLogits(model, hb);
        expect(gpu.shape).toEqual([hb.batch, hb.seqLen, model.config.vocabSize]);
        const where = realRows(hb, model.config.vocabSize);
        const cpu = await fastRunLogits(model, hb);
        const dCpu = expectClose(`${name} gpu vs cpu fast`, gpu.data, cpu.data, {
          atol: ATOL,
          where,
        });
        let line = `${name} '${prefix}': max |diff| vs CPU fast ${dCpu.toExponential(2)}`;
        if (prefix === "") {
          const ref = fx.f32("logits").data;
          const dRef = expectClose(`${name} gpu vs transformers`, gpu.data, ref, {
            atol: ATOL,
            where,
          });
          line += `, vs transformers ${dRef.toExponential(2)}`;
        }
        console.log(line);
        const again = await gpuRunLogits(model, hb);
        expect(sameBits(again.data, gpu.data)).toBe(true);
      },
    );
  });

  it.each(["llama", "qwen3"] as const)(
    "tied embeddings (%s) equal the CPU fast path",
    async (arch) => {
      const cfg = tinyConfig(arch, { tieEmbeddings: true });
      const model = modelFromTensors(cfg, randomTensors(cfg, 7), "random");
      try {
        const ids = Int32Array.from({ length: 2 * 9 }, (_, i) => (i * 7) % cfg.vocabSize);
        const mask = Uint8Array.from({ length: 18 }, (_, i) => (i < 3 ? 0 : 1));
        const hb = batchFromMask(ids, mask, 2, 9);
        const gpu = await gpuRunLogits(model, hb);
        const cpu = await fastRunLogits(model, hb);
        const where = realRows(hb, cfg.vocabSize);
        expectClose(`${arch} tied`, gpu.data, cpu.data, { atol: ATOL, where });
        // model.dispose() frees the GPU copy of the weights too.
        const gm = await gpuModelOf(model);
        let freed = 0;
        const free = gm.dispose;
        gm.dispose = () => void (freed++, free());
        model.dispose();
        expect(freed).toBe(1);
      } finally {
        model.dispose();
      }
    },
  );
});
