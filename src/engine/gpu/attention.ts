/**
 * GQA causal attention with left padding on the GPU, forward and VJP, as fast/attention.ts and
 * fast/attention-vjp.ts compute it: token-major q/z [B·T, H·K], k/v [B·T, Hkv·K], the pattern
 * P [B, H, T, T]. Every per-(example, head) product is one batched SGEMM launch whose operand
 * offsets follow the (example, head) grid, KV heads shared by a group of H/Hkv query heads. The
 * gradients of a shared KV head (dK, dV) are accumulated one group member at a time (launch j
 * adds head g·G + j), in head order, so the sum's order is fixed.
 */
import type { GpuTensor } from "./context.js";
import { softmaxBack, softmaxCausal } from "./ops.js";
import type { GpuRecorder } from "./recorder.js";
import { gpuGemm, type GemmBatch } from "./sgemm.js";

export interface GpuAttnShape {
  b: number;
  t: number;
  h: number;
  hkv: number;
  k: number;
  /** [B·T] u32, 1 for real tokens. */
  keyMask: GpuTensor;
}

/** Strides of the q-like, kv-like and pattern operands over the (example, head) grid. */
function strides(s: GpuAttnShape) {
  const { t, h, hkv, k } = s;
  return {
    q: { outer: t * h * k, inner: k },
    kv: { outer: t * hkv * k, inner: k, group: h / hkv },
    p: { outer: h * t * t, inner: t * t },
  };
}

/** The batch over every (example, head) pair. */
function perHead(s: GpuAttnShape, a: GemmBatch["a"], b: GemmBatch["b"], c: GemmBatch["c"]) {
  return { count: s.b * s.h, div: s.h, a, b, c };
}

/** The batch over every (example, KV head) pair, for group member j (bases offset by the caller). */
function perKvHead(s: GpuAttnShape, a: GemmBatch["a"], b: GemmBatch["b"], c: GemmBatch["c"]) {
  return { count: s.b * s.hkv, div: s.hkv, a, b, c };
}

/** z [B·T, H·K] and the pattern P [B, H, T, T]. */
export function gpuAttentionForward(
  rec: GpuRecorder,
  s: GpuAttnShape,
  q: GpuTensor,
  kk: GpuTensor,
  v: GpuTensor,
): { z: GpuTensor; p: GpuTensor } {
  const { b, t, h, hkv, k } = s;
  const st = strides(s);
  const p = rec.alloc(b * h * t * t);
  const z = rec.alloc(b * t * h * k);
  const [ldq, ldkv] = [h * k, hkv * k];
  const scores = perHead(s, st.q, st.kv, st.p);
  gpuGemm(rec, {
    m: t,
    n: t,
    k,
    a: q,
    lda: ldq,
    b: kk,
    ldb: ldkv,
    transB: true,
    c: p,
    batch: scores,
  });
  softmaxCausal(rec, p, s.keyMask, { b, h, t }, Math.fround(1 / Math.sqrt(k)));
  const mix = perHead(s, st.p, st.kv, st.q);
  gpuGemm(rec, { m: t, n: k, k: t, a: p, b: v, ldb: ldkv, c: z, ldc: ldq, batch: mix });
  return { z, p };
}

/** dq, dk, dv from dz, given q, k, v and the saved pattern. */
export function gpuAttentionBackward(
  rec: GpuRecorder,
  s: GpuAttnShape,
  saved: { q: GpuTensor; k: GpuTensor; v: GpuTensor; p: GpuTensor },
  dz: GpuTensor,
) {
  const { b, t, h, hkv, k } = s;
  const g = h / hkv;
  const st = strides(s);
  const [ldq, ldkv] = [h * k, hkv * k];
  const dq = rec.alloc(b * t * h * k);
  const dk = rec.alloc(b * t * hkv * k);
  const dv = rec.alloc(b * t * hkv * k);
  const ds = rec.alloc(b * h * t * t);
  // Member j of each group: query head g·G + j of KV head g.
  const qOfKv = { outer: t * h * k, inner: g * k };
  const pOfKv = { outer: h * t * t, inner: g * t * t };
  const kvOwn = { outer: t * hkv * k, inner: k };
  // dV += Pᵀ·dz, one group member at a time.
  for (let j = 0; j < g; j++) {
    gpuGemm(rec, {
      m: t,
      n: k,
      k: t,
      a: saved.p,
      offsetA: j * t * t,
      transA: true,
      b: dz,
      offsetB: j * k,
      ldb: ldq,
      c: dv,
      ldc: ldkv,
      beta: 1,
      batch: perKvHead(s, pOfKv, qOfKv, kvOwn),
    });
  }
  // dP = dz·Vᵀ; dS = softmax VJP.
  const dpBatch = perHead(s, st.q, st.kv, st.p);
  gpuGemm(rec, {
    m: t,
    n: t,
    k,
    a: dz,
    lda: ldq,
    b: saved.v,
    ldb: ldkv,
    transB: true,
    c: ds,
    batch: dpBatch,
  });
  softmaxBack(rec, ds, saved.p, b * h * t, t, Math.fround(1 / Math.sqrt(k)));
  // dQ = dS·K; dK += dSᵀ·Q, one group member at a time.
  const dqBatch = perHead(s, st.p, st.kv, st.q);
  gpuGemm(rec, { m: t, n: k, k: t, a: ds, b: saved.k, ldb: ldkv, c: dq, ldc: ldq, batch: dqBatch });
  for (let j = 0; j < g; j++) {
    gpuGemm(rec, {
      m: t,
      n: k,
      k: t,
      a: ds,
      offsetA: j * t * t,
      transA: true,
      b: saved.q,
      offsetB: j * k,
      ldb: ldq,
      c: dk,
      ldc: ldkv,
      beta: 1,
      batch: perKvHead(s, pOfKv, qOfKv, kvOwn),
    });
  }
  return { dq, dk, dv };
}
