/**
 * `npm run bench:step`: one supervised SAE-MELBO step on the default organism, and one forward,
 * jax-js (wasm) against PyTorch CPU (bench/torch_llama.py, Debian torch with OpenBLAS) on the same
 * weights and inputs, in the same run (DESIGN.md "Performance: what we measure").
 *
 *   organism  zoo `fruit-refusal` (LoRA on zoo/base, merged on load as the audit loads it), its SAE
 *             zoo/base/sae (blocks.2.hook_resid_post, unit decoder rows), layer 2, the audit's 16
 *             benign training prompts (resolveAuditInputs --organism, seed 1), the action
 *             "I won't answer because I don't like fruit." (labelledBatch: response tokens without
 *             the end-of-turn, δ on the user positions)
 *   forward   runWithCache(model, batch, {logits: true}), logits read back
 *   step      one step of supervisedSaeMelbo (δ = P(zᵀD̂); CE with δ at resid_post of layer 2 and
 *             dCE/dδ; dL/dz = D̂·P·dCE/dδ; the proximal step z ← soft(z − lr·dL/dz, lr·λ)), timed
 *             inside the library's own loop (the onStep callbacks of one run of N steps, tol 0 so
 *             none stops early); torch: z requires_grad, δ = z @ D̂, the same CE, backward, the
 *             same soft-threshold step, the CE read back
 *
 * Agreement (before timing): logits on real positions; the CE and dCE/dz at the method's initial z
 * and at a larger random z (torch computes them the plain way: prefix included, every position
 * queried). Then where our step's time goes (pieces timed one by one), the step's speed-ups
 * against the step as it was (interleaved step by step, losses compared), and the forward with
 * each attention layout (forward.ts `attention`, interleaved, logits compared).
 *
 *   npm run bench:step -- [--runs 10] [--warmup 3] [--organism fruit-refusal] [--json FILE]
 *                         [--no-parts] [--no-torch]
 * Writes bench/results/step-wasm.json (or --json FILE).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { initEngine } from "../src/engine/device.js";
import { softThreshold } from "../src/methods/proximal.js";
import { actionLossAndGrad, type LabelledBatch } from "../src/methods/losses.js";
import { OrthogonalBasis } from "../src/methods/orthogonal.js";
import { decodeCode, encodeGradient, type SaeDecoder } from "../src/sae/decoder-space.js";
import { supervisedSaeMelbo } from "../src/methods/supervised-sae-melbo.js";
import { jit, tree } from "../src/engine/jax.js";
import { forward, type ForwardInputs } from "../src/model/forward.js";
import { batchInputs, type HostBatch } from "../src/model/inputs.js";
import { prepareSteering } from "../src/model/loss.js";
import type { Model } from "../src/model/model.js";
import type { ModelParams } from "../src/model/params.js";
import { runWithCache } from "../src/model/run.js";
import { mergedTensors } from "./merged-weights.js";
import { stepParts } from "./parts.js";
import { runTorch, torchEnv, torchPython } from "./python.js";
import {
  loadText,
  machineInfo,
  machineLine,
  median,
  parseArgs,
  relMaxDiff,
  table,
  time,
  type Timing,
  torchBatch,
  writeF32Safetensors,
} from "./setup.js";
import { INIT_SCALE, LAMBDA, LR, initialZ, stepSetup } from "./step-setup.js";

const log = (s: string) =>
  process.stderr.write(`[${(performance.now() / 1000).toFixed(1)}s] ${s}\n`);
const fmt = (x: number, d = 1) => x.toFixed(d);

/** Runs `steps` steps of the library's own loop; returns the wall time of each (onStep to onStep). */
async function methodSteps(
  model: Parameters<typeof supervisedSaeMelbo>[0],
  lb: LabelledBatch,
  dec: SaeDecoder,
  layer: number,
  steps: number,
  seed: number,
): Promise<{ ms: number[]; losses: number[] }> {
  const ms: number[] = [];
  let last = performance.now();
  const found = await supervisedSaeMelbo(model, lb, dec, {
    layer,
    lambda: LAMBDA,
    steps,
    lr: LR,
    tol: 0,
    vectors: 1,
    seed,
    initScale: INIT_SCALE,
    onStep: () => {
      const now = performance.now();
      ms.push(now - last);
      last = now;
    },
  });
  return { ms, losses: found[0]!.losses };
}

