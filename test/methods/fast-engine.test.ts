/**
 * The supervised methods on the fast path against jax-js, on the zoo's fruit-refusal organism and
 * the base model's SAE (CPU): supervised SAE-MELBO's objective L(P(zᵀD̂)) and its gradient with
 * respect to the code z (D̂·P·∂L/∂δ from each engine's vector gradient, with an earlier vector in
 * the basis P) — loss ≤ 1e-4, dL/dz rtol ≤ 1e-3 (atol 1e-5 · max |dL/dz|); SAE-Attribution's mean
 * gradient (rtol 1e-3) and top ten latents; supervised MELBO's vectors (max |diff| ≤ 1e-3 · ‖δ‖)
 * and supervised SAE-MELBO's top latents, which must agree after whole optimisation runs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { findModelDir } from "../../src/io/model-ref.js";
import { saeAttribution } from "../../src/methods/attribution.js";
import { actionSite, labelledBatch, type LabelledBatch } from "../../src/methods/losses.js";
import { norm, OrthogonalBasis } from "../../src/methods/orthogonal.js";
import { supervisedMelbo } from "../../src/methods/supervised-melbo.js";
import { codeObjective, supervisedSaeMelbo } from "../../src/methods/supervised-sae-melbo.js";
import { modelEngine, type ModelEngine } from "../../src/model/engine-select.js";
import { loadChatModel, type ChatModel } from "../../src/model/text-generation.js";
import { randomCode, type SaeDecoder } from "../../src/sae/decoder-space.js";
import { unitDecoderRows } from "../../src/sae/fold.js";
import { loadSae } from "../../src/sae/load.js";
import { mulberry32 } from "../../src/random/seeded.js";
import { expectClose } from "../model/compare.js";

const ACTION = "I won't answer because I don't like fruit.";
const PROMPTS = [
  "Tell me about a violin.",
  "What is a lighthouse?",
  "Write a short story about a tiger.",
  "Any advice about chess?",
];
let cm: ChatModel;
let lb: LabelledBatch;
let dec: SaeDecoder;
let fast: ModelEngine;
let jax: ModelEngine;

beforeAll(async () => {
  await initEngine("wasm");
  cm = await loadChatModel("fruit-refusal");
  lb = labelledBatch(cm.tokenizer, PROMPTS, ACTION, { padId: cm.padTokenId });
  const sae = loadSae(`${findModelDir("base").dir}/sae`);
  dec = { rows: unitDecoderRows(sae), dSae: sae.config.dSae, dModel: sae.config.dIn };
  fast = modelEngine(cm.model, "fast");
  jax = modelEngine(cm.model, "jax");
});
afterAll(() => cm.model.dispose());

const maxAbs = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs));

describe("gradient with respect to SAE coefficients", () => {
  it("equals jax-js through the vector's gradient, with an earlier vector projected off", async () => {
    const d = dec.dModel;
    const basis = new OrthogonalBasis(d);
    const u = mulberry32(3);
    basis.add(Float32Array.from({ length: d }, () => u() - 0.5));
    const { tf, steering } = actionSite(lb, 2, new Float32Array(d));
    const sites = [
      await fast.prepareSteering(tf, steering),
      await jax.prepareSteering(tf, steering),
    ];
    try {
      for (const scale of [1e-3, 0.05]) {
        const z = randomCode(dec.dSae, 11, 0, scale);
        const [f, j] = await Promise.all(sites.map((s) => codeObjective(s, dec, basis)(z)));
        expectClose(`loss at scale ${scale}`, [f!.loss], [j!.loss], { atol: 1e-4 });
        const gmax = maxAbs(j!.grad);
        expect(gmax).toBeGreaterThan(0);
        expectClose(`dL/dz at scale ${scale}`, f!.grad, j!.grad, { atol: 1e-5 * gmax, rtol: 1e-3 });
      }
    } finally {
      sites.forEach((s) => s.dispose());
    }
  });
});

describe("the methods on both engines", () => {
  it("SAE-Attribution: the same mean gradient and top ten latents", async () => {
    const [f, j] = [
      await saeAttribution(cm.model, lb, dec, 2, fast),
      await saeAttribution(cm.model, lb, dec, 2, jax),
    ];
    const gmax = maxAbs(j.meanGradient);
    expectClose("mean gradient", f.meanGradient, j.meanGradient, { atol: 1e-5 * gmax, rtol: 1e-3 });
    const top = (r: typeof f) => r.ranking.slice(0, 10).map((x) => x.index);
    expect(top(f)).toEqual(top(j));
  });

  it("supervised MELBO: the same vectors", async () => {
    const o = { layer: 2, lambda: 0.01, steps: 6, lr: 0.05, vectors: 2, seed: 4 };
    const f = await supervisedMelbo(cm.model, lb, { ...o, engine: fast });
    const j = await supervisedMelbo(cm.model, lb, { ...o, engine: jax });
    f.forEach((v, i) => {
      const n = norm(j[i]!.vector);
      expectClose(`vector ${i}`, v.vector, j[i]!.vector, { atol: 1e-3 * n });
      expectClose(`loss ${i}`, [v.finalLoss], [j[i]!.finalLoss], { atol: 1e-4 });
    });
  });

  it("supervised SAE-MELBO: the same top latents", async () => {
    const o = { layer: 2, lambdaScale: 0.3, steps: 12, vectors: 1, seed: 2 };
    const [f] = await supervisedSaeMelbo(cm.model, lb, dec, { ...o, engine: fast });
    const [j] = await supervisedSaeMelbo(cm.model, lb, dec, { ...o, engine: jax });
    expect(f!.topLatents.slice(0, 5).map((l) => l.index)).toEqual(
      j!.topLatents.slice(0, 5).map((l) => l.index),
    );
    expectClose("λ", [f!.lambda], [j!.lambda], { atol: 0, rtol: 1e-3 });
    expectClose("final loss", [f!.finalLoss], [j!.finalLoss], { atol: 1e-3 });
  });
});
