/**
 * `npm run bench:fast`: the fast path (src/engine/fast: hand-written forward and steering VJPs,
 * float32, the process's CPU sgemm) against jax-js (wasm) and PyTorch (bench/torch_llama.py, same
 * weights and batch) on issue 17's P1 shape: the CPU bench's 4-layer d_model-256 Llama at batch
 * 8 × 64, steering at layer 0 (`--model bench`, the default), or the zoo's fruit-refusal organism
 * at the audit's batch (`--model organism`; bench/fast-setup.ts).
 *
 *   forward    logits of the batch: runWithCache(model, batch) vs fastRunLogits, read back
 *   steering   loss and d loss / d vector at resid_post of the SAE's layer on the user positions,
 *              from a prepared site (the resid at ℓ once): prepareSteering(...).lossAndGrad vs
 *              prepareFastSteeringFor(...)
 *
 * Agreement first (logits at real positions, loss, gradient), then `--rounds` rounds, each with
 * the load averages read first: `--runs` runs of jax-js and the fast path alternated, then one
 * PyTorch process timing its `--runs` (the machine is shared and its load drifts, so each round's
 * fast/PyTorch ratio is of times taken minutes apart at most). Reported: each round's medians and
 * ratios, and the median over rounds. The fast path's matmul GFLOP/s (fast-flops.ts) beside its
 * times. PyTorch numbers are recorded only where `import torch` works.
 * OPENBLAS_CORETYPE, if set, is recorded and unset before OpenBLAS loads (bench/kernels.ts says why).
 *
 *   npm run bench:fast -- [--rounds 5] [--runs 10] [--warmup 2] [--model bench|organism]
 *                         [--organism fruit-refusal] [--threads N] [--json FILE]
 *
 * PyTorch runs with its default threads (1 intra-op thread here, OpenBLAS's own 2 inside each
 * matmul; recorded per round) unless `--threads N` > 0: torch.set_num_threads(2) on these 2 cores
 * made its forward ~4× and its steering step ~17× slower (oversubscribed with OpenBLAS's threads).
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
import { runTorch, torchEnv, torchPython } from "./python.js";
import { checkFastModelKind, fastBenchSetup, type FastBenchSetup } from "./fast-setup.js";

const coretype = process.env.OPENBLAS_CORETYPE ?? null;
delete process.env.OPENBLAS_CORETYPE;

const args = parseArgs(process.argv.slice(2), {
  rounds: 5,
  runs: 10,
  warmup: 2,
  model: "bench",
  organism: "fruit-refusal",
  threads: 0,
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

/** One PyTorch process's forward and steering step on the same weights and batch. */
interface TorchRound {
  forward_ms: number;
  steering_ms: number;
  loss: number;
  threads: number;
  blas: unknown;
}

