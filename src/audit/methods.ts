/**
 * Runs one trigger-reconstruction method for an audit and returns what the report keeps: for
 * SAE-Attribution the latent ranking (per iteration), for the MELBO family each vector with its
 * loss curve, settings and its top latents (by cosine with the unit decoder rows; SAE-space methods
 * by z). Every setting is recorded beside the result.
 *
 * Shape legend: D d_model, M d_sae.
 */
import type { Model } from "../model/model.js";
import type { Tokenizer } from "../tokenizer/tokenizer.js";
import { saeAttribution } from "../methods/attribution.js";
import { labelledBatch } from "../methods/losses.js";
import { norm } from "../methods/orthogonal.js";
import { supervisedMelbo } from "../methods/supervised-melbo.js";
import { supervisedSaeMelbo } from "../methods/supervised-sae-melbo.js";
import type { SaeDecoder } from "../sae/decoder-space.js";
import { calibrateR } from "../methods/calibrate.js";
import { unsupervisedMelbo } from "../methods/melbo.js";
import { promptBatch } from "../methods/prompt-batch.js";
import { unsupervisedSaeMelbo } from "../methods/sae-melbo.js";
import type { MethodName } from "./inputs.js";
import type { WeightDiffRun } from "./weight-diff-stage.js";

/** A method's hyper-parameters (recorded in the report). */
export type MethodSettings = Record<string, number | string | boolean>;

export const DEFAULT_SETTINGS: Record<MethodName, MethodSettings> = {
  "sae-attribution": { iterations: 2 },
  // Proximal gradient (soft-threshold) with backtracking: lr is the initial step in z per unit
  // gradient; steps are at most this many (it stops once z no longer moves, tol). λ is 0.3 of
  // λ_max (the λ at which z = 0 is optimal): chosen, without looking at any trigger, as the value
  // that leaves about as many nonzero latents as are read off (18 on snow-fruit; 0.1 left 194).
  // `lambda` instead of `lambdaScale` sets λ itself.
  "supervised-sae-melbo": {
    steps: 30,
    lr: 300,
    lambdaScale: 0.3,
    vectors: 1,
    initScale: 1e-3,
    tol: 1e-4,
  },
  "supervised-melbo": { steps: 40, lr: 0.05, lambda: 0.01, vectors: 2 },
  // Projected proximal ascent (sae-melbo.ts): lr is the first step relative to ‖z‖₂; λ is 2 of
  // ‖∂objective/∂z‖∞ at the start. On snow-fruit (not looking at which latents came up): 0.3 left
  // 1,814 of 2,048 latents nonzero, 1 left 988, 2 left 171 (and 1 on vector 1), 3 left one.
  "sae-melbo": {
    steps: 60,
    lr: 0.1,
    lambdaScale: 2,
    vectors: 2,
    targetLayerOffset: 2,
    R: "calibrate",
  },
  melbo: { steps: 60, lr: 0.01, vectors: 2, targetLayerOffset: 2, R: "calibrate" },
  // weight-diff-stage.ts checks these (WeightDiffSettings): every singular direction of a rank-8
  // adapter (directions ≥ rank keeps all), the input norm folded in, candidates from the read
  // side, the benign prompts of the top 4 read directions listed.
  "weight-diff": { directions: 64, foldNorm: true, candidateSide: "read", promptDirections: 4 },
};

export interface VectorRun {
  /** Steering vector δ [D] (decoded for SAE-space methods). */
  vector: number[];
  /** SAE code z [M] for SAE-space methods (only its non-negligible entries are reported). */
  z?: number[];
  losses: number[];
  finalLoss: number;
  norm: number;
  /** The L1 weight used (the SAE-MELBO methods, where it may be resolved from lambdaScale). */
  lambda?: number;
}

export interface MethodRun {
  method: MethodName;
  settings: MethodSettings;
  seconds: number;
  /** SAE-Attribution: per iteration, latents by score and the words added to the prompts. */
  attribution?: {
    addedConcept: string | null;
    loss: number;
    ranking: { index: number; score: number; cosine: number }[];
  }[];
  vectors?: VectorRun[];
  /** weight-diff: the adapter's directions read as latents (weight-diff-stage.ts). */
  weightDiff?: WeightDiffRun;
}

export interface MethodContext {
  model: Model;
  tokenizer: Tokenizer;
  padId: number;
  decoder: SaeDecoder;
  prompts: string[];
  response: string;
  layer: number;
  seed: number;
  onStep?: (vector: number, step: number, loss: number) => void;
  signal?: AbortSignal;
}

const num = (s: MethodSettings, k: string): number => Number(s[k]);

