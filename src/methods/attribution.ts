/**
 * SAE-Attribution (docs/methods.md §1): for each benign prompt x, g(x) = the mean over its user
 * positions of ∂CE/∂h[ℓ]_t (one backward pass through the whole model, with a zero per-prompt
 * steering vector whose gradient is the sum over those positions); v̄ = the mean of g(x) over
 * prompts; latent i scores s_i = −⟨d̂_i, v̄⟩ (the direction that makes the action more likely).
 *
 * CE here is the batch's token mean (steeringLossAndGrad), a positive multiple of the per-prompt
 * sum docs/methods.md §1 writes, so scores are scaled by a constant and ranks are unchanged.
 *
 * Shape legend: B prompts, D d_model, M d_sae.
 */
import { modelEngine, type ModelEngine } from "../model/engine-select.js";
import type { Model } from "../model/model.js";
import type { LabelledBatch } from "./losses.js";
import { actionSite, MethodInputError } from "./losses.js";
import { encodeGradient, type SaeDecoder } from "../sae/decoder-space.js";

export interface AttributionResult {
  /** v̄ [D]. */
  meanGradient: Float32Array;
  /** Latents by score, largest first: score s_i, and ⟨d̂_i, v̄⟩ / ‖v̄‖. */
  ranking: { index: number; score: number; cosine: number }[];
  loss: number;
}

export async function saeAttribution(
  model: Model,
  lb: LabelledBatch,
  dec: SaeDecoder,
  layer: number,
  engine: ModelEngine = modelEngine(model, "jax"),
): Promise<AttributionResult> {
  const d = model.config.dModel;
  if (dec.dModel !== d) {
    throw new MethodInputError(`SAE d_in ${dec.dModel} does not match the model's d_model ${d}`);
  }
  const { batch: b, seqLen: t } = lb.batch;
  const { tf, steering } = actionSite(lb, layer, new Float32Array(b * d));
  const r = await engine.steeringLossAndGrad(tf, steering);
  const mean = new Float64Array(d);
  for (let i = 0; i < b; i++) {
    let count = 0;
    for (let j = 0; j < t; j++) count += lb.userMask[i * t + j]!;
    if (count === 0) throw new MethodInputError(`prompt ${i} has no user positions`);
    for (let k = 0; k < d; k++) mean[k]! += r.grad[i * d + k]! / count / b;
  }
  const meanGradient = Float32Array.from(mean);
  const dots = encodeGradient(dec, meanGradient);
  const n = Math.sqrt(mean.reduce((s, x) => s + x * x, 0)) || 1;
  const ranking = [...dots]
    .map((v, index) => ({ index, score: -v, cosine: v / n }))
    .sort((a, c) => c.score - a.score);
  return { meanGradient, ranking, loss: r.loss };
}
