/**
 * The SAE methods with JumpReLU SAEs as published (SAELens jumprelu and GemmaScope params.npz,
 * written to a temp dir from one random SAE of the tiny Llama's d_model and loaded back), on
 * test/fixtures/models/llama: both layouts give the methods the same unit decoder rows as a
 * float64 normalisation of the written W_dec; SAE-Attribution's scores equal −⟨d̂_i, v̄⟩ in
 * float64; supervised SAE-MELBO's dL/dz matches central finite differences and its objective
 * falls; unsupervised SAE-MELBO keeps ‖δ‖ = R and raises its objective; and the gradient through
 * the JumpReLU encode/decode matches float64 finite differences of a jax-free computation.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { grad, jit, np } from "../../src/engine/jax.js";
import { saeAttribution } from "../../src/methods/attribution.js";
import { actionLossAndGrad, labelledBatch, type LabelledBatch } from "../../src/methods/losses.js";
import { dot, norm } from "../../src/methods/orthogonal.js";
import { promptBatch } from "../../src/methods/prompt-batch.js";
import { unsupervisedSaeMelbo } from "../../src/methods/sae-melbo.js";
import { decodeCode, encodeGradient, type SaeDecoder } from "../../src/sae/decoder-space.js";
import { supervisedSaeMelbo } from "../../src/methods/supervised-sae-melbo.js";
import { loadChatModel, type ChatModel } from "../../src/model/text-generation.js";
import { mulberry32 } from "../../src/random/seeded.js";
import {
  decode,
  encode,
  loadSae,
  saeToDevice,
  unitDecoderRows,
  writeSaelens,
  type Sae,
} from "../../src/sae/index.js";
import { randomSae, tempDir, writeGemmaScopeNpz } from "../sae/sae-helpers.js";

const MODEL = "test/fixtures/models/llama"; // d_model 64, 2 layers (its config.json)
const D = 64;
const M = 96;
/** Layer 0: at the last layer (1) a user position's residual no longer reaches the action's. */
const LAYER = 0;
const ACTION = "I will not say.";
const PROMPTS = ["Tell me about a violin.", "What is a lighthouse?", "Any advice about chess?"];

const tmp = tempDir();
let cm: ChatModel;
let lb: LabelledBatch;
/** The random SAE with per-latent thresholds in [0.05, 0.35) and rows of varied norm. */
let original: Sae;
let saes: Record<"saelens" | "gemmascope", Sae>;

beforeAll(async () => {
  await initEngine("wasm");
  cm = await loadChatModel(MODEL);
  lb = labelledBatch(cm.tokenizer, PROMPTS, ACTION, { padId: cm.padTokenId });
  original = randomSae({ dIn: D, dSae: M, architecture: "jumprelu" }, 11);
  const u = mulberry32(4);
  original.weights.threshold!.data.forEach((_, i, t) => (t[i] = 0.05 + 0.3 * u()));
  original.weights.wDec.data.forEach((v, i, w) => (w[i] = v * (0.5 + Math.floor(i / D) / M)));
  writeSaelens(join(tmp.dir, "saelens"), original);
  const npz = join(
    tmp.dir,
    "gemma-scope-2b-pt-res",
    `layer_${LAYER}`,
    "average_l0_9",
    "params.npz",
  );
  writeGemmaScopeNpz(npz, original);
  saes = { saelens: loadSae(join(tmp.dir, "saelens")), gemmascope: loadSae(npz) };
});
afterAll(() => {
  cm.model.dispose();
  tmp.cleanup();
});

const decoderOf = (sae: Sae): SaeDecoder => ({ rows: unitDecoderRows(sae), dSae: M, dModel: D });

/** Unit decoder rows of the written SAE, in float64 without jax-js or fold.ts. */
function float64Rows(): Float64Array {
  const w = original.weights.wDec.data;
  const out = new Float64Array(M * D);
  for (let i = 0; i < M; i++) {
    let ss = 0;
    for (let j = 0; j < D; j++) ss += w[i * D + j]! ** 2;
    for (let j = 0; j < D; j++) out[i * D + j] = w[i * D + j]! / Math.sqrt(ss);
  }
  return out;
}

