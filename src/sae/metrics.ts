/**
 * How good a SAE is: reconstruction error (MSE), explained variance, L0, dead and dense latents
 * over given activations, and the model's next-token cross-entropy with the SAE spliced in at its
 * hook, relative to the clean model and to zero-ablating the hook.
 *
 * Shape legend: N rows (tokens), D d_in, M d_sae, B batch, T tokens, V vocab.
 */
import { np } from "../engine/jax.js";
import { dims } from "../engine/shapes.js";
import type { HookFn } from "../model/forward.js";
import type { HostBatch } from "../model/inputs.js";
import type { Model } from "../model/model.js";
import { runWithHooks } from "../model/run.js";
import { decode, encode, encodeHost, saeToDevice, type DeviceSae } from "./encode.js";
import { checkSaeForModel } from "./load.js";
import type { HostTensor, Sae } from "./types.js";

/** Fraction of tokens above which a latent counts as dense. */
export const DENSE_FRACTION = 0.1;

/** Mean squared error per element between x and x̂ (both [N, D]). */
export function reconstructionError(x: HostTensor, xhat: HostTensor): number {
  sameShape(x, xhat);
  let ss = 0;
  for (let i = 0; i < x.data.length; i++) ss += (x.data[i]! - xhat.data[i]!) ** 2;
  return ss / x.data.length;
}

/** 1 − Σ‖x − x̂‖² / Σ‖x − mean(x)‖², the mean taken over rows (per dimension). */
export function explainedVariance(x: HostTensor, xhat: HostTensor): number {
  sameShape(x, xhat);
  const [n, d] = dims(x, 2, "activations");
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x.data[i * d + j]! / n;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < n * d; i++) {
    residual += (x.data[i]! - xhat.data[i]!) ** 2;
    total += (x.data[i]! - mean[i % d]!) ** 2;
  }
  return 1 - residual / total;
}

export interface LatentStats {
  /** Mean number of non-zero latents per row. */
  l0: number;
  /** [M] fraction of rows on which each latent is non-zero. */
  frequency: Float64Array;
  /** Latents never non-zero over the rows. */
  dead: number[];
  /** Latents non-zero on more than `denseFraction` of the rows. */
  dense: number[];
}

/** L0, firing frequencies, dead and dense latents of feature activations f [N, M]. */
export function latentStats(f: HostTensor, denseFraction = DENSE_FRACTION): LatentStats {
  if (f.shape.length !== 2) throw new Error(`latentStats: expected [N, M], got [${f.shape}]`);
  const [n, m] = dims(f, 2, "feature activations");
  const counts = new Float64Array(m);
  let active = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      if (f.data[i * m + j] !== 0) {
        counts[j]! += 1;
        active++;
      }
    }
  }
  const frequency = counts.map((c) => c / n);
  const dead: number[] = [];
  const dense: number[] = [];
  frequency.forEach((p, j) => {
    if (p === 0) dead.push(j);
    if (p > denseFraction) dense.push(j);
  });
  return { l0: active / n, frequency, dead, dense };
}

export interface SaeMetrics extends LatentStats {
  mse: number;
  explainedVariance: number;
}

/** All activation-level metrics of a SAE on activations x [N, D]. */
export async function saeMetrics(
  sae: DeviceSae,
  x: HostTensor,
  denseFraction = DENSE_FRACTION,
): Promise<SaeMetrics> {
  const { features, reconstruction } = await encodeHost(sae, x);
  return {
    mse: reconstructionError(x, reconstruction),
    explainedVariance: explainedVariance(x, reconstruction),
    ...latentStats(features, denseFraction),
  };
}

function sameShape(a: HostTensor, b: HostTensor): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new Error(`shape mismatch: [${a.shape}] vs [${b.shape}]`);
  }
}

export interface SpliceOptions {
  /** Add the SAE's error x − x̂ back (the model then computes exactly what it did). */
  keepError?: boolean;
}

export interface SpliceResult {
  /** Mean next-token cross-entropy (nats) of the clean model. */
  clean: number;
  /** With the hook activation replaced by the SAE's reconstruction. */
  spliced: number;
  /** With the hook activation replaced by zeros. */
  zeroAblated: number;
  /** (zeroAblated − spliced) / (zeroAblated − clean): 1 = as good as clean, 0 = as bad as zero. */
  recovered: number;
  /** Number of predicted tokens averaged over. */
  tokens: number;
}

/** A hook function that passes the activation through the SAE (the SAE's arrays are borrowed). */
export function spliceHook(sae: DeviceSae, opts: SpliceOptions = {}): HookFn {
  return (x) => {
    const shape = x.shape.slice();
    const dIn = sae.config.dIn;
    const rows = shape.reduce((a, b) => a * b, 1) / dIn;
    const flat = x.reshape([rows, dIn]);
    const xhat = decode(sae, encode(sae, flat.ref));
    const out = opts.keepError ? xhat.ref.add(flat.sub(xhat)) : (flat.dispose(), xhat);
    return out.reshape(shape);
  };
}

/**
 * Mean next-token cross-entropy over the batch's real tokens (each real token predicting the next
 * real one), clean, with the SAE spliced in at its hook, and with the hook zero-ablated.
 */
export async function spliceCrossEntropy(
  model: Model,
  sae: Sae | DeviceSae,
  batch: HostBatch,
  opts: SpliceOptions = {},
): Promise<SpliceResult> {
  const onDevice = "dispose" in sae;
  const d = onDevice ? sae : saeToDevice(sae);
  try {
    checkSaeForModel(onDevice ? d : sae, model.config);
    const hook = d.config.hookName;
    const zero: HookFn = (x) => {
      const shape = x.shape.slice();
      x.dispose();
      return np.zeros(shape);
    };
    const clean = await logitsCe(model, batch, {});
    const spliced = await logitsCe(model, batch, { [hook]: spliceHook(d, opts) });
    const zeroAblated = await logitsCe(model, batch, { [hook]: zero });
    return {
      clean: clean.mean,
      spliced: spliced.mean,
      zeroAblated: zeroAblated.mean,
      recovered: (zeroAblated.mean - spliced.mean) / (zeroAblated.mean - clean.mean),
      tokens: clean.tokens,
    };
  } finally {
    if (!onDevice) d.dispose();
  }
}

async function logitsCe(
  model: Model,
  batch: HostBatch,
  hooks: Record<string, HookFn>,
): Promise<{ mean: number; tokens: number }> {
  const r = await runWithHooks(model, batch, hooks);
  return nextTokenCrossEntropy(r.logits!, batch);
}

/** Mean next-token cross-entropy (float64 on the host) of logits [B, T, V] over real tokens. */
export function nextTokenCrossEntropy(
  logits: HostTensor,
  batch: HostBatch,
): { mean: number; tokens: number } {
  const [b, t, v] = dims(logits, 3, "logits");
  let sum = 0;
  let count = 0;
  for (let i = 0; i < b; i++) {
    for (let p = 0; p + 1 < t; p++) {
      const at = i * t + p;
      if (!batch.mask[at] || !batch.mask[at + 1]) continue;
      const row = logits.data.subarray(at * v, (at + 1) * v);
      let max = -Infinity;
      for (let j = 0; j < v; j++) max = Math.max(max, row[j]!);
      let z = 0;
      for (let j = 0; j < v; j++) z += Math.exp(row[j]! - max);
      sum += max + Math.log(z) - row[batch.ids[at + 1]!]!;
      count++;
    }
  }
  if (count === 0) throw new Error("spliceCrossEntropy: the batch has no next-token pairs");
  return { mean: sum / count, tokens: count };
}
