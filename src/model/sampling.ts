/**
 * Choosing the next token on the host: greedy, or sampling with temperature and top-p from a
 * seeded generator, and the log-probability of the choice under the model (temperature 1).
 */
import { mulberry32 } from "../random/seeded.js";

/** A seeded uniform [0, 1) generator (mulberry32). */
export const seededUniform = mulberry32;

/** log-softmax of a row, in float64. */
export function logSoftmaxRow(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! - lse;
  return out;
}

export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

export interface SamplingOptions {
  /** 0 (default) = greedy. */
  temperature?: number;
  /** Nucleus mass in (0, 1]; 1 = off. */
  topP?: number;
}

/**
 * Picks a token from one row of logits. Top-p keeps the most probable tokens whose cumulative
 * probability (before each) is below p — at least one token — as transformers' TopPLogitsWarper.
 */
export function pickToken(
  logits: ArrayLike<number>,
  opts: SamplingOptions,
  uniform: () => number,
): number {
  const temperature = opts.temperature ?? 0;
  if (temperature <= 0) return argmax(logits);
  const scaled = Array.from(logits, (x) => x / temperature);
  const logp = logSoftmaxRow(scaled);
  const order = Array.from(logp.keys()).sort((a, b) => logp[b]! - logp[a]! || a - b);
  const topP = opts.topP ?? 1;
  const kept: number[] = [];
  let mass = 0;
  for (const i of order) {
    if (kept.length > 0 && mass >= topP) break;
    kept.push(i);
    mass += Math.exp(logp[i]!);
  }
  let r = uniform() * mass;
  for (const i of kept) {
    r -= Math.exp(logp[i]!);
    if (r <= 0) return i;
  }
  return kept[kept.length - 1]!;
}
