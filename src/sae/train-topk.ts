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
import { lax, np } from "../engine/jax.js";
import { jit, valueAndGradWithAux } from "../engine/transforms.js";
import { disposeTree, refTree } from "../engine/tree.js";
import type { Progress } from "../progress/progress.js";
import { gaussian, mulberry32 } from "../random/seeded.js";
import {
  adamwUpdate,
  stepScalars,
  zerosLikeTree,
  type AdamWOptions,
  type StepScalars,
} from "../train/adamw.js";
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

/** The input scale s = √D / E‖x‖ and the mean row of the first minibatch [N·D]. */
function firstBatchStats(first: Float32Array, n: number, dIn: number) {
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
  return { scale: Math.sqrt(dIn) / (normSum / n), mean };
}

/** Σ‖x − x̄‖² of a scaled minibatch [N·D] (the normalised MSE's denominator). */
function totalVariance(scaled: Float32Array, n: number, dIn: number): number {
  let variance = 0;
  const mu = new Float64Array(dIn);
  for (let r = 0; r < n; r++) for (let j = 0; j < dIn; j++) mu[j]! += scaled[r * dIn + j]! / n;
  for (let r = 0; r < n; r++)
    for (let j = 0; j < dIn; j++) variance += (scaled[r * dIn + j]! - mu[j]!) ** 2;
  return variance;
}

/** The trees and clocks a training run carries from step to step. */
interface RunState {
  params: TopKParams;
  mom: TopKParams;
  vel: TopKParams;
  scale: number;
  start: number;
  lastFired: Int32Array;
  history: { step: number; loss: number }[];
  resampled: number;
}

/** A fresh run's state, or the checkpoint's when resuming (refusing another run's checkpoint). */
function initialState(
  dIn: number,
  o: TopKTrainOptions,
  first: { scale: number; mean: Float32Array },
  fingerprint: string,
): RunState {
  const scale = first.scale;
  const params = initParams(
    dIn,
    o.dSae,
    o.seed,
    first.mean.map((v) => v * scale),
  );
  const fresh: RunState = {
    params,
    mom: zerosLikeTree(params),
    vel: zerosLikeTree(params),
    scale,
    start: 0,
    lastFired: new Int32Array(o.dSae),
    history: [],
    resampled: 0,
  };
  const state = o.resume && o.checkpointDir ? readCheckpointState(o.checkpointDir) : null;
  if (!state || !o.checkpointDir) return fresh;
  if (state.fingerprint !== fingerprint) {
    throw new CheckpointError(
      `${o.checkpointDir}/state.json`,
      "belongs to a different SAE run (sizes, steps, batch, lr or seed differ)",
    );
  }
  const trees = loadCheckpointTrees(o.checkpointDir, state.file, params);
  disposeTree([fresh.params, fresh.mom, fresh.vel]);
  // The fields saveRun wrote (a matching fingerprint means this run wrote them).
  const saved = {
    history: state.history as RestoredState["history"],
    lastFired: state.lastFired as RestoredState["lastFired"],
    resampled: state.resampled as RestoredState["resampled"] | undefined,
  };
  return {
    params: trees.params,
    mom: trees.m,
    vel: trees.v,
    scale: state.activationScale as number,
    start: state.step,
    lastFired: Int32Array.from(saved.lastFired),
    history: [...saved.history],
    resampled: saved.resampled ?? 0,
  };
}

/**
 * The two compiled programs: the per-row k-th largest pre-activation, and the step (loss and
 * gradient at that threshold, AdamW, unit decoder rows).
 */
function programs(k: number) {
  const kth = jit((p: TopKParams, x: np.Array) => {
    const [vals] = lax.topK(preActs(p, x), k, -1);
    return vals.slice([], [k - 1, k]);
  });
  const vg = valueAndGradWithAux(lossOf);
  const step = jit(
    (
      p: TopKParams,
      mm: TopKParams,
      vv: TopKParams,
      x: np.Array,
      thr: np.Array,
      variance: np.Array,
      s: StepScalars,
    ) => {
      const [[loss, fired], g] = vg(refTree(p), x, thr, variance);
      const r = adamwUpdate(ADAM, p, g, mm, vv, s);
      r.gradNorm.dispose();
      const next = { ...r.params, wDec: unitRows(r.params.wDec) };
      return { params: next, m: r.m, v: r.v, loss, fired };
    },
  );
  return { kth, step };
}

/** Writes the run's trees and clocks as of `step` (nothing without a checkpoint folder). */
async function saveRun(o: TopKTrainOptions, st: RunState, fingerprint: string, step: number) {
  if (!o.checkpointDir) return;
  await saveCheckpoint(
    o.checkpointDir,
    { params: st.params, m: st.mom, v: st.vel },
    {
      step,
      fingerprint,
      activationScale: st.scale,
      history: st.history,
      lastFired: Array.from(st.lastFired),
      resampled: st.resampled,
    },
  );
}

