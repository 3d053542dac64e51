/**
 * The small left-padded batch both engine-selection tests (CPU fast path and WebGPU) run their
 * tiny random Llama on: 2 × 8 tokens of a 50-token vocabulary, two pads, a two-token response and
 * a steering vector at layer 0 (d 32).
 */
import { batchFromMask } from "../../src/model/inputs.js";

const VOCAB = 50;
const ids = Int32Array.from({ length: 2 * 8 }, (_, i) => (i * 11 + 2) % VOCAB);
const mask = Uint8Array.from({ length: 16 }, (_, i) => (i >= 8 && i < 10 ? 0 : 1));
export const hb = batchFromMask(ids, mask, 2, 8);
/** Logit index predicate: real positions only. */
export const real = (i: number) => mask[Math.floor(i / VOCAB)] === 1;
export const tf = {
  batch: hb,
  responseMask: Uint8Array.from({ length: 16 }, (_, i) => (i % 8 >= 6 ? 1 : 0)),
};
export const steering = { layer: 0, vector: new Float32Array(32).fill(0.3), scale: 2 };
