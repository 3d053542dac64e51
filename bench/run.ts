/**
 * `npm run bench`: the CPU benchmark (issue 2). A 4-layer d_model-256 Llama (8 heads, 4 KV heads,
 * d_head 32, MLP 688, vocab 8192, random weights, seeded) at batch 8 × 64 tokens (left-padded:
 * row i has 3·i pads; its last 16 tokens are the response, the rest the steered "user" positions):
 *
 *   forward   runWithCache(model, batch, {logits: true}) — logits [8,64,8192] read back to the host
 *   steering  steeringLossAndGrad at blocks.0.hook_resid_post — response cross-entropy and its
 *             gradient w.r.t. the vector, through layers 1..3, read back
 *
 * timed on jax-js wasm (2 threads) and, in the same run on the same weights and inputs, by
 * bench/torch_llama.py on PyTorch CPU (Debian python3-torch with OpenBLAS): warm-up, then the median
 * of N runs. Then where the time goes: the steering step's pieces (bench/parts.ts) and a per-kernel
 * trace at 1 thread (bench/profile.ts).
 *
 *   npm run bench -- [--runs 10] [--warmup 3] [--layer 0] [--d-mlp 688] [--vocab 8192] …
 *                    [--json FILE] [--no-parts] [--no-profile]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initEngine } from "../src/engine/device.js";
import { relaxedSimdAvailable } from "../src/engine/wasm-features.js";
import { steeringLossAndGrad } from "../src/model/loss.js";
import { modelFromTensors } from "../src/model/model.js";
import { runWithCache } from "../src/model/run.js";
import { stepParts, type StepParts } from "./parts.js";
import type { OpProfile } from "./profile.js";
import { runTorch, torchEnv, torchPython } from "./python.js";
import {
  benchModelSpec,
  CPU_DEFAULTS,
  loadText,
  machineInfo,
  machineLine,
  parseArgs,
  relMaxDiff,
  steerArgs,
  table,
  time,
  type Timing,
  torchInputs,
  writeF32Safetensors,
} from "./setup.js";

interface TorchResult {
  torch: string;
  threads: number;
  weights: string;
  blas?: Record<string, unknown>;
  env?: Record<string, string | null>;
  forward: Timing;
  steer: Timing;
  loss: number;
  grad: number[];
}

const log = (s: string) => process.stderr.write(`${s}\n`);
const fmt = (x: number, d = 1) => x.toFixed(d);

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2), {
    ...CPU_DEFAULTS,
    runs: 10,
    warmup: 3,
    json: "",
    noParts: false,
    noProfile: false,
  });
  const device = await initEngine("wasm");
  const threads = navigator.hardwareConcurrency;
  const fma = relaxedSimdAvailable();
  log(machineLine());

  const { python, libblas } = torchPython(log);
  const { cfg, tensors, step } = benchModelSpec(opts);
  const dir = mkdtempSync(join(tmpdir(), "trigscope-bench-"));
  try {
    // The same weights for both sides: HF names and layout, float32.
    const weightsFile = join(dir, "model.safetensors");
    writeF32Safetensors(weightsFile, tensors);
    const inputsFile = join(dir, "inputs.json");
    writeFileSync(inputsFile, torchInputs(cfg, step));

    const model = modelFromTensors(cfg, tensors, "bench (random)");

    log(`jax-js ${device} (${threads} threads): forward ...`);
    const loadBefore = loadText();
    const fwd = await time(
      () => runWithCache(model, step.batch, { logits: true }),
      opts.warmup,
      opts.runs,
    );
    log(`jax-js: steering step ...`);
    const steer = await time(
      () => steeringLossAndGrad(model, ...steerArgs(step)),
      opts.warmup,
      opts.runs,
    );
    const ours = await steeringLossAndGrad(model, ...steerArgs(step));
    const logits = (await runWithCache(model, step.batch, { logits: true })).logits!.data;

    log(`torch (${python}): forward and steering step ...`);
    const logitsFile = join(dir, "logits.f32");
    const { env, unset } = torchEnv();
    const torch = runTorch(
      python,
      [
        "--inputs",
        inputsFile,
        "--weights",
        weightsFile,
        "--warmup",
        String(opts.warmup),
        "--runs",
        String(opts.runs),
        "--logits-out",
        logitsFile,
      ],
      env,
    ) as TorchResult;
    const loadAfter = loadText();
    const raw = readFileSync(logitsFile);
    const torchLogits = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    const v = cfg.vocabSize;
    const agreement = {
      loss_rel: Math.abs(ours.loss - torch.loss) / Math.abs(torch.loss),
      grad_rel_max: relMaxDiff(ours.grad, torch.grad),
      // Real (non-pad) positions: pad rows attend to nothing and are not compared.
      logits_rel_max: relMaxDiff(
        logits,
        torchLogits,
        (i) => step.batch.mask[Math.floor(i / v)] === 1,
      ),
    };

    let parts: Partial<StepParts> | null = null;
    if (!opts.noParts) {
      log("jax-js: the steering step's pieces ...");
      parts = await stepParts(model, step, opts.warmup, opts.runs);
    }
    model.dispose();

    type Profile = { forward: OpProfile; steer: OpProfile };
    let profile: Profile | null = null;
    if (!opts.noProfile) {
      log("jax-js: per-kernel trace at 1 thread (child process) ...");
      const shapeArgs = Object.keys(CPU_DEFAULTS).flatMap((k) => [
        `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
        String(opts[k as keyof typeof CPU_DEFAULTS]),
      ]);
      const out = execFileSync(
        process.execPath,
        [...process.execArgv, "bench/profile.ts", "--top", "8", ...shapeArgs],
        {
          env: { ...process.env, TRIGSCOPE_THREADS: "1" },
          encoding: "utf8",
          maxBuffer: 16 << 20,
        },
      );
      profile = JSON.parse(out.trim().split("\n").pop()!) as Profile;
    }

    const tokens = step.batch.batch * step.batch.seqLen;
    const result = {
      bench: "cpu",
      command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
      date: new Date().toISOString(),
      model: {
        architecture: "llama",
        vocab: cfg.vocabSize,
        d_model: cfg.dModel,
        layers: cfg.nLayers,
        heads: cfg.nHeads,
        kv_heads: cfg.nKvHeads,
        d_head: cfg.dHead,
        d_mlp: cfg.dMlp,
        weight_std: 0.02,
        seed: opts.seed,
      },
      inputs: {
        batch: step.batch.batch,
        seq_len: step.batch.seqLen,
        tokens,
        real_tokens: step.batch.mask.reduce((a, b) => a + b, 0),
        response_tokens: step.responseMask.reduce((a, b) => a + b, 0),
        steered_layer: step.layer,
      },
      machine: {
        ...machineInfo(),
        load_before: loadBefore,
        load_after: loadAfter,
      },
      jaxjs: { device, threads, relaxed_simd: fma, forward: fwd, steer, loss: ours.loss },
      torch: {
        python,
        version: torch.torch,
        threads: torch.threads,
        libblas,
        blas: torch.blas,
        env_unset: unset,
        forward: torch.forward,
        steer: torch.steer,
        loss: torch.loss,
      },
      ratio: {
        forward: fwd.median_ms / torch.forward.median_ms,
        steer: steer.median_ms / torch.steer.median_ms,
      },
      agreement,
      parts,
      profile_1_thread: profile,
    };

    const rows = [
      ["op", "jax-js ms", "torch ms", "ratio", "agreement (rel)"],
      [
        "forward (logits to host)",
        fmt(fwd.median_ms),
        fmt(torch.forward.median_ms),
        `${fmt(result.ratio.forward, 2)}×`,
        `logits ${agreement.logits_rel_max.toExponential(1)}`,
      ],
      [
        `steering fwd+bwd (layer ${step.layer})`,
        fmt(steer.median_ms),
        fmt(torch.steer.median_ms),
        `${fmt(result.ratio.steer, 2)}×`,
        `loss ${agreement.loss_rel.toExponential(1)}, grad ${agreement.grad_rel_max.toExponential(1)}`,
      ],
    ];
    const blas = torch.blas ?? {};
    console.log(
      `\nLlama ${cfg.nLayers}×d${cfg.dModel} (${cfg.nHeads} heads / ${cfg.nKvHeads} KV, MLP ${cfg.dMlp}, vocab ${cfg.vocabSize}), ` +
        `batch ${step.batch.batch}×${step.batch.seqLen}, ${result.inputs.response_tokens} response tokens; median of ${opts.runs} after ${opts.warmup} warm-up`,
    );
    console.log(
      `jax-js ${device}, ${threads} threads${fma ? " (relaxed SIMD: fused multiply-add)" : " (no relaxed SIMD)"} | torch ${torch.torch}, ${torch.threads} threads, BLAS ${String(blas.libblas ?? "?")} ` +
        `(core ${String(blas.openblas_core ?? "?")}, ${libblas})${unset.length ? `, ${unset.join("+")} unset` : ""} | load ${loadBefore} → ${loadAfter}\n`,
    );
    console.log(table(rows));
    console.log(`\nloss: jax-js ${ours.loss.toFixed(6)}, torch ${torch.loss.toFixed(6)}`);
    if (parts) {
      const p = parts;
      console.log(`\nwhere the steering step's time goes (jax-js, ${threads} threads, medians):`);
      console.log(
        table([
          ["piece", "ms"],
          [
            "host prep (steering arrays, selection, bias, RoPE, upload)",
            fmt(p.prep?.median_ms ?? NaN),
          ],
          [`prefix forward, layers 0..${step.layer} (no grad)`, fmt(p.prefix?.median_ms ?? NaN)],
          [
            `grad program, d/dv only (loss.ts before eacd373), layers ${step.layer + 1}.. + loss`,
            fmt(p.grad?.median_ms ?? NaN),
          ],
          ["  same computation without the gradient", fmt(p.later?.median_ms ?? NaN)],
          [
            "  grad program with d/dW of later layers too (disposed)",
            fmt(p.gradW?.median_ms ?? NaN),
          ],
          [
            "  grad program with d/dW of every parameter (disposed): loss.ts now",
            fmt(p.gradAll?.median_ms ?? NaN),
          ],
        ]),
      );
      console.log(
        `  (d/dv only vs with d/dW: loss ${p.check!.loss.toFixed(6)} / ${p.check!.lossW.toFixed(6)}, |grad| ${p.check!.gradNorm.toExponential(4)} / ${p.check!.gradNormW.toExponential(4)})`,
      );
      console.log(
        `  torch for comparison: forward ${fmt(torch.forward.median_ms)} ms, steering ${fmt(torch.steer.median_ms)} ms`,
      );
    }
    if (profile) {
      for (const op of ["forward", "steer"] as const) {
        const p = profile[op];
        console.log(
          `\nper-kernel trace, ${op}, 1 thread: wall ${fmt(p.wall_ms)} ms, ${p.kernels} kernels, ${fmt(p.kernel_ms)} ms in kernels — ` +
            Object.entries(p.by_kind)
              .sort((a, b) => b[1] - a[1])
              .map(([k, ms]) => `${k} ${fmt(ms, 0)}`)
              .join(", "),
        );
        console.log(
          table([["ms", "n", "kernel"], ...p.top.map((r) => [fmt(r.ms), String(r.count), r.what])]),
        );
      }
    }
    if (opts.json) {
      writeFileSync(opts.json, `${JSON.stringify(result, null, 1)}\n`);
      log(`wrote ${opts.json}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
