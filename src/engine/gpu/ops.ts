/**
 * Typed launches of kernels-wgsl.ts's kernels on a recorder: each allocates its output (or
 * works in place, as named) and checks the sizes it relies on.
 */
import type { GpuTensor } from "./context.js";
import * as K from "./kernels-wgsl.js";
import { params, type GpuRecorder } from "./recorder.js";

function need(what: string, t: GpuTensor, size: number): void {
  if (t.size < size) throw new Error(`gpu ${what}: buffer holds ${t.size} values, needs ${size}`);
}

/** Largest grid side for one-workgroup-per-row kernels. */
function rowGroups(rows: number): [number, number, number] {
  const x = Math.min(Math.max(rows, 1), 65535);
  return [x, Math.ceil(Math.max(rows, 1) / x), 1];
}

/** Embedding rows [N, D] of `ids` (u32). */
export function embedRows(rec: GpuRecorder, ids: GpuTensor, e: GpuTensor, n: number, d: number) {
  need("embed ids", ids, n);
  const x = rec.alloc(n * d);
  rec.dispatchFlat(K.EMBED, [ids, e, x], params([n, d]), n * d);
  return x;
}

export interface GpuNormOut {
  y: GpuTensor;
  rstd: GpuTensor;
}

/** RMSNorm of `rows` rows of `width`. */
export function rmsNorm(
  rec: GpuRecorder,
  x: GpuTensor,
  w: GpuTensor,
  rows: number,
  width: number,
  eps: number,
): GpuNormOut {
  need("rmsnorm x", x, rows * width);
  need("rmsnorm w", w, width);
  const y = rec.alloc(rows * width);
  const rstd = rec.alloc(rows);
  rec.dispatch(K.RMS_NORM, [x, w, y, rstd], params([rows, width, { f32: eps }]), rowGroups(rows));
  return { y, rstd };
}

/** dx of RMSNorm, plus `res` (a residual branch's gradient) when given. */
export function rmsNormBack(
  rec: GpuRecorder,
  x: GpuTensor,
  w: GpuTensor,
  rstd: GpuTensor,
  dy: GpuTensor,
  rows: number,
  width: number,
  res?: GpuTensor,
): GpuTensor {
  need("rmsnorm-back dy", dy, rows * width);
  if (res) need("rmsnorm-back residual", res, rows * width);
  const dx = rec.alloc(rows * width);
  const bind = [x, w, rstd, dy, res ?? dy, dx];
  rec.dispatch(K.RMS_NORM_BACK, bind, params([rows, width, res ? 1 : 0]), rowGroups(rows));
  return dx;
}

/** y[i, :] += b, in place. */
export function addBias(rec: GpuRecorder, y: GpuTensor, b: GpuTensor, rows: number, n: number) {
  need("bias", b, n);
  rec.dispatchFlat(K.ADD_BIAS, [y, b], params([rows, n]), rows * n);
}

/** a += b over the first n values, in place. */
export function addInto(rec: GpuRecorder, a: GpuTensor, b: GpuTensor, n: number) {
  need("add a", a, n);
  need("add b", b, n);
  rec.dispatchFlat(K.ADD, [a, b], params([n]), n);
}

/** RoPE (or its VJP) on [rows, heads, K], in place. */
export function rope(
  rec: GpuRecorder,
  x: GpuTensor,
  cos: GpuTensor,
  sin: GpuTensor,
  shape: { rows: number; heads: number; k: number },
  inverse: boolean,
) {
  const { rows, heads, k } = shape;
  need("rope x", x, rows * heads * k);
  need("rope tables", cos, rows * k);
  const block = params([rows, heads, k, inverse ? 1 : 0]);
  rec.dispatchFlat(K.ROPE, [x, cos, sin], block, (rows * heads * k) / 2);
}

/** Causal masked softmax of scores [B, H, T, T], in place. */
export function softmaxCausal(
  rec: GpuRecorder,
  s: GpuTensor,
  keyMask: GpuTensor,
  shape: { b: number; h: number; t: number },
  scale: number,
) {
  const { b, h, t } = shape;
  need("softmax scores", s, b * h * t * t);
  const rows = b * h * t;
  rec.dispatch(
    K.SOFTMAX_CAUSAL,
    [s, keyMask],
    params([rows, t, h, { f32: scale }]),
    rowGroups(rows),
  );
}

