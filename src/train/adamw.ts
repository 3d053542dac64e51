/**
 * AdamW (Loshchilov & Hutter; PyTorch's update order) with global-norm gradient clipping, as a
 * pure function over parameter trees for use inside one jitted training step. Bias corrections
 * and the learning rate arrive as scalars computed in plain JS numbers (jax-js's exp/log are only
 * good to ~1e-5).
 *
 *   g ← g · min(1, clip / (‖g‖ + 1e-6))
 *   m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²
 *   p ← p − lr · wd · p  (matrices only)  − lr · (m / bc1) / (√(v / bc2) + ε)
 */
import { np } from "../engine/jax.js";
import { flattenTree, leavesOf, mapTree, unflattenAs } from "../engine/tree.js";

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Global gradient-norm clip (Infinity: none). */
  clipNorm: number;
}

export const DEFAULT_ADAMW: AdamWOptions = {
  beta1: 0.9,
  beta2: 0.95,
  eps: 1e-8,
  weightDecay: 0.1,
  clipNorm: 1,
};

/** Per-step scalars (device scalars so the step compiles once). */
export type StepScalars = { lr: np.Array; bc1: np.Array; bc2: np.Array };

/** Host values of the per-step scalars for step `t` (1-based) at learning rate `lr`. */
export function stepScalars(o: AdamWOptions, t: number, lr: number): StepScalars {
  return {
    lr: np.array(lr),
    bc1: np.array(1 - Math.pow(o.beta1, t)),
    bc2: np.array(1 - Math.pow(o.beta2, t)),
  };
}

export interface AdamWResult<T> {
  params: T;
  m: T;
  v: T;
  /** The gradient's global norm before clipping (scalar). */
  gradNorm: np.Array;
}

/** One AdamW update. Consumes every argument; returns new trees. */
export function adamwUpdate<T extends object>(
  o: AdamWOptions,
  params: T,
  grads: T,
  m: T,
  v: T,
  s: StepScalars,
): AdamWResult<T> {
  const [p, def] = flattenTree(params);
  const g = leavesOf(grads);
  const ms = leavesOf(m);
  const vs = leavesOf(v);
  let sq: np.Array | null = null;
  for (const x of g) {
    const part = np.square(x.ref).sum();
    sq = sq === null ? part : sq.add(part);
  }
  const gradNorm = np.sqrt(sq ?? np.array(0));
  const clip = Number.isFinite(o.clipNorm)
    ? np.minimum(np.array(1), np.reciprocal(gradNorm.ref.add(1e-6)).mul(o.clipNorm))
    : np.array(1);
  const outP: np.Array[] = [];
  const outM: np.Array[] = [];
  const outV: np.Array[] = [];
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]!.mul(clip.ref);
    const mi = ms[i]!.mul(o.beta1).add(gi.ref.mul(1 - o.beta1));
    const vi = vs[i]!.mul(o.beta2).add(np.square(gi).mul(1 - o.beta2));
    const update = mi.ref
      .div(s.bc1.ref)
      .div(np.sqrt(vi.ref.div(s.bc2.ref)).add(o.eps))
      .mul(s.lr.ref);
    let pi = p[i]!;
    if (o.weightDecay > 0 && pi.ndim >= 2) pi = pi.ref.sub(pi.mul(s.lr.ref.mul(o.weightDecay)));
    outP.push(pi.sub(update));
    outM.push(mi);
    outV.push(vi);
  }
  clip.dispose();
  s.lr.dispose();
  s.bc1.dispose();
  s.bc2.dispose();
  const rebuild = (leaves: np.Array[]) => unflattenAs<T>(def, leaves);
  return { params: rebuild(outP), m: rebuild(outM), v: rebuild(outV), gradNorm };
}

/** Zero moments shaped like `params` (not consumed). */
export function zerosLikeTree<T extends object>(params: T): T {
  return mapTree((x) => np.zeros(x.shape), params);
}
