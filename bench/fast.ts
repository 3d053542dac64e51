/**
 * `npm run bench:fast`: the fast path (src/engine/fast: hand-written forward and steering VJPs,
 * float32, the process's CPU sgemm) against jax-js (wasm) on the zoo's fruit-refusal organism at
 * the audit's batch: the 16 benign training prompts with the organism's response (bench/
 * step-setup.ts, as bench:step builds them; the model loaded by its zoo name with the LoRA merged).
 *
 *   forward    logits of the batch: runWithCache(model, batch) vs fastRunLogits, read back
 *   steering   loss and d loss / d vector at resid_post of the SAE's layer on the user positions,
 *              from a prepared site (the resid at ℓ once): prepareSteering(...).lossAndGrad vs
 *              prepareFastSteeringFor(...)
 *
 * Agreement first (logits at real positions, loss, gradient), then interleaved runs (one of each
 * engine per round: the machine is shared and its load drifts), medians. The load averages are
 * recorded before and after, and the fast path's matmul GFLOP/s (fast-flops.ts) beside its times.
 * PyTorch numbers are recorded only where `import torch` works.
 * OPENBLAS_CORETYPE, if set, is recorded and unset before OpenBLAS loads (bench/kernels.ts says why).
 *
 *   npm run bench:fast -- [--runs 10] [--warmup 2] [--organism fruit-refusal] [--json FILE]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { currentDevice, initEngine } from "../src/engine/device.js";
import { cpuKernelInfo, describeCpuKernel } from "../src/engine/kernels/index.js";
import { fastModelOf, fastRunLogits, prepareFastSteeringFor } from "../src/model/fast-adapter.js";
import type { ModelConfig } from "../src/model/config.js";
import type { HostBatch } from "../src/model/inputs.js";
import {
  prepareSteering,
  type PreparedSteering,
  type SteeringLossResult,
} from "../src/model/loss.js";
import type { Model } from "../src/model/model.js";
import { runWithCache } from "../src/model/run.js";
import { mulberry32 } from "../src/random/seeded.js";
import {
  loadText,
  machineInfo,
  machineLine,
  median,
  parseArgs,
  relMaxDiff,
  table,
  torchBatch,
  writeF32Safetensors,
} from "./setup.js";
import { forwardFlops, steeringFlops, type FlopShape } from "./fast-flops.js";
import { mergedTensors } from "./merged-weights.js";
import { runTorch, torchEnv, torchPython } from "./python.js";
import { stepSetup } from "./step-setup.js";

const coretype = process.env.OPENBLAS_CORETYPE ?? null;
delete process.env.OPENBLAS_CORETYPE;

const args = parseArgs(process.argv.slice(2), {
  runs: 10,
  warmup: 2,
  organism: "fruit-refusal",
  json: "bench/results/fast-cpu.json",
});
const log = (s: string) =>
  process.stderr.write(`[${(performance.now() / 1000).toFixed(1)}s] ${s}\n`);

/** "torch VERSION" where a python3 here imports torch (Debian's, or the one on PATH). */
function torchStatus(): string {
  for (const python of ["/usr/bin/python3", "python3"]) {
    const r = spawnSync(python, ["-c", "import torch; print(torch.__version__)"], {
      encoding: "utf8",
    });
    if (r.status === 0) return `torch ${r.stdout.trim()}`;
  }
  return "not installed (import torch fails)";
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, keep: (i: number) => boolean) {
  let d = 0;
  for (let i = 0; i < b.length; i++) if (keep(i)) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** PyTorch's forward and steering step on the same weights and batch (bench/torch_llama.py). */
interface TorchTimes {
  python: string;
  forward_ms: number;
  steering_ms: number;
  loss: number;
  blas: unknown;
}

function torchTimes(
  modelDir: string,
  cfg: ModelConfig,
  tf: { batch: HostBatch; responseMask: Uint8Array },
  steering: { layer: number; vector: Float32Array; positionMask: Float32Array },
): TorchTimes | { error: string } {
  const work = mkdtempSync(join(tmpdir(), "trigscope-fast-"));
  try {
    const { python } = torchPython(log);
    const weights = join(work, "model.safetensors");
    writeF32Safetensors(weights, mergedTensors(modelDir));
    const inputs = join(work, "inputs.json");
    writeFileSync(
      inputs,
      JSON.stringify({
        ...torchBatch(cfg, tf.batch),
        responseMask: Array.from(tf.responseMask),
        positionMask: Array.from(steering.positionMask),
        layer: steering.layer,
        vector: Array.from(steering.vector),
      }),
    );
    log(`torch (${python}): forward, steering step ...`);
    const runs = ["--warmup", String(args.warmup), "--runs", String(args.runs)];
    const ops = ["--ops", "forward,steer"];
    const out = runTorch(
      python,
      ["--inputs", inputs, "--weights", weights, ...runs, ...ops],
      torchEnv().env,
    ) as {
      forward: { median_ms: number };
      steer: { median_ms: number };
      loss: number;
      blas: unknown;
    };
    return {
      python,
      forward_ms: out.forward.median_ms,
      steering_ms: out.steer.median_ms,
      loss: out.loss,
      blas: out.blas,
    };
  } catch (err) {
    log(`torch failed: ${String(err)}`);
    return { error: String(err) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

type Fn = () => Promise<unknown>;

/** Runs each fn once per round, warmup rounds untimed; returns each fn's run times (ms). */
async function interleaved(fns: Record<string, Fn>, warmup: number, runs: number) {
  const ms: Record<string, number[]> = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  for (let i = 0; i < warmup + runs; i++) {
    for (const [name, fn] of Object.entries(fns)) {
      const t0 = performance.now();
      await fn();
      if (i >= warmup) ms[name]!.push(performance.now() - t0);
    }
  }
  return ms;
}

function flopShape(c: ModelConfig, b: number, t: number): FlopShape {
  const { dModel: d, nHeads: h, nKvHeads: hkv, dHead: k, dMlp: f, vocabSize: v } = c;
  return { b, t, d, h, hkv, k, f, v, layers: c.nLayers };
}

type Runs = Record<string, number[]>;

/** The table: medians of each engine, their ratio and the fast path's matmul GFLOP/s. */
function timingRows(
  fwd: Runs,
  grad: Runs,
  flops: { forward: number; steering: number },
  torch: TorchTimes | { error: string },
) {
  const rows = [
    [
      "",
      "jax-js wasm (ms)",
      "fast (ms)",
      "PyTorch (ms)",
      "jax / fast",
      "fast / PyTorch",
      "fast matmul GFLOP/s",
    ],
  ];
  for (const [name, r, fl, tm] of [
    ["forward", fwd, flops.forward, "forward_ms" in torch ? torch.forward_ms : null],
    ["steering loss+grad", grad, flops.steering, "steering_ms" in torch ? torch.steering_ms : null],
  ] as const) {
    const [j, f] = [median(r.jax!), median(r.fast!)];
    const t = tm === null ? "—" : tm.toFixed(1);
    const ft = tm === null ? "—" : (f / tm).toFixed(2);
    rows.push([
      name,
      j.toFixed(1),
      f.toFixed(1),
      t,
      (j / f).toFixed(2),
      ft,
      (fl / f / 1e6).toFixed(1),
    ]);
  }
  return rows;
}

const summary = (xs: number[]) => ({ median_ms: median(xs), min_ms: Math.min(...xs), runs_ms: xs });

/** Logits, loss and gradient of both engines on the same inputs, before any timing. */
async function checkAgreement(
  model: Model,
  batch: HostBatch,
  jaxSite: PreparedSteering,
  fastSite: (v: Float32Array) => SteeringLossResult,
  vector: Float32Array,
) {
  const jl = (await runWithCache(model, batch)).logits!.data;
  const fl = (await fastRunLogits(model, batch)).data;
  const real = (i: number) => batch.mask[Math.floor(i / model.config.vocabSize)] === 1;
  const jg = await jaxSite.lossAndGrad(vector);
  const fg = fastSite(vector);
  const agreement = {
    logits_max_abs_diff: maxAbsDiff(fl, jl, real),
    loss_abs_diff: Math.abs(fg.loss - jg.loss),
    grad_rel_max_diff: relMaxDiff(fg.grad, jg.grad),
  };
  log(`agreement: ${JSON.stringify(agreement)}`);
  return agreement;
}

async function main() {
  await initEngine("wasm");
  const loadBefore = loadText();
  log(machineLine(loadBefore));
  log(`fast kernel: ${describeCpuKernel()}; OPENBLAS_CORETYPE ${coretype ?? "not set"}`);
  const torch = torchStatus();
  log(`PyTorch: ${torch}`);
  const { inputs, cm, lb, layer } = await stepSetup(args.organism, 1);
  const model = cm.model;
  const c = model.config;
  const { batch: b, seqLen: t } = lb.batch;
  log(
    `${args.organism}: ${c.architecture} d${c.dModel} ${c.nLayers} layers V${c.vocabSize}; batch ${b}×${t}; steering layer ${layer}`,
  );
  const t0 = performance.now();
  await fastModelOf(model);
  const hostCopyMs = performance.now() - t0;

  const tf = { batch: lb.batch, responseMask: lb.responseMask };
  const u = mulberry32(3);
  const vector = Float32Array.from({ length: c.dModel }, () => (u() - 0.5) * 0.5);
  const steering = { layer, vector, positionMask: lb.userMask, scale: 1 };
  const jaxSite = prepareSteering(model, tf, steering);
  const fastSite = await prepareFastSteeringFor(model, tf, steering);

  const agreement = await checkAgreement(model, lb.batch, jaxSite, fastSite, vector);

  const fwd = await interleaved(
    { jax: () => runWithCache(model, lb.batch), fast: () => fastRunLogits(model, lb.batch) },
    args.warmup,
    args.runs,
  );
  const grad = await interleaved(
    { jax: () => jaxSite.lossAndGrad(vector), fast: async () => fastSite(vector) },
    args.warmup,
    args.runs,
  );
  jaxSite.dispose();
  // PyTorch right after, on the same merged weights and batch (when Debian's python3-torch is there).
  const torchRun = torch.startsWith("torch ")
    ? torchTimes(inputs.modelDir, c, tf, steering)
    : { error: torch };
  const loadAfter = loadText();
  const responseTokens = lb.responseMask.reduce((s, x) => s + x, 0);
  const shape = flopShape(c, b, t);
  const flops = {
    forward: forwardFlops(shape),
    steering: steeringFlops(shape, layer, responseTokens),
  };
  const rows = timingRows(fwd, grad, flops, torchRun);
  const text = table(rows);
  console.log(`${machineLine(loadBefore)} (after: ${loadAfter})\n${text}`);
  const result = {
    bench: "fast-cpu",
    date: new Date().toISOString(),
    machine: { ...machineInfo(), load_before: loadBefore, load_after: loadAfter },
    organism: args.organism,
    model: {
      architecture: c.architecture,
      d_model: c.dModel,
      layers: c.nLayers,
      vocab: c.vocabSize,
    },
    batch: { prompts: b, seq_len: t, steering_layer: layer },
    jax_device: currentDevice(),
    fast_kernel: cpuKernelInfo(),
    openblas_coretype_env: coretype,
    torch,
    torch_run: torchRun,
    runs: args.runs,
    warmup: args.warmup,
    host_copy_ms: hostCopyMs,
    /** Matmul FLOPs of the fast path's pass (fast-flops.ts), for GFLOP/s = flops / median. */
    matmul_flops: flops,
    agreement,
    forward: { jax: summary(fwd.jax!), fast: summary(fwd.fast!) },
    steering: { jax: summary(grad.jax!), fast: summary(grad.fast!) },
    table: text,
  };
  mkdirSync(dirname(args.json), { recursive: true });
  writeFileSync(args.json, `${JSON.stringify(result, null, 1)}\n`);
  log(`wrote ${args.json}`);
  model.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
