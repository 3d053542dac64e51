/**
 * Unsupervised MELBO (docs/methods.md §2): learn δ ∈ R^D with ‖δ‖₂ = R that maximises the displacement
 * objective Σ_x ( Σ_{t∈T(x)} ‖h[ℓt]_t(x; δ) − h[ℓt]_t(x; 0)‖₂^p )^{1/q}, δ added at
 * blocks.ℓs.hook_resid_post on the user positions (src/methods/melbo-objective.ts).
 *
 * Each step, exactly as docs/methods.md §2: g = ∇objective projected off the earlier vectors; its radial
 * part removed (g −= (g·δ)δ/R²); an AdamW step on −objective (maximising); δ projected off the
 * earlier vectors; δ rescaled to norm R. The start is a seeded Gaussian direction, projected and
 * scaled to R. Several vectors: trained one after another, each orthogonal to the earlier ones.
 *
 * Shape legend: D d_model.
 */
import {
  displacementObjectiveAndGrad,
  prepareDisplacement,
  type PreparedDisplacement,
} from "./melbo-objective.js";
import type { Model } from "../model/model.js";
import { gaussian } from "../random/seeded.js";
import { HostAdam } from "./adam.js";
import { MethodInputError } from "./losses.js";
import { dot, norm, OrthogonalBasis } from "./orthogonal.js";
import type { PromptBatch } from "./prompt-batch.js";

export interface MelboOptions {
  sourceLayer: number;
  /** Default nLayers − 8, clamped to [sourceLayer + 1, nLayers − 1]. */
  targetLayer?: number;
  /** The fixed norm of δ. */
  R: number;
  p?: number;
  q?: number;
  steps: number;
  lr?: number;
  betas?: [number, number];
  amsgrad?: boolean;
  weightDecay?: number;
  vectors?: number;
  seed: number;
  /** After each step: the objective before it and the new iterate δ (read-only). */
  onStep?: (vector: number, step: number, objective: number, delta: Float32Array) => void;
  signal?: AbortSignal;
}

export interface MelboSettings {
  sourceLayer: number;
  targetLayer: number;
  R: number;
  p: number;
  q: number;
  steps: number;
  lr: number;
  betas: [number, number];
  amsgrad: boolean;
  weightDecay: number;
  seed: number;
  /** Position of the vector in the sequence (0 = first). */
  index: number;
}

export interface MelboVector {
  vector: Float32Array;
  /** The objective at the start of each step. */
  losses: number[];
  /** The objective at the final δ. */
  finalObjective: number;
  settings: MelboSettings;
}

const OPTION_KEYS = [
  "sourceLayer",
  "targetLayer",
  "R",
  "p",
  "q",
  "steps",
  "lr",
  "betas",
  "amsgrad",
  "weightDecay",
  "vectors",
  "seed",
  "onStep",
  "signal",
];

/** nLayers − 8, clamped to [sourceLayer + 1, nLayers − 1] (docs/methods.md §2). */
export function defaultTargetLayer(nLayers: number, sourceLayer: number): number {
  return Math.min(nLayers - 1, Math.max(sourceLayer + 1, nLayers - 8));
}

/** Checks the options shared by the unsupervised methods; returns the target layer. */
export function checkUnsupervised(
  model: Model,
  pb: PromptBatch,
  o: { sourceLayer: number; targetLayer?: number; R: number; steps?: number },
  keys: readonly string[],
): number {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) throw new MethodInputError(`unknown option "${k}"`);
  }
  const n = model.config.nLayers;
  const ls = o.sourceLayer;
  if (!Number.isInteger(ls) || ls < 0 || ls >= n - 1) {
    throw new MethodInputError(`source layer ${ls} must be an integer in [0, ${n - 1})`);
  }
  const lt = o.targetLayer ?? defaultTargetLayer(n, ls);
  if (!Number.isInteger(lt) || lt <= ls || lt >= n) {
    throw new MethodInputError(
      `target layer ${lt} must be above the source layer ${ls} and < ${n}`,
    );
  }
  if (!(o.R > 0) || !Number.isFinite(o.R)) {
    throw new MethodInputError(`R must be a positive number (got ${o.R})`);
  }
  if (o.steps !== undefined && (!Number.isInteger(o.steps) || o.steps < 0)) {
    throw new MethodInputError(`steps must be a non-negative integer (got ${o.steps})`);
  }
  const { batch: b, seqLen: t } = pb.batch;
  for (let i = 0; i < b; i++) {
    let users = 0;
    let targets = 0;
    for (let j = 0; j < t; j++) {
      users += pb.userMask[i * t + j]!;
      targets += pb.targetMask[i * t + j]!;
    }
    if (users === 0) throw new MethodInputError(`prompt ${i} has no user positions`);
    if (targets === 0) throw new MethodInputError(`prompt ${i} has no loss positions`);
  }
  return lt;
}

