/**
 * Seeded pseudo-random numbers for everything that must be reproducible from a seed: sampling,
 * distractor order, bootstrap resamples, fuzz tests, random test models. mulberry32 (Tommy
 * Ettinger's public-domain 32-bit construction): fast, good enough for these uses, not for
 * cryptography.
 */

/** A stream of uniform numbers in [0, 1). */
export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples from mulberry32(seed) through Box–Muller (one per pair of uniforms). */
export function gaussian(seed: number): Rng {
  const u = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
}
