/**
 * The GPU benchmark (issue 2), run on the lent GPU machine by bench/gpu.sh: jax-js through WebGPU
 * (`initEngine("webgpu")`) next to PyTorch float32 (TF32 off, bench/torch_llama.py --device cuda)
 * on the same GPU and the same computation.
 *
 * 1. agreement: the CPU bench's model (4 layers, d256, vocab 8192; the same weights on both sides,
 *    through a safetensors file) at batch 8 × 64: loss, gradient and logits compared; timings too.
 * 2. speed: Llama-3.1-8B layer shapes (d_model 4096, 32 heads, 8 KV heads, d_head 128, MLP 14336,
 *    vocab 128256), 4 layers, float32, random weights made on this machine (jax-js: a seeded
 *    xorshift on the host, uploaded; torch: torch.randn on the GPU — equal in distribution, not in
 *    value), batch 8 × 128 (left-padded, last 32 tokens of each row the response, steering at
 *    blocks.0.hook_resid_post on the prompt tokens). Tokens/s = batch × seqLen / median time of
 *    forward (logits read back to the host, as runWithCache returns them; also without the read-back)
 *    and of the steering step (loss and its gradient w.r.t. the vector).
 *
 *   node .gpu/app/gpu.mjs --out DIR [--runs 5] [--warmup 2] [--vocab 128256] [--no-parts] …
 * Results are written to DIR/gpu.json after every stage, so a late failure keeps the earlier ones.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initEngine } from "../src/engine/device.js";
import { getWebGPUDevice, jit, np, tree } from "../src/engine/jax.js";
import type { ModelConfig } from "../src/model/config.js";
import { forward } from "../src/model/forward.js";
import { batchInputs } from "../src/model/inputs.js";
import { steeringLossAndGrad } from "../src/model/loss.js";
import { modelFromTensors, type Model } from "../src/model/model.js";
import type { LayerParams, ModelParams } from "../src/model/params.js";
import { disposePrograms } from "../src/model/programs.js";
import { inverseFrequencies } from "../src/model/rope.js";
import { runWithCache } from "../src/model/run.js";
import { pythonWithTorch, runTorch } from "./python.js";
import { settle, stepParts } from "./parts.js";
import {
  benchModelSpec,
  CPU_DEFAULTS,
  llamaConfig,
  parseArgs,
  relMaxDiff,
  steerArgs,
  stepInputs,
  type StepInputs,
  time,
  type Timing,
  torchInputs,
  writeF32Safetensors,
} from "./setup.js";

const log = (s: string) =>
  process.stderr.write(`[${(performance.now() / 1000).toFixed(1)}s] ${s}\n`);

/** Uniform(−a, a) with standard deviation `std` from a seeded xorshift32 (fast enough for GBs). */
function fillUniform(out: Float32Array, seed: number, std: number, offset = 0): Float32Array {
  const a = std * Math.sqrt(3);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = offset + ((s >>> 0) / 4294967296 - 0.5) * 2 * a;
  }
  return out;
}

/** A model whose parameters are random and built straight in trigscope's layout ([in, out]). */
function randomModel(cfg: ModelConfig, seed: number, std = 0.02): Model {
  let n = seed;
  const mat = (rows: number, cols: number) =>
    np.array(fillUniform(new Float32Array(rows * cols), ++n, std)).reshape([rows, cols]);
  const normW = (d: number) => ({ w: np.array(fillUniform(new Float32Array(d), ++n, std, 1)) });
  const { dModel: d, nHeads: h, nKvHeads: hkv, dHead: k, dMlp: f, vocabSize: v } = cfg;
  const layers: LayerParams[] = [];
  for (let i = 0; i < cfg.nLayers; i++) {
    layers.push({
      ln1: normW(d),
      ln2: normW(d),
      wq: mat(d, h * k),
      wk: mat(d, hkv * k),
      wv: mat(d, hkv * k),
      wo: mat(h * k, d),
      wGate: mat(d, f),
      wUp: mat(d, f),
      wDown: mat(f, d),
    });
  }
  const params: ModelParams = { embed: mat(v, d), layers, lnFinal: normW(d), unembed: mat(d, v) };
  const model: Model = {
    config: cfg,
    params,
    invFreq: inverseFrequencies(cfg),
    dir: null,
    dispose() {
      disposePrograms(model);
      tree.dispose(params);
    },
  };
  return model;
}

