/**
 * Where the fast path decodes on webgpu. Its WGSL kernels (src/engine/gpu) have no decoder, but
 * its host decoder (fast-generate.ts: a KV cache on host buffers, the weights read back once)
 * runs beside a webgpu device too. One decode step costs the host about 2·P flops per row; on the
 * GPU jax-js pays a few dozen dispatches per layer and step whatever the size. For the zoo's
 * models (~5M parameters) the host is far ahead; at 8B the host would need a 32 GB copy and
 * seconds per token. The line sits at HOST_DECODE_MAX_PARAMS, an estimate, not a measured
 * crossover: one core at ~20 GFLOP/s decodes a 200M model in ~20 ms a token and row.
 */
import type { EngineDecision } from "../engine/fast/select.js";

/** The largest model (parameters) whose generation runs on the host on webgpu. */
export const HOST_DECODE_MAX_PARAMS = 200e6;

/** The number of values in a parameter tree: every array-like leaf with a numeric `shape`. */
export function parameterCount(tree: unknown): number {
  if (tree === null || typeof tree !== "object") return 0;
  const shape = (tree as { shape?: unknown }).shape;
  if (Array.isArray(shape) && shape.every((d) => typeof d === "number")) {
    return shape.reduce((a: number, d: number) => a * d, 1);
  }
  const items = Array.isArray(tree) ? tree : Object.values(tree);
  return items.reduce((s: number, v) => s + parameterCount(v), 0);
}

/** Where a model of `params` parameters generates on webgpu when the fast path was selected. */
export function webgpuGeneration(params: number): EngineDecision {
  const m = `${(params / 1e6).toFixed(1)}M parameters`;
  if (params <= HOST_DECODE_MAX_PARAMS) {
    return { engine: "fast", reason: `fast (generation on the host decoder on webgpu: ${m})` };
  }
  const line = `${HOST_DECODE_MAX_PARAMS / 1e6}M`;
  return {
    engine: "jax",
    reason: `jax (generation on webgpu: ${m}, over the host decoder's ${line})`,
  };
}
