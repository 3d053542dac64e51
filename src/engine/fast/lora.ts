/**
 * A LoRA adapter on one projection (the first piece of LoRA gradients on the fast path; not yet
 * in block.ts): y = x·W (+ b) + s·(x·a)·b_lora, in src/model/lora.ts's device layout (a = Aᵀ
 * [in, r], b = Bᵀ [r, out], s = alpha / r). The VJP gives the input's gradient and the adapter's:
 *   t = x·a,  dt = s·dy·bᵀ,  d b = s·tᵀ·dy,  d a = xᵀ·dt,  dx = dy·Wᵀ + dt·aᵀ.
 *
 * Shape legend: N rows, I in, O out, r rank.
 */
import { linear } from "./linear.js";
import type { Buf, Numerics } from "./numerics.js";

export interface FastLora {
  /** [I, r] */ a: Buf;
  /** [r, O] */ b: Buf;
  rank: number;
  scale: number;
}

export interface LoraGrads {
  /** [N, I] */ dx: Buf;
  /** [I, r] */ da: Buf;
  /** [r, O] */ db: Buf;
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
  const r = l.rank;
  const dt = nm.alloc(rows * r);
  nm.gemm({ m: rows, n: r, k: outDim, a: dy, b: l.b, c: dt, transB: true });
  for (let i = 0; i < dt.length; i++) dt[i] = l.scale * dt[i]!;
  const db = nm.alloc(r * outDim);
  nm.gemm({ m: r, n: outDim, k: rows, a: t, b: dy, c: db, transA: true });
  for (let i = 0; i < db.length; i++) db[i] = l.scale * db[i]!;
  const da = nm.alloc(inDim * r);
  nm.gemm({ m: inDim, n: r, k: rows, a: x, b: dt, c: da, transA: true });
  const dx = nm.alloc(rows * inDim);
  nm.gemm({ m: rows, n: inDim, k: outDim, a: dy, b: w, c: dx, transB: true });
  nm.gemm({ m: rows, n: inDim, k: r, a: dt, b: l.a, c: dx, transB: true, beta: 1 });
  return { dx, da, db };
}
