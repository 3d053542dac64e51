/**
 * One bench/tiles measurement in its own process (the jax-js copy it runs is chosen by
 * bench/tiles/redirect.mjs before anything imports jax-js): the bench model's forward and steering
 * step (bench/run.ts's shapes), and three isolated matmuls; prints one JSON line of minimum times.
 */
import { initEngine } from "../../src/engine/device.js";
import { jit, np, random } from "../../src/engine/jax.js";
import { relaxedSimdAvailable } from "../../src/engine/wasm-features.js";
import { steeringLossAndGrad } from "../../src/model/loss.js";
import { modelFromTensors } from "../../src/model/model.js";
import { runWithCache } from "../../src/model/run.js";
import { benchModelSpec, CPU_DEFAULTS, steerArgs, time } from "../setup.js";

const RUNS = Number(process.env.TILES_RUNS ?? 8);
const MATMULS: [number, number, number][] = [
  [512, 256, 688],
  [512, 688, 256],
  [512, 256, 8192],
];

async function main(): Promise<void> {
  await initEngine("wasm");
  const { cfg, tensors, step } = benchModelSpec(CPU_DEFAULTS);
  const model = modelFromTensors(cfg, tensors, "bench (random)");
  const fwd = await time(() => runWithCache(model, step.batch, { logits: true }), 2, RUNS);
  const steer = await time(() => steeringLossAndGrad(model, ...steerArgs(step)), 2, RUNS);
  // Summed on the device so only one number is read back: the matmul kernel dominates.
  const mm = jit((x: np.Array, w: np.Array) => np.matmul(x, w).sum());
  const gflops: Record<string, number> = {};
  for (const [m, k, n] of MATMULS) {
    const x = random.normal(random.key(0), [m, k]);
    const w = random.normal(random.key(1), [k, n]);
    const t = await time(async () => void (await mm(x.ref, w.ref).data()), 2, RUNS * 2);
    gflops[`${m}x${k}x${n}`] = (2 * m * k * n) / 1e6 / t.min_ms;
    x.dispose();
    w.dispose();
  }
  mm.dispose();
  const relaxed = relaxedSimdAvailable();
  console.log(
    JSON.stringify({
      forward_ms: fwd.min_ms,
      steer_ms: steer.min_ms,
      gflops,
      relaxed_simd: relaxed,
    }),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
