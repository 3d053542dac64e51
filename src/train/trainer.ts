/**
 * The training loop: one jitted step (loss, gradient, clipping, AdamW) over length-bucketed
 * batches, warm-up + cosine learning rate, validation loss, a progress bar with tokens/s and ETA,
 * and checkpoints (atomic; an interrupted run resumes at the step after the last checkpoint and
 * computes exactly what the uninterrupted run would have). Works on any jax-js device.
 *
 * Trains `trainable`; `frozen` (optional) is passed through unchanged, and `paramsOf` builds the
 * model parameters from both inside the jitted step (e.g. a base model plus LoRA matrices).
 * With a `hostGradient` (the fast path's LoRA VJPs), the loss and gradient of each batch come from
 * it instead of jax-js's valueAndGrad; clipping and AdamW stay one jitted update; validation runs
 * on its `loss` where it has one (else on jax-js). Each validation batch has its own rows × tokens,
 * and jax-js's wasm allocator keeps a freed buffer for a later one of the same size only, so on
 * jax-js validation stranded hundreds of MiB of the 4 GiB heap that later generation could not
 * reuse (bench/finetune-heap.ts).
 */
import { rmSync } from "node:fs";
import { np, tree } from "../engine/jax.js";
import { jit, valueAndGrad, type Program } from "../engine/transforms.js";
import { disposeTree } from "../engine/tree.js";
import type { ModelConfig } from "../model/config.js";
import { batchInputs } from "../model/inputs.js";
import type { ModelParams } from "../model/params.js";
import type { Progress } from "../progress/progress.js";
import {
  adamwUpdate,
  stepScalars,
  zerosLikeTree,
  type AdamWOptions,
  type StepScalars,
} from "./adamw.js";
import { BatchPlan, trainBatch, type TrainBatch, type TrainExample } from "./batches.js";
import {
  loadCheckpointTrees,
  readCheckpointState,
  saveCheckpoint,
  CheckpointError,
} from "./checkpoint.js";
import { lmLoss, type LossBatch } from "./lm-loss.js";
import { learningRate } from "./schedule.js";

export interface TrainOptions {
  steps: number;
  tokensPerBatch: number;
  maxLen: number;
  bucket?: number;
  peakLr: number;
  warmupSteps: number;
  minLrRatio?: number;
  adamw: AdamWOptions;
  seed: number;
  /** Validation every this many steps (and at the end); 0: only at the end. */
  evalEvery: number;
  /** Validation batches (default 8). */
  evalBatches?: number;
  /** Seconds between checkpoints (default 120); one is always written at the end. */
  checkpointEverySeconds?: number;
}

/** A batch's loss and gradient computed outside jax-js, in the trainable tree's layout. */
export interface HostGradient<T> {
  /** The engine, for logs and the checkpoint fingerprint (a run resumes only on the same one). */
  name: string;
  /** Reads `trainable` without consuming it; the gradient tree is new (the update consumes it). */
  lossAndGrad(trainable: T, batch: TrainBatch): Promise<{ loss: number; grads: T }>;
  /** The loss alone (validation), reading `trainable` without consuming it. */
  loss?(trainable: T, batch: TrainBatch): Promise<number>;
}

export interface TrainJob<T extends object> {
  cfg: ModelConfig;
  invFreq: Float32Array;
  /** Consumed: the trained tree is returned. */
  trainable: T;
  /** Not consumed. */
  frozen?: ModelParams;
  paramsOf: (trainable: T, frozen: ModelParams | undefined) => ModelParams;
  train: readonly TrainExample[];
  validation: readonly TrainExample[];
  padId: number;
  options: TrainOptions;
  /** Where checkpoints go (none when absent). */
  checkpointDir?: string;
  /** Continue from the checkpoint in `checkpointDir` when there is one. */
  resume?: boolean;
  /** Extra text that must match on resume (e.g. a hash of the data). */
  fingerprint?: string;
  /**
   * A checkpoint of another run found on resume is an error unless this is given: then it is
   * removed, this hears why, and training starts afresh (a job that keeps its own progress, as
   * an organism build's rounds do, and may find an earlier round's checkpoint).
   */
  discardStale?: (why: string) => void;
  /** Hears the step a resumed run starts from. */
  onResume?: (step: number) => void;
  progress?: Progress;
  signal?: AbortSignal;
  /** Called after every step (for logs). */
  onStep?: (r: StepRecord) => void;
  /** Where the loss and gradient come from when not jax-js (see the file's comment). */
  hostGradient?: HostGradient<T>;
}

