/**
 * One Llama-family decoder layer on the GPU, forward and VJP with respect to its input, in
 * fast/block.ts's and fast/block-vjp.ts's order: RMSNorm → q/k/v (+ qwen2 biases) → (qwen3
 * q/k norms) → RoPE → GQA attention → o_proj + x → RMSNorm → SwiGLU + mid. The forward keeps what
 * the backward reads; weight gradients are not formed (steering needs the activations' only),
 * except those of LoRA adapters on the projections (linear.ts), when a sink asks for them.
 *
 * Shape legend: N = B·T rows, D d_model, H heads, Hkv KV heads, K d_head, F d_mlp.
 */
import type { FastConfig } from "../fast/model.js";
import type { FastLoraTarget } from "../fast/lora.js";
import { gpuAttentionBackward, gpuAttentionForward, type GpuAttnShape } from "./attention.js";
import type { GpuTensor } from "./context.js";
import { gpuLinear, gpuLinearBack, type GpuLoraSaved, type GpuLoraSink } from "./linear.js";
import type { GpuLayer } from "./model.js";
import * as op from "./ops.js";
import type { GpuRecorder } from "./recorder.js";

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
  /** t = x·a of the layer's adapted projections (linear.ts). */
  lora: GpuLoraSaved;
}

/** R row indices (u32) into the batch's N rows. */
export interface OutRows {
  rows: GpuTensor;
  count: number;
}

function attnShape(c: FastConfig, bb: GpuBlockBatch): GpuAttnShape {
  return { b: bb.b, t: bb.t, h: c.nHeads, hkv: c.nKvHeads, k: c.dHead, keyMask: bb.keyMask };
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
  const lora: GpuLoraSaved = {};
  const at = (target: FastLoraTarget) => ({ set: w.lora, target, saved: lora });
  const n1 = op.rmsNorm(rec, x, w.ln1, n, d, c.normEps);
  const toQ = { rows: n, inDim: d, outDim: h * k };
  const toKv = { rows: n, inDim: d, outDim: hkv * k };
  let q = gpuLinear(rec, n1.y, w.wq, toQ, w.bq, at("q"));
  let kk = gpuLinear(rec, n1.y, w.wk, toKv, w.bk, at("k"));
  const v = gpuLinear(rec, n1.y, w.wv, toKv, w.bv, at("v"));
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
  const fromZ = { rows: n, inDim: h * k, outDim: d };
  const full = gpuLinear(rec, z, w.wo, fromZ, undefined, at("o"));
  op.addInto(rec, full, x, n * d);
  const mid = outRows ? op.gatherRows(rec, outRows.rows, outRows.count, full, d) : full;
  const r = outRows ? outRows.count : n;
  const n2 = op.rmsNorm(rec, mid, w.ln2, r, d, c.normEps);
  const toF = { rows: r, inDim: d, outDim: f };
  const fromF = { rows: r, inDim: f, outDim: d };
  const gate = gpuLinear(rec, n2.y, w.wGate, toF, undefined, at("gate"));
  const up = gpuLinear(rec, n2.y, w.wUp, toF, undefined, at("up"));
  const hh = op.siluMul(rec, gate, up, r * f);
  const out = gpuLinear(rec, hh, w.wDown, fromF, undefined, at("down"));
  op.addInto(rec, out, mid, r * d);
  const saved: GpuLayerSaved = { x, n1, q, k: kk, v, p, z, mid, n2, gate, up, h: hh, lora };
  if (qk) saved.qk = qk;
  if (outRows) saved.outRows = outRows;
  return { out, saved };
}

/**
 * d(layer input) [N, D] from d(layer output) ([N, D], or [R, D] at the saved outRows); the
 * gradients of the layer's LoRA adapters go to `sink` when one is given.
 */
export function gpuLayerBackward(
  rec: GpuRecorder,
  c: FastConfig,
  w: GpuLayer,
  s: GpuLayerSaved,
  dout: GpuTensor,
  bb: GpuBlockBatch,
  sink?: GpuLoraSink,
): GpuTensor {
  const n = bb.b * bb.t;
  const { dModel: d, nHeads: h, nKvHeads: hkv, dHead: k, dMlp: f } = c;
  const r = s.outRows ? s.outRows.count : n;
  const at = (target: FastLoraTarget, x: GpuTensor) => ({
    set: w.lora,
    target,
    saved: s.lora,
    x,
    sink,
  });
  const toF = { rows: r, inDim: d, outDim: f };
  const fromF = { rows: r, inDim: f, outDim: d };
  const dh = gpuLinearBack(rec, dout, w.wDown, fromF, undefined, at("down", s.h));
  const { dgate, dup } = op.siluMulBack(rec, dh, s.gate, s.up, r * f);
  const dn2 = gpuLinearBack(rec, dgate, w.wGate, toF, undefined, at("gate", s.n2.y));
  gpuLinearBack(rec, dup, w.wUp, toF, dn2, at("up", s.n2.y));
  const dmidR = op.rmsNormBack(rec, s.mid, w.ln2, s.n2.rstd, dn2, r, d, dout);
  const dmid = s.outRows ? op.scatterRows(rec, s.outRows.rows, r, dmidR, n, d) : dmidR;
  const fromZ = { rows: n, inDim: h * k, outDim: d };
  const dz = gpuLinearBack(rec, dmid, w.wo, fromZ, undefined, at("o", s.z));
  const g = gpuAttentionBackward(rec, attnShape(c, bb), s, dz);
  let { dq, dk } = g;
  op.rope(rec, dq, bb.cos, bb.sin, { rows: n, heads: h, k }, true);
  op.rope(rec, dk, bb.cos, bb.sin, { rows: n, heads: hkv, k }, true);
  if (s.qk) {
    dq = op.rmsNormBack(rec, s.qk.q, w.qNorm!, s.qk.qn, dq, n * h, k);
    dk = op.rmsNormBack(rec, s.qk.k, w.kNorm!, s.qk.kn, dk, n * hkv, k);
  }
  const toQ = { rows: n, inDim: d, outDim: h * k };
  const toKv = { rows: n, inDim: d, outDim: hkv * k };
  const dn1 = gpuLinearBack(rec, dq, w.wq, toQ, undefined, at("q", s.n1.y));
  gpuLinearBack(rec, dk, w.wk, toKv, dn1, at("k", s.n1.y));
  gpuLinearBack(rec, g.dv, w.wv, toKv, dn1, at("v", s.n1.y));
  return op.rmsNormBack(rec, s.x, w.ln1, s.n1.rstd, dn1, n, d, dmid);
}
