/**
 * Matmul FLOPs of the fast path's passes, counted from the shapes (2·m·n·k per product), so
 * bench/fast.ts can state achieved GFLOP/s beside the times (issue 17 asks for the roofline).
 * Elementwise work (norms, softmax, SiLU, RoPE) is not counted: it is what the gemm rate does not
 * explain.
 *
 * Shape legend: N = B·T rows, R predicting rows, D d_model, H heads, Hkv KV heads, K d_head,
 * F d_mlp, V vocab.
 */
export interface FlopShape {
  b: number;
  t: number;
  d: number;
  h: number;
  hkv: number;
  k: number;
  f: number;
  v: number;
  layers: number;
}

/** q/k/v/o projections of `rows` rows. */
const proj = (s: FlopShape, rows: number) => 2 * rows * s.d * (2 * s.h * s.k + 2 * s.hkv * s.k);
/** Scores and z of every (example, head): two T×T×K products. */
const attn = (s: FlopShape) => 2 * 2 * s.b * s.h * s.t * s.t * s.k;
/** Gate, up and down of `rows` rows. */
const mlp = (s: FlopShape, rows: number) => 3 * 2 * rows * s.d * s.f;
const unembed = (s: FlopShape, rows: number) => 2 * rows * s.d * s.v;

/** The forward to logits at every position. */
export function forwardFlops(s: FlopShape): number {
  const n = s.b * s.t;
  return s.layers * (proj(s, n) + attn(s) + mlp(s, n)) + unembed(s, n);
}

/**
 * One steering loss + gradient from a prepared site at `layer`, as steer.ts runs it: the later
 * layers forward (the last one's MLP at the R predicting rows), the head at R rows, and back
 * (input gradients only: each projection once more, the attention core twice more).
 */
export function steeringFlops(s: FlopShape, layer: number, r: number): number {
  const n = s.b * s.t;
  const later = s.layers - 1 - layer;
  if (later === 0) return 2 * unembed(s, r);
  const full = proj(s, n) + attn(s) + mlp(s, n);
  const last = proj(s, n) + attn(s) + mlp(s, r);
  const fwd = (later - 1) * full + last + unembed(s, r);
  const bwd = (later - 1) * (full + attn(s)) + last + attn(s) + unembed(s, r);
  return fwd + bwd;
}

/**
 * One LoRA loss + adapter gradients, as gpu/lm-loss.ts runs it with adapters of rank `rank` on all
 * seven projections of every layer and `r` counted rows: every layer forward (the last one's MLP
 * at R rows), the head at R rows, back through every layer (input gradients as in the steering
 * step), and the adapters' products — t = x·a and t·b forward; dt, d b, d a and dt·aᵀ back —
 * counted at every row.
 */
export function loraFlops(s: FlopShape, r: number, rank: number): number {
  const n = s.b * s.t;
  const full = proj(s, n) + attn(s) + mlp(s, n);
  const last = proj(s, n) + attn(s) + mlp(s, r);
  const fwd = (s.layers - 1) * full + last + unembed(s, r);
  const bwd = (s.layers - 1) * (full + attn(s)) + last + attn(s) + unembed(s, r);
  const inOut = 2 * (s.d + s.h * s.k) + 2 * (s.d + s.hkv * s.k) + 3 * (s.d + s.f);
  const adapters = s.layers * 3 * 2 * n * rank * inOut;
  return fwd + bwd + adapters;
}
