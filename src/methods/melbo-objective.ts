/**
 * The unsupervised MELBO objective (docs/methods.md §2) and its gradient with respect to the steering
 * vector δ, compiled:
 *
 *   objective(δ) = Σ_x ( Σ_{t∈T(x)} ‖h[ℓt]_t(x; δ) − h[ℓt]_t(x; 0)‖₂^p )^{1/q}
 *
 * with δ added at blocks.ℓs.hook_resid_post on a per-position mask (the user positions) and the
 * per-token norm taken over d_model. h[ℓs](0) and h[ℓt](0) do not depend on δ: `prepareDisplacement`
 * computes them once per batch and every step reuses them, running only layers ℓs+1..ℓt.
 *
 * Zero displacement: real positions before the first steered position have Δ = 0 exactly (causal
 * attention), where ‖Δ‖ = sqrt(Σ Δ²) has no derivative (jax-js gives NaN). The per-token term is
 * therefore (Σ_d Δ² + ε)^{p/2} with ε = DISPLACEMENT_EPS = 1e-30 (a normal float32): its derivative
 * at Δ = 0 is 0, its derivative in Δ stays bounded by p·‖Δ‖^{p−1} (p ≥ 1), and the objective moves
 * by at most |T|·ε^{p/2} per prompt before the 1/q root (1e-15 a position at p = 1). Left-pad
 * positions do move (a fully masked query row attends uniformly to every key, steered ones
 * included); the target mask must exclude them, as promptBatch's does.
 *
 * Rounding: the gradient program recomputes layers ℓs+1..ℓt in a differently compiled graph than
 * the baseline's, so at δ = 0 it sees ‖Δ_t‖ ≈ 6e-6 a token rather than 0 (fixture Llama; float32
 * rounding). Irrelevant at ‖δ‖ = R, but p = 1 has no useful gradient at δ ≈ 0 (a cone's tip) and
 * this noise sets its direction there. The objective-only and Δ programs give exactly 0 at δ = 0.
 *
 * It is the MELBO methods' objective, so it lives with them (model/ keeps the forward pass it runs).
 *
 * Shape legend: B batch, T tokens, D d_model.
 */
import { np, tree } from "../engine/jax.js";
import { valueAndGradWithAux } from "../engine/transforms.js";
import type { ModelConfig } from "../model/config.js";
import { forward, type ForwardInputs } from "../model/forward.js";
import { batchInputs, type HostBatch } from "../model/inputs.js";
import { residAfter } from "../model/loss.js";
import type { Model } from "../model/model.js";
import type { ModelParams } from "../model/params.js";
import { cachedProgram } from "../model/programs.js";
import { addSteering, SteeringError } from "../model/steering.js";

/** Added to Σ_d Δ² before the power p/2 (see the header). */
export const DISPLACEMENT_EPS = 1e-30;

export interface DisplacementSpec {
  sourceLayer: number;
  targetLayer: number;
  /** Exponent of the per-token norm (default 2). */
  p?: number;
  /** Root of each prompt's sum (default 1). */
  q?: number;
}

export interface DisplacementBatch {
  batch: HostBatch;
  /** [B*T] 1 where δ is added (the user positions). */
  steerMask: Float32Array;
  /** [B*T] 1 on the loss positions T(x). */
  targetMask: Float32Array;
}

type Args = {
  resid: np.Array;
  base: np.Array;
  mask: np.Array;
  tmask: np.Array;
  inputs: ForwardInputs;
};

/** Device state of one batch: unsteered h[ℓs], h[ℓt], masks and forward inputs. */
export interface PreparedDisplacement {
  readonly spec: Required<DisplacementSpec>;
  readonly batch: number;
  readonly seqLen: number;
  /** @internal */ readonly args: Args;
  dispose(): void;
}

function checkSpec(cfg: ModelConfig, s: DisplacementSpec): Required<DisplacementSpec> {
  const { sourceLayer: ls, targetLayer: lt } = s;
  const p = s.p ?? 2;
  const q = s.q ?? 1;
  if (!Number.isInteger(ls) || ls < 0 || ls >= cfg.nLayers) {
    throw new SteeringError(`source layer ${ls} is out of range [0, ${cfg.nLayers})`);
  }
  if (!Number.isInteger(lt) || lt <= ls || lt >= cfg.nLayers) {
    throw new SteeringError(
      `target layer ${lt} must be an integer in (source layer ${ls}, ${cfg.nLayers})`,
    );
  }
  if (!(p > 0) || !(q > 0)) throw new SteeringError(`p and q must be positive (got ${p}, ${q})`);
  return { sourceLayer: ls, targetLayer: lt, p, q };
}

/** Validates the batch and runs the unsteered model to ℓs and ℓt once. */
export function prepareDisplacement(
  model: Model,
  db: DisplacementBatch,
  spec: DisplacementSpec,
): PreparedDisplacement {
  const cfg = model.config;
  const s = checkSpec(cfg, spec);
  const { batch: b, seqLen: t } = db.batch;
  for (const [name, m] of [
    ["steering", db.steerMask],
    ["target", db.targetMask],
  ] as const) {
    if (m.length !== b * t) {
      throw new SteeringError(`${name} mask has ${m.length} values; expected ${b * t}`);
    }
  }
  const inputs = batchInputs(cfg, model.invFreq, db.batch);
  const resid = residAfter(model, s.sourceLayer, tree.ref(inputs));
  const base = residAfter(model, s.targetLayer, tree.ref(inputs));
  inputs.ids?.dispose();
  delete inputs.ids;
  const args: Args = {
    resid,
    base,
    mask: np.array(db.steerMask).reshape([b, t, 1]),
    tmask: np.array(db.targetMask).reshape([b, t]),
    inputs,
  };
  let disposed = false;
  return {
    spec: s,
    batch: b,
    seqLen: t,
    args,
    dispose() {
      if (disposed) return;
      disposed = true;
      tree.dispose(args);
    },
  };
}

