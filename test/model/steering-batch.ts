/**
 * The steering tests' left-padded batches: the last two real tokens of each row are the response,
 * the two before them are steered. Also their random vectors and a closeness check relative to
 * the largest element.
 */
import { expect } from "vitest";
import { leftPad } from "../../src/model/inputs.js";
import type { TeacherForcedBatch } from "../../src/model/loss.js";
import { normalSampler } from "./random-model.js";

export function steeringBatch(rows: number[][]) {
  for (const r of rows) expect(r.length).toBeGreaterThanOrEqual(4);
  const batch = leftPad(rows, 0);
  const t = batch.seqLen;
  const responseMask = new Uint8Array(rows.length * t);
  const positionMask = new Float32Array(rows.length * t);
  rows.forEach((_, i) => {
    for (let j = t - 2; j < t; j++) responseMask[i * t + j] = 1;
    for (let j = t - 4; j < t - 2; j++) positionMask[i * t + j] = 1;
  });
  const tf: TeacherForcedBatch = { batch, responseMask };
  return { tf, positionMask, T: t };
}

/** n normal values (σ 0.5) from `seed`. */
export function randomVector(seed: number, n: number): Float32Array {
  const s = normalSampler(seed, 0.5);
  return Float32Array.from({ length: n }, () => s());
}

/** |a − b| < rtol · max |a| elementwise. */
export function expectCloseToMax(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number) {
  expect(a.length).toBe(b.length);
  const scale = Math.max(...Array.from(a, Math.abs));
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(rtol * scale);
}
