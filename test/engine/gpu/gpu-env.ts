/**
 * The GPU tests' shared setup: the WebGPU context, or the reason there is none (the tests then
 * skip, and the suite's name says why — a CPU machine without a Vulkan driver such as lavapipe).
 */
import { gpuContext, type GpuContext } from "../../../src/engine/gpu/context.js";

export const ctx: GpuContext | null = await gpuContext();

/** A suite title naming the adapter, or why the suite is skipped. */
export function gpuSuite(title: string): string {
  if (ctx) return `${title} (on ${ctx.adapterName})`;
  const why = "skipped: no WebGPU adapter (install a Vulkan driver, e.g. mesa-vulkan-drivers)";
  console.warn(`${title}: ${why}`);
  return `${title} [${why}]`;
}

/** max |a − b| / max |b| over all elements. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return d / (s || 1);
}

/** Whether two float arrays hold the same bits. */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Deterministic pseudo-random floats in (−scale, scale). */
export function randomF32(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 0x100000000 - 0.5) * 2 * scale;
  });
}
