/**
 * Proximal gradient descent (ISTA) with backtracking for min_z f(z) + λ‖z‖₁, f smooth: a gradient
 * step on f, then the L1 proximal map (soft-threshold) z ← sign(z)·max(|z| − lr·λ, 0), which sets
 * coordinates exactly to 0. A subgradient λ·sign(z) under Adam does not do this: Adam's
 * per-coordinate normalisation moves every coordinate by about lr each step whatever its gradient,
 * so z fills with ±lr noise and ‖z‖₁ grows instead of shrinking.
 *
 * The step size adapts (Beck & Teboulle 2009, backtracking; grown again after each accepted step):
 * a candidate z⁺ is accepted when F(z⁺) ≤ f(z) + ⟨∇f(z), z⁺ − z⟩ + ‖z⁺ − z‖²/(2·lr) + λ‖z⁺‖₁, else lr is
 * halved and the candidate recomputed from the same accepted z (no extra evaluation: ∇f(z) is kept).
 * One evaluation of f and ∇f per step; the objective of the accepted iterate never increases.
 * Stops early when the next candidate moves no coordinate by more than tol·max(‖z‖∞, 1e-3), or
 * the objective fell by less than tol·max(|F|, 1) over the last STALL_WINDOW accepted steps
 * (rejected candidates only shrink the step: they are not a stall).
 */

/** sign(x)·max(|x| − t, 0). */
export function softThreshold(x: number, t: number): number {
  return x > t ? x - t : x < -t ? x + t : 0;
}

export interface ProxGradOptions {
  /** The L1 weight λ: required unless `lambdaScale` is given, which replaces it. */
  lambda?: number;
  /**
   * λ relative to λ_max = ‖∇f(z0)‖∞, the smallest λ for which z = 0 is a minimiser near z0 (the
   * top of the lasso path): λ = lambdaScale·λ_max, fixed after the first evaluation. This makes
   * λ independent of the loss's scale (model, prompts, response length).
   */
  lambdaScale?: number;
  /** Evaluations of f (one per step, accepted or not). */
  steps: number;
  /** Initial step size (in z per unit gradient); adapted by backtracking. */
  lr: number;
  /** Relative change below which the iteration stops (default 1e-4; 0 runs every step). */
  tol?: number;
  /** Called after each step with the accepted iterate's smooth loss and objective. */
  onStep?: (step: number, loss: number, objective: number) => void;
  signal?: AbortSignal;
}

export interface ProxGradResult {
  /** The accepted iterate (its loss and objective below were evaluated at it). */
  z: Float32Array;
  loss: number;
  objective: number;
  /** Objective of the accepted iterate after each step (non-increasing). */
  objectives: number[];
  /** Steps run (evaluations of f) and how many candidates were accepted. */
  steps: number;
  accepted: number;
  /** The step size at the end. */
  lr: number;
  /** The λ used (resolved from lambdaScale when that was given). */
  lambda: number;
}

/** Factor on lr after an accepted step, and after a rejected one. */
export const GROW = 1.25;
export const SHRINK = 0.5;
/** Relative slack in the acceptance test (float32 losses are exact to about 1e-7). */
const BOUND_SLACK = 1e-6;
/** Steps over which a too-small fall of the objective stops the iteration. */
export const STALL_WINDOW = 5;

/** ‖z‖₁. */
export const l1Norm = (z: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < z.length; i++) s += Math.abs(z[i]!);
  return s;
};

/** λ: `lambda`, or `lambdaScale`·‖grad‖∞ when lambdaScale is given (grad: at the start). */
export function resolveLambda(
  o: Pick<ProxGradOptions, "lambda" | "lambdaScale">,
  grad: ArrayLike<number>,
): number {
  if (o.lambdaScale === undefined) return o.lambda ?? NaN;
  let gmax = 0;
  for (let i = 0; i < grad.length; i++) gmax = Math.max(gmax, Math.abs(grad[i]!));
  return o.lambdaScale * gmax;
}

