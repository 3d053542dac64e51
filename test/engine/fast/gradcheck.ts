/**
 * Central finite differences in float64 for the fast path's VJPs: for a function f and a random
 * cotangent c, the VJP's c·J must equal ∂⟨c, f(x)⟩/∂xᵢ ≈ (⟨c, f(x + h·eᵢ)⟩ − ⟨c, f(x − h·eᵢ)⟩)/2h
 * for every i. With h = 1e-5 the truncation error is ~1e-10 relative: a sign or factor slip in a
 * VJP shows up as an error near 1, a missing term as 1e-2 or more.
 */
import { expect } from "vitest";
import { mulberry32 } from "../../../src/random/seeded.js";

/** Deterministic values uniform in [−scale, scale). */
export function randomArray(n: number, seed: number, scale = 1): Float64Array {
  const u = mulberry32(seed);
  return Float64Array.from({ length: n }, () => (2 * u() - 1) * scale);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** ∂⟨c, f(x)⟩/∂x by central differences (x is restored afterwards). */
export function numericVjp(
  f: (x: Float64Array) => ArrayLike<number>,
  x: Float64Array,
  c: ArrayLike<number>,
  h = 1e-5,
): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const keep = x[i]!;
    x[i] = keep + h;
    const up = dot(c, f(x));
    x[i] = keep - h;
    const down = dot(c, f(x));
    x[i] = keep;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** max |a − b| / max |b|; fails above `tol`. Returns the relative error. */
export function expectGradClose(
  name: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol = 1e-7,
) {
  expect(got.length, `${name}: length`).toBe(want.length);
  let scale = 0;
  let err = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]!));
    err = Math.max(err, Math.abs(got[i]! - want[i]!));
  }
  expect(scale, `${name}: the reference gradient is all zeros`).toBeGreaterThan(0);
  const rel = err / scale;
  expect(rel, `${name}: max |diff| / max |grad| = ${rel.toExponential(2)}`).toBeLessThanOrEqual(
    tol,
  );
  return rel;
}
