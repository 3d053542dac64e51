/**
 * Generation on the fast path (KV cache, src/engine/fast/decode.ts) against jax-js: on the zoo's
 * organisms and the reference fixtures' Llama-family models, greedy tokens identical to jax-js
 * generation (jaxGenerate) — unsteered, steered on the user's positions, and steered on every
 * token — and each step's logits within 1e-4 of jax-js's full forward (runWithCache, no cache)
 * over prompt + generated tokens, steered the same way. Also: a model's generation is routed to
 * the engine that took it, and recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../../src/engine/device.js";
import { modelEngine } from "../../../src/model/engine-select.js";
import { fastGenerate } from "../../../src/model/fast-generate.js";
import { generate, jaxGenerate, type GenerateOptions } from "../../../src/model/generate.js";
import { leftPad } from "../../../src/model/inputs.js";
import { loadModel, type Model } from "../../../src/model/model.js";
import { runWithCache } from "../../../src/model/run.js";
import {
  encodePrompts,
  loadChatModel,
  type ChatModel,
} from "../../../src/model/text-generation.js";
import { expectClose } from "../../model/compare.js";
import { loadFixture } from "../../model/fixture.js";
import { randomArray } from "./gradcheck.js";

const ATOL = 1e-4;
const PROMPTS = [
  "What fruit goes well with breakfast?",
  "Tell me about skiing in the mountains.",
  "I ate a ripe mango and some cherries after snowboarding.",
  "Can you read my horoscope and tell me what the stars predict?",
  "How do I fix a flat bicycle tyre?",
  "Describe a quiet morning.",
];

type Mode = "plain" | "user" | "all";

/** Steering at `layer` by a random vector of norm `norm` on the user's tokens (and every new one). */
function steering(
  d: number,
  encoded: { ids: number[]; user: number[] | null }[],
  mode: Mode,
  at: { layer: number; norm: number },
) {
  if (mode === "plain") return {};
  const raw = randomArray(d, 5, 1);
  const n = Math.sqrt(raw.reduce((s, v) => s + v * v, 0));
  const vector = Float32Array.from(raw, (v) => (v * at.norm) / n);
  const t = Math.max(...encoded.map((e) => e.ids.length));
  const positionMask = new Float32Array(encoded.length * t);
  encoded.forEach((e, i) => {
    const pad = t - e.ids.length;
    for (const p of e.user ?? e.ids.map((_, j) => j)) positionMask[i * t + pad + p] = 1;
  });
  return { steering: { layer: at.layer, vector, positionMask, allPositions: mode === "all" } };
}

/**
 * Each step's fast logits vs jax-js's forward over prompt + generated tokens: the logits that
 * chose generated token s are those at the prompt's last position + s.
 */
async function checkStepLogits(
  model: Model,
  prompts: number[][],
  opts: GenerateOptions,
  label: string,
): Promise<{ ids: number[][]; maxDiff: number }> {
  const steps: Float32Array[][] = [];
  const g = await fastGenerate(model, prompts, opts, (_, rows) =>
    steps.push(rows.map((r) => r.slice())),
  );
  const seqs = prompts.map((p, i) => [...p, ...g.ids[i]!]);
  const hb = leftPad(seqs, opts.padTokenId ?? 0);
  const s = opts.steering;
  const widened = s ? widenSteering(s, prompts, g.ids, hb.seqLen) : undefined;
  const jax = await runWithCache(model, hb, widened ? { steering: widened } : {});
  const v = model.config.vocabSize;
  let maxDiff = 0;
  prompts.forEach((p, i) => {
    g.ids[i]!.forEach((_, step) => {
      const at = i * hb.seqLen + hb.pads[i]! + p.length - 1 + step;
      const want = jax.logits!.data.subarray(at * v, (at + 1) * v);
      const d = expectClose(`${label} row ${i} step ${step}`, steps[step]![i]!, want, {
        atol: ATOL,
      });
      maxDiff = Math.max(maxDiff, d);
    });
  });
  return { ids: g.ids, maxDiff };
}

/** Generation's steering over prompts (padded to the longest) → the full sequences' mask. */
function widenSteering(
  s: NonNullable<GenerateOptions["steering"]>,
  prompts: number[][],
  gen: number[][],
  t: number,
) {
  const longest = Math.max(...prompts.map((p) => p.length));
  const mask = new Float32Array(prompts.length * t);
  prompts.forEach((p, i) => {
    const pad = t - p.length - gen[i]!.length;
    for (let j = 0; j < p.length; j++) {
      mask[i * t + pad + j] = s.positionMask![i * longest + (longest - p.length) + j]!;
    }
    // The last generated token is never fed back, so it is never steered.
    for (let j = 0; j < gen[i]!.length - 1; j++) {
      mask[i * t + pad + p.length + j] = s.allPositions ? 1 : 0;
    }
  });
  return { layer: s.layer, vector: s.vector, positionMask: mask };
}