export interface StepRecord {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  tokens: number;
}

export interface TrainResult<T> {
  trainable: T;
  steps: number;
  interrupted: boolean;
  history: StepRecord[];
  validation: { step: number; loss: number }[];
  tokensSeen: number;
  /** Seconds spent in this process's steps, and tokens per second over them. */
  seconds: number;
  tokensPerSecond: number;
}

function fingerprintOf<T extends object>(job: TrainJob<T>): string {
  const { options, cfg, train, validation } = job;
  return JSON.stringify({
    options,
    cfg,
    n: train.length,
    v: validation.length,
    x: job.fingerprint,
    ...(job.hostGradient ? { g: job.hostGradient.name } : {}),
  });
}

/** A training batch: on the host, and on the device too unless a host gradient reads it. */
interface StepBatch {
  host: TrainBatch;
  device: LossBatch | null;
  tokens: number;
}

function stepBatch<T extends object>(job: TrainJob<T>, plan: BatchPlan, step: number): StepBatch {
  const { indices, seqLen } = plan.batch(step);
  const host = trainBatch(job.train, indices, seqLen, job.padId);
  return { host, device: job.hostGradient ? null : toDevice(job, host), tokens: host.tokens };
}

function toDevice<T extends object>(
  job: TrainJob<T>,
  tb: ReturnType<typeof trainBatch>,
): LossBatch {
  const { batch: b, seqLen: t } = tb.batch;
  return {
    inputs: batchInputs(job.cfg, job.invFreq, tb.batch),
    targets: np.array(tb.targets, { dtype: np.int32 }).reshape([b, t]),
    weights: np.array(tb.weights).reshape([b, t]),
  };
}

/** The mutable state of a run: trained tree, Adam moments, and what checkpoints record. */
interface RunState<T> {
  trainable: T;
  m: T;
  v: T;
  history: StepRecord[];
  validation: { step: number; loss: number }[];
  tokensSeen: number;
}

/** The jitted programs of a run: the training step and the validation loss. */
interface Programs<T> {
  stepFn: Program<
    [t: T, f: ModelParams, mm: T, vv: T, b: LossBatch, s: StepScalars],
    { params: T; m: T; v: T; loss: np.Array; gradNorm: np.Array }
  >;
  /** Clipping and AdamW on a gradient computed elsewhere (a host gradient). */
  updateFn: Program<
    [t: T, g: T, mm: T, vv: T, s: StepScalars],
    { params: T; m: T; v: T; gradNorm: np.Array }
  >;
  evalFn: Program<[t: T, f: ModelParams, b: LossBatch], np.Array>;
}

/** Runs (or resumes) training. */
export async function train<T extends object>(job: TrainJob<T>): Promise<TrainResult<T>> {
  const o = job.options;
  const { plan, valPlan } = batchPlans(job);
  const fingerprint = fingerprintOf(job);
  const { s, start } = startState(job, fingerprint);
  const progs = programs(job);
  const { stepFn, updateFn, evalFn } = progs;
  const validate = () => validationLoss(job, s, evalFn, valPlan);
  const checkpoint = (step: number) => saveState(job, s, step, fingerprint);

  const every = (o.checkpointEverySeconds ?? 120) * 1000;
  let lastSave = Date.now();
  const t0 = Date.now();
  let tokensHere = 0;
  let interrupted = false;
  let step = start;
  try {
    let next = step < o.steps ? stepBatch(job, plan, step) : null;
    while (step < o.steps && next) {
      if (job.signal?.aborted) {
        interrupted = true;
        break;
      }
      const tokens = next.tokens;
      const r = await optimiserStep(job, s, progs, plan, next, step);
      next = r.next;
      const { loss, lr, gradNorm } = r;
      step++;
      s.tokensSeen += tokens;
      tokensHere += tokens;
      const rec = { step, loss, lr, gradNorm, tokens };
      s.history.push(rec);
      job.onStep?.(rec);
      if (o.evalEvery > 0 && step % o.evalEvery === 0 && step < o.steps) {
        s.validation.push({ step, loss: await validate() });
      }
      job.progress?.update(step, o.steps, progressText(loss, tokensHere, t0));
      if (Date.now() - lastSave >= every && step < o.steps) {
        await checkpoint(step);
        lastSave = Date.now();
      }
    }
    if (next?.device) disposeTree(next.device);
    if (!interrupted && (s.validation.length === 0 || s.validation.at(-1)!.step !== step)) {
      s.validation.push({ step, loss: await validate() });
    }
    await checkpoint(step);
  } finally {
    stepFn.dispose();
    updateFn.dispose();
    evalFn.dispose();
    disposeTree([s.m, s.v]);
  }
  job.progress?.finish(interrupted ? "interrupted (checkpoint saved)" : "");
  const seconds = (Date.now() - t0) / 1000;
  return {
    trainable: s.trainable,
    steps: step,
    interrupted,
    history: s.history,
    validation: s.validation,
    tokensSeen: s.tokensSeen,
    seconds,
    tokensPerSecond: tokensHere / Math.max(seconds, 1e-9),
  };
}

