/**
 * Unsupervised SAE-MELBO (docs/methods.md §3): δ lives in the SAE's decoder span. With D̂ the decoder
 * rows of unit norm and P the projector off the earlier vectors:
 *
 *   δ(z) = P(zᵀD̂),   maximise  F(z) = objective(δ(z)) − λ‖z‖₁   over the codes with ‖δ(z)‖ = R.
 *
 * The constraint is kept on z itself, so λ trades sparsity against the objective among the codes
 * that give a vector of norm R. (Normalising instead, δ = R·u/‖u‖, makes the objective blind to
 * the scale of z: −λ‖z‖₁ then only shrinks z towards 0 without changing δ, and says nothing about
 * sparsity. This was the earlier form here, stepped by Adam on the subgradient λ·sign(z).)
 *
 * Projected proximal gradient ascent. From an accepted z with g = ∂objective/∂z = D̂ P ∂objective/∂δ:
 *   y = soft(z + η·g, η·λ)   (soft(x, t) = sign(x)·max(|x| − t, 0): exact zeros)
 *   y ← y·R/‖P(yᵀD̂)‖        (back onto the constraint; zeros stay zeros)
 * accepted when F(y) ≥ F(z) (then η grows ×1.25), else η halves and y is recomputed from z with
 * its kept gradient: one evaluation per step, and F of the accepted iterate never falls. It stops
 * early once a candidate moves no coordinate by more than 1e-6·‖z‖∞ (converged). The first
 * η moves z by `lr`·‖z‖₂ (a relative step, free of the objective's scale); λ is absolute, or
 * `lambdaScale`·‖g(z₀)‖∞ when that is given. z starts small and random (never 0), rescaled onto the
 * constraint. Read off the latents with the largest z_i.
 *
 * Shape legend: D d_model, M d_sae.
 */
import {
  displacementObjective,
  displacementObjectiveAndGrad,
  prepareDisplacement,
} from "../model/displacement.js";
import type { Model } from "../model/model.js";
import { MethodInputError } from "./losses.js";
import { checkUnsupervised } from "./melbo.js";
import { norm, OrthogonalBasis } from "./orthogonal.js";
import type { PromptBatch } from "./prompt-batch.js";
import {
  GROW,
  l1Norm,
  proxOptionsProblem,
  resolveLambda,
  SHRINK,
  softThreshold,
} from "./proximal.js";
import {
  decodeCode,
  encodeGradient,
  randomCode,
  topLatentsByZ,
  type SaeDecoder,
} from "./supervised-sae-melbo.js";

export interface SaeMelboOptions {
  sourceLayer: number;
  targetLayer?: number;
  R: number;
  /** The L1 weight (ignored when lambdaScale is given). */
  lambda: number;
  /** λ as a fraction of ‖∂objective/∂z‖∞ at the start, per vector. */
  lambdaScale?: number;
  p?: number;
  q?: number;
  /** Evaluations of the objective, accepted or not (at most: it stops once converged). */
  steps: number;
  /** The first step's length relative to ‖z‖₂ (default 0.1); adapted by backtracking. */
  lr?: number;
  vectors?: number;
  seed: number;
  /** Scale of the random start of z (default 1e-3). */
  initScale?: number;
  onStep?: (vector: number, step: number, value: number) => void;
  signal?: AbortSignal;
}

export interface SaeMelboCode {
  z: Float32Array;
  /** δ(z) = P(zᵀD̂), of norm R. */
  vector: Float32Array;
  /** objective − λ‖z‖₁ of the accepted iterate after each step (non-decreasing). */
  losses: number[];
  /** The λ used (resolved from lambdaScale when that was given). */
  lambda: number;
  /** The objective alone at the final z. */
  finalObjective: number;
  /** Latents by z, largest first (20). */
  topLatents: { index: number; z: number }[];
  settings: Record<string, number | boolean | number[]>;
}

const OPTION_KEYS = [
  "sourceLayer",
  "targetLayer",
  "R",
  "lambda",
  "lambdaScale",
  "p",
  "q",
  "steps",
  "lr",
  "vectors",
  "seed",
  "initScale",
  "onStep",
  "signal",
];

/** δ(z) = P(zᵀD̂) and the map from ∂/∂δ to ∂/∂z, D̂ P (linear: no normalisation). */
export function saeDirection(
  dec: SaeDecoder,
  basis: OrthogonalBasis,
  z: ArrayLike<number>,
): { delta: Float32Array; pullback: (g: ArrayLike<number>) => Float64Array } {
  const delta = basis.project(decodeCode(dec, z));
  return { delta, pullback: (g) => encodeGradient(dec, basis.project(Float64Array.from(g))) };
}

/** z rescaled so that ‖P(zᵀD̂)‖ = R, or null when P(zᵀD̂) ≈ 0 (no direction to scale). */
export function onSphere(
  dec: SaeDecoder,
  basis: OrthogonalBasis,
  z: Float32Array,
  r: number,
): Float32Array | null {
  const u = decodeCode(dec, z);
  const n = norm(basis.project(u));
  // Relative: a code in the span of earlier vectors leaves rounding residue, not a direction.
  if (!(n > 1e-6 * norm(u)) || !Number.isFinite(n)) return null;
  return Float32Array.from(z, (x) => (x * r) / n);
}

/** The first step's length relative to ‖z‖₂. */
const DEFAULT_LR = 0.1;

