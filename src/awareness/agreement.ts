/**
 * Agreement between a judge and reference labels: the confusion matrix, precision, recall, F1 and
 * Cohen's kappa, each with an interval (Wilson for precision and recall; percentile bootstrap for
 * F1 and kappa, clustered when cluster keys are given). A metric with an empty denominator is null,
 * with a reason, never a made-up 0 or 1.
 */
import { clusterBootstrap, clustersBy, wilson, type Interval } from "../stats/intervals.js";

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface Pair {
  /** The judge's verdict. */
  predicted: boolean;
  /** The reference label. */
  actual: boolean;
  /** Items sharing a cluster (e.g. the same prompt) are resampled together. */
  cluster?: string;
}

export interface Metric {
  value: number | null;
  interval: Interval | null;
  /** Why value is null, when it is. */
  undefinedBecause?: string;
}

export interface AgreementReport {
  n: number;
  confusion: Confusion;
  precision: Metric;
  recall: Metric;
  f1: Metric;
  kappa: Metric;
  accuracy: Metric;
  intervalMethod: { level: number; precisionRecall: "wilson"; f1Kappa: string; reps: number };
}

export function confusionOf(pairs: readonly Pair[]): Confusion {
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const p of pairs) {
    if (p.predicted && p.actual) c.tp++;
    else if (p.predicted) c.fp++;
    else if (p.actual) c.fn++;
    else c.tn++;
  }
  return c;
}

export function f1Of(c: Confusion): number | null {
  const d = 2 * c.tp + c.fp + c.fn;
  return d === 0 ? null : (2 * c.tp) / d;
}

/** Cohen's kappa = (po - pe) / (1 - pe); null when pe = 1 (both raters constant and equal). */
export function kappaOf(c: Confusion): number | null {
  const n = c.tp + c.fp + c.fn + c.tn;
  if (n === 0) return null;
  const po = (c.tp + c.tn) / n;
  const predYes = (c.tp + c.fp) / n;
  const actYes = (c.tp + c.fn) / n;
  const pe = predYes * actYes + (1 - predYes) * (1 - actYes);
  if (Math.abs(1 - pe) < 1e-12) return null;
  return (po - pe) / (1 - pe);
}

export function agreement(
  pairs: readonly Pair[],
  opts: { level?: number; reps?: number; seed?: string | number } = {},
): AgreementReport {
  const level = opts.level ?? 0.95;
  const reps = opts.reps ?? 2000;
  const c = confusionOf(pairs);
  const n = pairs.length;
  const ratio = (k: number, d: number, why: string): Metric =>
    d === 0
      ? { value: null, interval: null, undefinedBecause: why }
      : { value: k / d, interval: wilson(k, d, level) };
  const clustered = pairs.some((p) => p.cluster !== undefined);
  const clusters = clustered ? clustersBy(pairs, (p) => p.cluster ?? "") : pairs.map((p) => [p]);
  const boot = (fn: (c: Confusion) => number | null, value: number | null, why: string): Metric => {
    if (value === null) return { value, interval: null, undefinedBecause: why };
    const r = clusterBootstrap(clusters, (s) => fn(confusionOf(s)), {
      reps,
      level,
      seed: opts.seed ?? "agreement",
    });
    return { value, interval: r.interval };
  };
  const f1 = f1Of(c);
  // With one label class kappa is 0 (or undefined) whatever the judge does: report it as undefined.
  const oneClass = c.tp + c.fn === 0 || c.fp + c.tn === 0;
  const kappa = oneClass ? null : kappaOf(c);
  return {
    n,
    confusion: c,
    precision: ratio(c.tp, c.tp + c.fp, "the judge gave no positive verdict"),
    recall: ratio(c.tp, c.tp + c.fn, "the labels have no positives"),
    f1: boot(f1Of, f1, "no positives in either judge or labels"),
    kappa: boot(
      kappaOf,
      kappa,
      n === 0 ? "no items" : "the reference labels have one class only, so kappa says nothing",
    ),
    accuracy: ratio(c.tp + c.tn, n, "no items"),
    intervalMethod: {
      level,
      precisionRecall: "wilson",
      f1Kappa: clustered ? "percentile cluster bootstrap" : "percentile bootstrap",
      reps,
    },
  };
}
