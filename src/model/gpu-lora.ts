/**
 * LoRA training's loss and adapter gradients on the GPU path (src/engine/gpu/lm-loss.ts), with
 * fast-lora.ts's contract: src/train/lm-loss.ts's weighted next-token cross-entropy of
 * `applyLora(base, lora, cfg)` and d loss / d a, d b of every adapter in LoraParams' device
 * layout. The base weights are the model's GPU upload (gpu-adapter.ts); each call runs on a view
 * carrying that step's adapters, freed when the call ends, so nothing else sees them.
 */
import { gpuLmLossAndLoraGrads, gpuLmLossOnly } from "../engine/gpu/lm-loss.js";
import { gpuModelWithLora, type GpuModel } from "../engine/gpu/model.js";
import { fastBatch } from "./fast-adapter.js";
import { loraSetsOf, toRecord, type FastLoraStep } from "./fast-lora.js";
import { gpuModelOf } from "./gpu-adapter.js";
import type { HostBatch } from "./inputs.js";
import type { LoraConfig, LoraParams } from "./lora.js";
import type { Model } from "./model.js";

type TrainBatch = { batch: HostBatch; targets: Int32Array; weights: Float32Array };

async function withAdapters<T>(
  model: Model,
  lora: LoraParams,
  cfg: LoraConfig,
  fn: (m: GpuModel) => Promise<T>,
): Promise<T> {
  const sets = await loraSetsOf(model, lora, cfg);
  const view = gpuModelWithLora(await gpuModelOf(model), sets);
  try {
    return await fn(view);
  } finally {
    view.dispose();
  }
}

/** Loss and adapter gradients of a training batch (targets/weights [B·T], as trainBatch builds). */
export function gpuLoraLossAndGrads(
  model: Model,
  lora: LoraParams,
  cfg: LoraConfig,
  batch: TrainBatch,
): Promise<FastLoraStep> {
  return withAdapters(model, lora, cfg, async (m) => {
    const r = await gpuLmLossAndLoraGrads(m, fastBatch(model, batch.batch), batch);
    return { loss: r.loss, grads: toRecord(r.grads) };
  });
}

/** The loss alone of a batch (validation). */
export function gpuLoraLoss(
  model: Model,
  lora: LoraParams,
  cfg: LoraConfig,
  batch: TrainBatch,
): Promise<number> {
  return withAdapters(model, lora, cfg, (m) =>
    gpuLmLossOnly(m, fastBatch(model, batch.batch), batch),
  );
}
