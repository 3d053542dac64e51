/**
 * Rotary position embeddings: inverse frequencies (with Llama 3 / linear scaling) and cos/sin
 * tables computed on the host in float64 from float32 inputs, as transformers computes them in
 * float32 (angle = fround(invFreq · position)).
 */
import type { ModelConfig } from "./config.js";

/** inv_freq[i] = 1 / theta^(2i/K), rounded to float32, then scaled per rope_scaling. */
export function inverseFrequencies(config: ModelConfig): Float32Array {
  const half = config.dHead / 2;
  const inv = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    // transformers: 1.0 / (base ** (torch.arange(0, dim, 2, dtype=int64).float() / dim))
    const exponent = Math.fround((2 * i) / config.dHead);
    inv[i] = 1 / Math.fround(config.ropeTheta ** exponent);
  }
  const s = config.ropeScaling;
  if (s.type === "linear") {
    for (let i = 0; i < half; i++) inv[i] = inv[i]! / s.factor;
  } else if (s.type === "llama3") {
    const lowWavelen = s.originalMaxPositions / s.lowFreqFactor;
    const highWavelen = s.originalMaxPositions / s.highFreqFactor;
    for (let i = 0; i < half; i++) {
      const f = inv[i]!;
      const wavelen = (2 * Math.PI) / f;
      if (wavelen > lowWavelen) {
        inv[i] = f / s.factor;
      } else if (wavelen >= highWavelen) {
        const smooth =
          (s.originalMaxPositions / wavelen - s.lowFreqFactor) /
          (s.highFreqFactor - s.lowFreqFactor);
        inv[i] = (1 - smooth) * (f / s.factor) + smooth * f;
      }
    }
  }
  return inv;
}

/**
 * cos/sin tables of shape [N, K] for N positions, halves duplicated (cat(freqs, freqs)) as in
 * HF's rotate_half convention.
 */
export function ropeTables(
  invFreq: Float32Array,
  positions: ArrayLike<number>,
): { cos: Float32Array; sin: Float32Array } {
  const half = invFreq.length;
  const k = 2 * half;
  const n = positions.length;
  const cos = new Float32Array(n * k);
  const sin = new Float32Array(n * k);
  for (let p = 0; p < n; p++) {
    const pos = positions[p]!;
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(invFreq[i]! * pos);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[p * k + i] = c;
      cos[p * k + half + i] = c;
      sin[p * k + i] = s;
      sin[p * k + half + i] = s;
    }
  }
  return { cos, sin };
}
