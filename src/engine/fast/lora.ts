/**
 * LoRA adapters on the fast path's projections: y = x·W (+ b) + s·(x·a)·b_lora, in
 * src/model/lora.ts's device layout (a = Aᵀ [in, r], b = Bᵀ [r, out], s = alpha / r; a model
 * loaded with unmerged adapters has s folded into b, so s = 1). Any of a layer's seven
 * projections may carry one (`FastLoraSet`); `project` runs a projection with its adapter and
 * records t = x·a, `projectBackward` is its VJP:
 *   t = x·a,  dt = s·dy·bᵀ,  d b = s·tᵀ·dy,  d a = xᵀ·dt,  dx = dy·Wᵀ + dt·aᵀ.
 * The adapter gradients are formed only when a sink asks for them (LoRA training); the steering
 * gradient through an unmerged adapter needs only dx.
 *
 * Shape legend: N rows, I in, O out, r rank.
 */
import { linear, linearBackward } from "./linear.js";
import type { Buf, Numerics } from "./numerics.js";

export interface FastLora {
  /** [I, r] */ a: Buf;
  /** [r, O] */ b: Buf;
  rank: number;
  scale: number;
}

/** The projections an adapter may sit on (src/io/lora-config.ts's LORA_TARGETS). */
export const FAST_LORA_TARGETS = ["q", "k", "v", "o", "gate", "up", "down"] as const;
export type FastLoraTarget = (typeof FAST_LORA_TARGETS)[number];
export type FastLoraSet = Partial<Record<FastLoraTarget, FastLora>>;
/** t = x·a of each adapted projection of one pass (the backward reads it). */
export type LoraSaved = Partial<Record<FastLoraTarget, Buf>>;
/** Receives d a [I, r] and d b [r, O] of one projection's adapter (arena buffers: copy them). */
export type LoraGradSink = (target: FastLoraTarget, da: Buf, db: Buf) => void;

export interface LoraGrads {
  /** [N, I] */ dx: Buf;
  /** [I, r] */ da: Buf;
  /** [r, O] */ db: Buf;
}

/** Shape of one projection. */
export interface ProjDims {
  rows: number;
  inDim: number;
  outDim: number;
}

/** y [N, O] and t = x·a [N, r] (the backward reads it). */
export function loraLinear(
  nm: Numerics,
  x: Buf,
  w: Buf,
  l: FastLora,
  rows: number,
  inDim: number,
  outDim: number,
  bias?: Buf,
): { y: Buf; t: Buf } {
  const y = linear(nm, x, w, rows, inDim, outDim, bias);
  const t = linear(nm, x, l.a, rows, inDim, l.rank);
  const st = nm.alloc(rows * l.rank);
  for (let i = 0; i < st.length; i++) st[i] = l.scale * t[i]!;
  nm.gemm({ m: rows, n: outDim, k: l.rank, a: st, b: l.b, c: y, beta: 1 });
  return { y, t };
}

/** x·W (+ bias), plus the set's adapter on `target` if any (its t recorded in `saved`). */
export function project(
  nm: Numerics,
  x: Buf,
  w: Buf,
  p: ProjDims,
  bias: Buf | undefined,
  adapter: { set: FastLoraSet | undefined; target: FastLoraTarget; saved: LoraSaved },
): Buf {
  const l = adapter.set?.[adapter.target];
  if (!l) return linear(nm, x, w, p.rows, p.inDim, p.outDim, bias);
  const r = loraLinear(nm, x, w, l, p.rows, p.inDim, p.outDim, bias);
  adapter.saved[adapter.target] = r.t;
  return r.y;
}

/** dt = s·dy·bᵀ [N, r], d b = s·tᵀ·dy [r, O], d a = xᵀ·dt [I, r] (d a, d b only when asked). */
function adapterGrads(
  nm: Numerics,
  dy: Buf,
  x: Buf,
  t: Buf,
  l: FastLora,
  p: ProjDims,
  grads: boolean,
) {
  const { rows, inDim, outDim } = p;
  const r = l.rank;
  const dt = nm.alloc(rows * r);
  nm.gemm({ m: rows, n: r, k: outDim, a: dy, b: l.b, c: dt, transB: true });
  for (let i = 0; i < dt.length; i++) dt[i] = l.scale * dt[i]!;
  if (!grads) return { dt };
  const db = nm.alloc(r * outDim);
  nm.gemm({ m: r, n: outDim, k: rows, a: t, b: dy, c: db, transA: true });
  for (let i = 0; i < db.length; i++) db[i] = l.scale * db[i]!;
  const da = nm.alloc(inDim * r);
  nm.gemm({ m: inDim, n: r, k: rows, a: x, b: dt, c: da, transA: true });
  return { dt, da, db };
}

/** dx, d a and d b from dy [N, O], the input x [N, I] and the saved t = x·a [N, r]. */
export function loraLinearBackward(
  nm: Numerics,
  dy: Buf,
  x: Buf,
  t: Buf,
  w: Buf,
  l: FastLora,
  rows: number,
  inDim: number,
  outDim: number,
): LoraGrads {
  const p = { rows, inDim, outDim };
  const g = adapterGrads(nm, dy, x, t, l, p, true);
  const dx = linearBackward(nm, dy, w, rows, inDim, outDim);
  nm.gemm({ m: rows, n: inDim, k: l.rank, a: g.dt, b: l.a, c: dx, transB: true, beta: 1 });
  return { dx, da: g.da!, db: g.db! };
}

/**
 * The VJP of `project`: dx [N, I] (added into `acc` when given), and the adapter's d a, d b to
 * `sink` when the projection has an adapter and a sink is given.
 */
export function projectBackward(
  nm: Numerics,
  dy: Buf,
  w: Buf,
  p: ProjDims,
  acc: Buf | undefined,
  adapter: {
    set: FastLoraSet | undefined;
    target: FastLoraTarget;
    saved: LoraSaved | undefined;
    x: Buf;
    sink: LoraGradSink | undefined;
  },
): Buf {
  const dx = linearBackward(nm, dy, w, p.rows, p.inDim, p.outDim, acc);
  const l = adapter.set?.[adapter.target];
  if (!l) return dx;
  const t = adapter.saved?.[adapter.target];
  if (!t) throw new Error(`fast LoRA: no saved activation of the '${adapter.target}' adapter`);
  const g = adapterGrads(nm, dy, adapter.x, t, l, p, adapter.sink !== undefined);
  nm.gemm({ m: p.rows, n: p.inDim, k: l.rank, a: g.dt, b: l.a, c: dx, transB: true, beta: 1 });
  if (adapter.sink) adapter.sink(adapter.target, g.da!, g.db!);
  return dx;
}