/** λ for the SAE-MELBO methods: `lambda` when set, else `lambdaScale` (relative to the gradient). */
function lambdaOptions(settings: MethodSettings): { lambda: number; lambdaScale?: number } {
  const relative = settings.lambda === undefined && settings.lambdaScale !== undefined;
  return {
    lambda: num(settings, "lambda"),
    ...(relative ? { lambdaScale: num(settings, "lambdaScale") } : {}),
  };
}

/** The optimisation-loop options every MELBO-family method takes. */
function loopOptions(ctx: MethodContext, settings: MethodSettings) {
  return {
    steps: num(settings, "steps"),
    lr: num(settings, "lr"),
    vectors: num(settings, "vectors"),
    seed: ctx.seed,
    ...(ctx.onStep ? { onStep: ctx.onStep } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  };
}

/** A found vector as the report keeps it (z only for SAE-space methods). */
function vectorRun(
  f: { vector: Float32Array; losses: number[]; z?: Float32Array; lambda?: number },
  finalLoss: number,
): VectorRun {
  return {
    vector: Array.from(f.vector),
    ...(f.z ? { z: Array.from(f.z) } : {}),
    ...(f.lambda !== undefined ? { lambda: f.lambda } : {}),
    losses: f.losses,
    finalLoss,
    norm: norm(f.vector),
  };
}

/** SAE-Attribution on the given prompts (one backward pass), the top `keep` latents. */
export async function runAttribution(
  ctx: MethodContext,
  prompts: string[],
  keep = 50,
): Promise<{ loss: number; ranking: { index: number; score: number; cosine: number }[] }> {
  const lb = labelledBatch(ctx.tokenizer, prompts, ctx.response, { padId: ctx.padId });
  const r = await saeAttribution(ctx.model, lb, ctx.decoder, ctx.layer);
  return { loss: r.loss, ranking: r.ranking.slice(0, keep) };
}

/** The supervised MELBO family (vectors, loss curves). */
export async function runSupervised(
  method: "supervised-sae-melbo" | "supervised-melbo",
  ctx: MethodContext,
  settings: MethodSettings,
): Promise<VectorRun[]> {
  const lb = labelledBatch(ctx.tokenizer, ctx.prompts, ctx.response, { padId: ctx.padId });
  const common = {
    ...loopOptions(ctx, settings),
    layer: ctx.layer,
    lambda: num(settings, "lambda"),
  };
  if (method === "supervised-sae-melbo") {
    const found = await supervisedSaeMelbo(ctx.model, lb, ctx.decoder, {
      ...common,
      ...lambdaOptions(settings),
      initScale: num(settings, "initScale"),
      ...(settings.tol !== undefined ? { tol: num(settings, "tol") } : {}),
    });
    return found.map((f) => vectorRun(f, f.finalLoss));
  }
  const found = await supervisedMelbo(ctx.model, lb, common);
  return found.map((f) => vectorRun(f, f.finalLoss));
}

/** Unsupervised MELBO / SAE-MELBO: R calibrated unless set; target layer from the offset. */
export async function runUnsupervised(
  method: "melbo" | "sae-melbo",
  ctx: MethodContext,
  settings: MethodSettings,
): Promise<{ vectors: VectorRun[]; settings: MethodSettings }> {
  const nLayers = ctx.model.config.nLayers;
  const targetLayer = Math.min(nLayers - 1, ctx.layer + num(settings, "targetLayerOffset"));
  if (targetLayer <= ctx.layer)
    throw new Error(
      `${method}: no layer after the source layer ${ctx.layer} to compare at (the model has ${nLayers})`,
    );
  const pb = promptBatch(ctx.tokenizer, ctx.prompts, { padId: ctx.padId });
  let R = settings.R === undefined || settings.R === "calibrate" ? NaN : num(settings, "R");
  const recorded: MethodSettings = { ...settings, targetLayer };
  if (Number.isNaN(R)) {
    const cal = await calibrateR(ctx.model, pb, {
      sourceLayer: ctx.layer,
      targetLayer,
      seed: ctx.seed,
    });
    R = cal.R;
    recorded.R = R;
    recorded.calibratedRatio = cal.ratioAtR;
  }
  const common = { ...loopOptions(ctx, settings), sourceLayer: ctx.layer, targetLayer, R };
  if (method === "sae-melbo") {
    const found = await unsupervisedSaeMelbo(ctx.model, pb, ctx.decoder, {
      ...common,
      ...lambdaOptions(settings),
    });
    return {
      settings: recorded,
      vectors: found.map((f) => vectorRun(f, f.finalObjective)),
    };
  }
  const found = await unsupervisedMelbo(ctx.model, pb, common);
  return {
    settings: recorded,
    vectors: found.map((f) => vectorRun(f, f.finalObjective)),
  };
}
