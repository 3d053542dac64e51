/**
 * The SAE decoder as a space to steer in: its unit rows D̂, a code z [M] decoded to a vector zᵀD̂
 * [D], a gradient [D] read back as D̂ g [M], a code's random start and its top latents. Shared by
 * SAE-Attribution, both SAE-MELBO methods, weight-diff and latent ranking, so it lives with the
 * SAE rather than in one method's file.
 *
 * Shape legend: D d_model, M d_sae.
 */
import { mulberry32 } from "../random/seeded.js";

export interface SaeDecoder {
  /** [M, D] rows of unit length. */
  rows: Float32Array;
  dSae: number;
  dModel: number;
}

/** zᵀD̂ [D]. */
export function decodeCode(dec: SaeDecoder, z: ArrayLike<number>): Float32Array {
  const out = new Float64Array(dec.dModel);
  for (let i = 0; i < dec.dSae; i++) {
    const zi = z[i]!;
    if (zi === 0) continue;
    const row = i * dec.dModel;
    for (let j = 0; j < dec.dModel; j++) out[j]! += zi * dec.rows[row + j]!;
  }
  return Float32Array.from(out);
}

/** D̂ g [M]. */
export function encodeGradient(dec: SaeDecoder, g: ArrayLike<number>): Float64Array {
  const out = new Float64Array(dec.dSae);
  for (let i = 0; i < dec.dSae; i++) {
    let s = 0;
    const row = i * dec.dModel;
    for (let j = 0; j < dec.dModel; j++) s += dec.rows[row + j]! * g[j]!;
    out[i] = s;
  }
  return out;
}

/** The random start of vector j's code z [M]: uniform in ±scale, never 0 (z = 0 has no gradient). */
export function randomCode(dSae: number, seed: number, j: number, scale: number): Float32Array {
  const u = mulberry32(seed + 104729 * j);
  return Float32Array.from({ length: dSae }, () => (u() * 2 - 1) * scale);
}

/** The n latents with the largest z, largest first; latents with z exactly 0 are not listed. */
export function topLatentsByZ(z: Float32Array, n = 20): { index: number; z: number }[] {
  return [...z]
    .map((v, index) => ({ index, z: v }))
    .filter((l) => l.z !== 0)
    .sort((a, b) => b.z - a.z)
    .slice(0, n);
}