/** Forward with the logits left on the device (the same forward, compiled, no read-back). */
function deviceForward(model: Model) {
  const cfg = model.config;
  const fn = jit(
    (p: ModelParams, inputs: ReturnType<typeof batchInputs>) => forward(cfg, p, inputs).logits!,
  );
  return {
    run: async (s: StepInputs) => {
      const out = fn(tree.ref(model.params), batchInputs(cfg, model.invFreq, s.batch));
      await settle(out); // blockUntilReady returns before the GPU is done on WebGPU
      out.dispose();
    },
    dispose: () => fn.dispose(),
  };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2), {
    out: "",
    runs: 5,
    warmup: 2,
    torchRuns: 10,
    vocab: 128256,
    layers: 4,
    batch: 8,
    seqLen: 128,
    response: 32,
    layer: 0,
    seed: 1,
    device: "webgpu",
    noParts: false,
    noAgreement: false,
    small: false,
  });
  const outDir = opts.out || process.env.OUT || ".";
  mkdirSync(outDir, { recursive: true });
  const result: Record<string, unknown> = {
    bench: "gpu",
    date: new Date().toISOString(),
    argv: process.argv.slice(2),
  };
  const save = () =>
    writeFileSync(join(outDir, "gpu.json"), `${JSON.stringify(result, null, 1)}\n`);

  const device = await initEngine(opts.device as "webgpu" | "wasm");
  const gpu = device === "webgpu" ? getWebGPUDevice() : null;
  result.engine = {
    device,
    adapter: gpu
      ? ((gpu as unknown as { adapterInfo?: Record<string, unknown> }).adapterInfo ?? null)
      : null,
  };
  const python = pythonWithTorch(device === "webgpu");
  result.torch_python = python;
  log(`engine ${device}; torch python: ${python ?? "none with CUDA"}`);
  const torchDevice = opts.device === "webgpu" ? "cuda" : "cpu";
  const work = mkdtempSync(join(tmpdir(), "trigscope-gpu-"));

  // 1. Agreement on shared weights (the CPU bench's model).
  if (!opts.noAgreement) {
    const { cfg, tensors, step } = benchModelSpec(CPU_DEFAULTS);
    const weightsFile = join(work, "small.safetensors");
    writeF32Safetensors(weightsFile, tensors);
    writeFileSync(join(work, "small.json"), torchInputs(cfg, step));
    const model = modelFromTensors(cfg, tensors, "bench (random)");
    const fwd = await time(() => runWithCache(model, step.batch, { logits: true }), 2, opts.runs);
    const steer = await time(() => steeringLossAndGrad(model, ...steerArgs(step)), 2, opts.runs);
    const ours = await steeringLossAndGrad(model, ...steerArgs(step));
    const logits = (await runWithCache(model, step.batch, { logits: true })).logits!.data;
    const replica = await stepParts(model, step, 1, 2, { only: ["grad"] });
    model.dispose();
    const small: Record<string, unknown> = {
      jaxjs: { forward: fwd, steer, loss: ours.loss, parts_grad: replica },
    };
    if (python) {
      const logitsFile = join(work, "small.logits");
      const t = runTorch(
        python,
        [
          "--inputs",
          join(work, "small.json"),
          "--weights",
          weightsFile,
          "--device",
          torchDevice,
          "--runs",
          String(opts.torchRuns),
          "--logits-out",
          logitsFile,
        ],
        process.env,
      ) as Record<string, unknown>;
      const raw = readFileSync(logitsFile);
      const tl = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
      const v = cfg.vocabSize;
      small.torch = { ...t, grad: undefined };
      small.agreement = {
        loss_rel: Math.abs(ours.loss - (t.loss as number)) / Math.abs(t.loss as number),
        grad_rel_max: relMaxDiff(ours.grad, t.grad as number[]),
        logits_rel_max: relMaxDiff(logits, tl, (i) => step.batch.mask[Math.floor(i / v)] === 1),
        parts_loss_rel:
          Math.abs(replica.check!.loss - (t.loss as number)) / Math.abs(t.loss as number),
        parts_grad_norm_rel:
          Math.abs(replica.check!.gradNorm - (t.grad_norm as number)) / (t.grad_norm as number),
      };
    }
    result.small = small;
    save();
    log(`agreement: ${JSON.stringify(small.agreement ?? null)}`);
  }

  // 2. Llama-3.1-8B layer shapes.
  const shapeOf = (vocab: number) => {
    const cfg = opts.small
      ? llamaConfig({
          vocab: 4096,
          dModel: 512,
          layers: opts.layers,
          heads: 4,
          kvHeads: 1,
          dMlp: 1792,
          dHead: 128,
        })
      : llamaConfig({
          vocab,
          dModel: 4096,
          layers: opts.layers,
          heads: 32,
          kvHeads: 8,
          dMlp: 14336,
          dHead: 128,
        });
    cfg.ropeTheta = 500000;
    return cfg;
  };
  let cfg = shapeOf(opts.vocab);
  const step = stepInputs(cfg, opts);
  const tokens = step.batch.batch * step.batch.seqLen;
  const describeModel = (c: ModelConfig) => ({
    d_model: c.dModel,
    layers: c.nLayers,
    heads: c.nHeads,
    kv_heads: c.nKvHeads,
    d_head: c.dHead,
    d_mlp: c.dMlp,
    vocab: c.vocabSize,
    rope_theta: c.ropeTheta,
    params:
      2 * c.vocabSize * c.dModel +
      c.nLayers *
        (c.dModel * c.dHead * (2 * c.nHeads + 2 * c.nKvHeads) +
          3 * c.dModel * c.dMlp +
          2 * c.dModel) +
      c.dModel,
    dtype: "float32",
  });
  result.model = describeModel(cfg);
  result.inputs = {
    batch: step.batch.batch,
    seq_len: step.batch.seqLen,
    tokens,
    response_tokens: step.responseMask.reduce((a, b) => a + b, 0),
    steered_layer: step.layer,
  };
  const errors: Record<string, string> = {};
  result.errors = errors;

  // PyTorch first: its results are kept even if the jax-js part brings the process down.
  const torchBig = (c: ModelConfig) => {
    if (!python) return;
    log(`torch (vocab ${c.vocabSize}) ...`);
    writeFileSync(join(work, "big.json"), torchInputs(c, step));
    try {
      const t = runTorch(
        python,
        [
          "--inputs",
          join(work, "big.json"),
          "--random-seed",
          String(opts.seed),
          "--device",
          torchDevice,
          "--warmup",
          "3",
          "--runs",
          String(opts.torchRuns),
          "--ops",
          "forward,forward_device,steer",
        ],
        process.env,
      ) as Record<string, unknown>;
      for (const k of ["forward", "forward_device", "steer"]) {
        const tm = t[k] as Timing;
        t[k] = { ...tm, tokens_per_s: tokens / (tm.median_ms / 1000) };
      }
      result.torch = { ...t, grad: undefined, vocab: c.vocabSize };
    } catch (err) {
      errors.torch = String(err);
    }
    save();
  };
  torchBig(cfg);

  log(`building the ${(describeModel(cfg).params / 1e9).toFixed(2)}B-parameter model ...`);
  let t0 = performance.now();
  let model: Model;
  try {
    model = randomModel(cfg, opts.seed);
    await Promise.all(tree.leaves(model.params).map((x) => (x as np.Array).blockUntilReady()));
  } catch (err) {
    // A vocab-sized matrix is the largest buffer (2 GiB binding limit): retry smaller, say so.
    errors.build = `vocab ${cfg.vocabSize}: ${String(err)}; retried with vocab 32768`;
    log(errors.build);
    cfg = shapeOf(32768);
    result.model = describeModel(cfg);
    model = randomModel(cfg, opts.seed);
    torchBig(cfg);
  }
  const jaxjs: Record<string, unknown> = { build_ms: performance.now() - t0, vocab: cfg.vocabSize };
  result.jaxjs = jaxjs;
  save();

  const stage = async (name: string, fn: () => Promise<unknown>) => {
    log(`jax-js ${name} ...`);
    try {
      t0 = performance.now();
      await fn(); // first call: compile + run
      const first = performance.now() - t0;
      const timing = await time(fn, opts.warmup - 1, opts.runs);
      jaxjs[name] = {
        ...timing,
        first_call_ms: first,
        tokens_per_s: tokens / (timing.median_ms / 1000),
      };
      log(
        `  ${name}: median ${timing.median_ms.toFixed(1)} ms (first call ${first.toFixed(0)} ms)`,
      );
    } catch (err) {
      errors[name] = String(err);
      log(`  ${name} failed: ${String(err)}`);
    }
    save();
  };
  // The steering step's gradient program three ways (bench/parts.ts): d/dv only (loss.ts before
  // eacd373), with d/dW of the later layers, with d/dW of every parameter (loss.ts since eacd373),
  // each after the same prefix forward. Then forward, and the API's step itself last (until
  // 97b9af4 it failed here: nn.oneHot built eye(128256), and the device's later work was invalid).
  try {
    log("jax-js: the steering step's gradient program, three ways ...");
    const parts = await stepParts(model, step, opts.warmup - 1, opts.runs, {
      only: opts.noParts ? ["prefix", "gradAll"] : ["prefix", "grad", "gradW", "gradAll"],
    });
    jaxjs.parts = parts;
    const total = (k: "grad" | "gradW" | "gradAll") => {
      const a = parts.prefix?.median_ms;
      const b = parts[k]?.median_ms;
      if (a === undefined || b === undefined) return undefined;
      return {
        median_ms: a + b,
        tokens_per_s: tokens / ((a + b) / 1000),
        note: `prefix + ${k} medians`,
      };
    };
    jaxjs.steer_dv = total("grad");
    jaxjs.steer_dW_later = total("gradW");
    jaxjs.steer_dW_all = total("gradAll");
    log(
      `  d/dv ${JSON.stringify(jaxjs.steer_dv)}; d/dW later ${JSON.stringify(jaxjs.steer_dW_later)}; d/dW all ${JSON.stringify(jaxjs.steer_dW_all)}`,
    );
  } catch (err) {
    errors.parts = String(err);
    log(`  parts failed: ${String(err)}`);
  }
  save();
  await stage("forward", () => runWithCache(model, step.batch, { logits: true }));
  const dev = deviceForward(model);
  await stage("forward_device", () => dev.run(step));
  dev.dispose();
  await stage("steer", () => steeringLossAndGrad(model, ...steerArgs(step)));
  try {
    const ours = await steeringLossAndGrad(model, ...steerArgs(step));
    jaxjs.loss = ours.loss;
    jaxjs.grad_norm = Math.hypot(...ours.grad);
  } catch (err) {
    errors.steer_value = String(err);
  }
  save();
  model.dispose();

  const fmt = (x: unknown) => (typeof x === "number" ? x.toFixed(0) : "-");
  const tps = (side: unknown, k: string) =>
    (side as Record<string, { tokens_per_s?: number }> | undefined)?.[k]?.tokens_per_s;
  const rows: [string, string, string][] = [
    ["forward (logits to host)", "forward", "forward"],
    ["forward (logits on device)", "forward_device", "forward_device"],
    ["steering fwd+bwd: steeringLossAndGrad", "steer", "steer"],
    ["  prefix + grad program, d/dv only", "steer_dv", "steer"],
    ["  prefix + grad program, d/dv + d/dW later layers", "steer_dW_later", "steer"],
    ["  prefix + grad program, d/dv + d/dW all (loss.ts now)", "steer_dW_all", "steer"],
  ];
  console.log(`\n${JSON.stringify(result.model)} batch ${step.batch.batch}×${step.batch.seqLen}`);
  if (Object.keys(errors).length) console.log(`errors: ${JSON.stringify(errors)}`);
  console.log("op | jax-js webgpu tok/s | torch f32 tok/s | torch/jax-js");
  for (const [label, k, tk] of rows) {
    const a = tps(result.jaxjs, k);
    const b = tps(result.torch, tk);
    console.log(`${label} | ${fmt(a)} | ${fmt(b)} | ${a && b ? (b / a).toFixed(1) : "-"}`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
