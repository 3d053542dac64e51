/**
 * The key/value cache of fast generation and attention of one new token per row over it.
 * Per layer, keys and values (after RoPE) are kept token-major as [B, S, Hkv·K] (S the capacity:
 * prompt + new tokens), with a key mask [B·S] of the slots that hold real tokens. The cache lives
 * outside the arena (plain Float32Arrays), so it survives the per-step reset of the Numerics.
 *
 * A decoding step's attention is one query per row: per (row, KV head) the G = H/Hkv query heads
 * read the same cached keys, scores are scaled, masked and soft-maxed as in attention.ts (the
 * scale rounded to the buffers' precision, sums in doubles, in slot order), and z is the
 * probability-weighted sum of the cached values. These are dot products of length K over at most
 * S slots, done in plain loops: a gemm call per (row, head) would cost more than its arithmetic.
 *
 * Shape legend: B batch, A active rows, S capacity, H heads, Hkv KV heads, K d_head.
 */
import type { FastConfig } from "./model.js";
import type { Buf, Numerics } from "./numerics.js";

export interface KvCache {
  b: number;
  capacity: number;
  /** Hkv·K */ width: number;
  /** Per layer [B, S, Hkv·K]. */ k: Float32Array[];
  v: Float32Array[];
  /** [B·S] 1 where a slot holds a real token. */ keyMask: Uint8Array;
}

export function newKvCache(c: FastConfig, b: number, capacity: number): KvCache {
  const width = c.nKvHeads * c.dHead;
  const layer = () => new Float32Array(b * capacity * width);
  return {
    b,
    capacity,
    width,
    k: Array.from({ length: c.nLayers }, layer),
    v: Array.from({ length: c.nLayers }, layer),
    keyMask: new Uint8Array(b * capacity),
  };
}

/** Stores a prefill's k/v [B, T, Hkv·K] of layer l at slots 0..T−1. */
export function storePrefill(cache: KvCache, l: number, k: Buf, v: Buf, t: number): void {
  const { width: w, capacity: s } = cache;
  for (let e = 0; e < cache.b; e++) {
    cache.k[l]!.set(k.subarray(e * t * w, (e + 1) * t * w), e * s * w);
    cache.v[l]!.set(v.subarray(e * t * w, (e + 1) * t * w), e * s * w);
  }
}

/** Stores one new token's k/v [A, Hkv·K] of rows `rows` (example indices) at `slot`. */
export function storeStep(
  cache: KvCache,
  l: number,
  step: { rows: Int32Array; slot: number },
  k: Buf,
  v: Buf,
): void {
  const { width: w, capacity: s } = cache;
  step.rows.forEach((e, i) => {
    const at = (e * s + step.slot) * w;
    cache.k[l]!.set(k.subarray(i * w, (i + 1) * w), at);
    cache.v[l]!.set(v.subarray(i * w, (i + 1) * w), at);
  });
}

/** Scaled, masked softmax of one query's scores over slots 0..n−1, in place. */
function softmaxSlots(nm: Numerics, p: Float64Array, n: number, mask: Uint8Array, at: number) {
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (mask[at + j] && p[j]! > max) max = p[j]!;
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const v = mask[at + j] ? nm.round(Math.exp(p[j]! - max)) : 0;
    p[j] = v;
    sum += v;
  }
  const inv = sum > 0 ? 1 / sum : 0;
  for (let j = 0; j < n; j++) p[j] = nm.round(p[j]! * inv);
}

/**
 * z [A, H·K] of the step's queries q [A, H·K] (rotated) over layer l's cache, slots 0..slot
 * (the step's own key already stored).
 */
export function stepAttention(
  nm: Numerics,
  c: FastConfig,
  cache: KvCache,
  l: number,
  q: Buf,
  step: { rows: Int32Array; slot: number },
): Buf {
  const { nHeads: h, nKvHeads: hkv, dHead: k } = c;
  const { width: w, capacity: s } = cache;
  const n = step.slot + 1;
  const scale = nm.round(1 / Math.sqrt(k));
  const z = nm.alloc(step.rows.length * h * k);
  const p = new Float64Array(n);
  const acc = new Float64Array(k);
  const keys = cache.k[l]!;
  const vals = cache.v[l]!;
  step.rows.forEach((e, i) => {
    for (let hh = 0; hh < h; hh++) {
      const qo = (i * h + hh) * k;
      const kvo = e * s * w + Math.floor(hh / (h / hkv)) * k;
      for (let j = 0; j < n; j++) {
        let dot = 0;
        const ko = kvo + j * w;
        for (let d = 0; d < k; d++) dot += q[qo + d]! * keys[ko + d]!;
        p[j] = nm.round(nm.round(dot) * scale);
      }
      softmaxSlots(nm, p, n, cache.keyMask, e * s);
      acc.fill(0);
      for (let j = 0; j < n; j++) {
        const pj = p[j]!;
        if (pj === 0) continue;
        const vo = kvo + j * w;
        for (let d = 0; d < k; d++) acc[d] = acc[d]! + pj * vals[vo + d]!;
      }
      z.set(acc, qo);
    }
  });
  return z;
}
