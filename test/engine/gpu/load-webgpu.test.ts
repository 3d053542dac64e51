/**
 * Loading onto WebGPU, where the linear weights are transposed on the GPU (weights.ts `toDevice`)
 * instead of on the host: the streamed (settled and lazy) loads give transformers' logits
 * (≤ 1e-4, the fixtures' tolerance) with whole vocabulary matrices and with them in parts, for an
 * untied Llama (its unembedding transposed in row parts of the stored matrix) and a tied Gemma 2.
 * Skips without a WebGPU adapter.
 */
import { afterEach, beforeAll, describe, it } from "vitest";
import { initEngine } from "../../../src/engine/device.js";
import { loadModel, loadModelSettled, type Model } from "../../../src/model/model.js";
import { runWithCache } from "../../../src/model/run.js";
import { expectClose } from "../../model/compare.js";
import { fixtureBatch, loadFixture } from "../../model/fixture.js";
import { ctx, gpuSuite } from "./gpu-env.js";

describe.skipIf(!ctx)(gpuSuite("loading onto webgpu"), () => {
  const loaded: Model[] = [];
  beforeAll(async () => {
    await initEngine("webgpu");
  });
  afterEach(() => loaded.splice(0).forEach((m) => m.dispose()));

  async function expectReferenceLogits(arch: string, model: Model) {
    loaded.push(model);
    const fx = loadFixture(arch);
    const hb = fixtureBatch(fx, "");
    const r = await runWithCache(model, hb, { capture: [] });
    const v = model.config.vocabSize;
    const real = (i: number) => hb.mask[Math.floor(i / v)] === 1;
    expectClose("logits", r.logits!.data, fx.f32("logits").data, { atol: 1e-4, where: real });
  }

  it.each(["llama", "gemma2"])(
    "gives %s's reference logits, streamed and settled",
    async (arch) => {
      await expectReferenceLogits(arch, await loadModelSettled(loadFixture(arch).dir));
    },
  );

  it.each(["llama", "gemma2"])("and with its vocabulary matrices in parts (%s)", async (arch) => {
    // 4 KB parts: a few rows of the embedding (and of the stored unembedding) each.
    const model = await loadModelSettled(loadFixture(arch).dir, { maxBufferBytes: 4096 });
    await expectReferenceLogits(arch, model);
  });

  it("and through the lazy (unsettled) load", async () => {
    await expectReferenceLogits("llama", loadModel(loadFixture("llama").dir));
  });
});