export async function unsupervisedSaeMelbo(
  model: Model,
  pb: PromptBatch,
  dec: SaeDecoder,
  o: SaeMelboOptions,
): Promise<SaeMelboCode[]> {
  const lt = checkUnsupervised(model, pb, o, OPTION_KEYS);
  if (dec.dModel !== model.config.dModel) {
    throw new MethodInputError(
      `SAE d_in ${dec.dModel} does not match the model's d_model ${model.config.dModel}`,
    );
  }
  const problem = proxOptionsProblem({
    lambda: o.lambda,
    lambdaScale: o.lambdaScale,
    lr: o.lr ?? DEFAULT_LR,
  });
  if (problem) throw new MethodInputError(problem);
  const s = runSettings(o, lt);
  const prep = prepareDisplacement(
    model,
    { batch: pb.batch, steerMask: pb.userMask, targetMask: pb.targetMask },
    { sourceLayer: o.sourceLayer, targetLayer: lt, p: s.p, q: s.q },
  );
  try {
    const basis = new OrthogonalBasis(dec.dModel);
    const out: SaeMelboCode[] = [];
    for (let j = 0; j < (o.vectors ?? 1); j++) {
      if (o.signal?.aborted) break;
      out.push(await ascendVector(model, prep, dec, basis, s, o, j));
    }
    return out;
  } finally {
    prep.dispose();
  }
}

/** The run's settings with defaults filled in (recorded with every vector). */
function runSettings(o: SaeMelboOptions, lt: number) {
  return {
    sourceLayer: o.sourceLayer,
    targetLayer: lt,
    R: o.R,
    p: o.p ?? 2,
    q: o.q ?? 1,
    steps: o.steps,
    lr: o.lr ?? DEFAULT_LR,
    seed: o.seed,
    initScale: o.initScale ?? 1e-3,
    ...(o.lambdaScale !== undefined ? { lambdaScale: o.lambdaScale } : {}),
  };
}

/** Vector j: proximal ascent of z from a random start, then δ(z) added to the basis. */
async function ascendVector(
  model: Model,
  prep: ReturnType<typeof prepareDisplacement>,
  dec: SaeDecoder,
  basis: OrthogonalBasis,
  s: ReturnType<typeof runSettings>,
  o: SaeMelboOptions,
  j: number,
): Promise<SaeMelboCode> {
  let z = onSphere(dec, basis, randomCode(dec.dSae, s.seed, j, s.initScale), s.R);
  if (!z) throw new MethodInputError("the random start zᵀD̂ lies in the span of earlier vectors");
  let cand: Float32Array = z;
  let lambda = o.lambdaScale !== undefined ? NaN : o.lambda;
  let objective = NaN;
  let value = -Infinity;
  let grad: ArrayLike<number> = new Float64Array(dec.dSae);
  let eta = NaN;
  const losses: number[] = [];
  for (let step = 0; step < s.steps; step++) {
    if (o.signal?.aborted) break;
    const { delta, pullback } = saeDirection(dec, basis, cand);
    const r = await displacementObjectiveAndGrad(model, prep, delta);
    const g = pullback(r.grad);
    if (step === 0) {
      lambda = resolveLambda(o, g);
      eta = (s.lr * norm(cand)) / Math.max(norm(g), 1e-30);
    }
    const candValue = r.objective - lambda * l1Norm(cand);
    const accepted = step === 0 || candValue >= value;
    if (accepted) {
      z = cand;
      objective = r.objective;
      value = candValue;
      grad = g;
      if (step > 0) eta *= GROW;
    } else eta *= SHRINK;
    losses.push(value);
    o.onStep?.(j, step, value);
    const proposal = nextCandidate(dec, basis, z, grad, eta, lambda, s.R);
    eta = proposal.eta;
    const next = proposal.next;
    if (!next) break;
    if (converged(next, z)) break;
    cand = next;
  }
  const { delta } = saeDirection(dec, basis, z);
  // No step ran (steps 0, or aborted at once): the objective of the start, measured.
  if (losses.length === 0) objective = (await displacementObjective(model, prep, delta)).objective;
  basis.add(delta);
  return {
    z,
    vector: delta,
    losses,
    lambda,
    finalObjective: objective,
    topLatents: topLatentsByZ(z),
    settings: { ...s, lambda, index: j },
  };
}

/** The next candidate from the accepted z (shrinking η until it has a direction; null after 60
 *  tries), with the η it used. */
function nextCandidate(
  dec: SaeDecoder,
  basis: OrthogonalBasis,
  z: Float32Array,
  grad: ArrayLike<number>,
  eta: number,
  lambda: number,
  r: number,
): { next: Float32Array | null; eta: number } {
  let next: Float32Array | null = null;
  for (let tries = 0; tries < 60 && !next; tries++) {
    const y = Float32Array.from(z, (x, i) => softThreshold(x + eta * grad[i]!, eta * lambda));
    next = onSphere(dec, basis, y, r);
    if (!next) eta *= SHRINK;
  }
  return { next, eta };
}

/** Converged: the step no longer moves z (backtracking has shrunk η to nothing). */
function converged(next: Float32Array, z: Float32Array): boolean {
  let moved = 0;
  let size = 0;
  for (let i = 0; i < next.length; i++) {
    moved = Math.max(moved, Math.abs(next[i]! - z[i]!));
    size = Math.max(size, Math.abs(z[i]!));
  }
  return moved <= 1e-6 * size;
}
