/**
 * One Llama-family decoder layer on the GPU, forward and VJP with respect to its input, in
 * fast/block.ts's and fast/block-vjp.ts's order: RMSNorm → q/k/v (+ qwen2 biases) → (qwen3
 * q/k norms) → RoPE → GQA attention → o_proj + x → RMSNorm → SwiGLU + mid. The forward keeps what
 * the backward reads; weight gradients are not formed (steering needs the activations' only).
 *
 * Shape legend: N = B·T rows, D d_model, H heads, Hkv KV heads, K d_head, F d_mlp.
 */
import type { FastConfig } from "../fast/model.js";
import { gpuAttentionBackward, gpuAttentionForward, type GpuAttnShape } from "./attention.js";
import type { GpuTensor } from "./context.js";
import type { GpuLayer } from "./model.js";
import * as op from "./ops.js";
import type { GpuRecorder } from "./recorder.js";
import { gpuGemm } from "./sgemm.js";

/** A batch on the GPU: the key mask (u32) and the RoPE tables [N, K]. */
export interface GpuBlockBatch {
  b: number;
  t: number;
  keyMask: GpuTensor;
  cos: GpuTensor;
  sin: GpuTensor;
}

export interface GpuLayerSaved {
  x: GpuTensor;
  n1: op.GpuNormOut;
  /** Before qwen3's q/k norms (absent without them). */
  qk?: { q: GpuTensor; k: GpuTensor; qn: GpuTensor; kn: GpuTensor };
  q: GpuTensor;
  k: GpuTensor;
  v: GpuTensor;
  p: GpuTensor;
  z: GpuTensor;
  /** [N, D], or [R, D] at `outRows`. */
  mid: GpuTensor;
  /** The rows (u32) the output was computed at (absent: every row). */
  outRows?: OutRows;
  n2: op.GpuNormOut;
  gate: GpuTensor;
  up: GpuTensor;
  h: GpuTensor;
}

/** R row indices (u32) into the batch's N rows. */
export interface OutRows {
  rows: GpuTensor;
  count: number;
}

function attnShape(c: FastConfig, bb: GpuBlockBatch): GpuAttnShape {
  return { b: bb.b, t: bb.t, h: c.nHeads, hkv: c.nKvHeads, k: c.dHead, keyMask: bb.keyMask };
}

/** y [rows, out] = x·W (+ b). */
export function gpuLinear(
  rec: GpuRecorder,
  x: GpuTensor,
  w: GpuTensor,
  rows: number,
  dims: { inDim: number; outDim: number },
  b?: GpuTensor,
): GpuTensor {
  const y = rec.alloc(rows * dims.outDim);
  gpuGemm(rec, { m: rows, n: dims.outDim, k: dims.inDim, a: x, b: w, c: y });
  if (b) op.addBias(rec, y, b, rows, dims.outDim);
  return y;
}

/** dx [rows, in] (+)= dy·Wᵀ; into `acc` when given. */
export function gpuLinearBack(
  rec: GpuRecorder,
  dy: GpuTensor,
  w: GpuTensor,
  rows: number,
  dims: { inDim: number; outDim: number },
  acc?: GpuTensor,
): GpuTensor {
  const dx = acc ?? rec.alloc(rows * dims.inDim);
  const g = { m: rows, n: dims.inDim, k: dims.outDim, a: dy, b: w, c: dx, transB: true };
  gpuGemm(rec, { ...g, beta: acc ? 1 : 0 });
  return dx;
}

/**
 * The layer's output [N, D] and what its backward reads; with `outRows`, only those rows of the
 * output, [R, D] (attention still at every position; the second norm and the MLP at R rows only,
 * as fast/block.ts does for the steering loss's last layer). Does not change x.
 */
