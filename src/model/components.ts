/**
 * Transformer components as plain functions over jax-js arrays. Each consumes its array arguments
 * (jax-js ownership); parameters are passed with `.ref` by the caller.
 *
 * Shape legend: B batch, T query tokens, S key tokens, D d_model, H heads, Hkv KV heads,
 * G = H / Hkv, K d_head, F d_mlp, V vocab.
 */
import { nn, np } from "../engine/jax.js";
import { assertLastAxis, attentionDims } from "../engine/shapes.js";
import type { Activation } from "./config.js";
import type { LayerParams, LoraDelta, NormParams } from "./params.js";

/** x / sqrt(mean(x²) + eps) over the last axis (before the weight). */
export function rmsNormalize(x: np.Array, eps: number): np.Array {
  const ms = np.square(x.ref).mean(-1, { keepdims: true });
  return x.mul(np.reciprocal(np.sqrt(ms.add(eps))));
}

/** (x − mean) / sqrt(var + eps) over the last axis (before weight and bias). */
export function layerNormalize(x: np.Array, eps: number): np.Array {
  const centred = x.ref.sub(x.mean(-1, { keepdims: true }));
  const variance = np.square(centred.ref).mean(-1, { keepdims: true });
  return centred.mul(np.reciprocal(np.sqrt(variance.add(eps))));
}

export function normalize(kind: "rms" | "layer", x: np.Array, eps: number): np.Array {
  return kind === "rms" ? rmsNormalize(x, eps) : layerNormalize(x, eps);
}

/** Applies a norm's weight (and bias) to an already normalised array. */
export function normAffine(xHat: np.Array, p: NormParams): np.Array {
  const scaled = xHat.mul(p.w.ref);
  return p.b ? scaled.add(p.b.ref) : scaled;
}

/** x @ W (+ b). */
export function linear(x: np.Array, w: np.Array, b?: np.Array): np.Array {
  const y = np.matmul(x, w);
  return b ? y.add(b) : y;
}

/**
 * x @ W (+ b), plus (x @ a) @ b when an unmerged LoRA adapter is given (its scale folded into b).
 * Consumes x, w and b like `linear`; borrows `lora`.
 */
export function project(x: np.Array, w: np.Array, b?: np.Array, lora?: LoraDelta): np.Array {
  if (!lora) return linear(x, w, b);
  const delta = np.matmul(np.matmul(x.ref, lora.a.ref), lora.b.ref);
  return linear(x, w, b).add(delta);
}

/** HF rotate_half: cat(−x₂, x₁) over the last axis, x of width K. */
function rotateHalf(x: np.Array): np.Array {
  const k = x.shape[x.ndim - 1]!;
  const lead = x.shape.slice(0, -1).map(() => []);
  const x1 = x.ref.slice(...(lead as []), [0, k / 2]);
  const x2 = x.slice(...(lead as []), [k / 2, k]);
  return np.concatenate([x2.neg(), x1], -1);
}

/** x·cos + rotate_half(x)·sin; x [B,T,H,K], cos/sin [B,T,1,K]. */
export function applyRope(x: np.Array, cos: np.Array, sin: np.Array): np.Array {
  return x.ref.mul(cos).add(rotateHalf(x).mul(sin));
}

/** GELU, tanh approximation ("gelu_new") or exact erf ("gelu"). */
function gelu(x: np.Array, approximate: boolean): np.Array {
  if (approximate) {
    const c = Math.sqrt(2 / Math.PI);
    const cube = x.ref.mul(x.ref).mul(x.ref);
    const inner = x.ref.add(cube.mul(0.044715)).mul(c);
    return x.mul(np.tanh(inner).add(1)).mul(0.5);
  }
  return nn.gelu(x, { approximate: false });
}

export interface MlpParams {
  wGate?: np.Array;
  bGate?: np.Array;
  wUp: np.Array;
  bUp?: np.Array;
  wDown: np.Array;
  bDown?: np.Array;
  lora?: LayerParams["lora"];
}

function activate(x: np.Array, act: Activation): np.Array {
  return act === "silu" ? nn.silu(x) : gelu(x, act === "gelu_new");
}

/** cap·tanh(x/cap): gemma2's soft cap of attention and output logits. */
export function softcap(x: np.Array, cap: number): np.Array {
  return np.tanh(x.mul(1 / cap)).mul(cap);
}

/** Gated MLP (SwiGLU, GeGLU: act(gate)·up) or plain MLP (GPT-2); x [B,T,D] → [B,T,D]. Borrows parameters. */
export function mlp(x: np.Array, p: MlpParams, act: Activation): np.Array {
  assertLastAxis(x, p.wUp.shape[0]!, "mlp input");
  let h: np.Array;
  if (p.wGate) {
    const gate = project(x.ref, p.wGate.ref, p.bGate?.ref, p.lora?.gate);
    const up = project(x, p.wUp.ref, p.bUp?.ref, p.lora?.up);
    h = activate(gate, act).mul(up);
  } else {
    h = activate(project(x, p.wUp.ref, p.bUp?.ref, p.lora?.up), act);
  }
  return project(h, p.wDown.ref, p.bDown?.ref, p.lora?.down);
}

/** How attention logits are formed: scale (default 1/√K) and an optional soft cap (gemma2). */
export interface AttentionLogits {
  scale?: number;
  softcap?: number;
}

/** What `attend` returns besides z, and how it forms logits. */
export interface AttendOptions {
  /** Also return the attention pattern [B,H,T,S]. */
  wantPattern?: boolean;
  logits?: AttentionLogits;
}

/** q·kᵀ times the scale, soft-capped when asked, plus the mask bias. Consumes all three. */
export function attentionScores(
  qk: np.Array,
  bias: np.Array,
  dk: number,
  logits: AttentionLogits,
): np.Array {
  const scaled = qk.mul(logits.scale ?? 1 / Math.sqrt(dk));
  return (logits.softcap ? softcap(scaled, logits.softcap) : scaled).add(bias);
}

/**
 * Grouped-query attention core. q [B,T,H,K], k/v [B,S,Hkv,K], bias [B,1,1,T,S] (0 or a large
 * negative number). Returns z [B,T,H,K] and the pattern [B,H,T,S] when asked.
 */
export function attend(
  q: np.Array,
  k: np.Array,
  v: np.Array,
  bias: np.Array,
  opts: AttendOptions = {},
): { z: np.Array; pattern: np.Array | null } {
  const logits = opts.logits ?? {};
  const [b, t, h, dk, s, hkv] = attentionDims(q, k, v, bias);
  const g = h / hkv;
  const qg = q.transpose([0, 2, 1, 3]).reshape([b, hkv, g, t, dk]);
  const kg = k.transpose([0, 2, 3, 1]).reshape([b, hkv, 1, dk, s]);
  const vg = v.transpose([0, 2, 1, 3]).reshape([b, hkv, 1, s, dk]);
  const scores = attentionScores(np.matmul(qg, kg), bias, dk, logits);
  const probs = nn.softmax(scores, -1);
  const pattern = opts.wantPattern ? probs.ref.reshape([b, h, t, s]) : null;
  const z = np.matmul(probs, vg).reshape([b, h, t, dk]).transpose([0, 2, 1, 3]);
  return { z, pattern };
}