/** What is wrong with λ (or lambdaScale, which replaces it) and lr, or null when nothing is. */
export function proxOptionsProblem(
  o: Pick<ProxGradOptions, "lambda" | "lambdaScale" | "lr">,
): string | null {
  if (o.lambdaScale !== undefined) {
    if (!(o.lambdaScale >= 0)) return `lambdaScale must be ≥ 0 (got ${o.lambdaScale})`;
  } else if (o.lambda === undefined) return "lambda or lambdaScale is required";
  else if (!(o.lambda >= 0)) return `lambda must be ≥ 0 (got ${o.lambda})`;
  if (!(o.lr > 0)) return `lr must be > 0 (got ${o.lr})`;
  return null;
}

/**
 * Minimises f(z) + λ‖z‖₁ from z0 (not modified); `f` returns the smooth loss and ∂f/∂z at z.
 * With no step run (steps 0 or aborted at once) returns z0 with NaN loss.
 */
export async function proxGradL1(
  f: (z: Float32Array) => Promise<{ loss: number; grad: ArrayLike<number> }>,
  z0: Float32Array,
  o: ProxGradOptions,
): Promise<ProxGradResult> {
  const problem = proxOptionsProblem(o);
  if (problem) throw new RangeError(problem);
  // λ from lambdaScale is resolved at the first evaluation; NaN until then.
  let lambda = o.lambdaScale !== undefined ? NaN : (o.lambda ?? NaN);
  const n = z0.length;
  const tol = o.tol ?? 1e-4;
  let lr = o.lr;
  let z = Float32Array.from(z0);
  let loss = NaN;
  let objective = NaN;
  let grad = new Float64Array(n);
  let cand = Float32Array.from(z0);
  const objectives: number[] = [];
  const acceptedObjectives: number[] = [];
  let s = 0;
  for (; s < o.steps; s++) {
    if (o.signal?.aborted) break;
    const r = await f(cand);
    if (s === 0) lambda = resolveLambda(o, r.grad);
    const candObjective = r.loss + lambda * l1Norm(cand);
    let ok = s === 0;
    if (!ok) {
      // The quadratic upper model at z, evaluated at the candidate.
      let bound = loss + lambda * l1Norm(cand);
      for (let i = 0; i < n; i++) {
        const d = cand[i]! - z[i]!;
        bound += grad[i]! * d + (d * d) / (2 * lr);
      }
      // Slack for float32 rounding in f: tiny steps make the quadratic term smaller than it.
      ok = candObjective <= bound + BOUND_SLACK * Math.max(Math.abs(bound), 1);
      ok &&= candObjective <= objective;
    }
    if (ok) {
      z = cand;
      loss = r.loss;
      objective = candObjective;
      grad = Float64Array.from(r.grad);
      if (s > 0) lr *= GROW;
    } else lr *= SHRINK;
    objectives.push(objective);
    o.onStep?.(s, loss, objective);
    cand = new Float32Array(n);
    let moved = 0;
    let size = 1e-3;
    for (let i = 0; i < n; i++) {
      cand[i] = softThreshold(z[i]! - lr * grad[i]!, lr * lambda);
      moved = Math.max(moved, Math.abs(cand[i]! - z[i]!));
      size = Math.max(size, Math.abs(z[i]!));
    }
    if (ok) acceptedObjectives.push(objective);
    const before = ok ? acceptedObjectives.at(-1 - STALL_WINDOW) : undefined;
    const stalled =
      before !== undefined && before - objective <= tol * Math.max(Math.abs(objective), 1);
    if (tol > 0 && ((ok && s > 0 && moved <= tol * size) || stalled)) {
      s++;
      break;
    }
  }
  return {
    z,
    loss,
    objective,
    objectives,
    steps: s,
    accepted: acceptedObjectives.length,
    lr,
    lambda,
  };
}
