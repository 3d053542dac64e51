/**
 * When a pair of candidates "clearly beats" one of its halves: the lower bound of a 99% interval
 * for the difference of their action rates is above zero. The interval is Newcombe's hybrid score
 * interval (Newcombe 1998, "Interval estimation for the difference between independent
 * proportions", method 10), built from each rate's Wilson interval: for p1 − p2 with Wilson
 * bounds (l1, u1), (l2, u2), the lower bound is (p1 − p2) − √((p1 − l1)² + (u2 − p2)²). It stays
 * sound at 0/n and n/n, where the Wald interval collapses. 99%, not 95%: a verdict compares a pair
 * with each of its halves and several pairs are measured.
 */
import { wilson } from "../stats/intervals.js";

export interface Count {
  actions: number;
  n: number;
}

/** Newcombe's hybrid score interval for rate(a) − rate(b) at `level`. */
export function rateDifference(a: Count, b: Count, level = 0.99): { lo: number; hi: number } {
  const wa = wilson(a.actions, a.n, level)!;
  const wb = wilson(b.actions, b.n, level)!;
  const pa = a.actions / a.n;
  const pb = b.actions / b.n;
  const d = pa - pb;
  return {
    lo: d - Math.sqrt((pa - wa.lo) ** 2 + (wb.hi - pb) ** 2),
    hi: d + Math.sqrt((wa.hi - pa) ** 2 + (pb - wb.lo) ** 2),
  };
}

/** The pair's rate is above the half's with 99% confidence (the difference's lower bound > 0). */
export function clearlyBeats(pair: Count, half: Count): boolean {
  return rateDifference(pair, half).lo > 0;
}
