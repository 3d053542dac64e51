/**
 * Next-token cross-entropy of a batch, weighted per position (weights sum to 1: the token mean
 * over the positions that count). nll = logsumexp(logits) − logit[target], with the target picked
 * by comparison with arange(V) (jax-js's oneHot builds a V×V matrix; see src/engine/NOTES.md).
 *
 * Shape legend: B batch, T tokens, V vocab.
 */
import { nn, np } from "../engine/jax.js";
import type { ModelConfig } from "../model/config.js";
import { forward, type ForwardInputs } from "../model/forward.js";
import type { ModelParams } from "../model/params.js";

export type LossBatch = {
  inputs: ForwardInputs;
  /** int32 [B,T] */ targets: np.Array;
  /** [B,T] */ weights: np.Array;
};

/** Weighted next-token NLL (scalar). Consumes the batch, not the parameters. */
export function lmLoss(cfg: ModelConfig, params: ModelParams, b: LossBatch): np.Array {
  const logits = forward(cfg, params, b.inputs).logits!; // [B,T,V]
  const [bs, t] = logits.shape as [number, number, number];
  const vocab = np
    .arange(cfg.vocabSize, undefined, undefined, { dtype: np.int32 })
    .reshape([1, 1, cfg.vocabSize]);
  const pick = b.targets.reshape([bs, t, 1]).equal(vocab).astype(np.float32);
  const picked = logits.ref.mul(pick).sum(-1);
  const nll = nn.logsumexp(logits, -1).sub(picked);
  return nll.mul(b.weights).sum();
}
