import { describe, expect, it } from "vitest";
import { agreement, kappaOf, type Pair } from "../../src/awareness/agreement.js";

const pairs = (tp: number, fp: number, fn: number, tn: number): Pair[] => [
  ...Array.from({ length: tp }, () => ({ predicted: true, actual: true })),
  ...Array.from({ length: fp }, () => ({ predicted: true, actual: false })),
  ...Array.from({ length: fn }, () => ({ predicted: false, actual: true })),
  ...Array.from({ length: tn }, () => ({ predicted: false, actual: false })),
];

describe("agreement", () => {
  it("matches hand-computed precision, recall, F1 and kappa", () => {
    // tp 40, fp 10, fn 5, tn 45 (n = 100): precision 40/50 = .8, recall 40/45 = .888889,
    // F1 = 80/95 = .842105; po = .85, pe = .5·.45 + .5·.55 = .5, kappa = (.85-.5)/(1-.5) = .7
    const r = agreement(pairs(40, 10, 5, 45), { reps: 300 });
    expect(r.confusion).toEqual({ tp: 40, fp: 10, fn: 5, tn: 45 });
    expect(r.precision.value).toBeCloseTo(0.8, 10);
    expect(r.recall.value).toBeCloseTo(40 / 45, 10);
    expect(r.f1.value).toBeCloseTo(80 / 95, 10);
    expect(r.kappa.value).toBeCloseTo(0.7, 10);
    expect(r.accuracy.value).toBeCloseTo(0.85, 10);
    for (const m of [r.precision, r.recall, r.f1, r.kappa]) {
      expect(m.interval!.lo).toBeLessThan(m.value!);
      expect(m.interval!.hi).toBeGreaterThan(m.value!);
    }
  });
  it("gives 100% and kappa 1 for perfect agreement, with a Wilson lower bound below 1", () => {
    const r = agreement(pairs(20, 0, 0, 20), { reps: 200 });
    expect(r.precision.value).toBe(1);
    expect(r.recall.value).toBe(1);
    expect(r.f1.value).toBe(1);
    expect(r.kappa.value).toBe(1);
    expect(r.precision.interval!.lo).toBeCloseTo(20 / (20 + 3.841459), 5);
  });
  it("gives 0% precision and recall when the judge says yes only where the label says no", () => {
    const r = agreement(pairs(0, 10, 10, 0), { reps: 200 });
    expect(r.precision.value).toBe(0);
    expect(r.recall.value).toBe(0);
    expect(r.f1.value).toBe(0);
    expect(r.kappa.value).toBe(-1); // po = 0, pe = .5·.5 + .5·.5 = .5 → (0 - .5)/.5
  });
  it("reports kappa as undefined, with the reason, when the labels have one class", () => {
    const r = agreement(pairs(8, 0, 2, 0), { reps: 100 });
    expect(r.kappa.value).toBeNull();
    expect(r.kappa.undefinedBecause).toMatch(/one class/);
    expect(r.recall.value).toBeCloseTo(0.8, 10);
    expect(kappaOf({ tp: 8, fp: 0, fn: 2, tn: 0 })).toBe(0);
  });
  it("reports precision as undefined when the judge never says yes", () => {
    const r = agreement(pairs(0, 0, 5, 5), { reps: 100 });
    expect(r.precision.value).toBeNull();
    expect(r.precision.undefinedBecause).toMatch(/no positive verdict/);
  });
  it("resamples clusters together when cluster keys are given", () => {
    const ps = pairs(30, 5, 5, 30).map((p, i) => ({ ...p, cluster: `c${i % 7}` }));
    expect(agreement(ps, { reps: 100 }).intervalMethod.f1Kappa).toBe(
      "percentile cluster bootstrap",
    );
  });
});
