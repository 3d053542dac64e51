/**
 * What a gradient through `x @ W` costs in GPU buffers beside W, by W's layout and by whether the
 * gradient is jitted (WebGPU only: the buffers are counted on the device, src/engine/gpu-memory.ts;
 * lavapipe will do).
 *
 *   npm run bench:weight-copies [-- --d 1024 --f 3584 --tokens 304]
 *
 * Each row runs in a process of its own: jax-js's buffer pool keeps freed buffers for reuse, so a
 * row measured after another would reuse the earlier row's buffers and look free (the first
 * version of this bench measured its rows in one process and so blamed W's layout; see
 * bench/results/real-size-audit/README.md). x is [B, T, D] as in the model, and only the row's W
 * exists on the device.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { grad, jit, numpy as np } from "@jax-js/jax";
import { parseArgs } from "node:util";
import { initEngine } from "../src/engine/device.js";
import { gpuMemory, resetGpuMemoryPeak } from "../src/engine/gpu-memory.js";

const { values } = parseArgs({
  options: {
    d: { type: "string", default: "1024" },
    f: { type: "string", default: "3584" },
    tokens: { type: "string", default: "304" },
    row: { type: "string" },
  },
  strict: true,
});
const [d, f, n] = [values.d, values.f, values.tokens].map(Number) as [number, number, number];
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

type Layout = "[in, out]" | "[out, in]";
/** x @ W for W kept in `layout`: [out, in] is multiplied through its transposed view. */
const times = (layout: Layout) => (x: np.Array, w: np.Array) =>
  np.matmul(x, layout === "[in, out]" ? w : w.transpose());
const squared = (y: np.Array) => y.ref.mul(y).sum();

interface Row {
  name: string;
  layout: Layout;
  /** The gradient of ‖x W‖² with respect to x, or the forward alone. */
  run: (x: np.Array, w: np.Array, mul: (x: np.Array, w: np.Array) => np.Array) => np.Array;
}
const gradOf = (mul: (x: np.Array, w: np.Array) => np.Array) =>
  grad((x: np.Array, w: np.Array) => squared(mul(x, w)), { argnums: 0 });
const rows: Row[] = (["[in, out]", "[out, in]"] as const).flatMap((layout) => [
  { name: `W ${layout}, forward only, jitted`, layout, run: (x, w, m) => jit(m)(x, w) },
  { name: `W ${layout}, eager gradient`, layout, run: (x, w, m) => gradOf(m)(x, w) },
  {
    name: `W ${layout}, jitted gradient (W an argument, as the audit's programs)`,
    layout,
    run: (x, w, m) => jit((x: np.Array, w: np.Array) => gradOf(m)(x, w))(x, w),
  },
]);

/** Bytes alive at the peak of one row beyond W and x, in this fresh process. */
async function measure(row: Row): Promise<string> {
  await initEngine("webgpu");
  const filled = (len: number) =>
    Float32Array.from({ length: len }, (_, i) => Math.sin(i * 0.37) * 0.02);
  const shape = row.layout === "[in, out]" ? [d, f] : [f, d];
  const w = np.array(filled(d * f)).reshape(shape);
  const x = np.array(filled(n * d)).reshape([n / 8, 8, d]);
  await w.ref.data();
  await x.ref.data();
  resetGpuMemoryPeak();
  const before = gpuMemory().liveBytes;
  await row.run(x, w, times(row.layout)).data();
  const m = gpuMemory();
  const sizes = m.peakSizes.map((s) => `${s.count}×${mib(s.bytes)}`).join(" ");
  return `  ${row.name}: peak +${mib(m.peakBytes - before)} MiB (buffers at the peak, count×MiB: ${sizes})`;
}

if (values.row !== undefined) {
  console.log(await measure(rows[Number(values.row)]!));
} else {
  console.log(`x [${n / 8}, 8, ${d}] (${mib(4 * n * d)} MiB) @ W (${mib(4 * d * f)} MiB)`);
  const self = fileURLToPath(import.meta.url);
  const tsx = fileURLToPath(new URL("../node_modules/.bin/tsx", import.meta.url));
  for (let i = 0; i < rows.length; i++) {
    const args = [self, "--row", String(i), "--d", String(d), "--f", String(f)];
    const out = execFileSync(tsx, [...args, "--tokens", String(n)], { encoding: "utf8" });
    process.stdout.write(
      out
        .split("\n")
        .filter((l) => l.startsWith("  "))
        .join("\n") + "\n",
    );
  }
}
