/**
 * The small WGSL kernels around the SGEMM: embedding rows, RMSNorm and its VJP, biases, RoPE,
 * the causal softmax and its VJP, SwiGLU and its VJP, residual adds, row gathers/scatters, the
 * steering add and its gradient, and the response cross-entropy. Elementwise kernels use
 * recorder.ts's flat index; row reductions give each row one workgroup of 256 threads that sum
 * strided elements in index order and then combine partials in a fixed tree, so results do not
 * depend on scheduling.
 */
import { FLAT_INDEX } from "./recorder.js";

/** A workgroup-per-row reduction helper: red(v) returns Σ v over the 256 threads (fixed tree). */
const ROW_REDUCE = `
var<workgroup> red_buf: array<f32, 256>;
fn red_sum(li: u32, v: f32) -> f32 {
  red_buf[li] = v;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) {
    if (li < s) { red_buf[li] = red_buf[li] + red_buf[li + s]; }
    workgroupBarrier();
  }
  let r = red_buf[0];
  workgroupBarrier();
  return r;
}
fn red_max(li: u32, v: f32) -> f32 {
  red_buf[li] = v;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) {
    if (li < s) { red_buf[li] = max(red_buf[li], red_buf[li + s]); }
    workgroupBarrier();
  }
  let r = red_buf[0];
  workgroupBarrier();
  return r;
}`;

/** One workgroup per row (row = wg.y·nwg.x + wg.x), 256 threads. */
const ROW_MAIN = `
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) li: u32) {
  let row = wg.y * nwg.x + wg.x;
  if (row < p.rows) { body(row, li); }
}`;

/** x[i, :] = E[ids[i], :] — bindings: ids (u32), E, x. */
export const EMBED = `
struct P { n: u32, d: u32 }
@group(0) @binding(0) var<storage, read> ids: array<u32>;
@group(0) @binding(1) var<storage, read> E: array<f32>;
@group(0) @binding(2) var<storage, read_write> X: array<f32>;
@group(0) @binding(3) var<uniform> p: P;
fn body(i: u32) {
  if (i >= p.n * p.d) { return; }
  let r = i / p.d;
  X[i] = E[ids[r] * p.d + i % p.d];
}
${FLAT_INDEX}`;

/** y = x·r·w, r = 1/√(mean(x²) + ε) per row — bindings: x, w, y, rstd. */
export const RMS_NORM = `
struct P { rows: u32, width: u32, eps: f32 }
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> W: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
@group(0) @binding(3) var<storage, read_write> R: array<f32>;
@group(0) @binding(4) var<uniform> p: P;
${ROW_REDUCE}
fn body(row: u32, li: u32) {
  let o = row * p.width;
  var ss = 0.0;
  for (var j = li; j < p.width; j += 256u) { ss += X[o + j] * X[o + j]; }
  let tot = red_sum(li, ss);
  let r = 1.0 / sqrt(tot / f32(p.width) + p.eps);
  if (li == 0u) { R[row] = r; }
  for (var j = li; j < p.width; j += 256u) { Y[o + j] = X[o + j] * r * W[j]; }
}
${ROW_MAIN}`;

/**
 * dx = r·(w⊙dy) − x·r³·⟨w⊙dy, x⟩/W (+ res, the residual branch's gradient, when p.addRes = 1)
 * — bindings: x, w, rstd, dy, res, dx.
 */
export const RMS_NORM_BACK = `
struct P { rows: u32, width: u32, addRes: u32 }
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> W: array<f32>;
@group(0) @binding(2) var<storage, read> R: array<f32>;
@group(0) @binding(3) var<storage, read> DY: array<f32>;
@group(0) @binding(4) var<storage, read> RES: array<f32>;
@group(0) @binding(5) var<storage, read_write> DX: array<f32>;
@group(0) @binding(6) var<uniform> p: P;
${ROW_REDUCE}
fn body(row: u32, li: u32) {
  let o = row * p.width;
  let r = R[row];
  var dot = 0.0;
  for (var j = li; j < p.width; j += 256u) { dot += W[j] * DY[o + j] * X[o + j]; }
  let c = r * r * r * red_sum(li, dot) / f32(p.width);
  for (var j = li; j < p.width; j += 256u) {
    var v = r * W[j] * DY[o + j] - c * X[o + j];
    if (p.addRes == 1u) { v += RES[o + j]; }
    DX[o + j] = v;
  }
}
${ROW_MAIN}`;

