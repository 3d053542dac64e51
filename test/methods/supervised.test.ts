/**
 * The supervised MELBO family and SAE-Attribution on the zoo's fruit-refusal organism (CPU):
 * labels sit only on the action's tokens and δ only on user positions; the action loss falls;
 * successive vectors are orthogonal; dL/dz matches finite differences; supervised SAE-MELBO lowers
 * its penalised objective and its soft-threshold zeroes latents exactly;
 * SAE-Attribution's mean gradient equals a per-prompt recomputation; bad input is rejected by name
 * before any work.
 */
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { loadChatModel, type ChatModel } from "../../src/model/text-generation.js";
import {
  actionLossAndGrad,
  labelledBatch,
  MethodInputError,
  type LabelledBatch,
} from "../../src/methods/losses.js";
import { dot, norm } from "../../src/methods/orthogonal.js";
import { supervisedMelbo } from "../../src/methods/supervised-melbo.js";
import { saeAttribution } from "../../src/methods/attribution.js";
import { decodeCode, encodeGradient, type SaeDecoder } from "../../src/sae/decoder-space.js";
import { supervisedSaeMelbo } from "../../src/methods/supervised-sae-melbo.js";
import { mulberry32 } from "../../src/random/seeded.js";

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

beforeAll(async () => {
  await initEngine("wasm");
  cm = await loadChatModel("fruit-refusal");
  lb = labelledBatch(cm.tokenizer, PROMPTS, ACTION, { padId: cm.padTokenId });
  const u = mulberry32(5);
  const m = 64;
  const d = cm.model.config.dModel;
  const rows = Float32Array.from({ length: m * d }, () => u() * 2 - 1);
  for (let i = 0; i < m; i++) {
    const n = norm(rows.subarray(i * d, (i + 1) * d));
    for (let j = 0; j < d; j++) rows[i * d + j]! /= n;
  }
  dec = { rows, dSae: m, dModel: d };
});
afterAll(() => cm.model.dispose());

describe("labelled batches", () => {
  it("labels the action's tokens (not the end of turn) and marks the user content", () => {
    const t = lb.batch.seqLen;
    const row = 1;
    const ids = Array.from(lb.batch.ids.subarray(row * t, (row + 1) * t));
    const labels = ids.filter((_, j) => lb.responseMask[row * t + j]);
    const user = ids.filter((_, j) => lb.userMask[row * t + j]);
    expect(cm.tokenizer.decode(labels)).toBe(ACTION);
    expect(cm.tokenizer.decode(user)).toBe(PROMPTS[row]);
  });

  it("rejects an empty action and a prompt with no user content by name", () => {
    expect(() => labelledBatch(cm.tokenizer, PROMPTS, "  ", { padId: 2 })).toThrow(
      MethodInputError,
    );
    expect(() => labelledBatch(cm.tokenizer, ["ok", ""], ACTION, { padId: 2 })).toThrow(
      /prompt 1 has no user content/,
    );
  });
});

describe("supervised MELBO", () => {
  it("lowers the action loss and keeps successive vectors orthogonal", async () => {
    const vs = await supervisedMelbo(cm.model, lb, {
      layer: 2,
      lambda: 0.01,
      steps: 12,
      lr: 0.05,
      vectors: 3,
      seed: 1,
    });
    const first = vs[0]!;
    expect(first.finalLoss).toBeLessThan(first.losses[0]! * 0.8);
    for (let a = 0; a < 3; a++) {
      for (let b = a + 1; b < 3; b++) {
        const cos = dot(vs[a]!.vector, vs[b]!.vector) / (norm(vs[a]!.vector) * norm(vs[b]!.vector));
        expect(Math.abs(cos)).toBeLessThan(1e-5);
      }
    }
  });
});

