/**
 * One Llama-family decoder layer forward on host buffers:
 * x → RMSNorm → q/k/v (+ qwen2 biases) → (qwen3 per-head q/k RMSNorm) → RoPE → GQA attention →
 * o_proj → + x → RMSNorm → SwiGLU → + mid. The forward returns what its backward reads, so the
 * steering gradient runs each later layer forward once and back once (block-vjp.ts), as llm.c does.
 *
 * Shape legend: N = B·T rows, D d_model, H heads, Hkv KV heads, K d_head, F d_mlp.
 */
import { attentionForward, type AttnShape } from "./attention.js";
import { project, type LoraSaved } from "./lora.js";
import { mlpForward, type MlpSaved } from "./mlp.js";
import type { FastConfig, FastLayer } from "./model.js";
import { rmsNormForward, type NormOut } from "./norm.js";
import { OVERWRITTEN, type Buf, type Numerics } from "./numerics.js";
import { ropeForward } from "./rope.js";

/** A batch as the layers see it: the attention mask and the RoPE tables [N, K]. */
export interface BlockBatch {
  b: number;
  t: number;
  /** [N] 1 for real tokens. */ keyMask: Uint8Array;
  /** [N, K] */ cos: Buf;
  /** [N, K] */ sin: Buf;
}

export interface LayerSaved {
  x: Buf;
  n1: NormOut;
  /** The q/k projections before qwen3's q/k norms (absent without them). */
  qk?: { q: Buf; k: Buf; qn: Buf; kn: Buf };
  /** After RoPE. */ q: Buf;
  k: Buf;
  v: Buf;
  p: Buf;
  /** [N, H·K] attention output (o_proj's input). */ z: Buf;
  /** t = x·a of the layer's adapted q/k/v/o projections (lora.ts). */ lora: LoraSaved;
  /** [N, D], or [R, D] at `outRows`. */
  mid: Buf;
  /** The rows the output was computed at (absent: every row). */
  outRows?: Int32Array;
  n2: NormOut;
  mlp: MlpSaved;
}

export function attnShape(c: FastConfig, bb: BlockBatch): AttnShape {
  return { b: bb.b, t: bb.t, h: c.nHeads, hkv: c.nKvHeads, k: c.dHead, keyMask: bb.keyMask };
}

/** q, k (normed for qwen3, rotated) and v of one layer (rows = B·T of the batch). */
export function projectQkv(
  nm: Numerics,
  c: FastConfig,
  w: FastLayer,
  xn: Buf,
  bb: BlockBatch,
  lora: LoraSaved = {},
) {
  const n = bb.b * bb.t;
  const { dModel: d, nHeads: h, nKvHeads: hkv, dHead: k } = c;
  const at = (target: "q" | "k" | "v") => ({ set: w.lora, target, saved: lora });
  let q = project(nm, xn, w.wq, { rows: n, inDim: d, outDim: h * k }, w.bq, at("q"));
  let kk = project(nm, xn, w.wk, { rows: n, inDim: d, outDim: hkv * k }, w.bk, at("k"));
  const v = project(nm, xn, w.wv, { rows: n, inDim: d, outDim: hkv * k }, w.bv, at("v"));
  let qk: LayerSaved["qk"];
  if (c.qkNorm) {
    const qn = rmsNormForward(nm, q, w.qNorm!, n * h, k, c.normEps);
    const kn = rmsNormForward(nm, kk, w.kNorm!, n * hkv, k, c.normEps);
    qk = { q, k: kk, qn: qn.rstd, kn: kn.rstd };
    q = qn.y;
    kk = kn.y;
  }
  ropeForward(q, bb.cos, bb.sin, n, h, k);
  ropeForward(kk, bb.cos, bb.sin, n, hkv, k);
  return { q, k: kk, v, qk };
}

/** Rows `rows` of x [N, D], gathered into [R, D]. */
export function gatherRows(nm: Numerics, x: Buf, rows: Int32Array, d: number): Buf {
  const out = nm.alloc(rows.length * d, OVERWRITTEN);
  rows.forEach((row, i) => out.set(x.subarray(row * d, (row + 1) * d), i * d));
  return out;
}

/**
 * The layer's output [N, D] and its saved activations; with `outRows`, only those rows of the
 * output, [R, D]: attention still runs at every position (later rows read earlier keys), but the
 * second norm and the MLP — most of a layer's work — only where the caller reads the result (the
 * last layer of the steering loss, which reads the positions predicting response tokens).
 * Does not change x.
 */
export function layerForward(
  nm: Numerics,
  c: FastConfig,
  w: FastLayer,
  x: Buf,
  bb: BlockBatch,
  outRows?: Int32Array,
): { out: Buf; saved: LayerSaved } {
  const n = bb.b * bb.t;
  const { dModel: d, nHeads: h, dHead: k, dMlp: f } = c;
  const n1 = rmsNormForward(nm, x, w.ln1, n, d, c.normEps);
  const lora: LoraSaved = {};
  const { q, k: kk, v, qk } = projectQkv(nm, c, w, n1.y, bb, lora);
  const { z, p } = attentionForward(nm, attnShape(c, bb), q, kk, v);
  const oAt = { set: w.lora, target: "o" as const, saved: lora };
  const full = project(nm, z, w.wo, { rows: n, inDim: h * k, outDim: d }, undefined, oAt);
  for (let i = 0; i < n * d; i++) full[i] = full[i]! + x[i]!;
  const mid = outRows ? gatherRows(nm, full, outRows, d) : full;
  const r = outRows ? outRows.length : n;
  const n2 = rmsNormForward(nm, mid, w.ln2, r, d, c.normEps);
  const m = mlpForward(nm, w, n2.y, r, d, f);
  const out = m.out;
  for (let i = 0; i < r * d; i++) out[i] = out[i]! + mid[i]!;
  const saved: LayerSaved = { x, n1, q, k: kk, v, p, z, lora, mid, n2, mlp: m.saved };
  if (qk) saved.qk = qk;
  if (outRows) saved.outRows = outRows;
  return { out, saved };
}
