/**
 * Relaxed SIMD, which jax-js's wasm backend uses for its float32 matmuls when the runtime has it.
 *
 * jax-js 0.1.25 emits `f32x4.relaxed_madd` (a fused multiply-add) in its matmul loops when
 * `WebAssembly.validate` accepts a relaxed-SIMD probe module, and a multiply then an add otherwise.
 * Node 20's V8 (11.3) has relaxed SIMD only behind `--experimental-wasm-relaxed-simd` (refused in
 * NODE_OPTIONS); Node ≥ 21 has it by default and no longer knows the flag. trigscope does not let
 * jax-js use it by default: with it, jax-js's results depend on how a kernel was dispatched, and a
 * CPU training run resumed from a checkpoint no longer reproduces the uninterrupted run bit for bit
 * (src/engine/NOTES.md); so kernels/relaxed-gate.ts hides it from jax-js on every Node version.
 * A user who prefers speed sets TRIGSCOPE_RELAXED_SIMD=1 (and on Node 20 also starts node with the
 * flag): `relaxedSimdOptIn()` gives both. `npm run bench:tiles` measures what it gives, and
 * `npm run bench` records whether it was on.
 */

export const RELAXED_SIMD_FLAG = "--experimental-wasm-relaxed-simd";

/** The node arguments and environment that turn relaxed SIMD on for jax-js in a child process. */
export function relaxedSimdOptIn(version = process.versions.node): {
  nodeArgs: string[];
  env: Record<string, string>;
} {
  const major = Number(version.split(".")[0]);
  return { nodeArgs: major < 21 ? [RELAXED_SIMD_FLAG] : [], env: { TRIGSCOPE_RELAXED_SIMD: "1" } };
}

/** A module whose one function is `f32x4.relaxed_madd` (the probe jax-js runs). */
const RELAXED_MADD_PROBE = Uint8Array.from(
  "0061736d0100000001080160037b7b7b017b030201000a0d010b00200020012002fd85020b"
    .match(/../g)!
    .map((h) => parseInt(h, 16)),
);

/** Whether this process's WebAssembly has relaxed SIMD (so jax-js's matmuls use fused multiply-adds). */
export function relaxedSimdAvailable(): boolean {
  try {
    return WebAssembly.validate(RELAXED_MADD_PROBE);
  } catch {
    return false;
  }
}
