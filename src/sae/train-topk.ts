/**
 * Training a TopK sparse autoencoder (Gao et al. 2024) on activations from an ActivationBuffer:
 * f = TopK_k(ReLU((x − b_dec) W_enc + b_enc)), x̂ = f W_dec + b_dec, loss = normalised MSE
 * Σ‖x − x̂‖² / Σ‖x − x̄‖² per minibatch, AdamW without weight decay, decoder rows renormalised to
 * unit norm after every step, and dead latents (no activation for `deadWindow` steps) resampled
 * from poorly reconstructed inputs. Inputs are scaled by s = √D / E‖x‖ (estimated on the first
 * minibatch, recorded as the SAE's activation scale), so one learning rate fits every model.
 *
 * Checkpoints hold the SAE, the Adam moments, the step and the dead-latent clocks; a resumed run
 * continues at that step, but its activation stream starts over (the buffer is not saved), so it
 * is not bit-identical to an uninterrupted run.
 *
 * The k-th largest pre-activation of each row comes from a separate forward program (lax.topK has
 * no gradient under jit in jax-js); the step masks at that threshold, which is differentiable.
 *
 * Shape legend: N rows, D d_in, M d_sae.
 */
import { jit, lax, np, tree, valueAndGrad } from "../engine/jax.js";
import type { Progress } from "../progress/progress.js";
import { gaussian, mulberry32 } from "../random/seeded.js";
import { adamwUpdate, stepScalars, zerosLikeTree, type AdamWOptions } from "../train/adamw.js";
import { learningRate } from "../train/schedule.js";
import {
  CheckpointError,
  loadCheckpointTrees,
  readCheckpointState,
  saveCheckpoint,
} from "../train/checkpoint.js";
import type { ActivationBuffer } from "./activation-buffer.js";

export type TopKParams = {
  /** [D, M] */ wEnc: np.Array;
  /** [M] */ bEnc: np.Array;
  /** [M, D] */ wDec: np.Array;
  /** [D] */ bDec: np.Array;
};

export interface TopKTrainOptions {
  dSae: number;
  k: number;
  steps: number;
  /** Rows per minibatch (default 1024). */
  batch?: number;
  lr?: number;
  warmupSteps?: number;
  seed: number;
  /** Steps without any activation before a latent counts as dead (default 500). */
  deadWindow?: number;
  /** Resample dead latents every this many steps (default 250; 0: never). */
  resampleEvery?: number;
  progress?: Progress;
  signal?: AbortSignal;
  /** Checkpoints (SAE, Adam moments, step, dead-latent clocks) go here. */
  checkpointDir?: string;
  /** Continue from the checkpoint in `checkpointDir`. The activation stream starts over. */
  resume?: boolean;
  /** Steps between checkpoints (default 200); one is also written when interrupted. */
  checkpointEvery?: number;
}

export interface TopKHostWeights {
  wEnc: Float32Array;
  bEnc: Float32Array;
  wDec: Float32Array;
  bDec: Float32Array;
}

export interface TopKTrainResult {
  weights: TopKHostWeights;
  dIn: number;
  dSae: number;
  k: number;
  /** Inputs were multiplied by this before encoding; decode divides by it. */
  activationScale: number;
  steps: number;
  history: { step: number; loss: number }[];
  /** Latents with no activation in the last `deadWindow` steps at the end. */
  deadFraction: number;
  resampled: number;
}

type RestoredState = {
  history: { step: number; loss: number }[];
  lastFired: number[];
  resampled: number;
};

const ADAM: AdamWOptions = {
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  clipNorm: Infinity,
};

function preActs(p: TopKParams, x: np.Array): np.Array {
  return np.matmul(x.sub(p.bDec.ref), p.wEnc.ref).add(p.bEnc.ref);
}

/** Encoded features with the per-row threshold `thr` [N,1] (k-th largest pre-activation). */
function features(p: TopKParams, x: np.Array, thr: np.Array): np.Array {
  const pre = preActs(p, x);
  const keep = pre.ref.greaterEqual(thr).astype(np.float32);
  return np.maximum(pre, 0).mul(keep);
}

