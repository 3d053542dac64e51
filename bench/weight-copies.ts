/**
 * What a gradient through `x @ W` costs in GPU buffers beside W, by W's layout (WebGPU only: the
 * buffers are counted on the device, src/engine/gpu-memory.ts; lavapipe will do).
 *
 *   npm run bench:weight-copies [-- --d 1024 --f 3584 --tokens 304]
 *
 * jax-js's dot brings its right operand to [free, contracting] order. trigscope keeps linear
 * weights as [in, out] (transposed from HF's [out, in] on load), so under grad that is a transpose
 * of W that gets materialised: per weight, two copies were alive at once on 2026-12-06 (lavapipe,
 * 1024×3584), and an 8B audit's gradient holds them for every layer after the steered one. A
 * transposed view of an [out, in] buffer needs none, outside jit.
 */
import { grad, jit, numpy as np } from "@jax-js/jax";
import { parseArgs } from "node:util";
import { initEngine } from "../src/engine/device.js";
import { gpuMemory, resetGpuMemoryPeak } from "../src/engine/gpu-memory.js";

const { values } = parseArgs({
  options: {
    d: { type: "string", default: "1024" },
    f: { type: "string", default: "3584" },
    tokens: { type: "string", default: "304" },
  },
  strict: true,
});
const [d, f, n] = [values.d, values.f, values.tokens].map(Number) as [number, number, number];
await initEngine("webgpu");
const filled = (len: number) =>
  Float32Array.from({ length: len }, (_, i) => Math.sin(i * 0.37) * 0.02);
const inOut = np.array(filled(d * f)).reshape([d, f]);
const outIn = np.array(filled(d * f)).reshape([f, d]);
await inOut.ref.data();
await outIn.ref.data();
const view = outIn.ref.transpose();
const x = np.array(filled(n * d)).reshape([n, d]);

/**
 * Bytes alive at the peak of one gradient beyond those alive before it. Buffers the earlier rows
 * left in jax-js's pool are reused, so each row is an upper bound on what it adds.
 */
async function peakAdded(loss: (x: np.Array) => np.Array): Promise<number> {
  resetGpuMemoryPeak();
  const before = gpuMemory().liveBytes;
  await grad(loss)(x.ref).data();
  return gpuMemory().peakBytes - before;
}

const squaredSum = (w: () => np.Array) => (x: np.Array) => {
  const y = np.matmul(x, w());
  return y.ref.mul(y).sum();
};
const rows = [
  ["W [in, out]", squaredSum(() => inOut.ref)],
  ["W [out, in], transposed in the traced function", squaredSum(() => outIn.ref.transpose())],
  ["a transposed view of W [out, in], made outside", squaredSum(() => view.ref)],
  ["W [in, out], under jit", jit(squaredSum(() => inOut.ref))],
  ["a transposed view, under jit", jit(squaredSum(() => view.ref))],
] as const;
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
console.log(`x [${n}, ${d}] (${mib(4 * n * d)} MiB) @ W (${mib(4 * d * f)} MiB), grad w.r.t. x`);
for (const [name, loss] of rows) {
  const added = await peakAdded(loss as (x: np.Array) => np.Array);
  console.log(`  ${name}: peak +${mib(added)} MiB`);
}
