/**
 * LoRA training's loss and adapter gradients on the fast path: src/train/lm-loss.ts's weighted
 * next-token cross-entropy of `applyLora(base, lora, cfg)`, with d loss / d a and d b of every
 * adapter (src/engine/fast/lm-loss.ts), in LoraParams' device layout (a [in, r], b [r, out],
 * the gradient of b per unit of b as stored, before the scale) — what jax-js's
 * `valueAndGrad(lmLoss ∘ applyLora)` gives the trainer — and the loss alone, for validation.
 *
 * Shape legend: B batch, T tokens.
 */
import { FAST_LORA_TARGETS, type FastLoraSet, type FastLoraTarget } from "../engine/fast/lora.js";
import { lmLossAndLoraGrads, lmLossOnly, type FastLoraGrads } from "../engine/fast/lm-loss.js";
import type { FastModel } from "../engine/fast/model.js";
import type { Buf } from "../engine/fast/numerics.js";
import type { np } from "../engine/jax.js";
import { fastBatch, fastModelOf, fastNumerics } from "./fast-adapter.js";
import type { HostBatch } from "./inputs.js";
import { checkLoraConfig, loraScale, type LoraConfig, type LoraParams } from "./lora.js";
import type { Model } from "./model.js";

export interface FastLoraStep {
  loss: number;
  /** Per layer (key as in LoraParams) and target: host gradients of a [in, r] and b [r, out]. */
  grads: Record<string, Partial<Record<FastLoraTarget, { a: Float32Array; b: Float32Array }>>>;
}

async function host(x: np.Array): Promise<Float32Array> {
  const d = await x.ref.data();
  return d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>);
}

/** `lora`'s adapters on the host, per adapted layer (b unscaled, the scale beside it). */
export async function loraSetsOf(
  model: Model,
  lora: LoraParams,
  cfg: LoraConfig,
): Promise<Map<number, FastLoraSet>> {
  checkLoraConfig(cfg, model.config.nLayers);
  const scale = loraScale(cfg);
  const sets = new Map<number, FastLoraSet>();
  for (const [key, mats] of Object.entries(lora.layers)) {
    const l = Number(key);
    if (!cfg.layers.includes(l) || !model.params.layers[l])
      throw new Error(`fast LoRA: layer ${key} is not adapted`);
    if (model.params.layers[l]!.lora)
      throw new Error(`fast LoRA: layer ${key} already has an unmerged adapter`);
    const set: FastLoraSet = {};
    for (const t of FAST_LORA_TARGETS) {
      const m = mats[t];
      if (m) set[t] = { a: await host(m.a), b: await host(m.b), rank: cfg.rank, scale };
    }
    sets.set(l, set);
  }
  return sets;
}

/** The model's host weights with `lora`'s adapters attached. */
export async function fastModelWithLora(
  model: Model,
  lora: LoraParams,
  cfg: LoraConfig,
): Promise<FastModel> {
  const sets = await loraSetsOf(model, lora, cfg);
  const base = await fastModelOf(model);
  const layers = base.weights.layers.map((w, l) => {
    const set = sets.get(l);
    return set ? { ...w, lora: set } : w;
  });
  return { config: base.config, weights: { ...base.weights, layers } };
}

const f32 = (b: Buf) => (b instanceof Float32Array ? b : Float32Array.from(b));

/**
 * Gradients per layer index as FastLoraStep's record: float32 arrays as they come (both paths hand
 * over arrays of their own: copies out of the host arena, or the GPU's read-back), others converted.
 */
export function toRecord(g: FastLoraGrads): FastLoraStep["grads"] {
  const out: FastLoraStep["grads"] = {};
  for (const [l, mats] of g) {
    out[String(l)] = Object.fromEntries(
      Object.entries(mats).map(([t, d]) => [t, { a: f32(d.da), b: f32(d.db) }]),
    );
  }
  return out;
}

/** Loss and adapter gradients of a training batch (targets/weights [B·T], as trainBatch builds). */
export function fastLoraLossAndGrads(
  model: Model,
  fm: FastModel,
  batch: { batch: HostBatch; targets: Int32Array; weights: Float32Array },
): FastLoraStep {
  const nm = fastNumerics();
  nm.reset();
  const r = lmLossAndLoraGrads(nm, fm, fastBatch(model, batch.batch), batch);
  return { loss: r.loss, grads: toRecord(r.grads) };
}

/** The loss alone of a batch (validation): lmLoss (src/train/lm-loss.ts) on the fast path. */
export function fastLoraLoss(
  model: Model,
  fm: FastModel,
  batch: { batch: HostBatch; targets: Int32Array; weights: Float32Array },
): number {
  const nm = fastNumerics();
  nm.reset();
  return lmLossOnly(nm, fm, fastBatch(model, batch.batch), batch);
}
