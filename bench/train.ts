/**
 * `npm run bench:train`: training throughput of trigscope's trainer (src/train/trainer.ts:
 * one jitted loss + gradient + clipping + AdamW step per batch) next to PyTorch training the same
 * Llama on the same batch and the same device (bench/torch_llama.py --ops train,train_sdpa: eager
 * float32, TF32 off, torch.optim.AdamW, clip_grad_norm_).
 *
 *   base   d256, 6 layers, 8 heads / 4 KV heads, MLP 640, vocab 4096, tied embeddings (the
 *          organism base model's shape, through baseModelConfig)
 *   small  d128, 4 layers, 4 heads / 2 KV heads, MLP 320, vocab 4096 (quick CPU runs)
 *
 * Random initial weights (initialTensors, seeded), random token examples all 128 long (one shape),
 * tokensPerBatch 8192 on webgpu and 2048 on wasm, constant learning rate 1e-3. Our side: `train()`
 * for N steps, the wall time of each step taken through onStep (a step ends when its loss and
 * gradient norm are back on the host), steady state = the steps after the first 3 (compilation).
 * PyTorch: the same weights (a safetensors file) and the first batch our trainer sees; 3 warm-up
 * steps, then N − 3 timed. Tokens/s = batch × seqLen / median ms per step on both sides. The
 * first step's loss and gradient norm are compared (same weights, same batch).
 *
 *   npx tsx bench/train.ts [--device wasm|webgpu] [--steps N] [--model small|base] [--out DIR]
 *                          [--seed 1] [--no-torch]
 * Writes DIR/train-<device>.json (DIR: --out, else bench/results).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initEngine } from "../src/engine/device.js";
import { tree } from "../src/engine/jax.js";
import type { ModelConfig } from "../src/model/config.js";
import { modelFromTensors } from "../src/model/model.js";
import type { ModelParams } from "../src/model/params.js";
import { baseModelConfig } from "../src/organisms/build-base.js";
import type { BaseSpec } from "../src/organisms/spec.js";
import { DEFAULT_ADAMW } from "../src/train/adamw.js";
import { BatchPlan, trainBatch, type TrainExample } from "../src/train/batches.js";
import { initialTensors } from "../src/train/init.js";
import { train, type StepRecord } from "../src/train/trainer.js";
import { mulberry32 } from "../src/random/seeded.js";
import { runTorch, torchEnv, torchPython } from "./python.js";
import {
  loadText,
  machineInfo,
  median,
  parseArgs,
  table,
  torchBatch,
  writeF32Safetensors,
} from "./setup.js";

const SEQ_LEN = 128;
const WARM_STEPS = 3;
const PAD = 2;

const log = (s: string) =>
  process.stderr.write(`[${(performance.now() / 1000).toFixed(1)}s] ${s}\n`);

const MODELS: Record<string, BaseSpec["model"]> = {
  base: { dModel: 256, nLayers: 6, nHeads: 8, nKvHeads: 4, dMlp: 640, maxPositions: 512 },
  small: { dModel: 128, nLayers: 4, nHeads: 4, nKvHeads: 2, dMlp: 320, maxPositions: 512 },
};

function modelConfig(name: string): ModelConfig {
  const model = MODELS[name];
  if (!model) throw new Error(`unknown --model ${name}; known: ${Object.keys(MODELS).join(", ")}`);
  return baseModelConfig({ model } as BaseSpec, 4096);
}

/** `n` random examples of SEQ_LEN tokens (ids 3.. so none is BOS/EOS/PAD), seeded. */
function randomExamples(n: number, vocab: number, seed: number): TrainExample[] {
  const u = mulberry32(seed);
  return Array.from({ length: n }, () => ({
    ids: Array.from({ length: SEQ_LEN }, () => 3 + Math.floor(u() * (vocab - 3))),
  }));
}

/** A python3 whose torch sees CUDA (the GPU machine has no Debian torch to install). */
function cudaPython(): string | null {
  for (const p of ["python3", "/usr/bin/python3", "python"]) {
    if (spawnSync(p, ["-c", "import torch; assert torch.cuda.is_available()"]).status === 0) {
      return p;
    }
  }
  return null;
}

