/**
 * Teacher-forced response cross-entropy and its gradient with respect to a steering vector,
 * through every layer after the steered one. Layers up to ℓ do not depend on the vector: they run
 * once, without gradient, and their output is reused.
 *
 * Loss = mean over all response tokens of −log p(token_t | tokens_<t) (token mean over the batch);
 * per-example losses are the mean over each example's response tokens.
 *
 * Shape legend: B batch, T tokens, D d_model, V vocab, N response tokens in the batch.
 */
import { currentDevice } from "../engine/device.js";
import { throwIfGpuFault } from "../engine/gpu-faults.js";
import { nn, np, tree } from "../engine/jax.js";
import { valueAndGradWithAux } from "../engine/transforms.js";
import { dims } from "../engine/shapes.js";
import { cachedProgram } from "./programs.js";
import { layerwiseGradient, type HeadLoss } from "./layerwise-grad.js";
import { forward, unembed, type ForwardInputs } from "./forward.js";
import { batchInputs, type HostBatch } from "./inputs.js";
import type { Model } from "./model.js";
import type { ModelParams } from "./params.js";
import {
  differentiateParams,
  joinAtLayer,
  splitAfterLayer,
  type EarlierParams,
  type LaterParams,
} from "./grad-params.js";
import {
  addSteering,
  checkSteering,
  SteeringError,
  steeringArrays,
  type Steering,
} from "./steering.js";
import type { ModelConfig } from "./config.js";
import {
  chunkRanges,
  defaultActivationBudget,
  responseCount,
  rowsPerChunk,
  sliceBatch,
  sliceRows,
} from "./steering-chunks.js";

export interface TeacherForcedBatch {
  batch: HostBatch;
  /** [B*T] 1 at the positions of response tokens (the tokens to predict). */
  responseMask: Uint8Array;
}

/** Host-built selection of the positions predicting response tokens. */
export interface ResponseSelection {
  /** [N, B*T] one-hot rows picking the position before each response token. */
  select: np.Array;
  /** int32 [N] the response tokens. */
  targets: np.Array;
  /** [B, N] per-example averaging weights (1/count on that example's tokens). */
  perExample: np.Array;
  count: number;
}

export class LossInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LossInputError";
  }
}

/**
 * The positions [start, end) that predict a response token in some row: the only queries the last
 * layer needs for the response loss (ForwardOptions.queryWindow).
 */
export function predictorWindow(tf: TeacherForcedBatch): [number, number] {
  const { batch: b, seqLen: t } = tf.batch;
  let lo = t;
  let hi = 0;
  for (let i = 0; i < b; i++) {
    for (let j = 1; j < t; j++) {
      if (!tf.responseMask[i * t + j]) continue;
      lo = Math.min(lo, j - 1);
      hi = Math.max(hi, j);
    }
  }
  return lo < hi ? [lo, hi] : [0, t];
}

/**
 * The selection of the positions predicting response tokens; with `window` [start, end) its rows
 * index a [B, end − start] residual (the positions of that window only).
 */
export function responseSelection(
  tf: TeacherForcedBatch,
  window?: readonly [number, number],
): ResponseSelection {
  const { batch: b, seqLen: t, ids, mask } = tf.batch;
  if (tf.responseMask.length !== b * t) {
    throw new LossInputError(
      `response mask has ${tf.responseMask.length} values; expected ${b * t}`,
    );
  }
  const rows: number[] = [];
  const targets: number[] = [];
  const owner: number[] = [];
  const counts = new Array<number>(b).fill(0);
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < t; j++) {
      if (!tf.responseMask[i * t + j]) continue;
      if (j === 0 || !mask[i * t + j - 1]) {
        throw new LossInputError(
          `example ${i}: response token at position ${j} has no preceding prompt token`,
        );
      }
      rows.push(i * t + j - 1);
      targets.push(ids[i * t + j]!);
      owner.push(i);
      counts[i]!++;
    }
  }
  const n = rows.length;
  if (n === 0) throw new LossInputError("the batch has no response tokens");
  counts.forEach((c, i) => {
    if (c === 0) throw new LossInputError(`example ${i} has no response tokens`);
  });
  // Row r = i·T + p of the full residual is row i·W + (p − start) of the window's.
  const [w0, w1] = window ?? [0, t];
  const w = w1 - w0;
  const sel = new Float32Array(n * b * w);
  rows.forEach((r, k) => {
    const i = Math.floor(r / t);
    const p = r - i * t;
    if (p < w0 || p >= w1) throw new LossInputError(`position ${p} is outside the window`);
    sel[k * b * w + i * w + p - w0] = 1;
  });
  const per = new Float32Array(b * n);
  owner.forEach((o, k) => (per[o * n + k] = 1 / counts[o]!));
  return {
    select: np.array(sel).reshape([n, b * w]),
    targets: np.array(Int32Array.from(targets), { dtype: np.int32 }),
    perExample: np.array(per).reshape([b, n]),
    count: n,
  };
}