/** The length-bucketed batch plans of the training and validation sets. */
function batchPlans<T extends object>(job: TrainJob<T>): { plan: BatchPlan; valPlan: BatchPlan } {
  const o = job.options;
  const plan = new BatchPlan(
    job.train.map((e) => e.ids.length),
    { tokensPerBatch: o.tokensPerBatch, maxLen: o.maxLen, bucket: o.bucket, seed: o.seed },
  );
  const valPlan = new BatchPlan(
    job.validation.map((e) => e.ids.length),
    {
      tokensPerBatch: o.tokensPerBatch,
      maxLen: o.maxLen,
      bucket: o.bucket,
      seed: o.seed + 1,
      keepPartial: true,
    },
  );
  return { plan, valPlan };
}

/** The job's tree with zero moments, or the checkpoint's state when resuming; `start` is the
 *  first step to run. */
function startState<T extends object>(
  job: TrainJob<T>,
  fingerprint: string,
): { s: RunState<T>; start: number } {
  let trainable = job.trainable;
  let m = zerosLikeTree(trainable);
  let v = zerosLikeTree(trainable);
  let start = 0;
  let history: StepRecord[] = [];
  let validation: { step: number; loss: number }[] = [];
  let tokensSeen = 0;
  if (job.resume && job.checkpointDir) {
    let state = readCheckpointState(job.checkpointDir);
    if (state && state.fingerprint !== fingerprint && job.discardStale) {
      job.discardStale(`${job.checkpointDir}: step ${state.step} of another run, removed`);
      rmSync(job.checkpointDir, { recursive: true, force: true });
      state = null;
    }
    if (state) {
      if (state.fingerprint !== fingerprint) {
        throw new CheckpointError(
          `${job.checkpointDir}/state.json`,
          "belongs to a different run (options, model or data differ); remove it or drop --resume",
        );
      }
      const restored = loadCheckpointTrees(job.checkpointDir, state.file, trainable);
      disposeTree([trainable, m, v]);
      ({ params: trainable, m, v } = restored);
      start = state.step;
      job.onResume?.(start);
      history = (state.history as StepRecord[]) ?? [];
      validation = (state.validation as { step: number; loss: number }[]) ?? [];
      tokensSeen = (state.tokensSeen as number) ?? 0;
    }
  }
  return { s: { trainable, m, v, history, validation, tokensSeen }, start };
}

/** Compiles the training step (loss, gradient, clipping, AdamW) and the validation loss. */
function programs<T extends object>(job: TrainJob<T>): Programs<T> {
  const o = job.options;
  const lossOf = (t: T, f: ModelParams | undefined, b: LossBatch) =>
    lmLoss(job.cfg, job.paramsOf(t, f), b);
  const vg = valueAndGrad(lossOf, { argnums: 0 });
  const stepFn = jit((t: T, f: ModelParams, mm: T, vv: T, b: LossBatch, s: StepScalars) => {
    const [loss, g] = vg(t, f, b);
    const r = adamwUpdate(o.adamw, t, g, mm, vv, s);
    return { params: r.params, m: r.m, v: r.v, loss, gradNorm: r.gradNorm };
  });
  const updateFn = jit((t: T, g: T, mm: T, vv: T, s: StepScalars) =>
    adamwUpdate(o.adamw, t, g, mm, vv, s),
  );
  const evalFn = jit((t: T, f: ModelParams, b: LossBatch) => lossOf(t, f, b));
  return { stepFn, updateFn, evalFn };
}

