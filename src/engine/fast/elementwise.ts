/**
 * The fast path's elementwise loops in plain JS, for either buffer precision: the float64
 * reference of the gradient checks, and the float32 fallback where wasm SIMD is missing (the
 * float32 Numerics otherwise runs kernels/wasm-elementwise.ts, which computes the same in float32).
 */
import type { Buf } from "./buf.js";

/** h[0…n) = round(silu(gate)) · up. */
export function swigluJs(
  round: (v: number) => number,
  gate: Buf,
  up: Buf,
  h: Buf,
  n: number,
): void {
  for (let i = 0; i < n; i++) {
    const g = gate[i]!;
    h[i] = round(g / (1 + Math.exp(-g))) * up[i]!;
  }
}

/**
 * Softmax in place of `heads` consecutive t×t score blocks from p[at]: row i scaled by `scale`,
 * key j counted iff j ≤ i and keyMask[maskAt + j] is 1, the rest 0 (a row with no key all 0).
 */
export function softmaxRowsJs(
  round: (v: number) => number,
  p: Buf,
  at: number,
  heads: number,
  t: number,
  keyMask: Uint8Array,
  maskAt: number,
  scale: number,
): void {
  for (let r = 0; r < heads * t; r++) {
    const i = r % t;
    const row = at + r * t;
    let max = -Infinity;
    for (let j = 0; j <= i; j++) {
      if (!keyMask[maskAt + j]) continue;
      p[row + j] = round(p[row + j]! * scale);
      if (p[row + j]! > max) max = p[row + j]!;
    }
    let sum = 0;
    for (let j = 0; j < t; j++) {
      const seen = j <= i && keyMask[maskAt + j] === 1;
      const v = seen ? Math.exp(p[row + j]! - max) : 0;
      p[row + j] = v;
      sum += v;
    }
    const inv = sum > 0 ? 1 / sum : 0;
    for (let j = 0; j <= i; j++) p[row + j] = p[row + j]! * inv;
  }
}

/** σ = sigmoid(gate): dup = dh·gate·σ, dgate = dh·up·σ·(1 + gate·(1 − σ)) over [0, n). */
export function swigluBackwardJs(
  gate: Buf,
  up: Buf,
  dh: Buf,
  dgate: Buf,
  dup: Buf,
  n: number,
): void {
  for (let i = 0; i < n; i++) {
    const g = gate[i]!;
    const sg = 1 / (1 + Math.exp(-g));
    dup[i] = dh[i]! * g * sg;
    dgate[i] = dh[i]! * up[i]! * sg * (1 + g * (1 - sg));
  }
}

/**
 * Per row r of x [rows, v]: y[r] = exp(x[r] − max)·scale(r, max, sum) with sum = Σ exp(x[r] − max):
 * softmax-like rows whose scale (and the loss) the caller computes from the row's max and sum.
 */
export function expRowsScaledJs(
  x: Buf,
  y: Buf,
  rows: number,
  v: number,
  scale: (r: number, max: number, sum: number) => number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * v;
    let max = -Infinity;
    for (let j = 0; j < v; j++) if (x[o + j]! > max) max = x[o + j]!;
    let sum = 0;
    for (let j = 0; j < v; j++) {
      const e = Math.exp(x[o + j]! - max);
      y[o + j] = e;
      sum += e;
    }
    const s = scale(r, max, sum);
    for (let j = 0; j < v; j++) y[o + j] = y[o + j]! * s;
  }
}