/**
 * Negative log-likelihood of each selected response token, from the final residual stream
 * [B,T,D] (after the final norm). Returns [N]. Consumes everything but params.
 */
export function responseNll(
  cfg: ModelConfig,
  params: ModelParams,
  finalResid: np.Array,
  select: np.Array,
  targets: np.Array,
): np.Array {
  const [b, t, d] = dims(finalResid, 3, "final residual");
  const picked = np.matmul(select, finalResid.reshape([b * t, d]));
  const logp = nn.logSoftmax(unembed(cfg, params, picked), -1);
  // One-hot by comparison, [N, V]: jax-js's nn.oneHot slices an eye(V) — V² floats, 66 GB at
  // Llama 3's vocabulary (found by bench/gpu.ts).
  const vocab = np
    .arange(cfg.vocabSize, undefined, undefined, { dtype: np.int32 })
    .reshape([1, cfg.vocabSize]);
  const oneHot = targets.reshape([-1, 1]).equal(vocab).astype(np.float32);
  return logp.mul(oneHot).sum(-1).neg();
}

export type GradArgs = {
  vector: np.Array;
  resid: np.Array;
  mask: np.Array;
  inputs: ForwardInputs;
  sel: { select: np.Array; targets: np.Array; perExample: np.Array };
};

/**
 * The response loss (token mean) and per-example losses with `vector · mask` added to the
 * resid_post of `layer`, running only the later layers. Consumes everything but params.
 */
export function steeredResponseLoss(
  cfg: ModelConfig,
  layer: number,
  vector: np.Array,
  params: ModelParams,
  a: Omit<GradArgs, "vector">,
  /** The last layer's query window (predictorWindow); `a.sel` must index it. */
  window?: readonly [number, number],
): [np.Array, np.Array] {
  const steered = addSteering(a.resid, vector, a.mask);
  return responseLossFrom(cfg, window)(params, layer + 1, steered, a.inputs, a.sel);
}

/**
 * The response loss (token mean) and per-example losses from the residual entering layer `start`
 * (the final norm when `start` is the number of layers). Consumes h, inputs and sel.
 */
function responseLossFrom(
  cfg: ModelConfig,
  /** The last layer's query window (predictorWindow); `sel` must index it. */
  window: readonly [number, number] | undefined,
): HeadLoss<GradArgs["sel"]> {
  return (params, start, h, inputs, sel) => {
    const r = forward(cfg, params, inputs, {
      startLayer: start,
      startResid: h,
      returnFinalResid: true,
      // Under a gradient the head-major attention (the default) ran 10-13% faster than token-major.
      ...(window ? { queryWindow: window } : {}),
    });
    const nll = responseNll(cfg, params, r.resid!, sel.select, sel.targets);
    const perExample = np.matmul(sel.perExample, nll.ref);
    return [nll.mean(), perExample];
  };
}

/** The query window's part of a program's cache key. */
const windowKey = (window: readonly [number, number] | undefined) =>
  window ? `/q${window[0]}-${window[1]}` : "";

function gradProgram(
  model: Model,
  layer: number,
  window: readonly [number, number] | undefined,
  withParams: boolean,
) {
  const cfg = model.config;
  const lossOf = (
    vector: np.Array,
    later: LaterParams,
    earlier: EarlierParams,
    a: Omit<GradArgs, "vector">,
  ) => steeredResponseLoss(cfg, layer, vector, joinAtLayer(later, earlier), a, window);
  const key = `steer-grad/${layer}${windowKey(window)}${withParams ? "/p" : ""}`;
  if (withParams) {
    // Differentiating with respect to the later parameters too (and dropping those gradients)
    // keeps jax-js's wasm backend from fusing elementwise backward work into the matmul loops:
    // with respect to the vector alone the step ran 5.6x slower (src/engine/NOTES.md).
    const vg = valueAndGradWithAux(lossOf, { argnums: [0, 1] });
    return cachedProgram(model, key, (later: LaterParams, earlier: EarlierParams, a: GradArgs) => {
      const { vector, ...rest } = a;
      const [value, [grad, paramGrads]] = vg(vector, later, earlier, rest);
      return { value, grad, paramGrads };
    });
  }
  const vg = valueAndGradWithAux(lossOf, { argnums: 0 });
  return cachedProgram(model, key, (later: LaterParams, earlier: EarlierParams, a: GradArgs) => {
    const { vector, ...rest } = a;
    const [value, grad] = vg(vector, later, earlier, rest);
    return { value, grad };
  });
}

