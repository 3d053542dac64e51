/**
 * A SAE's quality over a corpus, aggregated batch by batch (so any number of tokens fits in
 * memory): MSE, explained variance, L0, dead and dense latents over the hook's activations (pads
 * and BOS dropped), and the model's next-token cross-entropy clean, with the SAE spliced in and
 * with the hook zero-ablated, giving the CE recovered.
 *
 * Shape legend: N rows, D d_in, M d_sae.
 */
import { leftPad } from "../model/inputs.js";
import type { Model } from "../model/model.js";
import { runWithCache } from "../model/run.js";
import type { Progress } from "../progress/progress.js";
import { encodeHost, saeToDevice } from "./encode.js";
import { checkSaeForModel } from "./load.js";
import { DENSE_FRACTION, spliceCrossEntropy } from "./metrics.js";
import type { Sae } from "./types.js";

export interface SaeEvaluation {
  tokens: number;
  mse: number;
  explainedVariance: number;
  l0: number;
  deadFraction: number;
  denseFraction: number;
  dead: number;
  dense: number;
  ce: { clean: number; spliced: number; zeroAblated: number; recovered: number; tokens: number };
}

export interface EvaluateSaeOptions {
  model: Model;
  sae: Sae;
  /** Token sequences, each starting with BOS. */
  sequences: readonly (readonly number[])[];
  padId: number;
  /** Activation rows to measure (default 50,000). */
  maxTokens?: number;
  /** Sequences per forward pass (default 32); every batch is padded to `seqLen`. */
  batch?: number;
  seqLen?: number;
  progress?: Progress;
}

/** Float64 running sums: Σx, Σx², Σ(x − x̂)² per dimension, firings per latent, CE by tokens. */
interface EvalSums {
  sum: Float64Array;
  sumSq: Float64Array;
  residual: number;
  active: number;
  rows: number;
  fires: Float64Array;
  ce: { clean: number; spliced: number; zero: number; tokens: number };
}

export async function evaluateSae(o: EvaluateSaeOptions): Promise<SaeEvaluation> {
  checkSaeForModel(o.sae, o.model.config);
  const { dIn: d, dSae: m, hookName } = o.sae.config;
  const maxTokens = o.maxTokens ?? 50_000;
  const per = o.batch ?? 32;
  const seqLen = o.seqLen ?? 128;
  const dsae = saeToDevice(o.sae);
  // Running sums (float64): Σx, Σx², Σ(x − x̂)² per dimension; firing counts per latent.
  const acc: EvalSums = {
    sum: new Float64Array(d),
    sumSq: new Float64Array(d),
    residual: 0,
    active: 0,
    rows: 0,
    fires: new Float64Array(m),
    ce: { clean: 0, spliced: 0, zero: 0, tokens: 0 },
  };
  try {
    for (let start = 0; start < o.sequences.length && acc.rows < maxTokens; start += per) {
      const seqs = o.sequences.slice(start, start + per).map((s) => s.slice(0, seqLen));
      if (seqs.some((s) => s.length < 2)) continue;
      const batch = leftPad(seqs, o.padId, seqLen);
      const r = await runWithCache(o.model, batch, { capture: [hookName], logits: false });
      const x = keptRows(r.cache[hookName]!.data, seqs, batch.pads, seqLen, d);
      const n = x.length / d;
      const { features, reconstruction } = await encodeHost(dsae, { shape: [n, d], data: x });
      accumulateRows(acc, x, reconstruction.data, features.data, n, d, m);
      acc.rows += n;
      const s = await spliceCrossEntropy(o.model, dsae, batch);
      acc.ce.clean += s.clean * s.tokens;
      acc.ce.spliced += s.spliced * s.tokens;
      acc.ce.zero += s.zeroAblated * s.tokens;
      acc.ce.tokens += s.tokens;
      o.progress?.update(Math.min(acc.rows, maxTokens), maxTokens);
    }
  } finally {
    dsae.dispose();
  }
  o.progress?.finish();
  if (acc.rows === 0) {
    throw new Error("evaluateSae: no tokens to evaluate (sequences shorter than 2)");
  }
  return summarize(acc, d, m);
}

/** The hook's activation rows of a left-padded batch with pads and BOS dropped, packed [N, D]. */
function keptRows(
  h: Float32Array,
  seqs: readonly (readonly number[])[],
  pads: readonly number[],
  seqLen: number,
  d: number,
): Float32Array {
  const keep: number[] = [];
  seqs.forEach((s, b) => {
    for (let j = 1; j < s.length; j++) keep.push((b * seqLen + pads[b]! + j) * d);
  });
  const x = new Float32Array(keep.length * d);
  keep.forEach((src, i) => x.set(h.subarray(src, src + d), i * d));
  return x;
}

/** Adds one batch's rows to the moment, residual and firing sums (rows are counted by the caller). */
function accumulateRows(
  acc: EvalSums,
  x: Float32Array,
  reconstruction: Float32Array,
  features: Float32Array,
  n: number,
  d: number,
  m: number,
): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!;
      acc.sum[j]! += v;
      acc.sumSq[j]! += v * v;
      acc.residual += (v - reconstruction[i * d + j]!) ** 2;
    }
    for (let q = 0; q < m; q++) {
      if (features[i * m + q] !== 0) {
        acc.fires[q]! += 1;
        acc.active++;
      }
    }
  }
}

/** The evaluation from the finished sums: variance explained, L0, dead/dense counts, CE recovered. */
function summarize(acc: EvalSums, d: number, m: number): SaeEvaluation {
  const { sum, sumSq, residual, active, rows, fires, ce } = acc;
  let total = 0;
  for (let j = 0; j < d; j++) total += sumSq[j]! - (sum[j]! * sum[j]!) / rows;
  let dead = 0;
  let dense = 0;
  for (let q = 0; q < m; q++) {
    if (fires[q] === 0) dead++;
    if (fires[q]! / rows > DENSE_FRACTION) dense++;
  }
  const clean = ce.clean / ce.tokens;
  const spliced = ce.spliced / ce.tokens;
  const zeroAblated = ce.zero / ce.tokens;
  return {
    tokens: rows,
    mse: residual / (rows * d),
    explainedVariance: 1 - residual / total,
    l0: active / rows,
    dead,
    dense,
    deadFraction: dead / m,
    denseFraction: dense / m,
    ce: {
      clean,
      spliced,
      zeroAblated,
      recovered: (zeroAblated - spliced) / (zeroAblated - clean),
      tokens: ce.tokens,
    },
  };
}
