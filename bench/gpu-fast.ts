/**
 * `npm run bench:gpu`: the fast path on WebGPU (src/engine/gpu: tiled WGSL SGEMM, hand-written
 * forward and steering VJPs) against jax-js's WebGPU backend, at Llama-3.1-8B layer shapes
 * (d_model 4096, 32 heads, 8 KV heads, d_head 128, MLP 14336), a few layers, random weights
 * (std 0.02, seeded; bench/setup.ts's benchModelSpec) and bench/setup.ts's padded batch with a
 * response span, steering at resid_post of `--layer` on the prompt tokens.
 *
 *   kernels   each SGEMM shape of a layer, forward (x·W) and backward (dy·Wᵀ), the unembedding and
 *             attention's batched Q·Kᵀ: ms and GFLOP/s on the fast path's SGEMM, once per shader
 *             generator of `--sgemm` (sgemm-wgsl.ts's SgemmKernel: rolled, unrolled, blocked, prefetch;
 *             every one gives the same bits); jax-js's np.matmul beside the x·W shapes
 *   forward   logits of the batch read back to the host: runWithCache vs the GPU fast path
 *   steering  loss + d loss / d vector from a prepared site: prepareSteering vs the GPU fast path
 *   LoRA      the gradient part of a LoRA training step (bench/gpu-lora-step.ts): the fast path's
 *             gpuLoraLossAndGrads (the trainer's call on webgpu) vs PyTorch's; jax-js's
 *             valueAndGrad is its agreement check only (also with --no-jax when --lora-check)
 *
 * Agreement first (logits at real positions, loss, gradient), then interleaved runs, medians;
 * tokens/s = batch × seqLen / median time. The vocabulary: 128256 (Llama 3) unless the embedding
 * [V, D] does not fit the device's largest buffer binding (the GPU path binds it whole); then the
 * largest multiple of 256 that fits, printed and recorded. Timings on a software rasteriser
 * (lavapipe) are smoke runs only: `--smoke` shrinks everything to check the script end to end.
 *
 *   npm run bench:gpu -- [--runs 5] [--warmup 2] [--layers 4] [--batch 8] [--seq-len 128]
 *                        [--vocab 128256] [--no-jax] [--no-torch] [--smoke] [--json FILE]
 *                        [--sgemm all|rolled|unrolled|blocked|prefetch[,…]] [--kernels-only]
 *                        [--no-profile] [--lora-check]
 *
 * `--sgemm` lists the generators the kernel table times (default all); the forward and steering
 * passes run on the first one listed (recorded as `pass_sgemm`). `--kernels-only` stops after the
 * kernel table (no PyTorch, no passes): `--kernels-only --no-jax --runs 3 --warmup 1` compares the
 * generators on a GPU in about a minute.
 *
 * After the timed passes, each pass is timed again with the scratch pool off (the fast path keeps
 * scratch buffers between passes: src/engine/gpu/scratch-pool.ts), and, unless `--no-profile`,
 * profiled once: each kernel's GPU time by the functions that launched it, the host's recording
 * time and the rest (bench/gpu-profile.ts), printed and recorded as `profiles`.
 *
 * PyTorch (bench/gpu-fast-torch.ts: bench/torch_llama.py on CUDA, float32, TF32 off, same config
 * and batch, random weights of the same distribution) runs first where a python with torch and
 * CUDA exists; the last column is issue 17's P2 ratio (fast tokens/s over PyTorch's).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { initEngine } from "../src/engine/device.js";
import { gpuContext, gpuZeros, type GpuContext } from "../src/engine/gpu/context.js";
import { GpuRecorder } from "../src/engine/gpu/recorder.js";
import { gpuGemm, setSgemmKernel, type GpuGemmArgs } from "../src/engine/gpu/sgemm.js";
import { SGEMM_KERNELS, type SgemmKernel } from "../src/engine/gpu/sgemm-wgsl.js";
import { jit, np, random } from "../src/engine/jax.js";
import { gemmFlops } from "../src/engine/kernels/sgemm.js";
import { gpuModelOf, gpuRunLogits, prepareGpuSteeringFor } from "../src/model/gpu-adapter.js";
import { gpuLoraLossAndGrads } from "../src/model/gpu-lora.js";
import { prepareSteering, type PreparedSteering } from "../src/model/loss.js";
import { modelFromTensors, type Model } from "../src/model/model.js";
import { runWithCache } from "../src/model/run.js";
import { forwardFlops, loraFlops, steeringFlops, type FlopShape } from "./fast-flops.js";
import { torchOnGpu } from "./gpu-fast-torch.js";
import { benchLora, LORA_RANK, loraAgreement, loraTargets } from "./gpu-lora-step.js";
import { profilePass, profileTable, timeWithoutPool } from "./gpu-profile.js";
import { settle } from "./parts.js";
import { benchModelSpec, median, parseArgs, relMaxDiff, steerArgs, table } from "./setup.js";

const args = parseArgs(process.argv.slice(2), {
  runs: 5,
  warmup: 2,
  layers: 4,
  batch: 8,
  seqLen: 128,
  response: 32,
  layer: 0,
  vocab: 128256,
  seed: 1,
  noJax: false,
  loraCheck: false,
  noTorch: false,
  smoke: false,
  kernelsOnly: false,
  noProfile: false,
  sgemm: "all",
  json: "bench/results/gpu-fast.json",
});

/** The generators `--sgemm` names, in its order ("all": every one, the default first). */
function sgemmList(arg: string): SgemmKernel[] {
  if (arg === "all") return ["prefetch", "blocked", "unrolled", "rolled"];
  const names = arg.split(",").filter(Boolean);
  for (const n of names) {
    if (!SGEMM_KERNELS.includes(n as SgemmKernel)) {
      throw new Error(`--sgemm ${n}: expected all or a list of ${SGEMM_KERNELS.join(", ")}`);
    }
  }
  if (names.length === 0) throw new Error("--sgemm needs at least one generator");
  return names as SgemmKernel[];
}
const SGEMMS = sgemmList(args.sgemm);