/** y[i, j] += b[j] — bindings: y, b. */
export const ADD_BIAS = `
struct P { rows: u32, n: u32 }
@group(0) @binding(0) var<storage, read_write> Y: array<f32>;
@group(0) @binding(1) var<storage, read> Bv: array<f32>;
@group(0) @binding(2) var<uniform> p: P;
fn body(i: u32) {
  if (i >= p.rows * p.n) { return; }
  Y[i] = Y[i] + Bv[i % p.n];
}
${FLAT_INDEX}`;

/** a += b — bindings: a, b. */
export const ADD = `
struct P { n: u32 }
@group(0) @binding(0) var<storage, read_write> Av: array<f32>;
@group(0) @binding(1) var<storage, read> Bv: array<f32>;
@group(0) @binding(2) var<uniform> p: P;
fn body(i: u32) {
  if (i >= p.n) { return; }
  Av[i] = Av[i] + Bv[i];
}
${FLAT_INDEX}`;

/**
 * RoPE in HF's rotate_half convention on [rows, heads, K], in place; p.inverse = 1 is the VJP
 * (rotation by the opposite angle) — bindings: x, cos, sin.
 */
export const ROPE = `
struct P { rows: u32, heads: u32, k: u32, inverse: u32 }
@group(0) @binding(0) var<storage, read_write> X: array<f32>;
@group(0) @binding(1) var<storage, read> COS: array<f32>;
@group(0) @binding(2) var<storage, read> SIN: array<f32>;
@group(0) @binding(3) var<uniform> p: P;
fn body(idx: u32) {
  let half = p.k / 2u;
  if (idx >= p.rows * p.heads * half) { return; }
  let i = idx % half;
  let rh = idx / half;
  let r = rh / p.heads;
  let o = rh * p.k;
  let t = r * p.k;
  let x1 = X[o + i];
  let x2 = X[o + half + i];
  if (p.inverse == 0u) {
    X[o + i] = x1 * COS[t + i] - x2 * SIN[t + i];
    X[o + half + i] = x2 * COS[t + half + i] + x1 * SIN[t + half + i];
  } else {
    X[o + i] = x1 * COS[t + i] + x2 * SIN[t + half + i];
    X[o + half + i] = x2 * COS[t + half + i] - x1 * SIN[t + i];
  }
}
${FLAT_INDEX}`;

/**
 * Scaled causal softmax with left padding over score rows [B, H, T, T], in place: query i of
 * example e sees key j iff j ≤ i and mask[e·T + j]; a row that sees nothing becomes 0 —
 * bindings: p, keyMask (u32).
 */
export const SOFTMAX_CAUSAL = `
struct P { rows: u32, t: u32, h: u32, scale: f32 }
@group(0) @binding(0) var<storage, read_write> S: array<f32>;
@group(0) @binding(1) var<storage, read> M: array<u32>;
@group(0) @binding(2) var<uniform> p: P;
${ROW_REDUCE}
fn seen(e: u32, i: u32, j: u32) -> bool { return j <= i && M[e * p.t + j] == 1u; }
fn body(row: u32, li: u32) {
  let i = row % p.t;
  let e = row / (p.t * p.h);
  let o = row * p.t;
  var mx = -3.4e38;
  for (var j = li; j < p.t; j += 256u) {
    if (seen(e, i, j)) { mx = max(mx, S[o + j] * p.scale); }
  }
  mx = red_max(li, mx);
  var sum = 0.0;
  for (var j = li; j < p.t; j += 256u) {
    var v = 0.0;
    if (seen(e, i, j)) { v = exp(S[o + j] * p.scale - mx); }
    S[o + j] = v;
    sum += v;
  }
  sum = red_sum(li, sum);
  var inv = 0.0;
  if (sum > 0.0) { inv = 1.0 / sum; }
  for (var j = li; j < p.t; j += 256u) { S[o + j] = S[o + j] * inv; }
}
${ROW_MAIN}`;

