/**
 * Unsupervised SAE-MELBO (METHODS.md §3): δ lives in the SAE's decoder span. With D̂ the decoder
 * rows of unit norm, P the projector off the earlier vectors and u = P(zᵀD̂) [choice, stated]:
 *
 *   δ(z) = R · u / ‖u‖       (so ‖δ‖ = R exactly, and δ ⟂ the earlier vectors)
 *   maximise  F(z) = objective(δ(z)) − λ‖z‖₁
 *
 * Gradient by the chain rule through the normalisation: with g = ∂objective/∂δ and û = u/‖u‖,
 * ∂objective/∂u = (R/‖u‖)(g − (g·û)û) and ∂objective/∂z = D̂ P ∂objective/∂u; the L1 term uses its
 * subgradient λ·sign(z). Adam (AMSGrad, betas 0.9/0.98 as MELBO) steps on −F. z starts small and
 * random (never 0: u = 0 has no direction). Read off the latents with the largest z_i.
 *
 * Shape legend: D d_model, M d_sae.
 */
import { displacementObjectiveAndGrad, prepareDisplacement } from "../model/displacement.js";
import type { Model } from "../model/model.js";
import { HostAdam } from "./adam.js";
import { MethodInputError } from "./losses.js";
import { checkUnsupervised } from "./melbo.js";
import { dot, norm, OrthogonalBasis } from "./orthogonal.js";
import type { PromptBatch } from "./prompt-batch.js";
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
  lambda: number;
  p?: number;
  q?: number;
  steps: number;
  lr?: number;
  betas?: [number, number];
  amsgrad?: boolean;
  vectors?: number;
  seed: number;
  /** Scale of the random start of z (default 1e-3). */
  initScale?: number;
  onStep?: (vector: number, step: number, value: number) => void;
  signal?: AbortSignal;
}

export interface SaeMelboCode {
  z: Float32Array;
  /** δ(z) = R·P(zᵀD̂)/‖P(zᵀD̂)‖. */
  vector: Float32Array;
  /** objective − λ‖z‖₁ at the start of each step. */
  losses: number[];
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
  "p",
  "q",
  "steps",
  "lr",
  "betas",
  "amsgrad",
  "vectors",
  "seed",
  "initScale",
  "onStep",
  "signal",
];

/** δ(z) and the map from ∂/∂δ to ∂/∂z (the chain rule above). */
export function saeDirection(
  dec: SaeDecoder,
  basis: OrthogonalBasis,
  z: ArrayLike<number>,
  r: number,
): { delta: Float32Array; pullback: (g: ArrayLike<number>) => Float64Array } {
  const u = basis.project(decodeCode(dec, z));
  const n = norm(u);
  if (!(n > 0)) throw new MethodInputError("zᵀD̂ is zero (or in the span of earlier vectors)");
  const uHat = Float64Array.from(u, (x) => x / n);
  const delta = Float32Array.from(uHat, (x) => x * r);
  const pullback = (g: ArrayLike<number>) => {
    const gu = dot(g, uHat);
    const tangent = Float64Array.from(uHat, (x, i) => (r / n) * (g[i]! - gu * x));
    return encodeGradient(dec, basis.project(tangent));
  };
  return { delta, pullback };
}

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
  if (!(o.lambda >= 0)) throw new MethodInputError(`lambda must be ≥ 0 (got ${o.lambda})`);
  const s = {
    sourceLayer: o.sourceLayer,
    targetLayer: lt,
    R: o.R,
    lambda: o.lambda,
    p: o.p ?? 2,
    q: o.q ?? 1,
    steps: o.steps,
    lr: o.lr ?? 1e-3,
    betas: o.betas ?? [0.9, 0.98],
    amsgrad: o.amsgrad ?? true,
    seed: o.seed,
    initScale: o.initScale ?? 1e-3,
  };
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
      const z = randomCode(dec.dSae, s.seed, j, s.initScale);
      const adam = new HostAdam(dec.dSae, {
        lr: s.lr,
        beta1: s.betas[0],
        beta2: s.betas[1],
        amsgrad: s.amsgrad,
      });
      const losses: number[] = [];
      for (let step = 0; step < s.steps; step++) {
        if (o.signal?.aborted) break;
        const { delta, pullback } = saeDirection(dec, basis, z, s.R);
        const { objective, grad } = await displacementObjectiveAndGrad(model, prep, delta);
        const gz = pullback(grad);
        let l1 = 0;
        for (let i = 0; i < dec.dSae; i++) {
          l1 += Math.abs(z[i]!);
          gz[i] = -gz[i]! + s.lambda * Math.sign(z[i]!); // Adam minimises −F
        }
        adam.step(z, gz);
        losses.push(objective - s.lambda * l1);
        o.onStep?.(j, step, objective - s.lambda * l1);
      }
      const { delta } = saeDirection(dec, basis, z, s.R);
      const final = await displacementObjectiveAndGrad(model, prep, delta);
      basis.add(delta);
      out.push({
        z,
        vector: delta,
        losses,
        finalObjective: final.objective,
        topLatents: topLatentsByZ(z),
        settings: { ...s, index: j },
      });
    }
    return out;
  } finally {
    prep.dispose();
  }
}