const SHAPE = args.smoke
  ? { dModel: 256, heads: 8, kvHeads: 2, dMlp: 688, layers: 2, batch: 2, seqLen: 32, response: 8 }
  : {
      dModel: 4096,
      heads: 32,
      kvHeads: 8,
      dMlp: 14336,
      layers: args.layers,
      batch: args.batch,
      seqLen: args.seqLen,
      response: args.response,
    };

/** The vocabulary the run uses: --vocab, or the largest multiple of 256 whose [V, D] binds. */
function vocabFor(ctx: GpuContext): number {
  const fit = Math.floor(ctx.maxBindingBytes / (4 * SHAPE.dModel) / 256) * 256;
  const want = args.smoke ? 4096 : args.vocab;
  return Math.min(want, fit);
}

/** Median ms of one SGEMM launch (reps launches per submit, so launch overhead is amortised). */
async function timeGemm(ctx: GpuContext, g: Omit<GpuGemmArgs, "a" | "b" | "c">, sizes: number[]) {
  const [a, b, c] = sizes.map((n) => gpuZeros(ctx, n)) as [
    ReturnType<typeof gpuZeros>,
    ReturnType<typeof gpuZeros>,
    ReturnType<typeof gpuZeros>,
  ];
  const reps = 10;
  const once = async () => {
    const rec = new GpuRecorder(ctx);
    for (let i = 0; i < reps; i++) gpuGemm(rec, { ...g, a, b, c });
    const t0 = performance.now();
    await rec.release();
    return (performance.now() - t0) / reps;
  };
  for (let i = 0; i < args.warmup; i++) await once();
  const ms: number[] = [];
  for (let i = 0; i < args.runs; i++) ms.push(await once());
  [a, b, c].forEach((t) => t.buf.destroy());
  return median(ms);
}

/** Median ms of jax-js's np.matmul x[m,k]·W[k,n] on WebGPU (one element read back). */
async function timeJaxMatmul(m: number, k: number, n: number): Promise<number> {
  const mm = jit((x: np.Array, w: np.Array) => np.matmul(x, w));
  const x = random.normal(random.key(0), [m, k]);
  const w = random.normal(random.key(1), [k, n]);
  const once = async () => {
    const t0 = performance.now();
    await settle(mm(x.ref, w.ref));
    return performance.now() - t0;
  };
  for (let i = 0; i < args.warmup; i++) await once();
  const ms: number[] = [];
  for (let i = 0; i < args.runs; i++) ms.push(await once());
  x.dispose();
  w.dispose();
  mm.dispose();
  return median(ms);
}