/** The softmax VJP, in place over dp. */
export function softmaxBack(
  rec: GpuRecorder,
  dp: GpuTensor,
  p: GpuTensor,
  rows: number,
  t: number,
  scale: number,
) {
  rec.dispatch(K.SOFTMAX_BACK, [dp, p], params([rows, t, { f32: scale }]), rowGroups(rows));
}

/** silu(gate) ⊙ up. */
export function siluMul(rec: GpuRecorder, gate: GpuTensor, up: GpuTensor, n: number) {
  const h = rec.alloc(n);
  rec.dispatchFlat(K.SILU_MUL, [gate, up, h], params([n]), n);
  return h;
}

/** d gate and d up of siluMul. */
export function siluMulBack(
  rec: GpuRecorder,
  dh: GpuTensor,
  gate: GpuTensor,
  up: GpuTensor,
  n: number,
) {
  const dgate = rec.alloc(n);
  const dup = rec.alloc(n);
  rec.dispatchFlat(K.SILU_MUL_BACK, [dh, gate, up, dgate, dup], params([n]), n);
  return { dgate, dup };
}

/** Rows `rows` (u32, count n) of x [·, d] into [n, d]. */
export function gatherRows(rec: GpuRecorder, rows: GpuTensor, n: number, x: GpuTensor, d: number) {
  const out = rec.alloc(n * d);
  rec.dispatchFlat(K.GATHER_ROWS, [rows, x, out], params([n, d]), n * d);
  return out;
}

/** x [n, d] placed at rows `rows` of a zeroed [total, d]. */
export function scatterRows(
  rec: GpuRecorder,
  rows: GpuTensor,
  n: number,
  x: GpuTensor,
  total: number,
  d: number,
) {
  const out = rec.alloc(total * d);
  rec.dispatchFlat(K.SCATTER_ROWS, [rows, x, out], params([n, d]), n * d);
  return out;
}

export interface SteerShape {
  b: number;
  t: number;
  d: number;
  /** One vector per example ([B·D]) rather than one shared ([D]). */
  perExample: boolean;
}

/** x += mask·vector at each row, in place. */
export function steerAdd(
  rec: GpuRecorder,
  x: GpuTensor,
  v: GpuTensor,
  mask: GpuTensor,
  s: SteerShape,
) {
  const n = s.b * s.t;
  rec.dispatchFlat(K.STEER_ADD, [x, v, mask], params([n, s.t, s.d, s.perExample ? 1 : 0]), n * s.d);
}

/** Σ over rows of mask·dx, per vector row. */
export function steerGrad(rec: GpuRecorder, dx: GpuTensor, mask: GpuTensor, s: SteerShape) {
  const outRows = s.perExample ? s.b : 1;
  const rowsPer = s.perExample ? s.t : s.b * s.t;
  const g = rec.alloc(outRows * s.d);
  rec.dispatchFlat(K.STEER_GRAD, [dx, mask, g], params([outRows, rowsPer, s.d]), outRows * s.d);
  return g;
}

/** Per-row NLL [n] and d(mean NLL)/d logits [n, v]. */
export function crossEntropy(
  rec: GpuRecorder,
  logits: GpuTensor,
  targets: GpuTensor,
  n: number,
  v: number,
) {
  need("cross-entropy logits", logits, n * v);
  const dlogits = rec.alloc(n * v);
  const nll = rec.alloc(n);
  const block = params([n, v, { f32: 1 / n }]);
  rec.dispatch(K.CROSS_ENTROPY, [logits, targets, dlogits, nll], block, rowGroups(n));
  return { dlogits, nll };
}

/** Per-row NLL [n] and d(Σ w·NLL)/d logits [n, v] with per-row weights `w` [n]. */
export function crossEntropyWeighted(
  rec: GpuRecorder,
  logits: GpuTensor,
  targets: GpuTensor,
  w: GpuTensor,
  dims: { n: number; v: number },
) {
  const { n, v } = dims;
  need("cross-entropy logits", logits, n * v);
  need("cross-entropy weights", w, n);
  const dlogits = rec.alloc(n * v);
  const nll = rec.alloc(n);
  const block = params([n, v, { f32: 0 }]);
  rec.dispatch(K.CROSS_ENTROPY_WEIGHTED, [logits, targets, w, dlogits, nll], block, rowGroups(n));
  return { dlogits, nll };
}
