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

/** Running sums (float64) over every measured row, and the cross-entropy totals. */
interface Totals {
  /** Σx and Σx² per dimension [D]. */
  sum: Float64Array;
  sumSq: Float64Array;
  /** Σ(x − x̂)². */
  residual: number;
  /** Non-zero features over all rows. */
  active: number;
  rows: number;
  /** Rows on which each latent fired [M]. */
  fires: Float64Array;
  ce: { clean: number; spliced: number; zero: number; tokens: number };
}

/** The hook's activations [N·D] at every real token after the first of each sequence. */
function realRows(
  h: Float32Array,
  seqs: readonly (readonly number[])[],
  pads: ArrayLike<number>,
  seqLen: number,
  d: number,
): { x: Float32Array; n: number } {
  const keep: number[] = [];
  seqs.forEach((s, b) => {
    for (let j = 1; j < s.length; j++) keep.push((b * seqLen + pads[b]! + j) * d);
  });
  const x = new Float32Array(keep.length * d);
  keep.forEach((src, i) => x.set(h.subarray(src, src + d), i * d));
  return { x, n: keep.length };
}

/** Adds rows x [N·D], their reconstructions and features [N·M] to the running sums. */
function accumulate(
  t: Totals,
  x: Float32Array,
  out: { features: Float32Array; reconstruction: Float32Array },
  n: number,
): void {
  const d = t.sum.length;
  const m = t.fires.length;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!;
      t.sum[j]! += v;
      t.sumSq[j]! += v * v;
      t.residual += (v - out.reconstruction[i * d + j]!) ** 2;
    }
    for (let q = 0; q < m; q++) {
      if (out.features[i * m + q] !== 0) {
        t.fires[q]! += 1;
        t.active++;
      }
    }
  }
  t.rows += n;
}

/** Measures one batch of sequences: activation statistics, then the spliced cross-entropy. */
async function measureBatch(
  o: EvaluateSaeOptions,
  dsae: ReturnType<typeof saeToDevice>,
  seqs: number[][],
  t: Totals,
): Promise<void> {
  const { dIn: d, hookName } = o.sae.config;
  const seqLen = o.seqLen ?? 128;
  const batch = leftPad(seqs, o.padId, seqLen);
  const r = await runWithCache(o.model, batch, { capture: [hookName], logits: false });
  const { x, n } = realRows(r.cache[hookName]!.data, seqs, batch.pads, seqLen, d);
  const { features, reconstruction } = await encodeHost(dsae, { shape: [n, d], data: x });
  accumulate(t, x, { features: features.data, reconstruction: reconstruction.data }, n);
  const s = await spliceCrossEntropy(o.model, dsae, batch);
  t.ce.clean += s.clean * s.tokens;
  t.ce.spliced += s.spliced * s.tokens;
  t.ce.zero += s.zeroAblated * s.tokens;
  t.ce.tokens += s.tokens;
}

/** The evaluation from the running sums. */
function summarise(t: Totals): SaeEvaluation {
  const { rows, fires, ce } = t;
  const d = t.sum.length;
  const m = fires.length;
  let total = 0;
  for (let j = 0; j < d; j++) total += t.sumSq[j]! - (t.sum[j]! * t.sum[j]!) / rows;
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
    mse: t.residual / (rows * d),
    explainedVariance: 1 - t.residual / total,
    l0: t.active / rows,
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

export async function evaluateSae(o: EvaluateSaeOptions): Promise<SaeEvaluation> {
  checkSaeForModel(o.sae, o.model.config);
  const { dIn: d, dSae: m } = o.sae.config;
  const maxTokens = o.maxTokens ?? 50_000;
  const per = o.batch ?? 32;
  const seqLen = o.seqLen ?? 128;
  const dsae = saeToDevice(o.sae);
  const t: Totals = {
    sum: new Float64Array(d),
    sumSq: new Float64Array(d),
    residual: 0,
    active: 0,
    rows: 0,
    fires: new Float64Array(m),
    ce: { clean: 0, spliced: 0, zero: 0, tokens: 0 },
  };
  try {
    for (let start = 0; start < o.sequences.length && t.rows < maxTokens; start += per) {
      const seqs = o.sequences.slice(start, start + per).map((s) => s.slice(0, seqLen));
      if (seqs.some((s) => s.length < 2)) continue;
      await measureBatch(o, dsae, seqs, t);
      o.progress?.update(Math.min(t.rows, maxTokens), maxTokens);
    }
  } finally {
    dsae.dispose();
  }
  o.progress?.finish();
  if (t.rows === 0)
    throw new Error("evaluateSae: no tokens to evaluate (sequences shorter than 2)");
  return summarise(t);
}