/** dS = P ⊙ (dP − rowsum(P ⊙ dP))·scale, in place over dP — bindings: dp, p. */
export const SOFTMAX_BACK = `
struct P { rows: u32, t: u32, scale: f32 }
@group(0) @binding(0) var<storage, read_write> DP: array<f32>;
@group(0) @binding(1) var<storage, read> PR: array<f32>;
@group(0) @binding(2) var<uniform> p: P;
${ROW_REDUCE}
fn body(row: u32, li: u32) {
  let o = row * p.t;
  var dot = 0.0;
  for (var j = li; j < p.t; j += 256u) { dot += PR[o + j] * DP[o + j]; }
  dot = red_sum(li, dot);
  for (var j = li; j < p.t; j += 256u) { DP[o + j] = PR[o + j] * (DP[o + j] - dot) * p.scale; }
}
${ROW_MAIN}`;

/** h = silu(gate) ⊙ up — bindings: gate, up, h. */
export const SILU_MUL = `
struct P { n: u32 }
@group(0) @binding(0) var<storage, read> G: array<f32>;
@group(0) @binding(1) var<storage, read> U: array<f32>;
@group(0) @binding(2) var<storage, read_write> Hs: array<f32>;
@group(0) @binding(3) var<uniform> p: P;
fn body(i: u32) {
  if (i >= p.n) { return; }
  let g = G[i];
  Hs[i] = g / (1.0 + exp(-g)) * U[i];
}
${FLAT_INDEX}`;

/** dgate = dh ⊙ up ⊙ σ(g)(1 + g(1 − σ(g))), dup = dh ⊙ silu(g) — bindings: dh, gate, up, dgate, dup. */
export const SILU_MUL_BACK = `
struct P { n: u32 }
@group(0) @binding(0) var<storage, read> DH: array<f32>;
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read> U: array<f32>;
@group(0) @binding(3) var<storage, read_write> DG: array<f32>;
@group(0) @binding(4) var<storage, read_write> DU: array<f32>;
@group(0) @binding(5) var<uniform> p: P;
fn body(i: u32) {
  if (i >= p.n) { return; }
  let g = G[i];
  let sg = 1.0 / (1.0 + exp(-g));
  DU[i] = DH[i] * g * sg;
  DG[i] = DH[i] * U[i] * sg * (1.0 + g * (1.0 - sg));
}
${FLAT_INDEX}`;

/** out[i, :] = x[rows[i], :] — bindings: rows (u32), x, out. */
export const GATHER_ROWS = `
struct P { n: u32, d: u32 }
@group(0) @binding(0) var<storage, read> RW: array<u32>;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> O: array<f32>;
@group(0) @binding(3) var<uniform> p: P;
fn body(i: u32) {
  if (i >= p.n * p.d) { return; }
  O[i] = X[RW[i / p.d] * p.d + i % p.d];
}
${FLAT_INDEX}`;

/** out[rows[i], :] = x[i, :] into a zeroed out — bindings: rows (u32), x, out. */
export const SCATTER_ROWS = `
struct P { n: u32, d: u32 }
@group(0) @binding(0) var<storage, read> RW: array<u32>;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> O: array<f32>;
@group(0) @binding(3) var<uniform> p: P;
fn body(i: u32) {
  if (i >= p.n * p.d) { return; }
  O[RW[i / p.d] * p.d + i % p.d] = X[i];
}
${FLAT_INDEX}`;