/** resid_post of `layer` (no steering), compiled. */
export function residAfter(model: Model, layer: number, inputs: ForwardInputs): np.Array {
  const cfg = model.config;
  const fn = cachedProgram(
    model,
    `resid-after/${layer}`,
    // No gradient flows here: token-major attention ran these 1.5-1.7x faster (forward.ts).
    (p: ModelParams, i: ForwardInputs) =>
      forward(cfg, p, i, { stopAfterLayer: layer, attention: "token-major" }).resid!,
  );
  return fn(tree.ref(model.params), inputs);
}

export interface SteeringLossResult {
  loss: number;
  perExample: number[];
  /** d loss / d vector: [D] (shared vector) or [B*D] (one per example). Unscaled vector units. */
  grad: Float32Array;
}

/** A steering site on a teacher-forced batch, prepared for many vectors (see prepareSteering). */
export interface PreparedSteering {
  /** The loss and its gradient with `vector` ([D], or [B*D] as the shape prepared) steering. */
  lossAndGrad(vector: Float32Array): Promise<SteeringLossResult>;
  /** Frees the device arrays held (idempotent). */
  dispose(): void;
}

/**
 * Prepares steering at `steering.layer` on `tf` for many vectors: the resid_post of that layer
 * (which no vector changes), the later layers' device inputs, the scaled position mask and the
 * response selection are computed once and held on the device; each `lossAndGrad(vector)` then
 * uploads the vector and runs only the gradient program. The results equal steeringLossAndGrad's
 * (it runs through this). `steering.vector` gives the vectors' shape ([D] or [B*D]) only. A batch
 * whose activations would exceed `opts.activationBudget` runs in chunks of rows, combined into the
 * same loss and gradient (steering-chunks.ts).
 */
export function prepareSteering(
  model: Model,
  tf: TeacherForcedBatch,
  steering: Steering,
  opts: PrepareOptions = {},
): PreparedSteering {
  const { batch: b, seqLen: t } = tf.batch;
  checkSteering(model.config, steering, b, t);
  const budget = opts.activationBudget ?? defaultActivationBudget(currentDevice());
  const rows = rowsPerChunk(model.config, steering.layer, b, t, budget);
  return rows >= b
    ? prepareWhole(model, tf, steering, opts)
    : prepareChunks(model, tf, steering, opts, rows);
}

export interface PrepareOptions {
  /** false: the last layer queries every position (for comparison; same results). */
  queryWindow?: boolean;
  /**
   * Bytes of activations one gradient pass may keep (steering-chunks.ts); a larger batch runs in
   * chunks of rows. Default: 8 GiB on WebGPU, 1 GiB on wasm.
   */
  activationBudget?: number;
  /**
   * Differentiate one layer per program (layerwise-grad.ts): the same result in far less device
   * memory, for about one forward more. Default: on WebGPU, not on wasm.
   */
  layerwise?: boolean;
  /**
   * Also differentiate the later layers' parameters and drop those gradients (grad-params.ts):
   * the same result, a faster program on wasm. Default: on wasm, not on WebGPU.
   */
  paramGradients?: boolean;
}

/** One chunk of rows, prepared, and its share of the batch's response tokens. */
interface Chunk {
  start: number;
  end: number;
  count: number;
  site: PreparedSteering;
}

function prepareChunks(
  model: Model,
  tf: TeacherForcedBatch,
  steering: Steering,
  opts: PrepareOptions,
  rows: number,
): PreparedSteering {
  const d = model.config.dModel;
  const t = tf.batch.seqLen;
  const perRow = steering.vector.length !== d;
  const chunks: Chunk[] = [];
  try {
    for (const [start, end] of chunkRanges(tf.batch.batch, rows)) {
      const sub = {
        batch: sliceBatch(tf.batch, start, end),
        responseMask: sliceRows(tf.responseMask, t, start, end),
      };
      const s: Steering = {
        ...steering,
        vector: perRow ? sliceRows(steering.vector, d, start, end) : steering.vector,
        ...(steering.positionMask
          ? { positionMask: sliceRows(steering.positionMask, t, start, end) }
          : {}),
      };
      const count = responseCount(sub.responseMask);
      chunks.push({ start, end, count, site: prepareWhole(model, sub, s, opts) });
    }
  } catch (err) {
    chunks.forEach((c) => c.site.dispose());
    throw err;
  }
  return chunkedSite(chunks, d, perRow, steering.vector.length);
}