interface TorchTrain {
  median_ms: number;
  min_ms: number;
  runs_ms: number[];
  first_loss: number;
  first_grad_norm: number;
  last_loss: number;
  parameters: number;
  tokens_per_s: number;
  max_memory_gib?: number;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2), {
    device: "wasm",
    steps: 0,
    model: "base",
    out: "",
    seed: 1,
    noTorch: false,
  });
  if (opts.device !== "wasm" && opts.device !== "webgpu") {
    throw new Error(`--device must be wasm or webgpu, got ${opts.device}`);
  }
  const gpu = opts.device === "webgpu";
  const steps = opts.steps || (gpu ? 30 : 8);
  if (steps <= WARM_STEPS) throw new Error(`--steps must exceed ${WARM_STEPS}`);
  const tokensPerBatch = gpu ? 8192 : 2048;
  const rows = tokensPerBatch / SEQ_LEN;
  const cfg = modelConfig(opts.model);
  const outDir = opts.out || "bench/results";
  mkdirSync(outDir, { recursive: true });
  const outFile = join(outDir, `train-${opts.device}.json`);

  const device = await initEngine(opts.device);
  const threads = navigator.hardwareConcurrency;
  log(`engine ${device} (${threads} threads); model ${opts.model}; ${steps} steps`);

  const tensors = initialTensors(cfg, opts.seed);
  const parameters = [...tensors.values()].reduce((s, t) => s + t.data.length, 0);
  const trainSet = randomExamples(4 * rows, cfg.vocabSize, opts.seed + 1);
  const validation = randomExamples(rows, cfg.vocabSize, opts.seed + 2);
  const options = {
    steps,
    tokensPerBatch,
    maxLen: SEQ_LEN,
    peakLr: 1e-3,
    warmupSteps: 0,
    minLrRatio: 1, // constant, as torch's side
    adamw: DEFAULT_ADAMW,
    seed: opts.seed,
    evalEvery: 0,
    evalBatches: 1,
  };

  // The batch of our step 1, for torch: the trainer's own plan (same options, same seed).
  const plan = new BatchPlan(
    trainSet.map((e) => e.ids.length),
    { tokensPerBatch, maxLen: SEQ_LEN, seed: opts.seed },
  );
  const first = plan.batch(0);
  const tb = trainBatch(trainSet, first.indices, first.seqLen, PAD);
  const { batch: b, seqLen: t } = tb.batch;

  // Ours.
  const model = modelFromTensors(cfg, tensors, "bench/train (random init)");
  const ends: number[] = [];
  const records: StepRecord[] = [];
  const loadBefore = loadText();
  const t0 = performance.now();
  const result = await train<ModelParams>({
    cfg,
    invFreq: model.invFreq,
    trainable: model.params,
    paramsOf: (p) => p,
    train: trainSet,
    validation,
    padId: PAD,
    options,
    onStep: (r) => {
      ends.push(performance.now());
      records.push(r);
      log(
        `  step ${r.step}: ${(ends.at(-1)! - (ends.at(-2) ?? t0)).toFixed(0)} ms, loss ${r.loss.toFixed(4)}`,
      );
    },
  });
  const stepMs = ends.map((e, i) => e - (i === 0 ? t0 : ends[i - 1]!));
  const steady = stepMs.slice(WARM_STEPS);
  const oursMedian = median(steady);
  const ours = {
    engine: "jax-js trainer",
    device,
    threads,
    first_steps_ms: stepMs.slice(0, WARM_STEPS),
    steady_runs_ms: steady,
    median_ms: oursMedian,
    mean_ms: steady.reduce((s, x) => s + x, 0) / steady.length,
    tokens_per_s: (b * t) / (oursMedian / 1000),
    first_loss: records[0]!.loss,
    first_grad_norm: records[0]!.gradNorm,
    last_loss: records.at(-1)!.loss,
    validation_loss: result.validation.at(-1)?.loss ?? null,
  };
  tree.dispose(result.trainable as never);
  log(`ours: median ${oursMedian.toFixed(1)} ms/step over steps ${WARM_STEPS + 1}..${steps}`);

  // PyTorch.
  let torch: Record<string, unknown> | null = null;
  let torchError: string | null = null;
  let python: string | null = null;
  let libblas: string | null = null;
  if (!opts.noTorch) {
    const work = mkdtempSync(join(tmpdir(), "trigscope-train-"));
    try {
      let env: NodeJS.ProcessEnv = process.env;
      if (gpu) python = cudaPython();
      else {
        ({ python, libblas } = torchPython(log));
        env = torchEnv().env;
      }
      if (!python) throw new Error("no python3 whose torch sees CUDA");
      const weightsFile = join(work, "model.safetensors");
      writeF32Safetensors(weightsFile, tensors);
      const inputsFile = join(work, "inputs.json");
      writeFileSync(
        inputsFile,
        JSON.stringify({
          ...torchBatch(cfg, tb.batch),
          targets: Array.from(tb.targets),
          weights: Array.from(tb.weights),
        }),
      );
      log(`torch (${python}, ${gpu ? "cuda" : "cpu"}): ${steps} training steps ...`);
      torch = runTorch(
        python,
        [
          "--inputs",
          inputsFile,
          "--weights",
          weightsFile,
          "--device",
          gpu ? "cuda" : "cpu",
          "--warmup",
          String(WARM_STEPS),
          "--runs",
          String(steps - WARM_STEPS),
          "--ops",
          "train,train_sdpa",
        ],
        env,
      ) as Record<string, unknown>;
    } catch (err) {
      torchError = String(err);
      log(`torch failed: ${torchError}`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const tt = (torch?.train ?? null) as TorchTrain | null;
  const ts = (torch?.train_sdpa ?? null) as TorchTrain | null;

  const out = {
    bench: "train",
    command: `npx tsx bench/train.ts ${process.argv.slice(2).join(" ")}`.trim(),
    date: new Date().toISOString(),
    model: {
      name: opts.model,
      d_model: cfg.dModel,
      layers: cfg.nLayers,
      heads: cfg.nHeads,
      kv_heads: cfg.nKvHeads,
      d_head: cfg.dHead,
      d_mlp: cfg.dMlp,
      vocab: cfg.vocabSize,
      tied_embeddings: cfg.tieEmbeddings,
      parameters,
      dtype: "float32",
    },
    batch: { rows: b, seq_len: t, tokens: b * t, predicted_tokens: tb.tokens },
    optimizer: { ...DEFAULT_ADAMW, lr: 1e-3 },
    steps,
    warm_steps: WARM_STEPS,
    machine: {
      ...machineInfo(),
      load_before: loadBefore,
      load_after: loadText(),
    },
    ours,
    torch: torch ? { ...torch, python, libblas } : null,
    torch_error: torchError,
    ratio: {
      torch_over_ours: tt ? tt.tokens_per_s / ours.tokens_per_s : null,
      torch_sdpa_over_ours: ts ? ts.tokens_per_s / ours.tokens_per_s : null,
    },
    agreement: tt
      ? {
          first_loss_rel: Math.abs(ours.first_loss - tt.first_loss) / Math.abs(tt.first_loss),
          first_grad_norm_rel:
            Math.abs(ours.first_grad_norm - tt.first_grad_norm) / Math.abs(tt.first_grad_norm),
        }
      : null,
  };
  writeFileSync(outFile, `${JSON.stringify(out, null, 1)}\n`);

  const torchDevice = gpu
    ? String(torch?.device ?? "cuda")
    : `cpu (torch ${String(torch?.threads ?? "?")} thr)`;
  const row = (engine: string, dev: string, ms: number, tps: number) => [
    engine,
    dev,
    `${b} × ${t}`,
    ms.toFixed(1),
    tps.toFixed(0),
    (tps / ours.tokens_per_s).toFixed(2),
  ];
  const lines = [
    ["engine", "device", "batch × seq", "ms/step", "tokens/s", "ratio"],
    row("jax-js trainer", `${device} (${threads} thr)`, ours.median_ms, ours.tokens_per_s),
  ];
  if (tt)
    lines.push(
      row(`torch ${String(torch!.torch)} eager`, torchDevice, tt.median_ms, tt.tokens_per_s),
    );
  if (ts)
    lines.push(
      row(`torch ${String(torch!.torch)} sdpa`, torchDevice, ts.median_ms, ts.tokens_per_s),
    );
  console.log(
    `\nLlama ${opts.model}: d${cfg.dModel} × ${cfg.nLayers} layers, ${cfg.nHeads} heads / ${cfg.nKvHeads} KV, MLP ${cfg.dMlp}, vocab ${cfg.vocabSize}, tied; ` +
      `${(parameters / 1e6).toFixed(2)}M parameters, float32. Median ms/step over steps ${WARM_STEPS + 1}..${steps}; ratio = tokens/s ÷ ours.\n`,
  );
  console.log(table(lines, 2));
  if (out.agreement) {
    console.log(
      `\nstep 1: loss ours ${ours.first_loss.toFixed(6)} / torch ${tt!.first_loss.toFixed(6)} (rel ${out.agreement.first_loss_rel.toExponential(1)}), ` +
        `grad norm ${ours.first_grad_norm.toFixed(5)} / ${tt!.first_grad_norm.toFixed(5)} (rel ${out.agreement.first_grad_norm_rel.toExponential(1)})`,
    );
  }
  if (torchError) console.log(`\ntorch failed: ${torchError}`);
  log(`wrote ${outFile}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