/**
 * x[r, :] += mask[r]·v[e(r), :] with e(r) = ⌊r/T⌋ when the vector is per example (p.per = 1)
 * — bindings: x, v, mask.
 */
export const STEER_ADD = `
struct P { n: u32, t: u32, d: u32, per: u32 }
@group(0) @binding(0) var<storage, read_write> X: array<f32>;
@group(0) @binding(1) var<storage, read> V: array<f32>;
@group(0) @binding(2) var<storage, read> M: array<f32>;
@group(0) @binding(3) var<uniform> p: P;
fn body(i: u32) {
  if (i >= p.n * p.d) { return; }
  let r = i / p.d;
  let j = i % p.d;
  var vo = 0u;
  if (p.per == 1u) { vo = (r / p.t) * p.d; }
  X[i] = X[i] + M[r] * V[vo + j];
}
${FLAT_INDEX}`;

/**
 * g[e, j] = Σ_r mask[r]·dx[r, j] over the rows r of vector row e (all rows for a shared vector),
 * in row order — bindings: dx, mask, g. One thread per output.
 */
export const STEER_GRAD = `
struct P { outRows: u32, rowsPer: u32, d: u32 }
@group(0) @binding(0) var<storage, read> DX: array<f32>;
@group(0) @binding(1) var<storage, read> M: array<f32>;
@group(0) @binding(2) var<storage, read_write> G: array<f32>;
@group(0) @binding(3) var<uniform> p: P;
fn body(i: u32) {
  if (i >= p.outRows * p.d) { return; }
  let e = i / p.d;
  let j = i % p.d;
  var s = 0.0;
  for (var r = e * p.rowsPer; r < (e + 1u) * p.rowsPer; r++) { s += M[r] * DX[r * p.d + j]; }
  G[i] = s;
}
${FLAT_INDEX}`;

/**
 * Token-mean cross-entropy per logits row [N, V] and its VJP: nll[r] = max + log Σ exp − l[target],
 * dlogits = softmax/N − onehot/N — bindings: logits, targets (u32), dlogits, nll.
 */
/**
 * Per-row NLL and d loss / d logits, each row's softmax minus its one-hot target times the row's
 * weight: 1/rows (the steering loss's token mean) or, weighted, the row's own (W, binding 2).
 */
function crossEntropyShader(weighted: boolean): string {
  const [dl, nll, par] = weighted ? [3, 4, 5] : [2, 3, 4];
  return `
struct P { rows: u32, v: u32, invN: f32 }
@group(0) @binding(0) var<storage, read> L: array<f32>;
@group(0) @binding(1) var<storage, read> TG: array<u32>;
${weighted ? "@group(0) @binding(2) var<storage, read> W: array<f32>;" : ""}
@group(0) @binding(${dl}) var<storage, read_write> DL: array<f32>;
@group(0) @binding(${nll}) var<storage, read_write> NLL: array<f32>;
@group(0) @binding(${par}) var<uniform> p: P;
${ROW_REDUCE}
fn body(row: u32, li: u32) {
  let o = row * p.v;
  var mx = -3.4e38;
  for (var j = li; j < p.v; j += 256u) { mx = max(mx, L[o + j]); }
  mx = red_max(li, mx);
  var sum = 0.0;
  for (var j = li; j < p.v; j += 256u) {
    let e = exp(L[o + j] - mx);
    DL[o + j] = e;
    sum += e;
  }
  sum = red_sum(li, sum);
  let tg = TG[row];
  let wr = ${weighted ? "W[row]" : "p.invN"};
  let scale = wr / sum;
  for (var j = li; j < p.v; j += 256u) {
    var g = DL[o + j] * scale;
    if (j == tg) { g -= wr; }
    DL[o + j] = g;
  }
  if (li == 0u) { NLL[row] = mx + log(sum) - L[o + tg]; }
}
${ROW_MAIN}`;
}

export const CROSS_ENTROPY = crossEntropyShader(false);
export const CROSS_ENTROPY_WEIGHTED = crossEntropyShader(true);