function lossOf(
  p: TopKParams,
  x: np.Array,
  thr: np.Array,
  variance: np.Array,
): [np.Array, np.Array] {
  const f = features(p, x.ref, thr);
  const xhat = np.matmul(f.ref, p.wDec.ref).add(p.bDec.ref);
  const err = np.square(x.sub(xhat)).sum();
  const fired = f.greater(0).astype(np.float32).sum(0);
  return [err.div(variance), fired];
}

function unitRows(w: np.Array): np.Array {
  const norm = np.sqrt(np.square(w.ref).sum(-1, { keepdims: true })).add(1e-8);
  return w.div(norm);
}

function initParams(d: number, m: number, seed: number, bDec: Float32Array): TopKParams {
  const g = gaussian(seed);
  const dec = new Float32Array(m * d);
  for (let i = 0; i < m; i++) {
    let norm = 0;
    for (let j = 0; j < d; j++) norm += (dec[i * d + j] = g()) ** 2;
    norm = Math.sqrt(norm);
    for (let j = 0; j < d; j++) dec[i * d + j]! /= norm;
  }
  const enc = new Float32Array(d * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) enc[j * m + i] = dec[i * d + j]!;
  return {
    wEnc: np.array(enc).reshape([d, m]),
    bEnc: np.zeros([m]),
    wDec: np.array(dec).reshape([m, d]),
    bDec: np.array(bDec),
  };
}

/** The mutable state of a run: SAE, Adam moments, input scale, dead-latent clocks, loss history. */
interface RunState {
  params: TopKParams;
  mom: TopKParams;
  vel: TopKParams;
  scale: number;
  lastFired: Int32Array;
  history: { step: number; loss: number }[];
  resampled: number;
}

/** The jitted training step: valueAndGrad of the loss, AdamW, decoder rows renormalised. */
type StepProgram = ((...a: unknown[]) => {
  params: TopKParams;
  m: TopKParams;
  v: TopKParams;
  loss: np.Array;
  fired: np.Array;
}) & { dispose(): void };

export async function trainTopK(
  buffer: ActivationBuffer,
  dIn: number,
  o: TopKTrainOptions,
): Promise<TopKTrainResult> {
  const n = o.batch ?? 1024;
  const m = o.dSae;
  const first = await buffer.take(n);
  const fingerprint = JSON.stringify({ dIn, m, k: o.k, steps: o.steps, n, lr: o.lr, seed: o.seed });
  const { s, start } = startState(o, first, n, dIn, m, fingerprint);
  const kth = kthProgram(o.k);
  const step = stepProgram();
  let x = first;
  let t = start;
  const save = (at: number) => saveState(o.checkpointDir, s, at, fingerprint);
  try {
    for (; t < o.steps; t++) {
      if (o.signal?.aborted) {
        await save(t);
        throw new Error(`SAE training interrupted at step ${t}; run again with --resume`);
      }
      await trainStep(s, kth, step, x, t, n, dIn, m, o);
      if (o.checkpointDir && (t + 1) % (o.checkpointEvery ?? 200) === 0 && t + 1 < o.steps) {
        await save(t + 1);
      }
      x = await buffer.take(n);
    }
  } finally {
    step.dispose();
    kth.dispose();
    tree.dispose([s.mom, s.vel] as never);
  }
  o.progress?.finish();
  return topKResult(s, t, dIn, m, o);
}

/** Row mean of the first minibatch and the input scale s = √D / E‖x‖ estimated from it. */
function inputScale(
  first: Float32Array,
  n: number,
  dIn: number,
): { mean: Float32Array; scale: number } {
  let normSum = 0;
  const mean = new Float32Array(dIn);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let j = 0; j < dIn; j++) {
      const v = first[r * dIn + j]!;
      s += v * v;
      mean[j]! += v / n;
    }
    normSum += Math.sqrt(s);
  }
  return { mean, scale: Math.sqrt(dIn) / (normSum / n) };
}

/** Fresh weights (b_dec at the scaled mean) and zero moments, or the checkpoint's state when
 *  resuming; `start` is the first step to run. */
