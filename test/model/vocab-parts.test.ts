/**
 * Vocabulary matrices held in parts (vocab-parts.ts): loading a fixture with a buffer limit far
 * below its embedding splits the embedding by rows (and Llama's untied lm_head by columns), and the
 * model still gives transformers' logits, steering loss and gradient, and greedy tokens — tied
 * (gemma2, gpt2) and untied (llama) alike.
 */
import { describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { generate } from "../../src/model/generate.js";
import { steeringLossAndGrad } from "../../src/model/loss.js";
import { loadModel } from "../../src/model/model.js";
import { runWithCache } from "../../src/model/run.js";
import { expectClose } from "./compare.js";
import { fixtureBatch, loadFixture } from "./fixture.js";

const ATOL = 1e-4;

describe.each(["llama", "gemma2", "gpt2"])("%s with its vocabulary in parts", (arch) => {
  it("equals transformers in logits, steering gradient and greedy tokens", async () => {
    await initEngine("wasm");
    const fx = loadFixture(arch);
    // 20 kB: the 320–400-row, 64-wide float32 embeddings (82–102 kB) split into 5–6 parts.
    const model = loadModel(fx.dir, { maxBufferBytes: 20_000 });
    try {
      expect(Array.isArray(model.params.embed)).toBe(true);
      expect((model.params.embed as unknown[]).length).toBeGreaterThanOrEqual(5);
      if (arch === "llama") expect(Array.isArray(model.params.unembed)).toBe(true);
      const hb = fixtureBatch(fx, "");
      const r = await runWithCache(model, hb, {});
      const v = model.config.vocabSize;
      expectClose("logits", r.logits!.data, fx.f32("logits").data, {
        atol: ATOL,
        where: (i) => hb.mask[Math.floor(i / v)] === 1,
      });
      const sb = fixtureBatch(fx, "steer_");
      const s = await steeringLossAndGrad(
        model,
        { batch: sb, responseMask: Uint8Array.from(fx.f32("steer_response_mask").data) },
        {
          layer: fx.manifest.steer.layer,
          vector: fx.f32("steer_vector").data,
          positionMask: fx.f32("steer_user_mask").data,
          scale: fx.manifest.steer.scale,
        },
      );
      expectClose("steer_loss", [s.loss], fx.f32("steer_loss").data, { atol: ATOL });
      const g = fx.f32("steer_grad").data;
      const gmax = Math.max(...Array.from(g, Math.abs));
      expectClose("steer_grad", s.grad, g, { atol: 1e-5 * gmax, rtol: 1e-3 });
      const gb = fixtureBatch(fx, "gen_");
      const prompts = Array.from({ length: gb.batch }, (_, i) =>
        Array.from(gb.ids.subarray(i * gb.seqLen + gb.pads[i]!, (i + 1) * gb.seqLen)),
      );
      const n = fx.manifest.generation.max_new_tokens;
      const out = await generate(model, prompts, {
        maxNewTokens: n,
        eosTokenIds: [],
        padTokenId: fx.manifest.generation.pad_token_id,
      });
      const want = fx.i32("gen_output_ids");
      const w = want.shape[1]!;
      out.ids.forEach((row, i) =>
        expect(row).toEqual(Array.from(want.data.subarray(i * w + w - n, (i + 1) * w))),
      );
    } finally {
      model.dispose();
    }
  });
});