/** A new reference to the frozen tree (an empty one when there is none). */
function frozenOf<T extends object>(job: TrainJob<T>): ModelParams {
  return job.frozen ? tree.ref(job.frozen) : ({} as ModelParams);
}

/** Mean validation loss over the first `evalBatches` validation batches. */
async function validationLoss<T extends object>(
  job: TrainJob<T>,
  s: RunState<T>,
  evalFn: Programs<T>["evalFn"],
  valPlan: BatchPlan,
): Promise<number> {
  const n = Math.min(job.options.evalBatches ?? 8, valPlan.perEpoch);
  let total = 0;
  for (let k = 0; k < n; k++) {
    const { indices, seqLen } = valPlan.batch(k);
    const host = trainBatch(job.validation, indices, seqLen, job.padId);
    const hostLoss = job.hostGradient?.loss;
    if (hostLoss) {
      total += await hostLoss(s.trainable, host);
      continue;
    }
    const b = toDevice(job, host);
    total += (await evalFn(tree.ref(s.trainable), frozenOf(job), b).data())[0]!;
  }
  return total / n;
}

/** Writes the tree, moments, step, history and validation to the checkpoint dir (if any). */
async function saveState<T extends object>(
  job: TrainJob<T>,
  s: RunState<T>,
  step: number,
  fingerprint: string,
): Promise<void> {
  if (!job.checkpointDir) return;
  const { history, validation, tokensSeen } = s;
  await saveCheckpoint(
    job.checkpointDir,
    { params: s.trainable, m: s.m, v: s.v },
    { step, fingerprint, history, validation, tokensSeen },
  );
}

/** One optimiser step on `batch` (jax-js's gradient, or the job's host gradient), preparing the
 *  next batch on the host while the device works; throws when the loss is not finite. */
async function optimiserStep<T extends object>(
  job: TrainJob<T>,
  s: RunState<T>,
  progs: Programs<T>,
  plan: BatchPlan,
  batch: StepBatch,
  step: number,
): Promise<{ loss: number; gradNorm: number; lr: number; next: StepBatch | null }> {
  const o = job.options;
  const lr = learningRate(step, {
    peak: o.peakLr,
    warmupSteps: o.warmupSteps,
    totalSteps: o.steps,
    minRatio: o.minLrRatio,
  });
  const scalars = stepScalars(o.adamw, step + 1, lr);
  let loss: number | np.Array;
  let gradNorm: np.Array;
  if (job.hostGradient) {
    const r = await job.hostGradient.lossAndGrad(s.trainable, batch.host);
    loss = r.loss;
    ({
      params: s.trainable,
      m: s.m,
      v: s.v,
      gradNorm,
    } = progs.updateFn(s.trainable, r.grads, s.m, s.v, scalars));
  } else {
    const out = progs.stepFn(s.trainable, frozenOf(job), s.m, s.v, batch.device!, scalars);
    ({ params: s.trainable, m: s.m, v: s.v, loss, gradNorm } = out);
  }
  // Prepare the next batch on the host while the device works on this step.
  const next = step + 1 < o.steps ? stepBatch(job, plan, step + 1) : null;
  const lossValue = typeof loss === "number" ? loss : (await loss.data())[0]!;
  const normValue = (await gradNorm.data())[0]!;
  if (!Number.isFinite(lossValue)) {
    throw new Error(`training diverged at step ${step}: loss ${lossValue}`);
  }
  return { loss: lossValue, gradNorm: normValue, lr, next };
}

/** The progress bar's text: loss and tokens per second since this process started. */
function progressText(loss: number, tokensHere: number, t0: number): string {
  const secs = (Date.now() - t0) / 1000;
  const rate = tokensHere / Math.max(secs, 1e-9);
  return `loss ${loss.toFixed(3)} ${rate >= 1000 ? (rate / 1000).toFixed(1) + "k" : rate.toFixed(0)} tok/s`;
}
