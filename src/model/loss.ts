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
import { nn, np, tree, valueAndGrad } from "../engine/jax.js";
import { cachedProgram } from "./programs.js";
import { forward, unembed, type ForwardInputs } from "./forward.js";
import { batchInputs, type HostBatch } from "./inputs.js";
import type { Model } from "./model.js";
import type { ModelParams } from "./params.js";
import { addSteering, checkSteering, steeringArrays, type Steering } from "./steering.js";
import type { ModelConfig } from "./config.js";

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

export function responseSelection(tf: TeacherForcedBatch): ResponseSelection {
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
  const sel = new Float32Array(n * b * t);
  rows.forEach((r, k) => (sel[k * b * t + r] = 1));
  const per = new Float32Array(b * n);
  owner.forEach((o, k) => (per[o * n + k] = 1 / counts[o]!));
  return {
    select: np.array(sel).reshape([n, b * t]),
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
  const [b, t, d] = finalResid.shape as [number, number, number];
  const picked = np.matmul(select, finalResid.reshape([b * t, d]));
  const logp = nn.logSoftmax(unembed(params, picked), -1);
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
): [np.Array, np.Array] {
  const steered = addSteering(a.resid, vector, a.mask);
  const r = forward(cfg, params, a.inputs, {
    startLayer: layer + 1,
    startResid: steered,
    returnFinalResid: true,
  });
  const nll = responseNll(cfg, params, r.resid!, a.sel.select, a.sel.targets);
  const perExample = np.matmul(a.sel.perExample, nll.ref);
  return [nll.mean(), perExample];
}

function gradProgram(model: Model, layer: number) {
  const cfg = model.config;
  const lossOf = (vector: np.Array, params: ModelParams, a: Omit<GradArgs, "vector">) =>
    steeredResponseLoss(cfg, layer, vector, params, a);
  // Differentiating with respect to the parameters too (and dropping those gradients) keeps
  // jax-js from fusing elementwise backward work into the matmul loops: with respect to the
  // vector alone the step ran 5.6x slower (4.3 s vs 0.78 s, 4-layer d256 Llama, batch 8 x 64);
  // with respect to only the later layers' weights, 2.9x slower. See src/engine/NOTES.md.
  const vg = valueAndGrad(lossOf as never, { hasAux: true, argnums: [0, 1] }) as unknown as (
    v: np.Array,
    p: ModelParams,
    a: Omit<GradArgs, "vector">,
  ) => unknown;
  return cachedProgram(model, `steer-grad/${layer}`, (params: ModelParams, a: GradArgs) => {
    const { vector, ...rest } = a;
    return vg(vector, params, rest);
  });
}

/** resid_post of `layer` (no steering), compiled. */
export function residAfter(model: Model, layer: number, inputs: ForwardInputs): np.Array {
  const cfg = model.config;
  const fn = cachedProgram(
    model,
    `resid-after/${layer}`,
    (p: ModelParams, i: ForwardInputs) => forward(cfg, p, i, { stopAfterLayer: layer }).resid!,
  );
  return fn(tree.ref(model.params), inputs);
}

export interface SteeringLossResult {
  loss: number;
  perExample: number[];
  /** d loss / d vector: [D] (shared vector) or [B*D] (one per example). Unscaled vector units. */
  grad: Float32Array;
}

/**
 * Response cross-entropy with the steering applied, and its gradient with respect to the vector.
 * The gradient is taken with respect to the vector as given (before `scale`).
 */
export async function steeringLossAndGrad(
  model: Model,
  tf: TeacherForcedBatch,
  steering: Steering,
): Promise<SteeringLossResult> {
  const cfg = model.config;
  const { batch: b, seqLen: t } = tf.batch;
  // Validate everything before any device array exists, so bad input leaks nothing.
  checkSteering(cfg, steering, b, t);
  const sel = responseSelection(tf);
  const s = steeringArrays(cfg, { ...steering, scale: 1 }, b, t, tf.batch.mask);
  const scale = steering.scale ?? 1;
  const inputs = batchInputs(cfg, model.invFreq, tf.batch);
  const resid = residAfter(model, steering.layer, tree.ref(inputs));
  inputs.ids?.dispose();
  delete inputs.ids;
  const mask = scale === 1 ? s.mask : s.mask.mul(scale);
  const fn = gradProgram(model, steering.layer);
  const [[loss, perExample], [grad, paramGrads]] = fn(tree.ref(model.params), {
    vector: s.vector,
    resid,
    mask,
    inputs,
    sel: { select: sel.select, targets: sel.targets, perExample: sel.perExample },
  }) as [[np.Array, np.Array], [np.Array, ModelParams]];
  tree.dispose(paramGrads);
  const lossValue = (await loss.data())[0]!;
  const per = Array.from(await perExample.data(), Number);
  const g = (await grad.data()) as Float32Array;
  // d/dv of f(scale·v) = scale · f'(scale·v): the mask carried the scale, so g is already per unit v.
  return { loss: lossValue, perExample: per, grad: Float32Array.from(g) };
}