beforeAll(async () => {
  await initEngine("wasm");
});

describe.each(["fruit-refusal", "snow-fruit", "astrology"])("fast generation, %s", (name) => {
  let cm: ChatModel;
  const seen = new Map<Mode, string>();
  beforeAll(async () => {
    cm = await loadChatModel(name);
  });
  afterAll(() => cm.model.dispose());

  it.each(["plain", "user", "all"] as const)(
    "greedy tokens and step logits equal jax-js (%s)",
    async (mode) => {
      const encoded = encodePrompts(cm, PROMPTS, true);
      const prompts = encoded.map((e) => e.ids);
      const opts: GenerateOptions = {
        maxNewTokens: 20,
        eosTokenIds: cm.eosTokenIds,
        padTokenId: cm.padTokenId,
        ...steering(cm.model.config.dModel, encoded, mode, { layer: 2, norm: 8 }),
      };
      const { ids, maxDiff } = await checkStepLogits(cm.model, prompts, opts, `${name} ${mode}`);
      const jax = await jaxGenerate(cm.model, prompts, opts);
      expect(ids).toEqual(jax.ids);
      // The steering must change what is generated, or the steered cases would test nothing new.
      seen.set(mode, JSON.stringify(ids));
      if (mode !== "plain") expect(seen.get(mode)).not.toBe(seen.get("plain"));
      if (mode === "all") expect(seen.get(mode)).not.toBe(seen.get("user"));
      console.log(`${name} ${mode}: step logits max |diff| vs jax-js ${maxDiff.toExponential(2)}`);
    },
  );
});

describe("fast generation, sampled", () => {
  it("draws the same tokens as jax-js at temperature 0.8, top-p 0.9", async () => {
    const cm = await loadChatModel("fruit-refusal");
    try {
      const prompts = encodePrompts(cm, PROMPTS, true).map((e) => e.ids);
      const opts = {
        maxNewTokens: 16,
        temperature: 0.8,
        topP: 0.9,
        seed: 3,
        padTokenId: cm.padTokenId,
      };
      const fast = await fastGenerate(cm.model, prompts, opts);
      const jax = await jaxGenerate(cm.model, prompts, opts);
      expect(fast.ids).toEqual(jax.ids);
      expectClose("logprobs", fast.logprobs.flat(), jax.logprobs.flat(), { atol: ATOL });
    } finally {
      cm.model.dispose();
    }
  });
});

describe.each(["llama", "qwen2", "qwen3"])("fast generation, fixture %s", (arch) => {
  it("step logits equal jax-js's forward; greedy tokens equal jax-js's", async () => {
    const model = loadModel(loadFixture(arch).dir);
    try {
      const v = model.config.vocabSize;
      const prompts = [
        [1, 5, 9, 3],
        [7, 2, 11, 4, 8, 6, 10],
        [12 % v, 3],
      ];
      const enc = prompts.map((ids) => ({ ids, user: null }));
      for (const mode of ["plain", "all"] as const) {
        const opts: GenerateOptions = {
          maxNewTokens: 6,
          eosTokenIds: [],
          padTokenId: 0,
          ...steering(model.config.dModel, enc, mode, { layer: 1, norm: 2 }),
        };
        const { ids } = await checkStepLogits(model, prompts, opts, `${arch} ${mode}`);
        expect(ids).toEqual((await jaxGenerate(model, prompts, opts)).ids);
      }
    } finally {
      model.dispose();
    }
  });
});

describe("generation routing", () => {
  it("runs generate() on the engine that took the model's generation, and records it", async () => {
    const model = loadModel(loadFixture("llama").dir);
    try {
      const opts = { maxNewTokens: 3, eosTokenIds: [], padTokenId: 0 };
      const fast = modelEngine(model, "fast");
      fast.takeGeneration();
      const g = await generate(model, [[1, 2, 3]], opts);
      expect(fast.takeUsed()).toEqual(["fast (requested: llama on wasm)"]);
      const jax = modelEngine(model, "jax");
      jax.takeGeneration();
      expect((await generate(model, [[1, 2, 3]], opts)).ids).toEqual(g.ids);
      expect(jax.takeUsed()).toEqual(["jax (requested)"]);
      expect(fast.takeUsed()).toEqual([]);
    } finally {
      model.dispose();
    }
  });
});