interface KernelRow {
  kernel: string;
  sgemm: SgemmKernel;
  m: number;
  n: number;
  k: number;
  fast_ms: number;
  fast_gflops: number;
  jax_ms?: number;
  jax_gflops?: number;
}

async function kernels(ctx: GpuContext, v: number): Promise<KernelRow[]> {
  const { dModel: d, heads: h, kvHeads: hkv, dMlp: f, batch: b, seqLen: t, response } = SHAPE;
  const k = d / h;
  const n = b * t;
  const r = b * response;
  const shapes: [string, number, number, number][] = [
    ["q / o proj", n, h * k, d],
    ["k / v proj", n, hkv * k, d],
    ["gate / up", n, f, d],
    ["down", n, d, f],
    [`unembed (R rows, V ${v})`, r, v, d],
  ];
  const rows: KernelRow[] = [];
  const gf = (m: number, nn: number, kk: number, ms: number) => gemmFlops(m, nn, kk) / 1e6 / ms;
  for (const [what, m, nn, kk] of shapes) {
    for (const sgemm of SGEMMS) {
      const g = { m, n: nn, k: kk, kernel: sgemm };
      const fwd = await timeGemm(ctx, g, [m * kk, kk * nn, m * nn]);
      const row: KernelRow = {
        kernel: `${what} x·W`,
        sgemm,
        m,
        n: nn,
        k: kk,
        fast_ms: fwd,
        fast_gflops: gf(m, nn, kk, fwd),
      };
      if (!args.noJax && sgemm === SGEMMS[0]) {
        row.jax_ms = await timeJaxMatmul(m, kk, nn);
        row.jax_gflops = gf(m, nn, kk, row.jax_ms);
      }
      rows.push(row);
    }
    for (const sgemm of SGEMMS) {
      const g = { m, n: kk, k: nn, transB: true, kernel: sgemm };
      const bwd = await timeGemm(ctx, g, [m * nn, kk * nn, m * kk]);
      rows.push({
        kernel: `${what} dy·Wᵀ`,
        sgemm,
        m,
        n: kk,
        k: nn,
        fast_ms: bwd,
        fast_gflops: gf(m, kk, nn, bwd),
      });
    }
  }
  const batch = {
    count: b * h,
    div: h,
    a: { outer: t * h * k, inner: k },
    b: { outer: t * hkv * k, inner: k, group: h / hkv },
    c: { outer: h * t * t, inner: t * t },
  };
  const flops = b * h * gemmFlops(t, t, k);
  for (const sgemm of SGEMMS) {
    const qk = { m: t, n: t, k, lda: h * k, ldb: hkv * k, transB: true, batch, kernel: sgemm };
    const ms = await timeGemm(ctx, qk, [n * h * k, n * hkv * k, b * h * t * t]);
    rows.push({
      kernel: "attention Q·Kᵀ (batched)",
      sgemm,
      m: t,
      n: t,
      k,
      fast_ms: ms,
      fast_gflops: flops / 1e6 / ms,
    });
  }
  return rows;
}

async function timeBoth<T>(fast: () => Promise<T>, jax: (() => Promise<T>) | null) {
  for (let i = 0; i < args.warmup; i++) {
    await fast();
    if (jax) await jax();
  }
  const f: number[] = [];
  const j: number[] = [];
  for (let i = 0; i < args.runs; i++) {
    let t0 = performance.now();
    await fast();
    f.push(performance.now() - t0);
    if (jax) {
      t0 = performance.now();
      await jax();
      j.push(performance.now() - t0);
    }
  }
  return { fast_ms: median(f), jax_ms: jax ? median(j) : undefined };
}