describe("JumpReLU SAEs as published, through the methods", () => {
  it("both layouts load as the written JumpReLU SAE, with the same unit decoder rows", () => {
    expect(saes.gemmascope.config).toMatchObject({
      format: "gemmascope",
      hookName: `blocks.${LAYER}.hook_resid_post`,
      dIn: D,
      dSae: M,
    });
    const ref = float64Rows();
    for (const sae of Object.values(saes)) {
      expect(sae.config.architecture).toBe("jumprelu");
      expect(sae.weights.threshold).toEqual(original.weights.threshold);
      const rows = unitDecoderRows(sae);
      let worst = 0;
      for (let k = 0; k < rows.length; k++) worst = Math.max(worst, Math.abs(rows[k]! - ref[k]!));
      expect(worst).toBeLessThan(1e-6);
    }
  });

  it("SAE-Attribution scores each latent −⟨d̂_i, v̄⟩ (float64 check), the same in both layouts", async () => {
    const ref = float64Rows();
    const a = await saeAttribution(cm.model, lb, decoderOf(saes.gemmascope), LAYER);
    const b = await saeAttribution(cm.model, lb, decoderOf(saes.saelens), LAYER);
    const vbar = a.meanGradient;
    const scale = Math.max(...Array.from(vbar, Math.abs));
    for (const r of a.ranking) {
      let s = 0;
      for (let j = 0; j < D; j++) s -= ref[r.index * D + j]! * vbar[j]!;
      expect(Math.abs(r.score - s)).toBeLessThan(1e-5 * scale);
    }
    for (let k = 1; k < a.ranking.length; k++)
      expect(a.ranking[k - 1]!.score).toBeGreaterThanOrEqual(a.ranking[k]!.score);
    expect(b.ranking.map((r) => r.index)).toEqual(a.ranking.map((r) => r.index));
  });

  it("supervised SAE-MELBO through the GemmaScope decoder: dL/dz matches finite differences, the objective falls", async () => {
    const dec = decoderOf(saes.gemmascope);
    const u = mulberry32(9);
    const z = Float32Array.from({ length: M }, () => (u() * 2 - 1) * 0.5);
    const { grad: g } = await actionLossAndGrad(cm.model, lb, LAYER, decodeCode(dec, z));
    const gz = encodeGradient(dec, g);
    const h = 0.05;
    for (const i of [3, 40, 77]) {
      const at = async (s: number) => {
        const zz = Float32Array.from(z);
        zz[i]! += s * h;
        return (await actionLossAndGrad(cm.model, lb, LAYER, decodeCode(dec, zz))).loss;
      };
      const fd = ((await at(1)) - (await at(-1))) / (2 * h);
      expect(Math.abs(fd - gz[i]!)).toBeLessThan(2e-2 * Math.max(1e-3, Math.abs(gz[i]!)) + 2e-4);
    }
    const [found] = await supervisedSaeMelbo(cm.model, lb, dec, {
      layer: LAYER,
      lambda: NaN,
      lambdaScale: 0.3,
      steps: 8,
      seed: 2,
    });
    const losses = found!.losses;
    for (let s = 1; s < losses.length; s++) expect(losses[s]!).toBeLessThanOrEqual(losses[s - 1]!);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  });

  it("unsupervised SAE-MELBO through the SAELens jumprelu decoder keeps ‖δ‖ = R and raises its objective", async () => {
    const pb = promptBatch(cm.tokenizer, PROMPTS, { padId: cm.padTokenId });
    const R = 1.5;
    const out = await unsupervisedSaeMelbo(cm.model, pb, decoderOf(saes.saelens), {
      sourceLayer: 0,
      R,
      lambda: NaN,
      lambdaScale: 0.5,
      steps: 8,
      vectors: 2,
      seed: 2,
    });
    for (const c of out) expect(Math.abs(norm(c.vector) - R) / R).toBeLessThan(1e-5);
    expect(Math.abs(dot(out[0]!.vector, out[1]!.vector)) / (R * R)).toBeLessThan(1e-5);
    const losses = out[0]!.losses;
    for (let s = 1; s < losses.length; s++)
      expect(losses[s]!).toBeGreaterThanOrEqual(losses[s - 1]!);
    expect(losses.at(-1)!).toBeGreaterThan(losses[0]!);
  });

  it("the gradient of Σx̂ through the JumpReLU gate matches float64 finite differences away from the gates", async () => {
    const w = original.weights;
    const theta = w.threshold!.data;
    /** Σ_j x̂_j of one input row, float64, GemmaScope's computation written out. */
    const sumXhat = (x: Float64Array) => {
      let value = 0;
      let margin = Infinity;
      let active = 0;
      /** Latents relu would pass but the gate shuts (0 < pre ≤ θ). */
      let gated = 0;
      for (let j = 0; j < D; j++) value += w.bDec.data[j]!;
      for (let i = 0; i < M; i++) {
        let pre = w.bEnc.data[i]!;
        for (let k = 0; k < D; k++) pre += x[k]! * w.wEnc.data[k * M + i]!;
        margin = Math.min(margin, Math.abs(pre - theta[i]!));
        if (pre > 0 && pre <= theta[i]!) gated++;
        if (!(pre > theta[i]! && pre > 0)) continue;
        active++;
        for (let j = 0; j < D; j++) value += pre * w.wDec.data[i * D + j]!;
      }
      return { value, margin, active, gated };
    };
    // The first seeded input with no pre-activation within 5e-3 of its gate: a step of h moves a
    // pre-activation by at most h·max|W_enc| < 1e-4, so no finite-difference step flips a gate.
    const h = 1e-4;
    const inputOf = (seed: number) => {
      const u = mulberry32(seed);
      return Float32Array.from({ length: D }, () => (u() * 2 - 1) * 1.5);
    };
    let seed = 21;
    while (sumXhat(Float64Array.from(inputOf(seed))).margin <= 5e-3) seed++;
    const x = inputOf(seed);
    const x64 = Float64Array.from(x);
    const at = sumXhat(x64);
    expect(at.active).toBeGreaterThan(0);
    expect(at.gated).toBeGreaterThan(0);
    expect(h * Math.max(...Array.from(w.wEnc.data, Math.abs))).toBeLessThan(1e-4);
    const d = saeToDevice(saes.gemmascope);
    const g = jit(grad((xs: np.Array) => decode(d, encode(d, xs)).sum()));
    const got = (await g(np.array(x).reshape([1, D])).data()) as Float32Array;
    d.dispose();
    for (let k = 0; k < D; k++) {
      const p = Float64Array.from(x64);
      const m = Float64Array.from(x64);
      p[k]! += h;
      m[k]! -= h;
      const fd = (sumXhat(p).value - sumXhat(m).value) / (2 * h);
      expect(Math.abs(got[k]! - fd)).toBeLessThan(1e-4 * Math.max(1, Math.abs(fd)));
    }
  });
});
