/**
 * Supervised MELBO (docs/methods.md §4): minimise L(δ) + λ‖δ‖₂ over the labelled benign prompts, with
 * δ added at blocks.ℓ.hook_resid_post on user positions only; Adam, no norm constraint. Several
 * vectors: each one's gradient and iterate are projected off the earlier vectors (an orthonormal
 * basis), so vector j is orthogonal to vectors 1..j−1.
 *
 * L is the token mean of the action's cross-entropy over the batch (steeringLossAndGrad), i.e.
 * METHODS' per-prompt CE divided by the action's length: λ is on that scale [choice].
 */
import { modelEngine, type ModelEngine } from "../model/engine-select.js";
import type { Model } from "../model/model.js";
import type { PreparedSteering } from "../model/loss.js";
import { mulberry32 } from "../random/seeded.js";
import { HostAdam } from "./adam.js";
import { actionSite, type LabelledBatch } from "./losses.js";
import { norm, OrthogonalBasis } from "./orthogonal.js";

export interface SupervisedMelboOptions {
  layer: number;
  lambda: number;
  steps: number;
  lr?: number;
  vectors?: number;
  seed: number;
  /** Norm of the random start (default 1e-2: not 0, where ‖δ‖₂ has no gradient). */
  initNorm?: number;
  onStep?: (vector: number, step: number, loss: number) => void;
  signal?: AbortSignal;
  /** Where the forwards and gradients run (default: jax-js). */
  engine?: ModelEngine;
}

export interface FoundVector {
  vector: Float32Array;
  /** Objective (L + penalty) per step. */
  losses: number[];
  /** L alone at the end. */
  finalLoss: number;
}

function randomStart(dim: number, scale: number, seed: number): Float32Array {
  const u = mulberry32(seed);
  const v = Float32Array.from({ length: dim }, () => u() * 2 - 1);
  const n = norm(v);
  return v.map((x) => (x / n) * scale);
}

export async function supervisedMelbo(
  model: Model,
  lb: LabelledBatch,
  o: SupervisedMelboOptions,
): Promise<FoundVector[]> {
  const d = model.config.dModel;
  const basis = new OrthogonalBasis(d);
  const out: FoundVector[] = [];
  // The layers before δ run once for every step and vector.
  const { tf, steering } = actionSite(lb, o.layer, new Float32Array(d));
  const site = await (o.engine ?? modelEngine(model, "jax")).prepareSteering(tf, steering);
  try {
    for (let j = 0; j < (o.vectors ?? 1); j++) out.push(await oneVector(site, basis, o, j, d));
  } finally {
    site.dispose();
  }
  return out;
}

/** Vector j: Adam on L + λ‖δ‖₂ from a random start, orthogonal to the basis; added to it. */
async function oneVector(
  site: PreparedSteering,
  basis: OrthogonalBasis,
  o: SupervisedMelboOptions,
  j: number,
  d: number,
): Promise<FoundVector> {
  let delta = basis.project(randomStart(d, o.initNorm ?? 1e-2, o.seed + 7919 * j));
  const adam = new HostAdam(d, { lr: o.lr ?? 1e-2 });
  const losses: number[] = [];
  let last = NaN;
  for (let s = 0; s < o.steps; s++) {
    if (o.signal?.aborted) break;
    const { loss, grad } = await site.lossAndGrad(delta);
    const n = norm(delta);
    const g = Float64Array.from(grad, (x, i) => x + (n > 0 ? (o.lambda * delta[i]!) / n : 0));
    adam.step(delta, basis.project(g));
    delta = basis.project(delta);
    last = loss;
    losses.push(loss + o.lambda * n);
    o.onStep?.(j, s, loss);
  }
  basis.add(delta);
  return { vector: delta, losses, finalLoss: last };
}