/** The chunks' losses and gradients combined as the whole batch's (weights: response tokens). */
function chunkedSite(chunks: Chunk[], d: number, perRow: boolean, length: number) {
  const total = chunks.reduce((n, c) => n + c.count, 0);
  return {
    async lossAndGrad(vector: Float32Array): Promise<SteeringLossResult> {
      if (vector.length !== length) {
        throw new SteeringError(
          `steering vector has ${vector.length} values; this site was prepared for ${length}`,
        );
      }
      let loss = 0;
      const perExample: number[] = [];
      const grad = new Float32Array(length);
      for (const c of chunks) {
        const v = perRow ? vector.subarray(c.start * d, c.end * d) : vector;
        const r = await c.site.lossAndGrad(Float32Array.from(v));
        const w = c.count / total;
        loss += w * r.loss;
        perExample.push(...r.perExample);
        if (perRow) r.grad.forEach((g, k) => (grad[c.start * d + k] = w * g));
        else r.grad.forEach((g, k) => (grad[k]! += w * g));
      }
      return { loss, perExample, grad };
    },
    dispose() {
      chunks.forEach((c) => c.site.dispose());
    },
  };
}

/** prepareSteering for a batch that fits one pass. */
function prepareWhole(
  model: Model,
  tf: TeacherForcedBatch,
  steering: Steering,
  opts: PrepareOptions,
): PreparedSteering {
  const cfg = model.config;
  const { batch: b, seqLen: t } = tf.batch;
  // Validate everything before any device array exists, so bad input leaks nothing.
  checkSteering(cfg, steering, b, t);
  // The last layer queries only the positions that predict response tokens (when it is not the
  // steered layer itself and they are not every position).
  const pw = predictorWindow(tf);
  const useWindow = (opts.queryWindow ?? true) && steering.layer < cfg.nLayers - 1;
  const window = useWindow && pw[1] - pw[0] < t ? pw : undefined;
  const sel = responseSelection(tf, window);
  const rows = steering.vector.length === cfg.dModel ? 1 : b;
  const scale = steering.scale ?? 1;
  const s = steeringArrays(cfg, { ...steering, scale: 1 }, b, t, tf.batch.mask);
  s.vector.dispose();
  const inputs = batchInputs(cfg, model.invFreq, tf.batch);
  const resid = residAfter(model, steering.layer, tree.ref(inputs));
  inputs.ids?.dispose();
  delete inputs.ids;
  const mask = scale === 1 ? s.mask : s.mask.mul(scale);
  const held = {
    resid,
    mask,
    inputs,
    sel: { select: sel.select, targets: sel.targets, perExample: sel.perExample },
  };
  const withParams = opts.paramGradients ?? differentiateParams(currentDevice());
  const fn =
    (opts.layerwise ?? currentDevice() === "webgpu")
      ? layerwiseGradient(model, steering.layer, windowKey(window), responseLossFrom(cfg, window))
      : gradProgram(model, steering.layer, window, withParams);
  let disposed = false;
  return {
    async lossAndGrad(vector: Float32Array): Promise<SteeringLossResult> {
      if (disposed) throw new Error("prepareSteering: used after dispose()");
      checkSteering(cfg, { ...steering, vector }, b, t);
      if ((vector.length === cfg.dModel ? 1 : b) !== rows) {
        throw new SteeringError(
          `steering vector has ${vector.length} values; this site was prepared for ${rows * cfg.dModel}`,
        );
      }
      const v = np.array(vector).reshape([rows, 1, cfg.dModel]);
      const { later, earlier } = splitAfterLayer(tree.ref(model.params), steering.layer);
      const out = await fn(later, earlier, { vector: v, ...tree.ref(held) });
      if ("paramGrads" in out) tree.dispose(out.paramGrads);
      const [[loss, perExample], grad] = [out.value, out.grad];
      const lossValue = (await loss.data())[0]!;
      const per = Array.from(await perExample.data(), Number);
      const g = (await grad.data()) as Float32Array;
      throwIfGpuFault("reading back a steering gradient");
      // d/dv f(scale·v) = scale · f'(scale·v): the mask carried the scale, so g is per unit v.
      return { loss: lossValue, perExample: per, grad: Float32Array.from(g) };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tree.dispose(held);
    },
  };
}

/**
 * Response cross-entropy with the steering applied, and its gradient with respect to the vector.
 * The gradient is taken with respect to the vector as given (before `scale`). For many vectors on
 * one batch, prepareSteering computes the unsteered layers once.
 */
export async function steeringLossAndGrad(
  model: Model,
  tf: TeacherForcedBatch,
  steering: Steering,
): Promise<SteeringLossResult> {
  const prepared = prepareSteering(model, tf, steering);
  try {
    return await prepared.lossAndGrad(steering.vector);
  } finally {
    prepared.dispose();
  }
}