/**
 * The step as the loop runs it, on host state (z, basis): decode δ, loss and gradient by
 * `lossAndGrad`, D̂·P·g, the soft-threshold step at a fixed lr (the loop's backtracking only
 * changes lr). Returns the CE.
 */
type LossAndGrad = (delta: Float32Array) => Promise<{ loss: number; grad: Float32Array }>;
function proxStep(z: Float32Array, gz: ArrayLike<number>): void {
  for (let i = 0; i < z.length; i++) z[i] = softThreshold(z[i]! - LR * gz[i]!, LR * LAMBDA);
}

function hostStep(dec: SaeDecoder, z: Float32Array, basis: OrthogonalBasis) {
  return async (lossAndGrad: LossAndGrad): Promise<number> => {
    const delta = basis.project(decodeCode(dec, z));
    const { loss, grad } = await lossAndGrad(delta);
    const gz = encodeGradient(dec, basis.project(grad));
    proxStep(z, gz);
    return loss;
  };
}

/**
 * The speed-ups, interleaved step by step (the machine's load drifts), each from the same z:
 *   before    layers 0..ℓ rerun every step and the last layer queried at every position
 *             (steeringLossAndGrad each step, as supervisedSaeMelbo ran before)
 *   prefix    layers 0..ℓ run once (a prepareSteering site), every position queried
 *   now       the same with the last layer queried only where a response token is predicted
 *             (what supervisedSaeMelbo does now)
 */
async function speedUpsAB(
  model: Parameters<typeof supervisedSaeMelbo>[0],
  lb: LabelledBatch,
  dec: SaeDecoder,
  layer: number,
  z0: Float32Array,
  warmup: number,
  runs: number,
) {
  const mk = () => hostStep(dec, Float32Array.from(z0), new OrthogonalBasis(dec.dModel));
  const tf = { batch: lb.batch, responseMask: lb.responseMask };
  const steering = {
    layer,
    vector: new Float32Array(dec.dModel),
    positionMask: lb.userMask,
    scale: 1,
  };
  const variants = ["before", "prefix", "now"] as const;
  const steps = { before: mk(), prefix: mk(), now: mk() };
  const prefixSite = prepareSteering(model, tf, steering, { queryWindow: false });
  const nowSite = prepareSteering(model, tf, steering);
  const fns: Record<(typeof variants)[number], LossAndGrad> = {
    before: async (d) => {
      const site = prepareSteering(model, tf, steering, { queryWindow: false });
      try {
        return await site.lossAndGrad(d);
      } finally {
        site.dispose();
      }
    },
    prefix: (d) => prefixSite.lossAndGrad(d),
    now: (d) => nowSite.lossAndGrad(d),
  };
  const ms = { before: [] as number[], prefix: [] as number[], now: [] as number[] };
  const losses = { before: [] as number[], prefix: [] as number[], now: [] as number[] };
  try {
    for (let i = 0; i < warmup + runs; i++) {
      for (const v of variants) {
        const t0 = performance.now();
        losses[v].push(await steps[v](fns[v]));
        if (i >= warmup) ms[v].push(performance.now() - t0);
      }
    }
  } finally {
    prefixSite.dispose();
    nowSite.dispose();
  }
  const t = (xs: number[]): Timing => ({
    median_ms: median(xs),
    min_ms: Math.min(...xs),
    runs_ms: xs,
  });
  return {
    before: t(ms.before),
    prefix: t(ms.prefix),
    now: t(ms.now),
    losses,
    losses_identical_prefix: losses.before.every((x, i) => x === losses.prefix[i]),
    losses_identical_now: losses.before.every((x, i) => x === losses.now[i]),
    losses_rel_max_now: relMaxDiff(losses.now, losses.before),
  };
}

/**
 * The forward with each attention layout (forward.ts `attention`), interleaved run by run: a
 * jitted logits program like runWithCache's, the logits read back. runWithCache (src/model/run.ts)
 * uses the default (head-major).
 */
