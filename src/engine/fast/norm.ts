/**
 * RMSNorm over the last axis, forward and VJP, fused into one pass per row each: y = x·r·w with
 * r = 1/√(mean(x²) + ε). The forward keeps r per row for the backward:
 * dx = r·(w⊙dy) − x·r³·⟨w⊙dy, x⟩/W. Sums run in JS doubles, in index order (deterministic).
 */
import { OVERWRITTEN, type Buf, type Numerics } from "./numerics.js";

export interface NormOut {
  /** [rows, width] */ y: Buf;
  /** [rows] 1/√(mean(x²) + ε) */ rstd: Buf;
}

/** RMSNorm of `rows` rows of `width` values with weight w [width]. */
export function rmsNormForward(
  nm: Numerics,
  x: Buf,
  w: Buf,
  rows: number,
  width: number,
  eps: number,
): NormOut {
  const y = nm.alloc(rows * width, OVERWRITTEN);
  const rstd = nm.alloc(rows, OVERWRITTEN);
  for (let i = 0; i < rows; i++) {
    const o = i * width;
    let ss = 0;
    for (let j = 0; j < width; j++) ss += x[o + j]! * x[o + j]!;
    // As jax-js computes it in float32: mean, + ε, sqrt, reciprocal, each rounded.
    const r = 1 / Math.sqrt(nm.round(nm.round(ss / width) + eps));
    rstd[i] = r;
    const rr = rstd[i]!;
    for (let j = 0; j < width; j++) y[o + j] = x[o + j]! * rr * w[j]!;
  }
  return { y, rstd };
}

/** dx of RMSNorm given x, w, the saved rstd and dy (all [rows, width]). */
export function rmsNormBackward(
  nm: Numerics,
  x: Buf,
  w: Buf,
  rstd: Buf,
  dy: Buf,
  rows: number,
  width: number,
): Buf {
  const dx = nm.alloc(rows * width);
  for (let i = 0; i < rows; i++) {
    const o = i * width;
    const r = rstd[i]!;
    let dot = 0;
    for (let j = 0; j < width; j++) dot += w[j]! * dy[o + j]! * x[o + j]!;
    const c = (r * r * r * dot) / width;
    for (let j = 0; j < width; j++) dx[o + j] = r * w[j]! * dy[o + j]! - c * x[o + j]!;
  }
  return dx;
}