/** h[ℓt](δ) − h[ℓt](0) [B,T,D]. Consumes everything but params. */
function displacement(
  cfg: ModelConfig,
  s: Required<DisplacementSpec>,
  vector: np.Array,
  params: ModelParams,
  a: Args,
): np.Array {
  a.tmask.dispose();
  const steered = addSteering(a.resid, vector, a.mask);
  const r = forward(cfg, params, a.inputs, {
    startLayer: s.sourceLayer + 1,
    startResid: steered,
    stopAfterLayer: s.targetLayer,
  });
  return r.resid!.sub(a.base);
}

/** The objective (a scalar) and the per-prompt terms [B]. Consumes everything but params. */
function objectiveOf(
  cfg: ModelConfig,
  s: Required<DisplacementSpec>,
  vector: np.Array,
  params: ModelParams,
  a: Args,
): [np.Array, np.Array] {
  const tmask = a.tmask;
  const diff = displacement(cfg, s, vector, params, { ...a, tmask: tmask.ref });
  const sq = diff.ref.mul(diff).sum(-1).add(DISPLACEMENT_EPS); // [B,T]
  const perToken = s.p === 2 ? sq : np.power(sq, s.p / 2);
  const sums = perToken.mul(tmask).sum(-1); // [B]
  const perPrompt = s.q === 1 ? sums : np.power(sums, 1 / s.q);
  return [perPrompt.ref.sum(), perPrompt];
}

const specKey = (s: Required<DisplacementSpec>) =>
  `${s.sourceLayer}/${s.targetLayer}/${s.p}/${s.q}`;

function gradProgram(model: Model, s: Required<DisplacementSpec>, withParams: boolean) {
  const cfg = model.config;
  const f = (v: np.Array, params: ModelParams, a: Args) => objectiveOf(cfg, s, v, params, a);
  // As in loss.ts: differentiating w.r.t. the parameters too (and dropping those gradients)
  // avoids a slow fused backward on wasm; `withParams: false` is kept for measuring it.
  const vg = valueAndGradWithAux(f, { argnums: withParams ? ([0, 1] as const) : 0 });
  return cachedProgram(
    model,
    `melbo-grad/${specKey(s)}/${withParams ? "vp" : "v"}`,
    (params: ModelParams, v: np.Array, a: Args) => vg(v, params, a),
  );
}

export interface DisplacementResult {
  objective: number;
  /** Each prompt's term ( Σ_t ‖Δ_t‖^p )^{1/q}. */
  perPrompt: number[];
  /** d objective / d δ [D]. */
  grad: Float32Array;
}

function checkVector(cfg: ModelConfig, delta: Float32Array): void {
  if (delta.length !== cfg.dModel) {
    throw new SteeringError(`δ has ${delta.length} values; expected d_model = ${cfg.dModel}`);
  }
  for (const x of delta) if (!Number.isFinite(x)) throw new SteeringError("δ is not finite");
}

/** The MELBO objective at δ [D] and its gradient. */
export async function displacementObjectiveAndGrad(
  model: Model,
  prep: PreparedDisplacement,
  delta: Float32Array,
  o: { gradWithParams?: boolean } = {},
): Promise<DisplacementResult> {
  checkVector(model.config, delta);
  const fn = gradProgram(model, prep.spec, o.gradWithParams ?? true);
  const v = np.array(delta).reshape([1, 1, model.config.dModel]);
  const [[value, per], grads] = fn(tree.ref(model.params), v, tree.ref(prep.args));
  let grad: np.Array;
  if (Array.isArray(grads)) {
    grad = grads[0];
    tree.dispose(grads[1]);
  } else grad = grads;
  const objective = (await value.data())[0]!;
  const perPrompt = Array.from(await per.data(), Number);
  const g = Float32Array.from(await grad.data());
  return { objective, perPrompt, grad: g };
}

/** The objective alone (no gradient; for finite differences and checks). */
export async function displacementObjective(
  model: Model,
  prep: PreparedDisplacement,
  delta: Float32Array,
): Promise<{ objective: number; perPrompt: number[] }> {
  checkVector(model.config, delta);
  const cfg = model.config;
  const s = prep.spec;
  const fn = cachedProgram(
    model,
    `melbo-objective/${specKey(s)}`,
    (params: ModelParams, v: np.Array, a: Args) => objectiveOf(cfg, s, v, params, a),
  );
  const v = np.array(delta).reshape([1, 1, cfg.dModel]);
  const [value, per] = fn(tree.ref(model.params), v, tree.ref(prep.args));
  const objective = (await value.data())[0]!;
  return { objective, perPrompt: Array.from(await per.data(), Number) };
}

/**
 * Δ(δ) = h[ℓt](δ) − h[ℓt](0) at every position, [B*T*D] on the host (unmasked: the caller selects
 * the loss positions with the batch's target mask).
 */
export async function displacementAt(
  model: Model,
  prep: PreparedDisplacement,
  delta: Float32Array,
): Promise<Float32Array> {
  checkVector(model.config, delta);
  const cfg = model.config;
  const s = prep.spec;
  const fn = cachedProgram(
    model,
    `melbo-displacement/${specKey(s)}`,
    (params: ModelParams, v: np.Array, a: Args) => displacement(cfg, s, v, params, a),
  );
  const v = np.array(delta).reshape([1, 1, cfg.dModel]);
  const d = fn(tree.ref(model.params), v, tree.ref(prep.args));
  return Float32Array.from(await d.data());
}
