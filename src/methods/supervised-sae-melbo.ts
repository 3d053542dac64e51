/**
 * Supervised SAE-MELBO (docs/methods.md §5): δ = P(zᵀD̂), minimise L(δ) + λ‖z‖₁ over z ∈ R^{d_sae},
 * where D̂ is the SAE decoder with unit rows and P projects off the earlier vectors' decoded δs
 * (so each new decoded vector is orthogonal to the earlier ones). dL/dz = D̂ P ∂L/∂δ. The objective
 * is minimised by proximal gradient descent with backtracking (proximal.ts): a gradient step on L,
 * then soft-thresholding for the L1 term, so z is sparse with exact zeros and the penalised objective
 * of the returned z never exceeds the start's. (Adam on the subgradient λ·sign(z) moved all M
 * coordinates by ~lr per step and made ‖z‖₁ grow: the objective ended above its start.) z starts
 * small and random (the same start as unsupervised SAE-MELBO). Read off the latents with the
 * largest z_i.
 *
 * Shape legend: D d_model, M d_sae.
 */
import { modelEngine, type ModelEngine } from "../model/engine-select.js";
import type { PreparedSteering } from "../model/loss.js";
import type { Model } from "../model/model.js";
import {
  decodeCode,
  encodeGradient,
  randomCode,
  topLatentsByZ,
  type SaeDecoder,
} from "../sae/decoder-space.js";
import { actionSite, MethodInputError, type LabelledBatch } from "./losses.js";
import { norm, OrthogonalBasis } from "./orthogonal.js";
import { proxGradL1, proxOptionsProblem } from "./proximal.js";

export interface SupervisedSaeMelboOptions {
  layer: number;
  /** The L1 weight: required unless lambdaScale is given, which replaces it. */
  lambda?: number;
  /** λ as a fraction of λ_max = ‖∂L/∂z‖∞ at the start, per vector (proximal.ts). */
  lambdaScale?: number;
  /** Evaluations of L (one forward+backward each) per vector, at most. */
  steps: number;
  /** Initial proximal-gradient step size, z per unit gradient (default 300; adapted by backtracking). */
  lr?: number;
  /** Stop a vector early once z or the objective stops moving, relative to tol (default 1e-4). */
  tol?: number;
  vectors?: number;
  seed: number;
  /** Scale of the random start of z (default 1e-3). */
  initScale?: number;
  /** After each step: the current (accepted) z's loss L, without the penalty. */
  onStep?: (vector: number, step: number, loss: number) => void;
  signal?: AbortSignal;
  /** Where the forwards and gradients run (default: jax-js). */
  engine?: ModelEngine;
}

/** The default initial step size (z per unit gradient of the mean action cross-entropy). */
export const DEFAULT_SAE_MELBO_LR = 300;

export interface FoundCode {
  z: Float32Array;
  /** The decoded (and orthogonalised) steering vector. */
  vector: Float32Array;
  /** The penalised objective L + λ‖z‖₁ of the current z after each step (non-increasing). */
  losses: number[];
  /** L at the returned z (without the penalty). */
  finalLoss: number;
  /** The λ used for this vector. */
  lambda: number;
  /** Latents by z, largest first. */
  topLatents: { index: number; z: number }[];
}

/**
 * L(P(zᵀD̂)) and dL/dz = D̂ P ∂L/∂δ on a prepared steering site: the gradient with respect to the
 * SAE code, through the vector's gradient from whichever engine prepared the site.
 */
export function codeObjective(site: PreparedSteering, dec: SaeDecoder, basis: OrthogonalBasis) {
  return async (z: Float32Array) => {
    const { loss, grad } = await site.lossAndGrad(basis.project(decodeCode(dec, z)));
    return { loss, grad: encodeGradient(dec, basis.project(grad)) };
  };
}

export async function supervisedSaeMelbo(
  model: Model,
  lb: LabelledBatch,
  dec: SaeDecoder,
  o: SupervisedSaeMelboOptions,
): Promise<FoundCode[]> {
  if (dec.dModel !== model.config.dModel) {
    throw new MethodInputError(
      `SAE d_in ${dec.dModel} does not match the model's d_model ${model.config.dModel}`,
    );
  }
  const lr = o.lr ?? DEFAULT_SAE_MELBO_LR;
  const problem = proxOptionsProblem({ lambda: o.lambda, lambdaScale: o.lambdaScale, lr });
  if (problem) throw new MethodInputError(problem);
  const basis = new OrthogonalBasis(dec.dModel);
  const out: FoundCode[] = [];
  // actionLossAndGrad's objective, with the layers before δ run once for every step and vector.
  const { tf, steering } = actionSite(lb, o.layer, new Float32Array(dec.dModel));
  const site = await (o.engine ?? modelEngine(model, "jax")).prepareSteering(tf, steering);
  try {
    for (let j = 0; j < (o.vectors ?? 1); j++) {
      const r = await proxGradL1(
        codeObjective(site, dec, basis),
        randomCode(dec.dSae, o.seed, j, o.initScale ?? 1e-3),
        {
          lambda: o.lambda,
          ...(o.lambdaScale !== undefined ? { lambdaScale: o.lambdaScale } : {}),
          steps: o.steps,
          lr,
          ...(o.tol !== undefined ? { tol: o.tol } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
          onStep: (s, loss) => o.onStep?.(j, s, loss),
        },
      );
      const { z, objectives: losses, loss: last } = r;
      if (o.signal?.aborted && r.steps === 0) break;
      const vector = basis.project(decodeCode(dec, z));
      // A large λ can zero z entirely; a (near-)zero vector constrains nothing later.
      if (norm(vector) > 1e-6) basis.add(vector);
      out.push({
        z,
        vector,
        losses,
        finalLoss: last,
        lambda: r.lambda,
        topLatents: topLatentsByZ(z),
      });
    }
  } finally {
    site.dispose();
  }
  return out;
}
