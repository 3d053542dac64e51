/**
 * Comparing arrays against references with stated tolerances; failures name the tensor, the max
 * |diff| and its index.
 */
import { expect } from "vitest";

export interface CloseOptions {
  atol: number;
  rtol?: number;
  /** Only indices where this returns true are compared. */
  where?: (index: number) => boolean;
}

export interface DiffReport {
  maxAbs: number;
  at: number;
  compared: number;
}

export function diffReport(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  opts: CloseOptions,
): DiffReport & { worstExcess: number; worstAt: number } {
  let maxAbs = 0;
  let at = -1;
  let worstExcess = -Infinity;
  let worstAt = -1;
  let compared = 0;
  for (let i = 0; i < expected.length; i++) {
    if (opts.where && !opts.where(i)) continue;
    compared++;
    const d = Math.abs(actual[i]! - expected[i]!);
    const allowed = opts.atol + (opts.rtol ?? 0) * Math.abs(expected[i]!);
    if (!(d <= maxAbs) || Number.isNaN(d)) {
      maxAbs = Number.isNaN(d) ? Infinity : d;
      at = i;
    }
    const excess = Number.isNaN(d) ? Infinity : d - allowed;
    if (excess > worstExcess) {
      worstExcess = excess;
      worstAt = i;
    }
  }
  return { maxAbs, at, compared, worstExcess, worstAt };
}

/** Asserts closeness; the message names `name`, the max |diff| and where. Returns the max |diff|. */
export function expectClose(
  name: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  opts: CloseOptions,
): number {
  expect(actual.length, `${name}: length`).toBe(expected.length);
  const r = diffReport(actual, expected, opts);
  expect(r.compared, `${name}: nothing compared`).toBeGreaterThan(0);
  const ok = r.worstExcess <= 0;
  expect(
    ok,
    `${name}: max |diff| ${r.maxAbs.toExponential(3)} at index ${r.at} (actual ${actual[r.at]}, expected ${expected[r.at]}); worst vs tolerance at ${r.worstAt}`,
  ).toBe(true);
  return r.maxAbs;
}

/**
 * Gradients compared at rtol with an atol of rtol·max|want|·1e-2 (so near-zero entries do not
 * decide); returns the largest difference over max|want|, which must be positive.
 */
export function gradClose(name: string, got: Float32Array, want: ArrayLike<number>, rtol: number) {
  const gmax = Math.max(...Array.from(want, Math.abs));
  expect(gmax).toBeGreaterThan(0);
  const d = expectClose(name, got, want, { atol: rtol * gmax * 1e-2, rtol });
  return d / gmax;
}
