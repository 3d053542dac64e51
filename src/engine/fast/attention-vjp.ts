/**
 * The VJP of attention.ts's GQA attention: dq, dk, dv from dz and the saved pattern P, with the
 * same strided per-(example, head) gemms (dV += Pᵀ·dz, dP = dz·Vᵀ, dQ = dS·K, dK += dSᵀ·Q) and the
 * softmax backward dS = P ⊙ (dP − rowsum(P ⊙ dP)) · scale fused into one loop per row. KV heads
 * shared by a group accumulate their heads' gradients in head order (deterministic).
 */
import { heads, type AttnShape } from "./attention.js";
import type { Buf, Numerics } from "./numerics.js";

export interface AttnGrads {
  /** [B·T, H·K] */ dq: Buf;
  /** [B·T, Hkv·K] */ dk: Buf;
  /** [B·T, Hkv·K] */ dv: Buf;
}

/** dS = P ⊙ (dP − rowsum(P ⊙ dP)) · scale, in place over dP, for one (example, head). */
function softmaxBackwardRows(dp: Buf, p: Buf, at: number, t: number, scale: number): void {
  for (let i = 0; i < t; i++) {
    const row = at + i * t;
    let dot = 0;
    for (let j = 0; j <= i; j++) dot += p[row + j]! * dp[j + i * t]!;
    for (let j = 0; j < t; j++) {
      dp[j + i * t] = j <= i ? p[row + j]! * (dp[j + i * t]! - dot) * scale : 0;
    }
  }
}

/** The VJP of attentionForward: dq, dk, dv from dz, given q, k, v and the saved pattern. */
export function attentionBackward(
  nm: Numerics,
  s: AttnShape,
  q: Buf,
  kk: Buf,
  v: Buf,
  p: Buf,
  dz: Buf,
): AttnGrads {
  const { b, t, h, hkv, k } = s;
  const scale = nm.round(1 / Math.sqrt(k));
  const dq = nm.alloc(b * t * h * k);
  const dk = nm.alloc(b * t * hkv * k);
  const dv = nm.alloc(b * t * hkv * k);
  const ds = nm.alloc(t * t);
  for (let e = 0; e < b; e++) {
    for (let hh = 0; hh < h; hh++) {
      const o = heads(s, e, hh);
      // dV += Pᵀ·dz; dP = dz·Vᵀ.
      nm.gemm({
        m: t,
        n: k,
        k: t,
        a: p,
        offsetA: o.p,
        transA: true,
        b: dz,
        offsetB: o.q,
        ldb: o.ldq,
        c: dv,
        offsetC: o.kv,
        ldc: o.ldkv,
        beta: 1,
      });
      nm.gemm({
        m: t,
        n: t,
        k,
        a: dz,
        offsetA: o.q,
        lda: o.ldq,
        b: v,
        offsetB: o.kv,
        ldb: o.ldkv,
        transB: true,
        c: ds,
      });
      softmaxBackwardRows(ds, p, o.p, t, scale);
      // dQ = dS·K; dK += dSᵀ·Q.
      nm.gemm({
        m: t,
        n: k,
        k: t,
        a: ds,
        b: kk,
        offsetB: o.kv,
        ldb: o.ldkv,
        c: dq,
        offsetC: o.q,
        ldc: o.ldq,
      });
      nm.gemm({
        m: t,
        n: k,
        k: t,
        a: ds,
        transA: true,
        b: q,
        offsetB: o.q,
        ldb: o.ldq,
        c: dk,
        offsetC: o.kv,
        ldc: o.ldkv,
        beta: 1,
      });
    }
  }
  return { dq, dk, dv };
}
