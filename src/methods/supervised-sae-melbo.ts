/**
 * Supervised SAE-MELBO (METHODS.md §5): δ = P(zᵀD̂), minimise L(δ) + λ‖z‖₁ over z ∈ R^{d_sae},
 * where D̂ is the SAE decoder with unit rows and P projects off the earlier vectors' decoded δs
 * (so each new decoded vector is orthogonal to the earlier ones). dL/dz = D̂ P ∂L/∂δ; the L1 term
 * uses its subgradient λ·sign(z). z starts small and random (never 0). Read off the latents with
 * the largest z_i.
 *
 * Shape legend: D d_model, M d_sae.
 */
import type { Model } from "../model/model.js";
import { mulberry32 } from "../random/seeded.js";
import { HostAdam } from "./adam.js";
import { prepareSteering } from "../model/loss.js";
import { MethodInputError, type LabelledBatch } from "./losses.js";
import { OrthogonalBasis } from "./orthogonal.js";

export interface SaeDecoder {
  /** [M, D] rows of unit length. */
  rows: Float32Array;
  dSae: number;
  dModel: number;
}

/** zᵀD̂ [D]. */
export function decodeCode(dec: SaeDecoder, z: ArrayLike<number>): Float32Array {
  const out = new Float64Array(dec.dModel);
  for (let i = 0; i < dec.dSae; i++) {
    const zi = z[i]!;
    if (zi === 0) continue;
    const row = i * dec.dModel;
    for (let j = 0; j < dec.dModel; j++) out[j]! += zi * dec.rows[row + j]!;
  }
  return Float32Array.from(out);
}

/** D̂ g [M]. */
export function encodeGradient(dec: SaeDecoder, g: ArrayLike<number>): Float64Array {
  const out = new Float64Array(dec.dSae);
  for (let i = 0; i < dec.dSae; i++) {
    let s = 0;
    const row = i * dec.dModel;
    for (let j = 0; j < dec.dModel; j++) s += dec.rows[row + j]! * g[j]!;
    out[i] = s;
  }
  return out;
}

/** The random start of vector j's code z [M]: uniform in ±scale, never 0 (z = 0 has no gradient). */
export function randomCode(dSae: number, seed: number, j: number, scale: number): Float32Array {
  const u = mulberry32(seed + 104729 * j);
  return Float32Array.from({ length: dSae }, () => (u() * 2 - 1) * scale);
}

/** The n latents with the largest z, largest first. */
export function topLatentsByZ(z: Float32Array, n = 20): { index: number; z: number }[] {
  return [...z]
    .map((v, index) => ({ index, z: v }))
    .sort((a, b) => b.z - a.z)
    .slice(0, n);
}

export interface SupervisedSaeMelboOptions {
  layer: number;
  lambda: number;
  steps: number;
  lr?: number;
  vectors?: number;
  seed: number;
  /** Scale of the random start of z (default 1e-3). */
  initScale?: number;
  onStep?: (vector: number, step: number, loss: number) => void;
  signal?: AbortSignal;
}

export interface FoundCode {
  z: Float32Array;
  /** The decoded (and orthogonalised) steering vector. */
  vector: Float32Array;
  losses: number[];
  finalLoss: number;
  /** Latents by z, largest first. */
  topLatents: { index: number; z: number }[];
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
  const basis = new OrthogonalBasis(dec.dModel);
  const out: FoundCode[] = [];
  // actionLossAndGrad's objective, with the layers before δ run once for every step and vector.
  const site = prepareSteering(
    model,
    { batch: lb.batch, responseMask: lb.responseMask },
    { layer: o.layer, vector: new Float32Array(dec.dModel), positionMask: lb.userMask, scale: 1 },
  );
  try {
    for (let j = 0; j < (o.vectors ?? 1); j++) {
      const z = randomCode(dec.dSae, o.seed, j, o.initScale ?? 1e-3);
      const adam = new HostAdam(dec.dSae, { lr: o.lr ?? 1e-2 });
      const losses: number[] = [];
      let last = NaN;
      for (let s = 0; s < o.steps; s++) {
        if (o.signal?.aborted) break;
        const delta = basis.project(decodeCode(dec, z));
        const { loss, grad } = await site.lossAndGrad(delta);
        const gz = encodeGradient(dec, basis.project(grad));
        let l1 = 0;
        for (let i = 0; i < dec.dSae; i++) {
          l1 += Math.abs(z[i]!);
          gz[i]! += o.lambda * Math.sign(z[i]!);
        }
        adam.step(z, gz);
        last = loss;
        losses.push(loss + o.lambda * l1);
        o.onStep?.(j, s, loss);
      }
      const vector = basis.project(decodeCode(dec, z));
      basis.add(vector);
      out.push({ z, vector, losses, finalLoss: last, topLatents: topLatentsByZ(z) });
    }
  } finally {
    site.dispose();
  }
  return out;
}