/** One optimisation step at step index t on the minibatch x; updates `st`. Returns x scaled. */
async function trainStep(
  st: RunState,
  progs: ReturnType<typeof programs>,
  x: Float32Array,
  t: number,
  shape: { n: number; dIn: number },
  o: TopKTrainOptions,
): Promise<Float32Array> {
  const { n, dIn } = shape;
  const scaled = x.map((v) => v * st.scale);
  const variance = totalVariance(scaled, n, dIn);
  const xd = np.array(scaled).reshape([n, dIn]);
  const thr = progs.kth(refTree(st.params), xd.ref);
  const lr = learningRate(t, {
    peak: o.lr ?? 4e-4,
    warmupSteps: o.warmupSteps ?? 100,
    totalSteps: o.steps,
    minRatio: 0.1,
  });
  const { params, mom, vel } = st;
  const scalars = stepScalars(ADAM, t + 1, lr);
  const out = progs.step(params, mom, vel, xd, thr, np.array(variance), scalars);
  st.params = out.params;
  st.mom = out.m;
  st.vel = out.v;
  const [loss, fired] = [(await out.loss.data())[0]!, (await out.fired.data()) as Float32Array];
  if (!Number.isFinite(loss)) throw new Error(`SAE training diverged at step ${t}: loss ${loss}`);
  for (let i = 0; i < o.dSae; i++) if (fired[i]! > 0) st.lastFired[i] = t + 1;
  st.history.push({ step: t + 1, loss });
  o.progress?.update(t + 1, o.steps, `FVU ${loss.toFixed(3)}`);
  return scaled;
}

/** Resamples the latents dead for `deadWindow` steps, every `resampleEvery` steps until 80%. */
async function resampleDead(
  st: RunState,
  scaled: Float32Array,
  t: number,
  shape: { n: number; dIn: number },
  o: TopKTrainOptions,
): Promise<void> {
  const deadWindow = o.deadWindow ?? 500;
  const resampleEvery = o.resampleEvery ?? 250;
  const due =
    resampleEvery > 0 &&
    (t + 1) % resampleEvery === 0 &&
    t + 1 >= deadWindow &&
    t + 1 < o.steps * 0.8;
  if (!due) return;
  const dead = [...st.lastFired.keys()].filter((i) => t + 1 - st.lastFired[i]! >= deadWindow);
  if (dead.length === 0) return;
  st.params = await resample(st.params, dead, scaled, shape.n, shape.dIn, o.dSae, o.seed + t);
  for (const i of dead) st.lastFired[i] = t + 1;
  st.resampled += dead.length;
}

/** The trained SAE on the host, with its run's summary. Consumes `st.params`. */
async function finalResult(
  st: RunState,
  dIn: number,
  steps: number,
  o: TopKTrainOptions,
): Promise<TopKTrainResult> {
  const host = async (a: np.Array) => Float32Array.from((await a.data()) as Float32Array);
  const weights = {
    wEnc: await host(st.params.wEnc),
    bEnc: await host(st.params.bEnc),
    wDec: await host(st.params.wDec),
    bDec: await host(st.params.bDec),
  };
  const deadWindow = o.deadWindow ?? 500;
  const lastFired = st.lastFired;
  const dead = [...lastFired.keys()].filter((i) => steps - lastFired[i]! >= deadWindow).length;
  return {
    weights,
    dIn,
    dSae: o.dSae,
    k: o.k,
    activationScale: st.scale,
    steps,
    history: st.history,
    deadFraction: dead / o.dSae,
    resampled: st.resampled,
  };
}

export async function trainTopK(
  buffer: ActivationBuffer,
  dIn: number,
  o: TopKTrainOptions,
): Promise<TopKTrainResult> {
  const n = o.batch ?? 1024;
  const first = await buffer.take(n);
  const fingerprint = JSON.stringify({
    dIn,
    m: o.dSae,
    k: o.k,
    steps: o.steps,
    n,
    lr: o.lr,
    seed: o.seed,
  });
  const st = initialState(dIn, o, firstBatchStats(first, n, dIn), fingerprint);
  const progs = programs(o.k);
  const shape = { n, dIn };
  let x = first;
  let t: number;
  try {
    for (t = st.start; t < o.steps; t++) {
      if (o.signal?.aborted) {
        await saveRun(o, st, fingerprint, t);
        throw new Error(`SAE training interrupted at step ${t}; run again with --resume`);
      }
      const scaled = await trainStep(st, progs, x, t, shape, o);
      await resampleDead(st, scaled, t, shape, o);
      if (o.checkpointDir && (t + 1) % (o.checkpointEvery ?? 200) === 0 && t + 1 < o.steps) {
        await saveRun(o, st, fingerprint, t + 1);
      }
      x = await buffer.take(n);
    }
  } finally {
    progs.step.dispose();
    progs.kth.dispose();
    disposeTree([st.mom, st.vel]);
  }
  o.progress?.finish();
  return finalResult(st, dIn, t, o);
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