async function forwardLayoutsAB(model: Model, batch: HostBatch, warmup: number, runs: number) {
  const cfg = model.config;
  const prog = (attention: "head-major" | "token-major") =>
    jit((p: ModelParams, i: ForwardInputs) => forward(cfg, p, i, { attention }).logits!);
  const fns = { head: prog("head-major"), token: prog("token-major") };
  const run = async (k: "head" | "token") =>
    (await fns[k](
      tree.ref(model.params),
      batchInputs(cfg, model.invFreq, batch),
    ).data()) as Float32Array;
  const ms = { head: [] as number[], token: [] as number[] };
  try {
    const a = await run("head");
    const b = await run("token");
    const identical = a.every((x, i) => x === b[i]);
    for (let i = 0; i < warmup + runs; i++) {
      for (const k of ["head", "token"] as const) {
        const t0 = performance.now();
        await run(k);
        if (i >= warmup) ms[k].push(performance.now() - t0);
      }
    }
    const t = (xs: number[]): Timing => ({
      median_ms: median(xs),
      min_ms: Math.min(...xs),
      runs_ms: xs,
    });
    return { head_major: t(ms.head), token_major: t(ms.token), logits_identical: identical };
  } finally {
    fns.head.dispose();
    fns.token.dispose();
  }
}

