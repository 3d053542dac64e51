/**
 * The GPU forward of a Llama-family decoder (fast/forward.ts's structure): embedding rows, the
 * layers of block.ts, the final RMSNorm and the unembedding (or the tied embedding, transposed in
 * the SGEMM). The host batch (fast/forward.ts's FastBatch: ids, key mask, RoPE tables) is
 * uploaded per call and checked as the CPU path checks it.
 *
 * Shape legend: B batch, T tokens, N = B·T, D d_model, V vocab.
 */
import { checkBatch, type FastBatch } from "../fast/forward.js";
import { gpuLayerForward, type GpuBlockBatch, type GpuLayerSaved } from "./block.js";
import { gpuRead, gpuUpload, type GpuContext, type GpuTensor } from "./context.js";
import type { GpuModel } from "./model.js";
import { embedRows, rmsNorm } from "./ops.js";
import { GpuRecorder } from "./recorder.js";
import { gpuGemm } from "./sgemm.js";

export interface GpuBatch extends GpuBlockBatch {
  /** [N] token ids (u32). */
  ids: GpuTensor;
}

/** The batch's ids, mask and RoPE tables on the GPU, each handed to `own` (who frees them). */
export function uploadBatch(
  ctx: GpuContext,
  m: GpuModel,
  bb: FastBatch,
  own: (t: GpuTensor) => GpuTensor,
): GpuBatch {
  checkBatch(m, bb);
  const f32 = (x: FastBatch["cos"]) => (x instanceof Float32Array ? x : Float32Array.from(x));
  const up = (x: Float32Array | Uint32Array) => own(gpuUpload(ctx, x));
  return {
    b: bb.b,
    t: bb.t,
    ids: up(Uint32Array.from(bb.ids)),
    keyMask: up(Uint32Array.from(bb.keyMask)),
    cos: up(f32(bb.cos)),
    sin: up(f32(bb.sin)),
  };
}

/** Layers [from, to] on x; keeps each layer's saved activations when `keep`. */
export function gpuRunLayers(
  rec: GpuRecorder,
  m: GpuModel,
  bb: GpuBlockBatch,
  x: GpuTensor,
  range: { from: number; to: number },
  keep: boolean,
): { x: GpuTensor; saved: GpuLayerSaved[] } {
  const saved: GpuLayerSaved[] = [];
  for (let l = range.from; l <= range.to; l++) {
    const r = gpuLayerForward(rec, m.config, m.layers[l]!, x, bb);
    if (keep) saved.push(r.saved);
    x = r.out;
  }
  return { x, saved };
}

/** Logits [rows, V] of normalised rows [rows, D]. */
export function gpuUnembed(rec: GpuRecorder, m: GpuModel, xf: GpuTensor, rows: number): GpuTensor {
  const { dModel: d, vocabSize: v } = m.config;
  const logits = rec.alloc(rows * v);
  if (m.unembed) gpuGemm(rec, { m: rows, n: v, k: d, a: xf, b: m.unembed, c: logits });
  else gpuGemm(rec, { m: rows, n: v, k: d, a: xf, b: m.embed, transB: true, c: logits });
  return logits;
}

/** resid_post of `layer` [N, D] (no steering). */
export function gpuResidAfter(
  rec: GpuRecorder,
  m: GpuModel,
  gb: GpuBatch,
  layer: number,
): GpuTensor {
  const x0 = embedRows(rec, gb.ids, m.embed, gb.b * gb.t, m.config.dModel);
  return gpuRunLayers(rec, m, gb, x0, { from: 0, to: layer }, false).x;
}

/** Records the whole forward; returns the logits tensor [N, V] (valid until rec.release()). */
export function recordLogits(rec: GpuRecorder, m: GpuModel, bb: FastBatch): GpuTensor {
  const gb = uploadBatch(rec.ctx, m, bb, (t) => rec.own(t));
  const n = bb.b * bb.t;
  const x = gpuResidAfter(rec, m, gb, m.config.nLayers - 1);
  const xf = rmsNorm(rec, x, m.lnFinal, n, m.config.dModel, m.config.normEps);
  return gpuUnembed(rec, m, xf.y, n);
}

/** Logits [N, V] of the whole batch, read back to the host. */
export async function gpuLogits(m: GpuModel, bb: FastBatch): Promise<Float32Array> {
  const rec = new GpuRecorder(m.ctx);
  try {
    const logits = recordLogits(rec, m, bb);
    rec.submit();
    return await gpuRead(m.ctx, logits);
  } finally {
    await rec.release();
  }
}