/** The weights and inputs written once; `round()` runs one bench/torch_llama.py process. */
function torchSession(setup: FastBenchSetup) {
  const work = mkdtempSync(join(tmpdir(), "trigscope-fast-"));
  const { python } = torchPython(log);
  const weights = join(work, "model.safetensors");
  writeF32Safetensors(weights, setup.tensors());
  const inputs = join(work, "inputs.json");
  const { tf, steering } = setup;
  writeFileSync(
    inputs,
    JSON.stringify({
      ...torchBatch(setup.cfg, tf.batch),
      responseMask: Array.from(tf.responseMask),
      positionMask: Array.from(steering.positionMask),
      layer: steering.layer,
      vector: Array.from(steering.vector),
    }),
  );
  const round = (): TorchRound => {
    const out = runTorch(
      python,
      [
        ...["--inputs", inputs, "--weights", weights],
        ...(args.threads > 0 ? ["--threads", String(args.threads)] : []),
        ...["--warmup", String(args.warmup), "--runs", String(args.runs), "--ops", "forward,steer"],
      ],
      torchEnv().env,
    ) as {
      forward: { median_ms: number };
      steer: { median_ms: number };
      loss: number;
      threads: number;
      blas: unknown;
    };
    return {
      forward_ms: out.forward.median_ms,
      steering_ms: out.steer.median_ms,
      loss: out.loss,
      threads: out.threads,
      blas: out.blas,
    };
  };
  return { python, round, dispose: () => rmSync(work, { recursive: true, force: true }) };
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

/** One round's load reading and medians (ms) of each engine. */
interface Round {
  load: string;
  forward: { jax: number; fast: number; torch: number | null };
  steering: { jax: number; fast: number; torch: number | null };
  fast_runs_ms: { forward: number[]; steering: number[] };
  torch?: TorchRound | { error: string };
}

const ratio = (a: number, b: number | null) => (b === null ? "—" : (a / b).toFixed(2));
const fixed2 = (x: number | null) => (x === null ? "—" : x.toFixed(2));
const ms1 = (x: number | null) => (x === null ? "—" : x.toFixed(1));
const medianOf = (xs: (number | null)[]) => {
  const ok = xs.filter((x): x is number => x !== null);
  return ok.length ? median(ok) : null;
};

/** An op's fast and PyTorch medians and their ratio, as table cells. */
const opCells = (o: { fast: number; torch: number | null }, r = ratio(o.fast, o.torch)) => [
  ms1(o.fast),
  ms1(o.torch),
  r,
];

/** Per round: fast and PyTorch medians and fast / PyTorch, then the median over rounds. */
function roundRows(rounds: Round[]) {
  const body = rounds.map((r, i) => [
    `${i + 1} (${r.load.split(" ")[0]!})`,
    ...opCells(r.forward),
    ...opCells(r.steering),
  ]);
  const m = summaryOf(rounds);
  return [
    [
      "round (1-min load)",
      "fwd fast",
      "fwd torch",
      "fwd ratio",
      "steer fast",
      "steer torch",
      "steer ratio",
    ],
    ...body,
    [
      "median of rounds",
      ...opCells(m.forward, fixed2(m.forward.ratio)),
      ...opCells(m.steering, fixed2(m.steering.ratio)),
    ],
  ];
}

/** Medians over rounds of each engine's round medians, and of the per-round ratios. */
function summaryOf(rounds: Round[]) {
  const one = (op: "forward" | "steering") => {
    const fast = median(rounds.map((r) => r[op].fast));
    const jax = median(rounds.map((r) => r[op].jax));
    const torch = medianOf(rounds.map((r) => r[op].torch));
    const perRound = medianOf(rounds.map((r) => (r[op].torch ? r[op].fast / r[op].torch : null)));
    // A number in the JSON (null without PyTorch); tables format it.
    return { jax, fast, torch, ratio: perRound === null ? null : +perRound.toFixed(4) };
  };
  return { forward: one("forward"), steering: one("steering") };
}

/** The engines' table: medians over rounds, jax / fast, fast / PyTorch and matmul GFLOP/s. */
function timingRows(rounds: Round[], flops: { forward: number; steering: number }) {
  const m = summaryOf(rounds);
  const row = (name: string, op: "forward" | "steering") => {
    const r = m[op];
    const gflops = (flops[op] / r.fast / 1e6).toFixed(1);
    return [
      name,
      ms1(r.jax),
      ms1(r.fast),
      ms1(r.torch),
      ratio(r.jax, r.fast),
      fixed2(r.ratio),
      gflops,
    ];
  };
  return [
    [
      "",
      "jax-js wasm (ms)",
      "fast (ms)",
      "PyTorch (ms)",
      "jax / fast",
      "fast / PyTorch",
      "fast matmul GFLOP/s",
    ],
    row("forward", "forward"),
    row("steering loss+grad", "steering"),
  ];
}

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
    fast_loss: fg.loss,
    logits_max_abs_diff: maxAbsDiff(fl, jl, real),
    loss_abs_diff: Math.abs(fg.loss - jg.loss),
    grad_rel_max_diff: relMaxDiff(fg.grad, jg.grad),
  };
  log(`agreement: ${JSON.stringify(agreement)}`);
  return agreement;
}

