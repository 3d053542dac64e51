/**
 * jax-js wasm matmul speed by weight layout, for the CPU bench model's shapes. trigscope stores
 * linear weights as [in, out] (x @ W); jax-js's wasm matmul kernel is a dot product per output
 * element, so with [in, out] its inner loop walks W with stride `out`. Stored as HF's [out, in]
 * and used as x @ Wᵀ (a view, no copy), the inner loop is contiguous in both operands.
 *
 *   npx tsx bench/matmul.ts [--runs 10]     (TRIGSCOPE_THREADS=1 for one thread)
 */
import { initEngine } from "../src/engine/device.js";
import { jit, np, random } from "../src/engine/jax.js";
import { parseArgs, time } from "./setup.js";

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2), { runs: 10, warmup: 2 });
  await initEngine("wasm");
  const plain = jit((x: np.Array, w: np.Array) => np.matmul(x, w));
  const viaT = jit((x: np.Array, w: np.Array) => np.matmul(x, w.transpose()));
  console.log(`threads ${navigator.hardwareConcurrency}; median of ${opts.runs}`);
  console.log("m×k×n (x[m,k] @ W)      W[in,out] ms  GFLOP/s   W[out,in]ᵀ ms  GFLOP/s  speed-up");
  const shapes: [number, number, number, string][] = [
    [512, 256, 8192, "unembed"],
    [512, 256, 256, "q / o proj"],
    [512, 256, 128, "k / v proj"],
    [512, 256, 688, "gate / up"],
    [512, 688, 256, "down"],
  ];
  for (const [m, k, n, what] of shapes) {
    const x = random.normal(random.key(0), [m, k]);
    const w = random.normal(random.key(1), [k, n]);
    const wt = random.normal(random.key(2), [n, k]);
    const a = await time(
      async () => void (await plain(x.ref, w.ref).data()),
      opts.warmup,
      opts.runs,
    );
    const b = await time(
      async () => void (await viaT(x.ref, wt.ref).data()),
      opts.warmup,
      opts.runs,
    );
    const gf = (ms: number) => ((2 * m * k * n) / 1e6 / ms).toFixed(1);
    console.log(
      `${`${m}×${k}×${n} ${what}`.padEnd(24)} ${a.median_ms.toFixed(1).padStart(12)} ${gf(a.median_ms).padStart(8)} ${b.median_ms.toFixed(1).padStart(15)} ${gf(b.median_ms).padStart(8)} ${(a.median_ms / b.median_ms).toFixed(2).padStart(9)}×`,
    );
    x.dispose();
    w.dispose();
    wt.dispose();
  }
  plain.dispose();
  viaT.dispose();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
