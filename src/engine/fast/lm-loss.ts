/**
 * The training objective of LoRA finetuning on the fast path, as src/train/lm-loss.ts defines it:
 * the next-token cross-entropy weighted per position, loss = Σ w·(logsumexp(logits) − logit[target])
 * (the trainer's weights sum to 1: the token mean), and its gradient with respect to every LoRA
 * adapter of the model (lora.ts, on any projection). Forward through every layer keeping what the
 * VJPs read; the last layer's MLP, the final norm and the unembedding only at the rows that
 * count; then back through the layers down to the lowest adapted one. `lmLossOnly` is the same
 * loss without the backward pass (the trainer's validation).
 *
 * Shape legend: B batch, T tokens, N = B·T, D d_model, V vocab, R rows with a weight.
 */
import { layerForward } from "./block.js";
import { layerBackward } from "./block-vjp.js";
import { checkBatch, embed, finalNorm, runLayers, unembedRows, type FastBatch } from "./forward.js";
import type { FastLoraTarget } from "./lora.js";
import { assertFastSupported, type FastModel } from "./model.js";
import { rmsNormBackward } from "./norm.js";
import type { Buf, Numerics } from "./numerics.js";

/** Next-token targets and loss weights per position [N] (0 weight: not counted). */
export interface LmTargets {
  targets: Int32Array;
  weights: Float32Array;
}

/** Per layer (by index) and adapted projection: d loss / d a [I, r] and d b [r, O]. */
export type FastLoraGrads = Map<number, Partial<Record<FastLoraTarget, { da: Buf; db: Buf }>>>;

/** loss and d loss / d logits [R, V] of the weighted rows. */
function weightedCe(nm: Numerics, logits: Buf, targets: Int32Array, w: Float32Array, v: number) {
  const dlogits = nm.alloc(targets.length * v);
  let loss = 0;
  nm.expRowsScaled(logits, dlogits, targets.length, v, (r, max, sum) => {
    loss += w[r]! * (max + Math.log(sum) - logits[r * v + targets[r]!]!);
    return w[r]! / sum;
  });
  targets.forEach((target, r) => {
    dlogits[r * v + target] = dlogits[r * v + target]! - w[r]!;
  });
  return { loss, dlogits };
}

/** The rows with a weight, their targets and weights (the GPU path's lm-loss.ts reads them too). */
export function countedRows(m: { config: { vocabSize: number } }, tg: LmTargets, n: number) {
  if (tg.targets.length !== n || tg.weights.length !== n) {
    throw new Error(
      `fast LM loss: targets/weights hold ${tg.targets.length}/${tg.weights.length}, not ${n}`,
    );
  }
  const rows: number[] = [];
  tg.weights.forEach((w, i) => {
    if (w === 0) return;
    const t = tg.targets[i]!;
    if (!Number.isInteger(t) || t < 0 || t >= m.config.vocabSize) {
      throw new Error(
        `fast LM loss: target ${t} at row ${i} is outside [0, ${m.config.vocabSize})`,
      );
    }
    rows.push(i);
  });
  if (rows.length === 0) throw new Error("fast LM loss: no position has a weight");
  const at = Int32Array.from(rows);
  return {
    rows: at,
    targets: Int32Array.from(at, (i) => tg.targets[i]!),
    weights: Float32Array.from(at, (i) => tg.weights[i]!),
  };
}

/** d loss / d (final residual of the counted rows) [R, D], and the loss. */
function head(nm: Numerics, m: FastModel, xs: Buf, sel: ReturnType<typeof countedRows>) {
  const { dModel: d, vocabSize: v } = m.config;
  const r = sel.rows.length;
  const fn = finalNorm(nm, m, xs, r);
  const ce = weightedCe(nm, unembedRows(nm, m, fn.y, r), sel.targets, sel.weights, v);
  const dxf = nm.alloc(r * d);
  const w = m.weights.unembed;
  if (w) nm.gemm({ m: r, n: d, k: v, a: ce.dlogits, b: w, transB: true, c: dxf });
  else nm.gemm({ m: r, n: d, k: v, a: ce.dlogits, b: m.weights.embed, c: dxf });
  return { loss: ce.loss, dxs: rmsNormBackward(nm, xs, m.weights.lnFinal, fn.rstd, dxf, r, d) };
}

/** The loss and the gradient of every adapter of the model (copied out of the arena). */
export function lmLossAndLoraGrads(
  nm: Numerics,
  m: FastModel,
  bb: FastBatch,
  tg: LmTargets,
): { loss: number; grads: FastLoraGrads } {
  assertFastSupported(m.config);
  checkBatch(m, bb);
  const layers = m.weights.layers;
  const adapted = layers.flatMap((w, l) => (w.lora && Object.keys(w.lora).length ? [l] : []));
  if (adapted.length === 0) throw new Error("fast LM loss: the model has no LoRA adapter");
  const sel = countedRows(m, tg, bb.b * bb.t);
  const last = layers.length - 1;
  const lowest = adapted[0]!;
  const below = runLayers(nm, m, bb, embed(nm, m, bb.ids), 0, lowest - 1, false).x;
  const run = runLayers(nm, m, bb, below, lowest, last - 1, true);
  const tail = layerForward(nm, m.config, layers[last]!, run.x, bb, sel.rows);
  const { loss, dxs } = head(nm, m, tail.out, sel);
  const grads: FastLoraGrads = new Map();
  const sinkFor = (l: number) => (t: FastLoraTarget, da: Buf, db: Buf) => {
    const g = grads.get(l) ?? {};
    g[t] = { da: da.slice(), db: db.slice() };
    grads.set(l, g);
  };
  let dx = layerBackward(nm, m.config, layers[last]!, tail.saved, dxs, bb, sinkFor(last));
  for (let l = last - 1; l >= lowest; l--) {
    dx = layerBackward(nm, m.config, layers[l]!, run.saved[l - lowest]!, dx, bb, sinkFor(l));
  }
  return { loss, grads };
}

/** The same weighted cross-entropy without gradients: a forward whose last layer runs at the rows
 *  that count (validation). */
export function lmLossOnly(nm: Numerics, m: FastModel, bb: FastBatch, tg: LmTargets): number {
  assertFastSupported(m.config);
  checkBatch(m, bb);
  const layers = m.weights.layers;
  const sel = countedRows(m, tg, bb.b * bb.t);
  const last = layers.length - 1;
  const x = runLayers(nm, m, bb, embed(nm, m, bb.ids), 0, last - 1, false).x;
  const tail = layerForward(nm, m.config, layers[last]!, x, bb, sel.rows);
  const r = sel.rows.length;
  const logits = unembedRows(nm, m, finalNorm(nm, m, tail.out, r).y, r);
  return weightedCe(nm, logits, sel.targets, sel.weights, m.config.vocabSize).loss;
}
