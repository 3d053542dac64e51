/**
 * An action rate: how many of n completions performed the action, with its Wilson 95% interval.
 * A leaf in stats/ because organism evaluation, probes, steering success and the verdict all count
 * actions the same way, and interpret/ must not import the zoo's evaluation to do so.
 */
import { wilson } from "./intervals.js";

export interface Rate {
  n: number;
  actions: number;
  rate: number;
  ci: [number, number];
}

export function rateOf(actions: number, n: number): Rate {
  const ci = wilson(actions, n)!;
  return { n, actions, rate: actions / n, ci: [ci.lo, ci.hi] };
}
