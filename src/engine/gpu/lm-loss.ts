/**
 * LoRA finetuning's objective on the GPU, as fast/lm-loss.ts computes it on the host: the
 * next-token cross-entropy weighted per position, loss = Σ w·NLL, and its gradient with respect to
 * every LoRA adapter of the model (linear.ts). Forward through every layer keeping what the VJPs
 * read from the lowest adapted layer up; the last layer's MLP, the final norm and the unembedding
 * only at the rows that count; back through the layers down to the lowest adapted one; every
 * gradient read back through one staging buffer. `gpuLmLossOnly` is the loss without the backward.
 * The adapters are the model's own (src/model/gpu-lora.ts runs each step on a view carrying that
 * step's: model.ts's gpuModelWithLora).
 *
 * Shape legend: B batch, T tokens, N = B·T, D d_model, V vocab, R rows with a weight.
 */
import { checkBatch, type FastBatch } from "../fast/forward.js";
import { countedRows, type FastLoraGrads, type LmTargets } from "../fast/lm-loss.js";
import type { FastLoraTarget } from "../fast/lora.js";
import { assertFastSupported } from "../fast/model.js";
import { gpuLayerBackward, gpuLayerForward } from "./block.js";
import { gpuReadAll, gpuUpload, type GpuTensor } from "./context.js";
import { gpuRunLayers, uploadBatch } from "./forward.js";
import { gpuHeadBackward, gpuHeadNll, type GpuRowLoss } from "./head.js";
import type { GpuModel } from "./model.js";
import * as op from "./ops.js";
import { GpuRecorder } from "./recorder.js";

/** One adapter's gradient tensors, read back after the pass. */
interface PendingGrad {
  layer: number;
  target: FastLoraTarget;
  da: GpuTensor;
  db: GpuTensor;
}

/** Records the forward to the final residual of the counted rows [R, D], keeping the VJPs' reads. */
function recordForward(rec: GpuRecorder, m: GpuModel, bb: FastBatch, tg: LmTargets, from: number) {
  assertFastSupported(m.config);
  checkBatch(m, bb);
  const n = bb.b * bb.t;
  const sel = countedRows(m, tg, n);
  const r = sel.rows.length;
  const own = (t: GpuTensor) => rec.own(t);
  const gb = uploadBatch(rec.ctx, m, bb, own);
  const rows = own(gpuUpload(rec.ctx, Uint32Array.from(sel.rows)));
  const targets = own(gpuUpload(rec.ctx, Uint32Array.from(sel.targets)));
  const weights = own(gpuUpload(rec.ctx, sel.weights));
  const last = m.config.nLayers - 1;
  const x0 = op.embedRows(rec, gb.ids, m.embed, n, m.config.dModel);
  const below = gpuRunLayers(rec, m, gb, x0, { from: 0, to: from - 1 }, false).x;
  const run = gpuRunLayers(rec, m, gb, below, { from, to: last - 1 }, true);
  const tail = gpuLayerForward(rec, m.config, m.layers[last]!, run.x, gb, { rows, count: r });
  const v = m.config.vocabSize;
  const ce: GpuRowLoss = (logits) =>
    op.crossEntropyWeighted(rec, logits, targets, weights, { n: r, v });
  return { sel, gb, run, tail, ce, r };
}

/** Σ w·NLL in float64 over the counted rows. */
function weightedSum(nll: Float32Array, w: Float32Array): number {
  let loss = 0;
  nll.forEach((x, i) => (loss += w[i]! * x));
  return loss;
}

/** The loss and the gradient of every adapter of the model. */
export async function gpuLmLossAndLoraGrads(
  m: GpuModel,
  bb: FastBatch,
  tg: LmTargets,
): Promise<{ loss: number; grads: FastLoraGrads }> {
  const adapted = m.layers.flatMap((w, l) => (w.lora && Object.keys(w.lora).length ? [l] : []));
  if (adapted.length === 0) throw new Error("gpu LM loss: the model has no LoRA adapter");
  const lowest = adapted[0]!;
  const last = m.config.nLayers - 1;
  const rec = new GpuRecorder(m.ctx);
  try {
    const f = recordForward(rec, m, bb, tg, lowest);
    const { nll, dxs } = gpuHeadBackward(rec, m, f.tail.out, f.r, f.ce);
    const pending: PendingGrad[] = [];
    const sinkFor = (layer: number) => (target: FastLoraTarget, da: GpuTensor, db: GpuTensor) =>
      void pending.push({ layer, target, da, db });
    const c = m.config;
    let dx = gpuLayerBackward(rec, c, m.layers[last]!, f.tail.saved, dxs, f.gb, sinkFor(last));
    for (let l = last - 1; l >= lowest; l--) {
      const saved = f.run.saved[l - lowest]!;
      dx = gpuLayerBackward(rec, c, m.layers[l]!, saved, dx, f.gb, sinkFor(l));
    }
    rec.submit();
    const host = await gpuReadAll(rec.ctx, [nll, ...pending.flatMap((p) => [p.da, p.db])]);
    const grads: FastLoraGrads = new Map();
    pending.forEach((p, i) => {
      const g = grads.get(p.layer) ?? {};
      g[p.target] = { da: host[1 + 2 * i]!, db: host[2 + 2 * i]! };
      grads.set(p.layer, g);
    });
    return { loss: weightedSum(host[0]!, f.sel.weights), grads };
  } finally {
    await rec.release();
  }
}

/** The same weighted cross-entropy without gradients (the trainer's validation). */
export async function gpuLmLossOnly(m: GpuModel, bb: FastBatch, tg: LmTargets): Promise<number> {
  const rec = new GpuRecorder(m.ctx);
  try {
    const f = recordForward(rec, m, bb, tg, m.config.nLayers - 1);
    const nll = gpuHeadNll(rec, m, f.tail.out, f.r, f.ce);
    rec.submit();
    const [host] = await gpuReadAll(rec.ctx, [nll]);
    return weightedSum(host!, f.sel.weights);
  } finally {
    await rec.release();
  }
}
