import { describe, expect, it } from "vitest";
import { clusterBootstrap, quantile, wilson, zFor } from "../../src/stats/intervals.js";

// Reference values computed by hand from the Wilson formula with z = 1.959964 (z² = 3.841459):
//   centre = (p + z²/2n) / (1 + z²/n),  half = z/(1 + z²/n) · sqrt(p(1-p)/n + z²/4n²)
describe("wilson", () => {
  it("gives [0, z²/(n+z²)] at 0 of 10", () => {
    const w = wilson(0, 10)!;
    expect(w.lo).toBe(0);
    expect(w.hi).toBeCloseTo(3.841459 / 13.841459, 6); // 0.277533
  });
  it("gives [n/(n+z²), 1] at 10 of 10 (100%)", () => {
    const w = wilson(10, 10)!;
    expect(w.lo).toBeCloseTo(10 / 13.841459, 6); // 0.722467
    expect(w.hi).toBe(1);
  });
  it("is symmetric around 0.5 at 5 of 10", () => {
    // half = 1.959964/1.3841459 · sqrt(0.025 + 0.00960365) = 1.415999 · 0.186020 = 0.263404
    const w = wilson(5, 10)!;
    expect(w.lo).toBeCloseTo(0.5 - 0.263404, 5);
    expect(w.hi).toBeCloseTo(0.5 + 0.263404, 5);
  });
  it("matches a hand computation at 3 of 20", () => {
    // p = .15, z²/n = .192073, denom = 1.192073, centre = (.15 + .096036)/1.192073 = .206394
    // half = 1.959964/1.192073 · sqrt(.006375 + .002401) = 1.644168 · .093680 = .154026
    const w = wilson(3, 20)!;
    expect(w.lo).toBeCloseTo(0.206394 - 0.154026, 5);
    expect(w.hi).toBeCloseTo(0.206394 + 0.154026, 5);
  });
  it("is null for n = 0 and rejects k > n", () => {
    expect(wilson(0, 0)).toBeNull();
    expect(() => wilson(3, 2)).toThrow(/0 <= k <= n/);
  });
  it("uses z = 1.959964 at 95% and 2.575829 at 99%", () => {
    expect(zFor(0.95)).toBeCloseTo(1.959964, 5);
    expect(zFor(0.99)).toBeCloseTo(2.575829, 5);
  });
});

describe("clusterBootstrap", () => {
  const mean = (s: readonly number[]) =>
    s.length ? s.reduce((a, b) => a + b, 0) / s.length : null;
  it("has zero width when every cluster has the same mean", () => {
    const r = clusterBootstrap(
      [
        [1, 0],
        [0, 1],
        [1, 0],
      ],
      mean,
      { reps: 200 },
    );
    expect(r.interval).toEqual({ lo: 0.5, hi: 0.5 });
  });
  it("treats a prompt sampled many times as one unit: wider than the iid interval", () => {
    // Two prompts, one always 1, one always 0, each sampled 50 times: iid resampling of 100
    // trials gives about ±0.1; resampling prompts gives the full [0, 1] range.
    const clusters = [Array(50).fill(1), Array(50).fill(0)];
    const clustered = clusterBootstrap(clusters, mean, { reps: 500, seed: 1 }).interval!;
    const iid = clusterBootstrap(
      clusters.flat().map((x) => [x]),
      mean,
      { reps: 500, seed: 1 },
    ).interval!;
    expect(clustered).toEqual({ lo: 0, hi: 1 });
    expect(iid.hi - iid.lo).toBeLessThan(0.25);
  });
  it("returns null with fewer than two clusters and counts undefined replicates", () => {
    expect(clusterBootstrap([[1, 1, 1]], mean).interval).toBeNull();
    const r = clusterBootstrap([[1], [2]], (s) => (s.every((x) => x === 1) ? null : 1), {
      reps: 400,
      seed: 3,
    });
    expect(r.undefinedReps).toBeGreaterThan(50);
    expect(r.undefinedReps).toBeLessThan(150); // P(both draws are cluster [1]) = 1/4
  });
  it("is reproducible for a seed", () => {
    const data = [[1, 0, 1], [0, 0], [1, 1, 1, 0], [0]];
    expect(clusterBootstrap(data, mean, { seed: 9 })).toEqual(
      clusterBootstrap(data, mean, { seed: 9 }),
    );
  });
});

describe("quantile", () => {
  it("interpolates linearly (type 7)", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 10);
  });
});