function startState(
  o: TopKTrainOptions,
  first: Float32Array,
  n: number,
  dIn: number,
  m: number,
  fingerprint: string,
): { s: RunState; start: number } {
  const { mean, scale: firstScale } = inputScale(first, n, dIn);
  let scale = firstScale;
  let params = initParams(
    dIn,
    m,
    o.seed,
    mean.map((v) => v * scale),
  );
  let mom = zerosLikeTree(params);
  let vel = zerosLikeTree(params);
  let start = 0;
  let restored: RestoredState | null = null;
  if (o.resume && o.checkpointDir) {
    const state = readCheckpointState(o.checkpointDir);
    if (state) {
      if (state.fingerprint !== fingerprint) {
        throw new CheckpointError(
          `${o.checkpointDir}/state.json`,
          "belongs to a different SAE run (sizes, steps, batch, lr or seed differ)",
        );
      }
      const trees = loadCheckpointTrees(o.checkpointDir, state.file, params);
      tree.dispose([params, mom, vel] as never);
      ({ params, m: mom, v: vel } = trees);
      start = state.step;
      scale = state.activationScale as number;
      restored = state as unknown as RestoredState;
    }
  }
  const s: RunState = {
    params,
    mom,
    vel,
    scale,
    lastFired: restored ? Int32Array.from(restored.lastFired) : new Int32Array(m),
    history: restored ? [...restored.history] : [],
    resampled: restored?.resampled ?? 0,
  };
  return { s, start };
}

/** The forward program giving each row's k-th largest pre-activation [N,1]. */
function kthProgram(k: number) {
  return jit((p: TopKParams, x: np.Array) => {
    const [vals] = lax.topK(preActs(p, x), k, -1);
    return vals.slice([], [k - 1, k]);
  });
}

/** Compiles the training step (see StepProgram). */
function stepProgram(): StepProgram {
  const vg = valueAndGrad(lossOf as never, { hasAux: true }) as unknown as (
    p: TopKParams,
    x: np.Array,
    thr: np.Array,
    variance: np.Array,
  ) => [[np.Array, np.Array], TopKParams];
  return jit(((
    p: TopKParams,
    mm: TopKParams,
    vv: TopKParams,
    x: np.Array,
    thr: np.Array,
    variance: np.Array,
    s: never,
  ) => {
    const [[loss, fired], g] = vg(tree.ref(p), x, thr, variance);
    const r = adamwUpdate(ADAM, p, g, mm, vv, s);
    r.gradNorm.dispose();
    const next = { ...r.params, wDec: unitRows(r.params.wDec) };
    return { params: next, m: r.m, v: r.v, loss, fired };
  }) as never) as unknown as StepProgram;
}

/** Writes the SAE, moments, step and dead-latent clocks to `dir` (nothing without a dir). */
async function saveState(
  dir: string | undefined,
  s: RunState,
  step: number,
  fingerprint: string,
): Promise<void> {
  if (!dir) return;
  await saveCheckpoint(
    dir,
    { params: s.params, m: s.mom, v: s.vel },
    {
      step,
      fingerprint,
      activationScale: s.scale,
      history: s.history,
      lastFired: Array.from(s.lastFired),
      resampled: s.resampled,
    },
  );
}

/** Σ‖x − x̄‖² of a minibatch [N, D] (float64), the normaliser of its MSE. */
function minibatchVariance(scaled: Float32Array, n: number, dIn: number): number {
  let variance = 0;
  const mu = new Float64Array(dIn);
  for (let r = 0; r < n; r++) for (let j = 0; j < dIn; j++) mu[j]! += scaled[r * dIn + j]! / n;
  for (let r = 0; r < n; r++)
    for (let j = 0; j < dIn; j++) variance += (scaled[r * dIn + j]! - mu[j]!) ** 2;
  return variance;
}

