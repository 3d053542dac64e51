/**
 * R calibration for unsupervised MELBO (docs/methods.md §2): the R at which the nonlinear part of the
 * change at ℓt is half the linear part, for random unit directions v_1..v_n (seeded Gaussian):
 *
 *   ratio(R) = sqrt( mean_k ‖Δ(R v_k) − R·J v_k‖² / mean_k ‖R·J v_k‖² ) = 0.5
 *
 * Δ(δ) = h[ℓt](δ) − h[ℓt](0) over the batch's target positions (all of them, over d_model), δ added
 * on the user positions at ℓs. J v by a central finite difference [choice]:
 * J v ≈ (Δ(εv) − Δ(−εv)) / 2ε with ε = fdStep (default 1e-2 × the mean ‖h[ℓs]_t‖ over the steered
 * positions: truncation error O((ε/R)²), float32 rounding O(6e-8 ‖h‖/ε) ≈ 1e-5 relative).
 * R is found by bisection in log R on [1e-3, 100] (default), stopping when |ratio − 0.5| ≤ tol or
 * after maxIterations; no crossing in the interval throws CalibrationError.
 *
 * Shape legend: B prompts, T tokens, D d_model.
 */
import { displacementAt, prepareDisplacement } from "./melbo-objective.js";
import type { Model } from "../model/model.js";
import { gaussian } from "../random/seeded.js";
import { MethodInputError } from "./losses.js";
import { checkUnsupervised } from "./melbo.js";
import { norm } from "./orthogonal.js";
import type { PromptBatch } from "./prompt-batch.js";

export class CalibrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CalibrationError";
  }
}

export interface CalibrateOptions {
  sourceLayer: number;
  targetLayer?: number;
  /** Number of random directions (default 4). */
  samples?: number;
  seed: number;
  /** The ratio sought (default 0.5). */
  target?: number;
  /** Search interval for R (default [1e-3, 100]). */
  interval?: [number, number];
  /** Stop when |ratio − target| ≤ tol (default 0.01). */
  tol?: number;
  maxIterations?: number;
  /** Finite-difference step for J v (default: see the header). */
  fdStep?: number;
}

export interface CalibrationResult {
  R: number;
  ratioAtR: number;
  fdStep: number;
  /** Every ratio evaluated, in order (the interval's ends first). */
  evaluations: { R: number; ratio: number }[];
}

const KEYS = [
  "sourceLayer",
  "targetLayer",
  "samples",
  "seed",
  "target",
  "interval",
  "tol",
  "maxIterations",
  "fdStep",
];

export async function calibrateR(
  model: Model,
  pb: PromptBatch,
  o: CalibrateOptions,
): Promise<CalibrationResult> {
  const lt = checkUnsupervised(model, pb, { ...o, R: 1 }, [...KEYS, "R"]);
  const [lo0, hi0] = o.interval ?? [1e-3, 100];
  if (!(lo0 > 0 && hi0 > lo0)) throw new MethodInputError(`bad interval [${lo0}, ${hi0}]`);
  const n = o.samples ?? 4;
  if (!Number.isInteger(n) || n < 1) throw new MethodInputError(`samples must be ≥ 1 (got ${n})`);
  const goal = o.target ?? 0.5;
  const tol = o.tol ?? 0.01;
  const d = model.config.dModel;
  const prep = prepareDisplacement(
    model,
    { batch: pb.batch, steerMask: pb.userMask, targetMask: pb.targetMask },
    { sourceLayer: o.sourceLayer, targetLayer: lt },
  );
  try {
    const eps = o.fdStep ?? 1e-2 * (await meanSteeredNorm(prep.args.resid.ref, pb.userMask, d));
    const tm = pb.targetMask;
    const masked = async (delta: Float32Array) => {
      const x = await displacementAt(model, prep, delta);
      for (let i = 0; i < tm.length; i++) if (!tm[i]) x.fill(0, i * d, (i + 1) * d);
      return x;
    };
    const dirs: Float32Array[] = [];
    const jv: Float32Array[] = [];
    for (let k = 0; k < n; k++) {
      const g = gaussian(o.seed + 7919 * k);
      const v = Float32Array.from({ length: d }, () => g());
      const vn = norm(v);
      v.forEach((x, i) => (v[i] = x / vn));
      const plus = await masked(v.map((x) => x * eps));
      const minus = await masked(v.map((x) => -x * eps));
      dirs.push(v);
      jv.push(plus.map((x, i) => (x - minus[i]!) / (2 * eps)));
    }
    const evaluations: { R: number; ratio: number }[] = [];
    const ratio = async (r: number) => {
      let num = 0;
      let den = 0;
      for (let k = 0; k < n; k++) {
        const delta = await masked(dirs[k]!.map((x) => x * r));
        const j = jv[k]!;
        for (let i = 0; i < delta.length; i++) {
          const lin = r * j[i]!;
          num += (delta[i]! - lin) ** 2;
          den += lin * lin;
        }
      }
      const value = Math.sqrt(num / den);
      evaluations.push({ R: r, ratio: value });
      return value;
    };
    let lo = Math.log(lo0);
    let hi = Math.log(hi0);
    const fLo = (await ratio(lo0)) - goal;
    const fHi = (await ratio(hi0)) - goal;
    if (!(fLo < 0 && fHi > 0)) {
      throw new CalibrationError(
        `ratio(R) does not cross ${goal} on [${lo0}, ${hi0}]: ratio(${lo0}) = ${fLo + goal}, ` +
          `ratio(${hi0}) = ${fHi + goal}`,
      );
    }
    let best = { R: NaN, ratio: NaN };
    for (let it = 0; it < (o.maxIterations ?? 40); it++) {
      const mid = (lo + hi) / 2;
      const r = Math.exp(mid);
      const f = (await ratio(r)) - goal;
      best = { R: r, ratio: f + goal };
      if (Math.abs(f) <= tol) break;
      if (f < 0) lo = mid;
      else hi = mid;
    }
    return { R: best.R, ratioAtR: best.ratio, fdStep: eps, evaluations };
  } finally {
    prep.dispose();
  }
}

/** Mean ‖h_t‖ over the positions where mask = 1 (consumes `resid`). */
async function meanSteeredNorm(
  resid: { data(): Promise<ArrayLike<number>> },
  mask: Float32Array,
  d: number,
): Promise<number> {
  const h = await resid.data();
  let sum = 0;
  let count = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    let s = 0;
    for (let k = 0; k < d; k++) s += h[i * d + k]! ** 2;
    sum += Math.sqrt(s);
    count++;
  }
  return sum / count;
}
