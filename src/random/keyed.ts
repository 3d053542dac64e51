/**
 * Keyed pseudo-random streams: a 32-bit string hash of any parts (seed, item id) picks the
 * mulberry32 stream, so distractor order, option shuffles and bootstrap resamples are reproducible
 * without threading one generator through. A leaf beside seeded.ts, so stats/ and awareness/ can
 * both take it without importing each other.
 */

import { mulberry32, type Rng } from "./seeded.js";

/** FNV-1a over the UTF-16 code units of `text`: stable across runs and platforms. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** An Rng keyed by any number of string/number parts (e.g. seed, item id). */
export function rngFor(...parts: (string | number)[]): Rng {
  return mulberry32(hashSeed(parts.map(String).join("\u0000")));
}

/** A uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** A shuffled copy (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