/** One round: the load, jax-js and fast alternated per op, then one PyTorch process. */
async function oneRound(
  ops: { forward: Record<string, Fn>; steering: Record<string, Fn> },
  torch: ReturnType<typeof torchSession> | null,
): Promise<Round> {
  const load = loadText();
  const fwd = await interleaved(ops.forward, args.warmup, args.runs);
  const grad = await interleaved(ops.steering, args.warmup, args.runs);
  let t: TorchRound | { error: string } | undefined;
  if (torch) {
    try {
      t = torch.round();
    } catch (err) {
      t = { error: String(err) };
    }
  }
  const tt = t && "forward_ms" in t ? t : null;
  const round: Round = {
    load,
    forward: { jax: median(fwd.jax!), fast: median(fwd.fast!), torch: tt?.forward_ms ?? null },
    steering: { jax: median(grad.jax!), fast: median(grad.fast!), torch: tt?.steering_ms ?? null },
    fast_runs_ms: { forward: fwd.fast!, steering: grad.fast! },
  };
  if (t) round.torch = t;
  log(
    `round: load ${load}; ${JSON.stringify({ forward: round.forward, steering: round.steering })}`,
  );
  return round;
}

async function main() {
  await initEngine("wasm");
  const loadBefore = loadText();
  log(machineLine(loadBefore));
  log(`fast kernel: ${describeCpuKernel()}; OPENBLAS_CORETYPE ${coretype ?? "not set"}`);
  const torchVersion = torchStatus();
  log(`PyTorch: ${torchVersion}`);
  const setup = await fastBenchSetup(checkFastModelKind(args.model), args.organism);
  const { model, cfg: c, tf, steering } = setup;
  const { batch: b, seqLen: t } = tf.batch;
  log(
    `${setup.name}: ${c.architecture} d${c.dModel} ${c.nLayers} layers V${c.vocabSize}; batch ${b}×${t}; steering layer ${steering.layer}`,
  );
  const t0 = performance.now();
  await fastModelOf(model);
  const hostCopyMs = performance.now() - t0;

  const jaxSite = prepareSteering(model, tf, steering);
  const fastSite = await prepareFastSteeringFor(model, tf, steering);
  const { vector } = steering;
  const agreement = await checkAgreement(model, tf.batch, jaxSite, fastSite, vector);
  const torch = torchVersion.startsWith("torch ") ? torchSession(setup) : null;
  const ops = {
    forward: {
      jax: () => runWithCache(model, tf.batch),
      fast: () => fastRunLogits(model, tf.batch),
    },
    steering: { jax: () => jaxSite.lossAndGrad(vector), fast: async () => fastSite(vector) },
  };
  const rounds: Round[] = [];
  try {
    for (let i = 0; i < args.rounds; i++) rounds.push(await oneRound(ops, torch));
  } finally {
    torch?.dispose();
    jaxSite.dispose();
  }
  const loadAfter = loadText();
  const responseTokens = tf.responseMask.reduce((s, x) => s + x, 0);
  const shape = flopShape(c, b, t);
  const flops = {
    forward: forwardFlops(shape),
    steering: steeringFlops(shape, steering.layer, responseTokens),
  };
  const text = `${table(timingRows(rounds, flops))}\n\n${table(roundRows(rounds))}`;
  console.log(`${machineLine(loadBefore)} (after: ${loadAfter})\n${text}`);
  const torchLoss = rounds.map((r) => (r.torch && "loss" in r.torch ? r.torch.loss : null))[0];
  const result = {
    bench: "fast-cpu",
    date: new Date().toISOString(),
    machine: { ...machineInfo(), load_before: loadBefore, load_after: loadAfter },
    model: {
      name: setup.name,
      architecture: c.architecture,
      d_model: c.dModel,
      layers: c.nLayers,
      heads: c.nHeads,
      kv_heads: c.nKvHeads,
      d_mlp: c.dMlp,
      vocab: c.vocabSize,
    },
    batch: { prompts: b, seq_len: t, steering_layer: steering.layer },
    jax_device: currentDevice(),
    fast_kernel: cpuKernelInfo(),
    openblas_coretype_env: coretype,
    torch: torchVersion,
    torch_python: torch?.python ?? null,
    rounds: args.rounds,
    runs: args.runs,
    warmup: args.warmup,
    host_copy_ms: hostCopyMs,
    /** Matmul FLOPs of the fast path's pass (fast-flops.ts), for GFLOP/s = flops / median. */
    matmul_flops: flops,
    agreement: {
      ...agreement,
      torch_loss_abs_diff: torchLoss == null ? null : Math.abs(torchLoss - agreement.fast_loss),
    },
    summary: summaryOf(rounds),
    per_round: rounds,
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