async function main(): Promise<void> {
  await initEngine("webgpu");
  const ctx = await gpuContext();
  if (!ctx) throw new Error("bench:gpu needs a WebGPU adapter; none was found");
  const v = vocabFor(ctx);
  console.log(
    `adapter: ${ctx.adapterName}; max binding ${(ctx.maxBindingBytes / 2 ** 20).toFixed(0)} MiB`,
  );
  console.log(
    `shape: ${JSON.stringify(SHAPE)}, vocab ${v}${v < args.vocab && !args.smoke ? ` (capped from ${args.vocab}: the embedding must fit one binding)` : ""}`,
  );
  const result: Record<string, unknown> = {
    adapter: ctx.adapterName,
    shape: SHAPE,
    vocab: v,
    runs: args.runs,
    warmup: args.warmup,
    sgemm: SGEMMS,
    pass_sgemm: args.kernelsOnly ? null : SGEMMS[0],
  };
  const save = () => {
    mkdirSync(dirname(args.json), { recursive: true });
    writeFileSync(args.json, JSON.stringify(result, null, 2));
  };

  const ks = await kernels(ctx, v);
  result.kernels = ks;
  save();
  const f1 = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(1));
  // Speed-up over the rolled kernel on the same shape, where it was timed.
  const rolled = (r: KernelRow) =>
    ks.find((x) => x.sgemm === "rolled" && x.kernel === r.kernel && x.m === r.m && x.k === r.k);
  console.log(
    table([
      [
        "kernel",
        "sgemm",
        "m×n×k",
        "fast ms",
        "fast GFLOP/s",
        "× rolled",
        "jax-js ms",
        "jax-js GFLOP/s",
      ],
      ...ks.map((r) => [
        r.kernel,
        r.sgemm,
        `${r.m}×${r.n}×${r.k}`,
        r.fast_ms.toFixed(2),
        f1(r.fast_gflops),
        rolled(r) ? `${(rolled(r)!.fast_ms / r.fast_ms).toFixed(2)}×` : "—",
        r.jax_ms?.toFixed(2) ?? "—",
        f1(r.jax_gflops),
      ]),
    ]),
  );
  console.log(`(ms: median of ${args.runs} submits of 10 launches each, per launch)`);
  if (args.kernelsOnly) {
    console.log(`--kernels-only: no passes; results in ${args.json}`);
    return;
  }
  setSgemmKernel(SGEMMS[0]!);
  console.log(`forward and steering passes on the ${SGEMMS[0]} SGEMM`);

  const spec = benchModelSpec({ ...SHAPE, vocab: v, layer: args.layer, seed: args.seed });
  const lt = loraTargets(spec.step.batch);
  // PyTorch first, so its times are kept even if the WebGPU part brings the process down.
  const torch = args.noTorch
    ? { error: "--no-torch" }
    : torchOnGpu(spec.cfg, spec.step, lt, { seed: args.seed, runs: 10 });
  result.torch = torch;
  save();
  console.log("error" in torch ? `PyTorch: ${torch.error}` : `PyTorch (${torch.python}) timed`);
  const model: Model = modelFromTensors(spec.cfg, spec.tensors, "random");
  spec.tensors.clear();
  await gpuModelOf(model);
  const s = spec.step;
  const [tf, steering] = steerArgs(s);
  const hb = s.batch;
  const vocab = spec.cfg.vocabSize;
  const real = (i: number) => hb.mask[Math.floor(i / vocab)] === 1;

  // Agreement.
  const lf = await gpuRunLogits(model, hb);
  const gpuSite = await prepareGpuSteeringFor(model, tf, steering);
  const gf = await gpuSite.lossAndGrad(steering.vector);
  let jaxSite: PreparedSteering | null = null;
  if (!args.noJax) {
    const lj = (await runWithCache(model, hb)).logits!;
    jaxSite = await prepareSteering(model, tf, steering);
    const gj = await jaxSite.lossAndGrad(steering.vector);
    result.agreement = {
      logits_rel: relMaxDiff(lf.data, lj.data, real),
      loss_abs: Math.abs(gf.loss - gj.loss),
      grad_rel: relMaxDiff(gf.grad, gj.grad),
    };
    console.log(`agreement with jax-js: ${JSON.stringify(result.agreement)}`);
    save();
  }

  const fs: FlopShape = {
    b: SHAPE.batch,
    t: SHAPE.seqLen,
    d: SHAPE.dModel,
    h: SHAPE.heads,
    hkv: SHAPE.kvHeads,
    k: SHAPE.dModel / SHAPE.heads,
    f: SHAPE.dMlp,
    v,
    layers: SHAPE.layers,
  };
  const tokens = SHAPE.batch * SHAPE.seqLen;
  const fwd = await timeBoth(
    () => gpuRunLogits(model, hb),
    jaxSite ? async () => (await runWithCache(model, hb)).logits! : null,
  );
  const step = await timeBoth(
    () => gpuSite.lossAndGrad(steering.vector),
    jaxSite ? () => jaxSite.lossAndGrad(steering.vector) : null,
  );
  const r = s.responseMask.reduce((a, x) => a + x, 0);
  const torchMs = (k: "forward_ms" | "steering_ms" | "lora_ms") =>
    "error" in torch ? undefined : torch[k];
  const runFwd = () => gpuRunLogits(model, hb);
  const runStep = () => gpuSite.lossAndGrad(steering.vector);
  const adapters = benchLora(spec.cfg, args.seed + 7);
  const tb = { batch: hb, targets: lt.targets, weights: lt.weights };
  const runLora = () => gpuLoraLossAndGrads(model, adapters.lora, adapters.cfg, tb);
  if (!args.noJax || args.loraCheck) {
    result.lora_agreement = await loraAgreement(model, adapters, tb, await runLora());
    console.log(`LoRA step, agreement with jax-js: ${JSON.stringify(result.lora_agreement)}`);
    save();
  }
  const lora = await timeBoth(runLora, null);
  const counted = lt.weights.reduce((a, w) => a + (w > 0 ? 1 : 0), 0);
  const rows = [
    {
      pass: "forward",
      ...fwd,
      no_pool_ms: await timeWithoutPool(ctx, runFwd, args.runs),
      torch_ms: torchMs("forward_ms"),
      flops: forwardFlops(fs),
    },
    {
      pass: "steering step",
      ...step,
      no_pool_ms: await timeWithoutPool(ctx, runStep, args.runs),
      torch_ms: torchMs("steering_ms"),
      flops: steeringFlops(fs, args.layer, r),
    },
    {
      pass: "LoRA step",
      ...lora,
      no_pool_ms: await timeWithoutPool(ctx, runLora, args.runs),
      torch_ms: torchMs("lora_ms"),
      flops: loraFlops(fs, counted, LORA_RANK),
    },
  ];
  result.passes = rows;
  save();
  const tps = (ms?: number) => (ms === undefined ? "—" : ((tokens / ms) * 1000).toFixed(0));
  const gfl = (fl: number, ms?: number) => (ms === undefined ? "—" : (fl / 1e6 / ms).toFixed(0));
  console.log(
    table([
      [
        "pass",
        "fast ms",
        "fast tok/s",
        "fast GFLOP/s",
        "jax-js ms",
        "jax-js tok/s",
        "speed-up",
        "PyTorch ms",
        "fast / PyTorch tok/s",
        "no pool ms",
      ],
      ...rows.map((p) => [
        p.pass,
        p.fast_ms.toFixed(1),
        tps(p.fast_ms),
        gfl(p.flops, p.fast_ms),
        p.jax_ms?.toFixed(1) ?? "—",
        tps(p.jax_ms),
        p.jax_ms ? `${(p.jax_ms / p.fast_ms).toFixed(2)}×` : "—",
        p.torch_ms?.toFixed(1) ?? "—",
        p.torch_ms ? (p.torch_ms / p.fast_ms).toFixed(2) : "—",
        p.no_pool_ms.toFixed(1),
      ]),
    ]),
  );
  console.log(`(GFLOP/s counts matmul FLOPs only, bench/fast-flops.ts; results in ${args.json})`);
  if (!args.noProfile) {
    const profiles = [
      await profilePass(ctx, "forward", runFwd),
      await profilePass(ctx, "steering step", runStep),
      await profilePass(ctx, "LoRA step", runLora),
    ];
    result.profiles = profiles;
    save();
    for (const p of profiles) console.log(profileTable(p));
  }
  gpuSite.dispose();
  jaxSite?.dispose();
  model.dispose();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