export function gpuLayerForward(
  rec: GpuRecorder,
  c: FastConfig,
  w: GpuLayer,
  x: GpuTensor,
  bb: GpuBlockBatch,
  outRows?: OutRows,
): { out: GpuTensor; saved: GpuLayerSaved } {
  const n = bb.b * bb.t;
  const { dModel: d, nHeads: h, nKvHeads: hkv, dHead: k, dMlp: f } = c;
  const n1 = op.rmsNorm(rec, x, w.ln1, n, d, c.normEps);
  let q = gpuLinear(rec, n1.y, w.wq, n, { inDim: d, outDim: h * k }, w.bq);
  let kk = gpuLinear(rec, n1.y, w.wk, n, { inDim: d, outDim: hkv * k }, w.bk);
  const v = gpuLinear(rec, n1.y, w.wv, n, { inDim: d, outDim: hkv * k }, w.bv);
  let qk: GpuLayerSaved["qk"];
  if (c.qkNorm) {
    const qn = op.rmsNorm(rec, q, w.qNorm!, n * h, k, c.normEps);
    const kn = op.rmsNorm(rec, kk, w.kNorm!, n * hkv, k, c.normEps);
    qk = { q, k: kk, qn: qn.rstd, kn: kn.rstd };
    q = qn.y;
    kk = kn.y;
  }
  op.rope(rec, q, bb.cos, bb.sin, { rows: n, heads: h, k }, false);
  op.rope(rec, kk, bb.cos, bb.sin, { rows: n, heads: hkv, k }, false);
  const { z, p } = gpuAttentionForward(rec, attnShape(c, bb), q, kk, v);
  const full = gpuLinear(rec, z, w.wo, n, { inDim: h * k, outDim: d });
  op.addInto(rec, full, x, n * d);
  const mid = outRows ? op.gatherRows(rec, outRows.rows, outRows.count, full, d) : full;
  const r = outRows ? outRows.count : n;
  const n2 = op.rmsNorm(rec, mid, w.ln2, r, d, c.normEps);
  const gate = gpuLinear(rec, n2.y, w.wGate, r, { inDim: d, outDim: f });
  const up = gpuLinear(rec, n2.y, w.wUp, r, { inDim: d, outDim: f });
  const hh = op.siluMul(rec, gate, up, r * f);
  const out = gpuLinear(rec, hh, w.wDown, r, { inDim: f, outDim: d });
  op.addInto(rec, out, mid, r * d);
  const saved: GpuLayerSaved = { x, n1, q, k: kk, v, p, z, mid, n2, gate, up, h: hh };
  if (qk) saved.qk = qk;
  if (outRows) saved.outRows = outRows;
  return { out, saved };
}

/** d(layer input) [N, D] from d(layer output) ([N, D], or [R, D] at the saved outRows). */
export function gpuLayerBackward(
  rec: GpuRecorder,
  c: FastConfig,
  w: GpuLayer,
  s: GpuLayerSaved,
  dout: GpuTensor,
  bb: GpuBlockBatch,
): GpuTensor {
  const n = bb.b * bb.t;
  const { dModel: d, nHeads: h, nKvHeads: hkv, dHead: k, dMlp: f } = c;
  const r = s.outRows ? s.outRows.count : n;
  const dh = gpuLinearBack(rec, dout, w.wDown, r, { inDim: f, outDim: d });
  const { dgate, dup } = op.siluMulBack(rec, dh, s.gate, s.up, r * f);
  const dn2 = gpuLinearBack(rec, dgate, w.wGate, r, { inDim: d, outDim: f });
  gpuLinearBack(rec, dup, w.wUp, r, { inDim: d, outDim: f }, dn2);
  const dmidR = op.rmsNormBack(rec, s.mid, w.ln2, s.n2.rstd, dn2, r, d, dout);
  const dmid = s.outRows ? op.scatterRows(rec, s.outRows.rows, r, dmidR, n, d) : dmidR;
  const dz = gpuLinearBack(rec, dmid, w.wo, n, { inDim: h * k, outDim: d });
  const g = gpuAttentionBackward(rec, attnShape(c, bb), s, dz);
  let { dq, dk } = g;
  op.rope(rec, dq, bb.cos, bb.sin, { rows: n, heads: h, k }, true);
  op.rope(rec, dk, bb.cos, bb.sin, { rows: n, heads: hkv, k }, true);
  if (s.qk) {
    dq = op.rmsNormBack(rec, s.qk.q, w.qNorm!, s.qk.qn, dq, n * h, k);
    dk = op.rmsNormBack(rec, s.qk.k, w.kNorm!, s.qk.kn, dk, n * hkv, k);
  }
  const dn1 = gpuLinearBack(rec, dq, w.wq, n, { inDim: d, outDim: h * k });
  gpuLinearBack(rec, dk, w.wk, n, { inDim: d, outDim: hkv * k }, dn1);
  gpuLinearBack(rec, g.dv, w.wv, n, { inDim: d, outDim: hkv * k }, dn1);
  return op.rmsNormBack(rec, s.x, w.ln1, s.n1.rstd, dn1, n, d, dmid);
}
