/**
 * Grouped-query causal attention with left padding, forward and VJP, on token-major buffers:
 * q/z [B·T, H·K], k/v [B·T, Hkv·K] (head h reads KV head ⌊h/G⌋, G = H/Hkv, as HF's repeat_kv).
 * Per (example, head) the products are strided gemms straight on those buffers (no transposes);
 * scaling, masking and softmax run over an example's heads at once (Numerics.softmaxRows). Query t sees key s iff s ≤ t and
 * s is a real token. A query with no visible key (a pad before the first token) gets z = 0 and no
 * gradient: jax-js's finite mask bias makes such rows a uniform average instead, but no real
 * position ever reads them, so logits and gradients at real positions are the same.
 */
import { OVERWRITTEN, type Buf, type Numerics } from "./numerics.js";

export interface AttnShape {
  b: number;
  t: number;
  h: number;
  hkv: number;
  k: number;
  /** [B·T] 1 for real tokens. */
  keyMask: Uint8Array;
}

/** Offsets and strides of head h of example e in the q-like and kv-like buffers. */
export function heads(s: AttnShape, e: number, h: number) {
  const g = s.h / s.hkv;
  return {
    q: e * s.t * s.h * s.k + h * s.k,
    kv: e * s.t * s.hkv * s.k + Math.floor(h / g) * s.k,
    p: (e * s.h + h) * s.t * s.t,
    ldq: s.h * s.k,
    ldkv: s.hkv * s.k,
  };
}

/** z [B·T, H·K] and the attention pattern P [B, H, T, T] (kept for the backward). */
export function attentionForward(
  nm: Numerics,
  s: AttnShape,
  q: Buf,
  kk: Buf,
  v: Buf,
): { z: Buf; p: Buf } {
  const { b, t, h, k } = s;
  const scale = nm.round(1 / Math.sqrt(k));
  // Every head's gemms write their whole block, the softmax every entry.
  const p = nm.alloc(b * h * t * t, OVERWRITTEN);
  const z = nm.alloc(b * t * h * k, OVERWRITTEN);
  for (let e = 0; e < b; e++) {
    for (let hh = 0; hh < h; hh++) {
      const o = heads(s, e, hh);
      nm.gemm({
        m: t,
        n: t,
        k,
        a: q,
        offsetA: o.q,
        lda: o.ldq,
        b: kk,
        offsetB: o.kv,
        ldb: o.ldkv,
        transB: true,
        c: p,
        offsetC: o.p,
      });
    }
    nm.softmaxRows(p, heads(s, e, 0).p, h, t, s.keyMask, e * t, scale);
    for (let hh = 0; hh < h; hh++) {
      const o = heads(s, e, hh);
      nm.gemm({
        m: t,
        n: k,
        k: t,
        a: p,
        offsetA: o.p,
        b: v,
        offsetB: o.kv,
        ldb: o.ldkv,
        c: z,
        offsetC: o.q,
        ldc: o.ldq,
      });
    }
  }
  return { z, p };
}
