/**
 * Confidence intervals for proportions and statistics of clustered samples.
 *
 * - Wilson score interval (Wilson 1927): well-behaved at k = 0 and k = n, where the Wald interval
 *   collapses to a point; the conditional rates of the harness often sit there.
 * - Cluster (block) bootstrap: resample whole clusters (e.g. all samples of one prompt) with
 *   replacement and take percentiles of the statistic, so that many samples of one prompt do not
 *   pass for independent evidence.
 */
import { rngFor } from "../random/keyed.js";

export interface Interval {
  lo: number;
  hi: number;
}

/** z for a two-sided interval at `level` (0.9, 0.95, 0.99 exact to 4 places; others by inversion). */
export function zFor(level: number): number {
  if (!(level > 0 && level < 1))
    throw new Error(`confidence level must be in (0, 1), got ${level}`);
  return normalQuantile(1 - (1 - level) / 2);
}

/** Acklam's rational approximation to the standard normal quantile (relative error < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lowTail = 0.02425;
  const poly = (k: number[], x: number) => k.reduce((acc, v) => acc * x + v, 0);
  if (p < lowTail) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - lowTail) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

/** Wilson score interval for k successes in n trials; null when n = 0. */
export function wilson(k: number, n: number, level = 0.95): Interval | null {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < 0 || k > n)
    throw new Error(`wilson: need integers 0 <= k <= n, got k=${k} n=${n}`);
  if (n === 0) return null;
  const z = zFor(level);
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At k = 0 and k = n the bounds are exactly 0 and 1; clamp rounding noise.
  return {
    lo: k === 0 ? 0 : Math.max(0, centre - half),
    hi: k === n ? 1 : Math.min(1, centre + half),
  };
}

export interface BootstrapOptions {
  reps?: number;
  level?: number;
  seed?: string | number;
}

export interface BootstrapResult {
  interval: Interval | null;
  reps: number;
  /** Resamples on which the statistic was undefined (e.g. an empty denominator); left out. */
  undefinedReps: number;
  clusters: number;
}

/**
 * Percentile cluster bootstrap: each replicate draws `clusters.length` clusters with replacement
 * and evaluates `stat` on the concatenation. Replicates where `stat` returns null or NaN are left
 * out (and counted). With one cluster there is no between-cluster variation to resample: null.
 */
export function clusterBootstrap<T>(
  clusters: readonly (readonly T[])[],
  stat: (sample: readonly T[]) => number | null,
  opts: BootstrapOptions = {},
): BootstrapResult {
  const reps = opts.reps ?? 2000;
  const level = opts.level ?? 0.95;
  if (!Number.isInteger(reps) || reps < 1)
    throw new Error(`bootstrap reps must be >= 1, got ${reps}`);
  zFor(level);
  const nonEmpty = clusters.filter((c) => c.length > 0);
  if (nonEmpty.length < 2)
    return { interval: null, reps, undefinedReps: 0, clusters: nonEmpty.length };
  const rng = rngFor("cluster-bootstrap", opts.seed ?? 0);
  const values: number[] = [];
  let undefinedReps = 0;
  const draw: T[] = [];
  for (let r = 0; r < reps; r++) {
    draw.length = 0;
    for (let i = 0; i < nonEmpty.length; i++) {
      const c = nonEmpty[Math.floor(rng() * nonEmpty.length)]!;
      for (const x of c) draw.push(x);
    }
    const v = stat(draw);
    if (v === null || Number.isNaN(v)) undefinedReps++;
    else values.push(v);
  }
  if (values.length === 0)
    return { interval: null, reps, undefinedReps, clusters: nonEmpty.length };
  values.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  return {
    interval: { lo: quantile(values, alpha), hi: quantile(values, 1 - alpha) },
    reps,
    undefinedReps,
    clusters: nonEmpty.length,
  };
}

/** Linear-interpolation quantile (type 7) of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error("quantile of an empty list");
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Groups items into clusters by key, keeping first-seen order. */
export function clustersBy<T>(items: readonly T[], key: (x: T) => string): T[][] {
  const map = new Map<string, T[]>();
  for (const x of items) {
    const k = key(x);
    let c = map.get(k);
    if (!c) map.set(k, (c = []));
    c.push(x);
  }
  return [...map.values()];
}
