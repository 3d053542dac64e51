/**
 * Proximal gradient descent for f(z) + λ‖z‖₁ (supervised SAE-MELBO's optimiser) on problems with a
 * known answer: the soft-threshold's exact zeros; ½‖z − b‖² + λ‖z‖₁, whose minimiser is
 * soft(b, λ); a badly scaled quadratic started with too large a step (backtracking recovers);
 * the objective of the accepted iterate never rises; early stopping; and, for contrast, Adam on the
 * subgradient λ·sign(z), which leaves every coordinate nonzero.
 */
import { describe, expect, it } from "vitest";
import { HostAdam } from "../../src/methods/adam.js";
import { proxGradL1, softThreshold } from "../../src/methods/proximal.js";
import { mulberry32 } from "../../src/random/seeded.js";

const N = 200;
const u = mulberry32(11);
const B = Float64Array.from({ length: N }, () => (u() * 2 - 1) * 0.1);
const A = Float64Array.from({ length: N }, () => 0.5 + 9.5 * u());
const z0 = Float32Array.from({ length: N }, () => (u() * 2 - 1) * 1e-3);

/** f(z) = ½ Σ a_i (z_i − b_i)², minimised with the L1 term by soft(b_i, λ/a_i). */
const quadratic = (a: ArrayLike<number>) => (z: Float32Array) => {
  let loss = 0;
  const grad = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const d = z[i]! - B[i]!;
    loss += 0.5 * a[i]! * d * d;
    grad[i] = a[i]! * d;
  }
  return Promise.resolve({ loss, grad });
};
const nonzeros = (z: ArrayLike<number>) => Array.from(z).filter((x) => x !== 0).length;

describe("soft-threshold", () => {
  it("is sign(x)·max(|x| − t, 0), exactly 0 inside [−t, t]", () => {
    expect(softThreshold(0.5, 0.2)).toBeCloseTo(0.3, 12);
    expect(softThreshold(-0.5, 0.2)).toBeCloseTo(-0.3, 12);
    expect(softThreshold(0.2, 0.2)).toBe(0);
    expect(softThreshold(-0.1, 0.2)).toBe(0);
    expect(softThreshold(3, 0)).toBe(3);
  });
});

describe("proximal gradient with backtracking", () => {
  it("finds the lasso minimiser soft(b, λ) with its exact zeros, the objective never rising", async () => {
    const lambda = 0.05;
    const r = await proxGradL1(quadratic(new Float64Array(N).fill(1)), z0, {
      lambda,
      steps: 20,
      lr: 0.5,
      tol: 0,
    });
    for (let i = 0; i < N; i++) expect(r.z[i]).toBeCloseTo(softThreshold(B[i]!, lambda), 6);
    const expectedZeros = Array.from(B).filter((b) => Math.abs(b) <= lambda).length;
    expect(expectedZeros).toBeGreaterThan(50);
    expect(N - nonzeros(r.z)).toBe(expectedZeros);
    for (let s = 1; s < r.objectives.length; s++)
      expect(r.objectives[s]!).toBeLessThanOrEqual(r.objectives[s - 1]!);
    expect(r.objective).toBe(r.objectives.at(-1));
  });

  it("recovers from too large a step on a badly scaled problem (a_i in [0.5, 10], lr 5)", async () => {
    const lambda = 0.05;
    const r = await proxGradL1(quadratic(A), z0, { lambda, steps: 40, lr: 5, tol: 0 });
    expect(r.accepted).toBeLessThan(40); // some candidates were rejected
    expect(r.lr).toBeLessThan(5);
    for (let s = 1; s < r.objectives.length; s++)
      expect(r.objectives[s]!).toBeLessThanOrEqual(r.objectives[s - 1]!);
    let optimum = 0;
    for (let i = 0; i < N; i++) {
      const zi = softThreshold(B[i]!, lambda / A[i]!);
      optimum += 0.5 * A[i]! * (zi - B[i]!) ** 2 + lambda * Math.abs(zi);
    }
    expect(r.objective - optimum).toBeLessThan(1e-3 * optimum);
    expect(r.objective).toBeLessThan(r.objectives[0]! * 0.5);
  });

  it("stops early once z stops moving, and runs every step with tol 0", async () => {
    const f = quadratic(new Float64Array(N).fill(1));
    const early = await proxGradL1(f, z0, { lambda: 0.05, steps: 40, lr: 0.5 });
    expect(early.steps).toBeLessThan(40);
    expect(early.objectives).toHaveLength(early.steps);
    const all = await proxGradL1(f, z0, { lambda: 0.05, steps: 40, lr: 0.5, tol: 0 });
    expect(all.steps).toBe(40);
    expect(Math.abs(early.objective - all.objective)).toBeLessThan(1e-4);
  });

  it("with lambdaScale, λ = scale·‖∇f(z0)‖∞; scale 1 gives z = 0, the lasso optimum at λ_max", async () => {
    const f = quadratic(new Float64Array(N).fill(1));
    const g0 = (await f(z0)).grad;
    const lambdaMax = Math.max(...Array.from(g0, Math.abs));
    const half = await proxGradL1(f, z0, { lambda: NaN, lambdaScale: 0.5, steps: 30, lr: 0.5 });
    expect(half.lambda).toBeCloseTo(0.5 * lambdaMax, 12);
    for (let i = 0; i < N; i++) expect(half.z[i]).toBeCloseTo(softThreshold(B[i]!, half.lambda), 5);
    const top = await proxGradL1(f, z0, { lambda: NaN, lambdaScale: 1.0001, steps: 30, lr: 0.5 });
    expect(nonzeros(top.z)).toBe(0);
    await expect(
      proxGradL1(f, z0, { lambda: 0, lambdaScale: -1, steps: 1, lr: 1 }),
    ).rejects.toThrow(/lambdaScale/);
  });

  it("does not stop while backtracking: rejected steps are not a stall (lr 1e4 on a unit quadratic)", async () => {
    const lambda = 0.05;
    const r = await proxGradL1(quadratic(new Float64Array(N).fill(1)), z0, {
      lambda,
      steps: 60,
      lr: 1e4,
    });
    expect(r.accepted).toBeGreaterThan(2);
    for (let i = 0; i < N; i++) expect(r.z[i]).toBeCloseTo(softThreshold(B[i]!, lambda), 4);
  });

  it("rejects a negative λ and a non-positive step", async () => {
    const f = quadratic(A);
    await expect(proxGradL1(f, z0, { lambda: -1, steps: 1, lr: 1 })).rejects.toThrow(/lambda/);
    await expect(proxGradL1(f, z0, { lambda: 0, steps: 1, lr: 0 })).rejects.toThrow(/lr/);
  });

  it("for contrast: Adam on the subgradient leaves every coordinate nonzero", async () => {
    const lambda = 0.05;
    const z = Float32Array.from(z0);
    const adam = new HostAdam(N, { lr: 0.01 });
    const f = quadratic(new Float64Array(N).fill(1));
    for (let s = 0; s < 40; s++) {
      const { grad } = await f(z);
      for (let i = 0; i < N; i++) grad[i]! += lambda * Math.sign(z[i]!);
      adam.step(z, grad);
    }
    expect(nonzeros(z)).toBe(N);
    const prox = await proxGradL1(f, z0, { lambda, steps: 40, lr: 0.5 });
    expect(nonzeros(prox.z)).toBeLessThan(N * 0.75);
  });
});