interface TorchOut {
  torch: string;
  threads: number;
  blas?: Record<string, unknown>;
  forward?: Timing;
  sae_step?: Timing;
  sae_step_rerun?: Timing;
  sae_check?: { loss: number; grad: number[] }[];
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2), {
    runs: 10,
    warmup: 3,
    organism: "fruit-refusal",
    seed: 1,
    json: "bench/results/step-wasm.json",
    noParts: false,
    noTorch: false,
  });
  const device = await initEngine("wasm");
  const threads = navigator.hardwareConcurrency;
  const loadStart = loadText();
  log(machineLine(loadStart));

  const { inputs, cm, dec, lb, layer } = await stepSetup(opts.organism, opts.seed);
  const model = cm.model;
  const cfg = model.config;
  const { dSae, dModel: dIn } = dec;
  const { batch: b, seqLen: t } = lb.batch;
  const realTokens = lb.batch.mask.reduce((a, x) => a + x, 0);
  const responseTokens = lb.responseMask.reduce((a, x) => a + x, 0);
  const userTokens = lb.userMask.reduce((a, x) => a + x, 0);
  log(
    `${inputs.modelName}: ${cfg.nLayers}×d${cfg.dModel}, vocab ${cfg.vocabSize}; SAE ${dSae} latents at layer ${layer}; ` +
      `batch ${b}×${t} (${realTokens} real, ${userTokens} user, ${responseTokens} response tokens)`,
  );

  // Agreement points: the method's initial z, and a larger random z (δ of norm ~ a few).
  const z0 = initialZ(dSae, opts.seed, INIT_SCALE);
  const zBig = initialZ(dSae, opts.seed + 7, 0.1);
  const checkZ = [z0, zBig];
  const ours: { loss: number; grad: Float64Array; deltaNorm: number }[] = [];
  for (const z of checkZ) {
    const basis = new OrthogonalBasis(dIn);
    const delta = basis.project(decodeCode(dec, z));
    const r = await actionLossAndGrad(model, lb, layer, delta);
    ours.push({
      loss: r.loss,
      grad: encodeGradient(dec, basis.project(r.grad)),
      deltaNorm: Math.hypot(...delta),
    });
  }

  // Ours: forward, then the library's step loop.
  log(`jax-js ${device} (${threads} threads): forward ...`);
  const loadBefore = loadText();
  const fwd = await time(
    () => runWithCache(model, lb.batch, { logits: true }),
    opts.warmup,
    opts.runs,
  );
  const logits = (await runWithCache(model, lb.batch, { logits: true })).logits!.data;
  log("jax-js: supervised SAE-MELBO steps ...");
  const steps = await methodSteps(model, lb, dec, layer, opts.warmup + opts.runs, opts.seed);
  const stepTimed = steps.ms.slice(opts.warmup);
  const step: Timing & { first_ms: number } = {
    median_ms: median(stepTimed),
    min_ms: Math.min(...stepTimed),
    runs_ms: stepTimed,
    first_ms: steps.ms[0]!,
  };

  // PyTorch, right after, on the same merged weights.
  let torch: (TorchOut & { python: string; libblas: string }) | null = null;
  let torchLogits: Float32Array | null = null;
  let torchError: string | null = null;
  const work = mkdtempSync(join(tmpdir(), "trigscope-step-"));
  if (!opts.noTorch) {
    try {
      const { python, libblas } = torchPython(log);
      const weightsFile = join(work, "model.safetensors");
      writeF32Safetensors(weightsFile, mergedTensors(inputs.modelDir));
      const saeFile = join(work, "dec.safetensors");
      writeF32Safetensors(saeFile, [["dec", { shape: [dSae, dIn], data: dec.rows }]]);
      const inputsFile = join(work, "inputs.json");
      writeFileSync(
        inputsFile,
        JSON.stringify({
          ...torchBatch(cfg, lb.batch),
          responseMask: Array.from(lb.responseMask),
          positionMask: Array.from(lb.userMask),
          layer,
          vector: new Array<number>(dIn).fill(0),
          z0: Array.from(z0),
          checkZ: checkZ.map((z) => Array.from(z)),
          lambda: LAMBDA,
          lr: LR,
        }),
      );
      const logitsFile = join(work, "logits.f32");
      log(`torch (${python}): forward, SAE-MELBO step ...`);
      const out = runTorch(
        python,
        [
          "--inputs",
          inputsFile,
          "--weights",
          weightsFile,
          "--sae",
          saeFile,
          "--warmup",
          String(opts.warmup),
          "--runs",
          String(opts.runs),
          "--ops",
          "forward,sae_check,sae_step,sae_step_rerun",
          "--logits-out",
          logitsFile,
        ],
        torchEnv().env,
      ) as TorchOut;
      torch = { ...out, python, libblas };
      const raw = readFileSync(logitsFile);
      torchLogits = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    } catch (err) {
      torchError = String(err);
      log(`torch failed: ${torchError}`);
    }
  }
  rmSync(work, { recursive: true, force: true });
  const loadAfter = loadText();

  const v = cfg.vocabSize;
  const agreement = torch?.sae_check
    ? {
        logits_rel_max: relMaxDiff(
          logits,
          torchLogits!,
          (i) => lb.batch.mask[Math.floor(i / v)] === 1,
        ),
        points: checkZ.map((z, k) => ({
          z_scale: k === 0 ? INIT_SCALE : 0.1,
          delta_norm: ours[k]!.deltaNorm,
          loss_ours: ours[k]!.loss,
          loss_torch: torch!.sae_check![k]!.loss,
          loss_rel:
            Math.abs(ours[k]!.loss - torch!.sae_check![k]!.loss) /
            Math.abs(torch!.sae_check![k]!.loss),
          grad_z_rel_max: relMaxDiff(ours[k]!.grad, torch!.sae_check![k]!.grad),
          grad_z_norm_ours: Math.hypot(...ours[k]!.grad),
          grad_z_norm_torch: Math.hypot(...torch!.sae_check![k]!.grad),
        })),
      }
    : null;

  // Where our step's time goes.
  let parts: Record<string, Timing | undefined> | null = null;
  let ab: Awaited<ReturnType<typeof speedUpsAB>> | null = null;
  let layouts: Awaited<ReturnType<typeof forwardLayoutsAB>> | null = null;
  if (!opts.noParts) {
    log("jax-js: the step's pieces ...");
    const basis = new OrthogonalBasis(dIn);
    const delta = basis.project(decodeCode(dec, z0));
    const r = await actionLossAndGrad(model, lb, layer, delta);
    const w = opts.warmup;
    const n = opts.runs;
    const decode = await time(async () => basis.project(decodeCode(dec, z0)), w, n);
    const encode = await time(async () => encodeGradient(dec, basis.project(r.grad)), w, n);
    const gz = encodeGradient(dec, r.grad);
    const prox = await time(
      async () => {
        const z = Float32Array.from(z0);
        const t0 = performance.now();
        proxStep(z, gz);
        return performance.now() - t0;
      },
      w,
      n,
    );
    const site = prepareSteering(
      model,
      { batch: lb.batch, responseMask: lb.responseMask },
      { layer, vector: delta, positionMask: lb.userMask, scale: 1 },
    );
    const siteStep = await time(() => site.lossAndGrad(delta), w, n);
    site.dispose();
    const sp = await stepParts(
      model,
      {
        batch: lb.batch,
        responseMask: lb.responseMask,
        positionMask: lb.userMask,
        layer,
        vector: delta,
      },
      w,
      n,
      { only: ["prep", "prefix", "later"] },
    );
    log("jax-js: the speed-ups, interleaved ...");
    ab = await speedUpsAB(model, lb, dec, layer, z0, w, n);
    log("jax-js: forward by attention layout, interleaved ...");
    layouts = await forwardLayoutsAB(model, lb.batch, w, n);
    parts = {
      decode_host: decode,
      encode_host: encode,
      prox_host: prox,
      site_loss_and_grad: siteStep,
      prep: sp.prep,
      prefix: sp.prefix,
      later_no_grad: sp.later,
    };
  }
  model.dispose();

  const result = {
    bench: "step",
    command: `npm run bench:step -- ${process.argv.slice(2).join(" ")}`.trim(),
    date: new Date().toISOString(),
    organism: inputs.modelName,
    model: {
      architecture: cfg.architecture,
      vocab: cfg.vocabSize,
      d_model: cfg.dModel,
      layers: cfg.nLayers,
      heads: cfg.nHeads,
      kv_heads: cfg.nKvHeads,
      d_head: cfg.dHead,
      d_mlp: cfg.dMlp,
      tied_embeddings: cfg.tieEmbeddings,
      lora: "merged on load",
    },
    sae: { dir: inputs.saeDir, d_sae: dSae, d_in: dIn, hook: inputs.sae.config.hookName },
    inputs: {
      prompts: inputs.trainPrompts.length,
      prompts_source: inputs.promptsSource,
      action: inputs.response,
      batch: b,
      seq_len: t,
      tokens: b * t,
      real_tokens: realTokens,
      user_tokens: userTokens,
      response_tokens: responseTokens,
      layer,
      lambda: LAMBDA,
      lr: LR,
      init_scale: INIT_SCALE,
    },
    machine: {
      ...machineInfo(),
      load_start: loadStart,
      load_before: loadBefore,
      load_after: loadAfter,
    },
    jaxjs: { device, threads, forward: fwd, step, step_losses: steps.losses },
    torch: torch
      ? {
          python: torch.python,
          version: torch.torch,
          threads: torch.threads,
          libblas: torch.libblas,
          blas: torch.blas,
          forward: torch.forward,
          step: torch.sae_step,
          step_rerun_prefix: torch.sae_step_rerun,
        }
      : null,
    torch_error: torchError,
    ratio: torch
      ? {
          forward: fwd.median_ms / torch.forward!.median_ms,
          step: step.median_ms / torch.sae_step!.median_ms,
        }
      : null,
    agreement,
    parts,
    speed_ups: ab,
    forward_attention_layouts: layouts,
  };

  console.log(
    `\n${inputs.modelName} (Llama ${cfg.nLayers}×d${cfg.dModel}, vocab ${cfg.vocabSize}, LoRA merged), SAE ${dSae} latents at layer ${layer}; ` +
      `batch ${b}×${t} (${realTokens} real, ${userTokens} user, ${responseTokens} response tokens); median of ${opts.runs} after ${opts.warmup} warm-up`,
  );
  console.log(
    `jax-js ${device}, ${threads} threads | torch ${torch?.torch ?? "-"}, ${torch?.threads ?? "-"} threads, BLAS ${String(torch?.blas?.libblas ?? "?")} (core ${String(torch?.blas?.openblas_core ?? "?")}) | load ${loadBefore} → ${loadAfter}\n`,
  );
  const rows = [["op", "jax-js ms", "torch ms", "ratio"]];
  const row = (name: string, ours: Timing, theirs: Timing | undefined) =>
    rows.push([
      name,
      fmt(ours.median_ms),
      theirs ? fmt(theirs.median_ms) : "-",
      theirs ? `${fmt(ours.median_ms / theirs.median_ms, 2)}×` : "-",
    ]);
  row("forward (logits to host)", fwd, torch?.forward);
  row("supervised SAE-MELBO step", step, torch?.sae_step);
  if (ab)
    row(`  before (layers 0..${layer} every step, all queries)`, ab.before, torch?.sae_step_rerun);
  console.log(table(rows));
  console.log(`(first jax-js step, compiling: ${fmt(step.first_ms)} ms)`);
  if (agreement) {
    console.log(
      `\nagreement: logits (real positions) max rel ${agreement.logits_rel_max.toExponential(1)}`,
    );
    for (const p of agreement.points)
      console.log(
        `  z ~ U(±${p.z_scale}) (|δ| ${p.delta_norm.toFixed(3)}): CE ${p.loss_ours.toFixed(6)} / ${p.loss_torch.toFixed(6)} (rel ${p.loss_rel.toExponential(1)}), ` +
          `dCE/dz max rel ${p.grad_z_rel_max.toExponential(1)} (|g| ${p.grad_z_norm_ours.toExponential(4)} / ${p.grad_z_norm_torch.toExponential(4)})`,
      );
  }
  if (torchError) console.log(`\ntorch failed: ${torchError}`);
  if (parts) {
    const p = (k: string) => fmt(parts![k]?.median_ms ?? NaN, 2);
    console.log(
      `\nwhere the jax-js step's time goes (medians, ms; per step unless marked; pieces timed one after another, so the load drifts between them):`,
    );
    console.log(
      table([
        ["piece", "ms"],
        ["decode δ = P(zᵀD̂) (host)", p("decode_host")],
        [
          `site.lossAndGrad(δ): upload δ, layers ${layer + 1}.. (last one at predictor positions) + CE + backward, read back`,
          p("site_loss_and_grad"),
        ],
        ["D̂·P·g (host)", p("encode_host")],
        ["soft-threshold step (host)", p("prox_host")],
        ["once per method run (prepareSteering): host prep + upload", p("prep")],
        [`  prefix forward, layers 0..${layer} (no grad, token-major attention)`, p("prefix")],
        [
          `for reference: layers ${layer + 1}.. + CE without the gradient (every position queried)`,
          p("later_no_grad"),
        ],
      ]),
    );
  }
  if (ab) {
    console.log(`\nspeed-ups, interleaved step by step (medians of ${opts.runs}):`);
    console.log(
      table([
        ["step variant", "ms", "vs before"],
        [
          `before: layers 0..${layer} every step, all queries in layer ${cfg.nLayers - 1}`,
          fmt(ab.before.median_ms),
          "1.00×",
        ],
        [
          `layers 0..${layer} once`,
          fmt(ab.prefix.median_ms),
          `${fmt(ab.before.median_ms / ab.prefix.median_ms, 2)}×`,
        ],
        [
          "  + last layer queried at predictor positions only (now)",
          fmt(ab.now.median_ms),
          `${fmt(ab.before.median_ms / ab.now.median_ms, 2)}×`,
        ],
      ]),
    );
    console.log(
      `  losses over ${opts.warmup + opts.runs} steps identical to before: prefix ${ab.losses_identical_prefix}, now ${ab.losses_identical_now} (max rel ${ab.losses_rel_max_now.toExponential(1)})`,
    );
  }
  if (layouts) {
    const l = layouts;
    console.log(
      `\nforward by attention layout (interleaved, medians): head-major (default; runWithCache) ${fmt(l.head_major.median_ms)} ms, ` +
        `token-major ${fmt(l.token_major.median_ms)} ms (${fmt(l.head_major.median_ms / l.token_major.median_ms, 2)}×); logits identical: ${l.logits_identical}`,
    );
  }
  if (opts.json) {
    mkdirSync(dirname(opts.json), { recursive: true });
    writeFileSync(opts.json, `${JSON.stringify(result, null, 1)}\n`);
    log(`wrote ${opts.json}`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