describe("supervised SAE-MELBO", () => {
  it("chains dL/dz = D̂ ∂L/∂δ, matching central finite differences", async () => {
    const u = mulberry32(9);
    const z = Float32Array.from({ length: dec.dSae }, () => (u() * 2 - 1) * 0.5);
    const { grad } = await actionLossAndGrad(cm.model, lb, 2, decodeCode(dec, z));
    const gz = encodeGradient(dec, grad);
    const h = 0.05;
    for (const i of [3, 17]) {
      const zp = Float32Array.from(z);
      const zm = Float32Array.from(z);
      zp[i]! += h;
      zm[i]! -= h;
      const lp = (await actionLossAndGrad(cm.model, lb, 2, decodeCode(dec, zp))).loss;
      const lm = (await actionLossAndGrad(cm.model, lb, 2, decodeCode(dec, zm))).loss;
      const fd = (lp - lm) / (2 * h);
      expect(Math.abs(fd - gz[i]!)).toBeLessThan(2e-2 * Math.max(1e-3, Math.abs(gz[i]!)) + 2e-4);
    }
  });

  it("lowers the penalised objective, zeroes latents exactly, keeps decoded vectors orthogonal", async () => {
    // λ relative to λ_max = ‖∂L/∂z‖∞ at the start (the audit's default 0.3), so the test does not
    // depend on the scale of this model's gradients: a fixed λ = 0.01 was above λ_max (0.0047) on
    // the rebuilt zoo and left nothing to optimise.
    const run = (lambdaScale: number, vectors: number) =>
      supervisedSaeMelbo(cm.model, lb, dec, {
        layer: 2,
        lambda: NaN,
        lambdaScale,
        steps: 12,
        vectors,
        seed: 2,
      });
    const l1 = (z: Float32Array) => z.reduce((s, x) => s + Math.abs(x), 0);
    const nonzeros = (z: Float32Array) => z.filter((x) => x !== 0).length;
    const withL1 = await run(0.3, 2);
    const first = withL1[0]!;
    // losses: L + λ‖z‖₁ of the current z after each step, never rising.
    for (let s = 1; s < first.losses.length; s++)
      expect(first.losses[s]!).toBeLessThanOrEqual(first.losses[s - 1]!);
    // Measured on the zoo's fruit-refusal: 0.443 → 0.342 in 12 steps, 15 of 64 random latents
    // nonzero (λ = 0.0014).
    expect(first.losses.at(-1)!).toBeLessThan(first.losses[0]! * 0.9);
    expect(first.losses.at(-1)!).toBeCloseTo(first.finalLoss + first.lambda * l1(first.z), 6);
    // finalLoss was evaluated at the returned z (its decoded vector).
    const atZ = await actionLossAndGrad(cm.model, lb, 2, first.vector);
    expect(atZ.loss).toBeCloseTo(first.finalLoss, 4);
    // The soft-threshold leaves exact zeros; without the penalty no coordinate is zeroed.
    const without = await run(0, 1);
    expect(nonzeros(first.z)).toBeLessThan(dec.dSae / 2);
    expect(nonzeros(without[0]!.z)).toBe(dec.dSae);
    expect(l1(first.z)).toBeLessThan(l1(without[0]!.z));
    const [a, b] = [withL1[0]!.vector, withL1[1]!.vector];
    expect(Math.abs(dot(a, b) / (norm(a) * norm(b)))).toBeLessThan(1e-5);
    expect(first.topLatents[0]!.z).toBeGreaterThanOrEqual(first.topLatents[1]!.z);
  });

  it("returns an all-zero code, and no error, when λ outweighs every gradient", async () => {
    const [f] = await supervisedSaeMelbo(cm.model, lb, dec, {
      layer: 2,
      lambda: 100,
      steps: 3,
      seed: 2,
    });
    expect(f!.z.every((x) => x === 0)).toBe(true);
    expect(f!.losses.at(-1)!).toBeLessThan(f!.losses[0]!);
    // λ relative to λ_max = ‖∂L/∂z‖∞ at the start: just above it, z = 0 is the minimiser too.
    const [g] = await supervisedSaeMelbo(cm.model, lb, dec, {
      layer: 2,
      lambda: NaN,
      lambdaScale: 1.001,
      steps: 3,
      seed: 2,
    });
    expect(g!.lambda).toBeGreaterThan(0);
    expect(g!.z.every((x) => x === 0)).toBe(true);
  });

  it("rejects a decoder whose width is not the model's d_model", async () => {
    const bad = { rows: new Float32Array(8 * 10), dSae: 8, dModel: 10 };
    await expect(
      supervisedSaeMelbo(cm.model, lb, bad, { layer: 2, lambda: 0, steps: 1, seed: 1 }),
    ).rejects.toThrow(/d_in 10 does not match the model's d_model 256/);
  });

  it("rejects a negative λ or lambdaScale and a non-positive lr by name, as a MethodInputError", async () => {
    const run = (o: { lambda: number; lambdaScale?: number; lr?: number }) =>
      supervisedSaeMelbo(cm.model, lb, dec, { layer: 2, steps: 1, seed: 1, ...o });
    await expect(run({ lambda: -1 })).rejects.toThrow(MethodInputError);
    await expect(run({ lambda: -1 })).rejects.toThrow(/lambda must be ≥ 0/);
    await expect(run({ lambda: 0, lambdaScale: -0.5 })).rejects.toThrow(/lambdaScale must be ≥ 0/);
    await expect(run({ lambda: 0, lr: 0 })).rejects.toThrow(/lr must be > 0/);
  });
});

describe("SAE-Attribution", () => {
  it("averages each prompt's user-position gradient and ranks latents by −⟨d̂, v̄⟩", async () => {
    const r = await saeAttribution(cm.model, lb, dec, 2);
    // Independent recomputation: one prompt at a time, a shared vector on its user positions
    // gives Σ_t ∂CE/∂h_t (scaled by that prompt's own token mean instead of the batch's).
    const d = cm.model.config.dModel;
    const t = lb.batch.seqLen;
    const manual = new Float64Array(d);
    for (let i = 0; i < PROMPTS.length; i++) {
      const one = labelledBatch(cm.tokenizer, [PROMPTS[i]!], ACTION, { padId: cm.padTokenId });
      const { grad } = await actionLossAndGrad(cm.model, one, 2, new Float32Array(d));
      const users = lb.userMask.subarray(i * t, (i + 1) * t).reduce((s, x) => s + x, 0);
      // The batch loss is the mean over all B·n action tokens, a single prompt's over its n:
      // the batch gradient is 1/B of the prompt's own.
      for (let k = 0; k < d; k++) manual[k]! += grad[k]! / PROMPTS.length / users / PROMPTS.length;
    }
    for (let k = 0; k < d; k += 17) {
      expect(Math.abs(r.meanGradient[k]! - manual[k]!)).toBeLessThan(
        1e-4 * Math.max(...manual.map(Math.abs)) + 1e-7,
      );
    }
    expect(r.ranking[0]!.score).toBeGreaterThanOrEqual(r.ranking[1]!.score);
    const top = r.ranking[0]!;
    const dot = encodeGradient(dec, r.meanGradient)[top.index]!;
    expect(top.score).toBeCloseTo(-dot, 6);
  });
});
