/**
 * The runtime against transformers 5.17 (fixtures from test/fixtures/make_fixtures.py): logits and
 * every hook ≤ 1e-4 at valid positions, the steering loss ≤ 1e-4, its gradient rtol ≤ 1e-3,
 * greedy tokens identical, with and without steering.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { liveBufferCounter } from "../../src/engine/live-buffers.js";
import { generate } from "../../src/model/generate.js";
import { allHookNames } from "../../src/model/hooks.js";
import { steeringLossAndGrad } from "../../src/model/loss.js";
import { loadModel, type Model } from "../../src/model/model.js";
import { runWithCache } from "../../src/model/run.js";
import { renderPromptResponse } from "../../src/tokenizer/chat.js";
import { loadTokenizer } from "../../src/tokenizer/tokenizer.js";
import { expectClose } from "./compare.js";
import { ARCHES, loadFixture, type Fixture, fixtureBatch } from "./fixture.js";

const HOOK_ATOL = 1e-4;
const GRAD_RTOL = 1e-3;

describe.each(ARCHES)("%s against transformers", (arch) => {
  let model: Model;
  let fx: Fixture;
  let live: () => number;
  let startCount: number;

  beforeAll(async () => {
    await initEngine("wasm");
    live = await liveBufferCounter();
    startCount = live();
    fx = loadFixture(arch);
    model = loadModel(fx.dir);
  });
  const worst: Record<string, number> = {};
  const note = (kind: string, d: number) => (worst[kind] = Math.max(worst[kind] ?? 0, d));
  afterAll(() => {
    console.log(`${arch}: max |diff| vs transformers ${JSON.stringify(worst)}`);
    model.dispose();
    // Parameters, compiled programs and their constants are all gone again.
    expect(live()).toBe(startCount);
  });

  it("derives the reference position ids from the attention mask", () => {
    const hb = fixtureBatch(fx, "");
    expect(Array.from(hb.positions)).toEqual(Array.from(fx.i32("position_ids").data));
  });

  it("gives transformers' logits and every hook activation on a left-padded batch", async () => {
    const hb = fixtureBatch(fx, "");
    const hooks = allHookNames(model.config.nLayers);
    const r = await runWithCache(model, hb, { capture: hooks });
    const { batch: b, seqLen: t } = hb;
    const valid = (row: number, pos: number) => hb.mask[row * t + pos] === 1;
    const perToken = (name: string, width: number) => (i: number) => {
      const bt = Math.floor(i / width);
      return valid(Math.floor(bt / t), bt % t);
    };
    const logits = fx.f32("logits");
    note(
      "logits",
      expectClose("logits", r.logits!.data, logits.data, {
        atol: HOOK_ATOL,
        where: perToken("logits", model.config.vocabSize),
      }),
    );
    for (const name of hooks) {
      const ref = fx.f32(name);
      const got = r.cache[name]!;
      expect(got.shape, name).toEqual(ref.shape);
      let where: (i: number) => boolean;
      if (name.endsWith("hook_pattern")) {
        const h = ref.shape[1]!;
        where = (i) => {
          const k = i % t;
          const q = Math.floor(i / t) % t;
          const row = Math.floor(i / (t * t * h));
          return valid(row, q) && valid(row, k);
        };
      } else {
        const width = ref.data.length / (b * t);
        where = perToken(name, width);
      }
      note("hooks", expectClose(name, got.data, ref.data, { atol: HOOK_ATOL, where }));
    }
  });

  it("gives transformers' steering loss and its gradient through the whole model", async () => {
    const hb = fixtureBatch(fx, "steer_");
    const responseMask = Uint8Array.from(fx.f32("steer_response_mask").data);
    const userMask = fx.f32("steer_user_mask").data;
    const vector = fx.f32("steer_vector").data;
    const { layer, scale } = fx.manifest.steer;
    const r = await steeringLossAndGrad(
      model,
      { batch: hb, responseMask },
      { layer, vector, positionMask: userMask, scale },
    );
    note("loss", Math.abs(r.loss - fx.f32("steer_loss").data[0]!));
    expectClose("steer_loss", [r.loss], fx.f32("steer_loss").data, { atol: HOOK_ATOL, rtol: 1e-5 });
    expectClose("steer_loss_per_example", r.perExample, fx.f32("steer_loss_per_example").data, {
      atol: HOOK_ATOL,
      rtol: 1e-5,
    });
    const g = fx.f32("steer_grad").data;
    const gmax = Math.max(...Array.from(g, Math.abs));
    note(
      "grad/max|grad|",
      expectClose("steer_grad", r.grad, g, { atol: GRAD_RTOL * gmax * 1e-2, rtol: GRAD_RTOL }) /
        gmax,
    );
    const zero = await steeringLossAndGrad(
      model,
      { batch: hb, responseMask },
      { layer, vector: new Float32Array(vector.length), positionMask: userMask },
    );
    expectClose("steer_loss_zero", [zero.loss], fx.f32("steer_loss_zero").data, {
      atol: HOOK_ATOL,
      rtol: 1e-5,
    });
    // Compiled on the first call above; a second call leaves the live count unchanged.
    const again = live();
    await steeringLossAndGrad(
      model,
      { batch: hb, responseMask },
      { layer, vector, positionMask: userMask, scale },
    );
    expect(live()).toBe(again);
  });

  it("renders the chat template to transformers' ids, user positions and response positions", async () => {
    const tok = await loadTokenizer(fx.dir);
    const ids = fx.i32("steer_input_ids");
    const t = ids.shape[1]!;
    const eot = fx.manifest.special_tokens.eot![0];
    fx.manifest.steer.examples.forEach((ex, row) => {
      expect(ex.response_text.endsWith(eot)).toBe(true);
      const content = ex.response_text.slice(0, -eot.length).trim();
      // The fixture renders Qwen3 with enable_thinking=False (the empty think block).
      const opts = arch === "qwen3" ? { enableThinking: false } : {};
      const r = renderPromptResponse(tok, ex.user_content, content, opts);
      expect(r.promptText).toBe(ex.prompt_text);
      expect(r.responseText).toBe(ex.response_text);
      const shift = (p: number) => p + ex.pad_len;
      expect(r.userPositions.map(shift)).toEqual(ex.user_positions);
      expect(r.responsePositions.map(shift)).toEqual(ex.response_positions);
      expect(r.ids).toEqual(Array.from(ids.data.subarray(row * t + ex.pad_len, (row + 1) * t)));
      // The user span decodes to the user's text (modulo the boundary rule: whitespace only).
      expect(tok.decode(r.userPositions.map((p) => r.ids[p]!)).trim()).toBe(ex.user_content);
    });
  });

  it.each([
    ["without steering", "gen_output_ids", "gen_logprobs", false],
    ["with steering on the prompt", "gen_steer_output_ids", "gen_steer_logprobs", true],
  ] as const)(
    "generates transformers' greedy tokens %s",
    async (_label, outName, lpName, steered) => {
      const hb = fixtureBatch(fx, "gen_");
      const { batch: b, seqLen: t } = hb;
      const prompts = Array.from({ length: b }, (_, i) =>
        Array.from(hb.ids.subarray(i * t + hb.pads[i]!, (i + 1) * t)),
      );
      const n = fx.manifest.generation.max_new_tokens;
      const steering = steered
        ? {
            layer: fx.manifest.steer.layer,
            vector: fx.f32("steer_vector").data,
            scale: fx.manifest.steer.scale,
          }
        : undefined;
      const g = await generate(model, prompts, {
        maxNewTokens: n,
        eosTokenIds: [],
        padTokenId: fx.manifest.generation.pad_token_id,
        ...(steering ? { steering } : {}),
      });
      const out = fx.i32(outName);
      const lp = fx.f32(lpName);
      const width = out.shape[1]!;
      for (let i = 0; i < b; i++) {
        expect(g.ids[i], `row ${i}`).toEqual(
          Array.from(out.data.subarray(i * width + width - n, (i + 1) * width)),
        );
        expectClose(`${lpName}[${i}]`, g.logprobs[i]!, lp.data.subarray(i * n, (i + 1) * n), {
          atol: HOOK_ATOL,
        });
      }
      const after = live();
      await generate(model, prompts, {
        maxNewTokens: n,
        eosTokenIds: [],
        padTokenId: fx.manifest.generation.pad_token_id,
        ...(steering ? { steering } : {}),
      });
      expect(live()).toBe(after);
    },
  );
});
