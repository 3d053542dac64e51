/**
 * Grouped-query causal attention with left padding, forward and VJP, on token-major buffers:
 * q/z [B·T, H·K], k/v [B·T, Hkv·K] (head h reads KV head ⌊h/G⌋, G = H/Hkv, as HF's repeat_kv).
 * Per (example, head) the products are strided gemms straight on those buffers (no transposes);
 * scaling, masking and softmax are one fused loop per query row. Query t sees key s iff s ≤ t and
 * s is a real token. A query with no visible key (a pad before the first token) gets z = 0 and no
 * gradient: jax-js's finite mask bias makes such rows a uniform average instead, but no real
 * position ever reads them, so logits and gradients at real positions are the same.
 */
import type { Buf, Numerics } from "./numerics.js";

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

/** Scaled, masked softmax of the score rows of one (example, head), in place. */
function softmaxRows(nm: Numerics, p: Buf, at: number, s: AttnShape, e: number, scale: number) {
  const { t } = s;
  const round = nm.round;
  for (let i = 0; i < t; i++) {
    const row = at + i * t;
    let max = -Infinity;
    for (let j = 0; j <= i; j++) {
      if (!s.keyMask[e * t + j]) continue;
      p[row + j] = round(p[row + j]! * scale);
      if (p[row + j]! > max) max = p[row + j]!;
    }
    let sum = 0;
    for (let j = 0; j < t; j++) {
      const seen = j <= i && s.keyMask[e * t + j] === 1;
      const v = seen ? Math.exp(p[row + j]! - max) : 0;
      p[row + j] = v;
      sum += v;
    }
    const inv = sum > 0 ? 1 / sum : 0;
    for (let j = 0; j <= i; j++) p[row + j] = p[row + j]! * inv;
  }
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
  const p = nm.alloc(b * h * t * t);
  const z = nm.alloc(b * t * h * k);
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
      softmaxRows(nm, p, o.p, s, e, scale);
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