/** One optimiser step t on minibatch x: update, dead-latent clocks, history, progress, resampling. */
async function trainStep(
  s: RunState,
  kth: ReturnType<typeof kthProgram>,
  step: StepProgram,
  x: Float32Array,
  t: number,
  n: number,
  dIn: number,
  m: number,
  o: TopKTrainOptions,
): Promise<void> {
  const scaled = x.map((v) => v * s.scale);
  const variance = minibatchVariance(scaled, n, dIn);
  const xd = np.array(scaled).reshape([n, dIn]);
  const thr = kth(tree.ref(s.params), xd.ref);
  const lr = learningRate(t, {
    peak: o.lr ?? 4e-4,
    warmupSteps: o.warmupSteps ?? 100,
    totalSteps: o.steps,
    minRatio: 0.1,
  });
  const out = step(
    s.params,
    s.mom,
    s.vel,
    xd,
    thr,
    np.array(variance),
    stepScalars(ADAM, t + 1, lr),
  );
  s.params = out.params;
  s.mom = out.m;
  s.vel = out.v;
  const [loss, fired] = [(await out.loss.data())[0]!, (await out.fired.data()) as Float32Array];
  if (!Number.isFinite(loss)) throw new Error(`SAE training diverged at step ${t}: loss ${loss}`);
  for (let i = 0; i < m; i++) if (fired[i]! > 0) s.lastFired[i] = t + 1;
  s.history.push({ step: t + 1, loss });
  o.progress?.update(t + 1, o.steps, `FVU ${loss.toFixed(3)}`);
  await resampleDead(s, scaled, t, n, dIn, m, o);
}

/** Every `resampleEvery` steps, once `deadWindow` steps have run and before 80% of the run,
 *  restarts the latents dead for `deadWindow` steps from the minibatch's rows. */
async function resampleDead(
  s: RunState,
  scaled: Float32Array,
  t: number,
  n: number,
  dIn: number,
  m: number,
  o: TopKTrainOptions,
): Promise<void> {
  const deadWindow = o.deadWindow ?? 500;
  const resampleEvery = o.resampleEvery ?? 250;
  if (
    resampleEvery > 0 &&
    (t + 1) % resampleEvery === 0 &&
    t + 1 >= deadWindow &&
    t + 1 < o.steps * 0.8
  ) {
    const dead = [...s.lastFired.keys()].filter((i) => t + 1 - s.lastFired[i]! >= deadWindow);
    if (dead.length > 0) {
      s.params = await resample(s.params, dead, scaled, n, dIn, m, o.seed + t);
      for (const i of dead) s.lastFired[i] = t + 1;
      s.resampled += dead.length;
    }
  }
}

/** The finished run: host weights (reading back consumes the SAE), dead fraction after t steps. */
async function topKResult(
  s: RunState,
  t: number,
  dIn: number,
  m: number,
  o: TopKTrainOptions,
): Promise<TopKTrainResult> {
  const deadWindow = o.deadWindow ?? 500;
  const host = async (a: np.Array) => Float32Array.from((await a.data()) as Float32Array);
  const weights = {
    wEnc: await host(s.params.wEnc),
    bEnc: await host(s.params.bEnc),
    wDec: await host(s.params.wDec),
    bDec: await host(s.params.bDec),
  };
  const dead = [...s.lastFired.keys()].filter((i) => t - s.lastFired[i]! >= deadWindow).length;
  return {
    weights,
    dIn,
    dSae: m,
    k: o.k,
    activationScale: s.scale,
    steps: t,
    history: s.history,
    deadFraction: dead / m,
    resampled: s.resampled,
  };
}

/** Dead latents restart as the (unit) directions of random minibatch rows minus b_dec. */
async function resample(
  p: TopKParams,
  dead: number[],
  x: Float32Array,
  n: number,
  d: number,
  m: number,
  seed: number,
): Promise<TopKParams> {
  const rng = mulberry32(seed);
  const wEnc = Float32Array.from((await p.wEnc.data()) as Float32Array);
  const wDec = Float32Array.from((await p.wDec.data()) as Float32Array);
  const bEnc = Float32Array.from((await p.bEnc.data()) as Float32Array);
  const bDec = (await p.bDec.ref.data()) as Float32Array;
  for (const i of dead) {
    const r = Math.floor(rng() * n);
    let norm = 0;
    const dir = new Float32Array(d);
    for (let j = 0; j < d; j++) norm += (dir[j] = x[r * d + j]! - bDec[j]!) ** 2;
    norm = Math.sqrt(norm) + 1e-8;
    for (let j = 0; j < d; j++) {
      wDec[i * d + j] = dir[j]! / norm;
      wEnc[j * m + i] = (0.2 * dir[j]!) / norm;
    }
    bEnc[i] = 0;
  }
  return {
    wEnc: np.array(wEnc).reshape([d, m]),
    bEnc: np.array(bEnc),
    wDec: np.array(wDec).reshape([m, d]),
    bDec: p.bDec,
  };
}