/** A seeded Gaussian direction, projected off `basis` and scaled to norm R. */
export function randomOnSphere(basis: OrthogonalBasis, r: number, seed: number): Float32Array {
  const g = gaussian(seed);
  const v = basis.project(Float64Array.from({ length: basis.dim }, () => g()));
  return scaleTo(v, r);
}

export function scaleTo(v: Float32Array, r: number): Float32Array {
  const n = norm(v);
  return v.map((x) => (x / n) * r);
}

export async function unsupervisedMelbo(
  model: Model,
  pb: PromptBatch,
  o: MelboOptions,
): Promise<MelboVector[]> {
  const lt = checkUnsupervised(model, pb, o, OPTION_KEYS);
  const d = model.config.dModel;
  const settings = {
    sourceLayer: o.sourceLayer,
    targetLayer: lt,
    R: o.R,
    p: o.p ?? 2,
    q: o.q ?? 1,
    steps: o.steps,
    lr: o.lr ?? 1e-3,
    betas: o.betas ?? [0.9, 0.98],
    amsgrad: o.amsgrad ?? true,
    weightDecay: o.weightDecay ?? 0,
    seed: o.seed,
  } satisfies Omit<MelboSettings, "index">;
  const prep = prepareDisplacement(
    model,
    { batch: pb.batch, steerMask: pb.userMask, targetMask: pb.targetMask },
    { sourceLayer: o.sourceLayer, targetLayer: lt, p: settings.p, q: settings.q },
  );
  try {
    const basis = new OrthogonalBasis(d);
    const out: MelboVector[] = [];
    for (let j = 0; j < (o.vectors ?? 1); j++) {
      if (o.signal?.aborted) break;
      const r = await trainOne(model, prep, basis, settings, j, o);
      basis.add(r.vector);
      out.push(r);
    }
    return out;
  } finally {
    prep.dispose();
  }
}

async function trainOne(
  model: Model,
  prep: PreparedDisplacement,
  basis: OrthogonalBasis,
  s: Omit<MelboSettings, "index">,
  j: number,
  o: MelboOptions,
): Promise<MelboVector> {
  const r2 = s.R * s.R;
  let delta = randomOnSphere(basis, s.R, s.seed + 7919 * j);
  const adam = new HostAdam(delta.length, {
    lr: s.lr,
    beta1: s.betas[0],
    beta2: s.betas[1],
    amsgrad: s.amsgrad,
    weightDecay: s.weightDecay,
  });
  const losses: number[] = [];
  for (let step = 0; step < s.steps; step++) {
    if (o.signal?.aborted) break;
    const { objective, grad } = await displacementObjectiveAndGrad(model, prep, delta);
    const g = Float64Array.from(basis.project(grad));
    const radial = dot(g, delta) / r2;
    // Descent direction of −objective: Adam minimises.
    const descent = g.map((x, i) => -(x - radial * delta[i]!));
    adam.step(delta, descent);
    delta = scaleTo(basis.project(delta), s.R);
    losses.push(objective);
    o.onStep?.(j, step, objective, delta);
  }
  const final = await displacementObjectiveAndGrad(model, prep, delta);
  return {
    vector: delta,
    losses,
    finalObjective: final.objective,
    settings: { ...s, index: j },
  };
}
