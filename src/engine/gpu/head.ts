/**
 * The model's head on the GPU and its VJP, for the objectives that end in a cross-entropy over
 * some rows of the final residual (steer.ts's response rows, lm-loss.ts's weighted rows): the final
 * RMSNorm, the unembedding (or the tied embedding), the objective's own cross-entropy kernel, then
 * back through the unembedding and the norm.
 *
 * Shape legend: R rows, D d_model, V vocab.
 */
import type { GpuTensor } from "./context.js";
import { gpuUnembed } from "./forward.js";
import type { GpuModel } from "./model.js";
import * as op from "./ops.js";
import type { GpuRecorder } from "./recorder.js";
import { gpuGemm } from "./sgemm.js";

/** A cross-entropy of logits [R, V]: per-row NLL [R] and d loss / d logits [R, V]. */
export type GpuRowLoss = (logits: GpuTensor) => { nll: GpuTensor; dlogits: GpuTensor };

/** Per-row NLL [R] and d loss / d (final residual rows xs) [R, D]. */
export function gpuHeadBackward(
  rec: GpuRecorder,
  m: GpuModel,
  xs: GpuTensor,
  r: number,
  loss: GpuRowLoss,
): { nll: GpuTensor; dxs: GpuTensor } {
  const { dModel: d, vocabSize: v, normEps } = m.config;
  const fn = op.rmsNorm(rec, xs, m.lnFinal, r, d, normEps);
  const ce = loss(gpuUnembed(rec, m, fn.y, r));
  const dxf = rec.alloc(r * d);
  if (m.unembed) {
    gpuGemm(rec, { m: r, n: d, k: v, a: ce.dlogits, b: m.unembed, transB: true, c: dxf });
  } else gpuGemm(rec, { m: r, n: d, k: v, a: ce.dlogits, b: m.embed, c: dxf });
  return { nll: ce.nll, dxs: op.rmsNormBack(rec, xs, m.lnFinal, fn.rstd, dxf, r, d) };
}

/** Per-row NLL [R] of the final residual rows xs [R, D] (no backward). */
export function gpuHeadNll(
  rec: GpuRecorder,
  m: GpuModel,
  xs: GpuTensor,
  r: number,
  loss: GpuRowLoss,
): GpuTensor {
  const fn = op.rmsNorm(rec, xs, m.lnFinal, r, m.config.dModel, m.config.normEps);
  return loss(gpuUnembed(rec, m, fn.y, r)).nll;
}
