/**
 * Rotary embeddings in HF's rotate_half convention, in place on [rows, heads, K] (rows = B·T):
 * y = x·cos + rotate_half(x)·sin with rotate_half(x) = [−x₂, x₁]. The tables [rows, K] come from
 * src/model/rope.ts (llama3/linear scaling included), so the fast path uses the same angles.
 * The VJP is the rotation by the opposite angle: dx₁ = dy₁·c + dy₂·s, dx₂ = dy₂·c − dy₁·s.
 */
import type { Buf } from "./numerics.js";

/** Rotates x in place. */
export function ropeForward(
  x: Buf,
  cos: Buf,
  sin: Buf,
  rows: number,
  heads: number,
  k: number,
): void {
  const half = k / 2;
  for (let r = 0; r < rows; r++) {
    const t = r * k;
    for (let h = 0; h < heads; h++) {
      const o = (r * heads + h) * k;
      for (let i = 0; i < half; i++) {
        const x1 = x[o + i]!;
        const x2 = x[o + half + i]!;
        x[o + i] = x1 * cos[t + i]! - x2 * sin[t + i]!;
        x[o + half + i] = x2 * cos[t + half + i]! + x1 * sin[t + half + i]!;
      }
    }
  }
}

/** Turns dy into dx in place. */
export function ropeBackward(
  d: Buf,
  cos: Buf,
  sin: Buf,
  rows: number,
  heads: number,
  k: number,
): void {
  const half = k / 2;
  for (let r = 0; r < rows; r++) {
    const t = r * k;
    for (let h = 0; h < heads; h++) {
      const o = (r * heads + h) * k;
      for (let i = 0; i < half; i++) {
        const d1 = d[o + i]!;
        const d2 = d[o + half + i]!;
        d[o + i] = d1 * cos[t + i]! + d2 * sin[t + half + i]!;
        d[o + half + i] = d2 * cos[t + half + i]! - d1 * sin[t + i]!;
      }
    }
  }
}
