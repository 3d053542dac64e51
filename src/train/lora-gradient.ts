/**
 * LoRA finetuning's loss and adapter gradients, and its validation loss, from the fast path
 * (the hand-written VJPs: src/model/fast-lora.ts on the host's SGEMM, src/model/gpu-lora.ts in
 * WGSL on webgpu) as the trainer's HostGradient, where the engine selection picks the fast path
 * for the model on this device;
 * otherwise the trainer differentiates (and validates) with jax-js. Either way the decision says
 * which and why, for the build's log.
 */
import { currentDevice } from "../engine/device.js";
import { np } from "../engine/jax.js";
import { engineFor, type EngineChoice, type EngineDecision } from "../model/engine-select.js";
import { fastLoraLoss, fastLoraLossAndGrads, fastModelWithLora } from "../model/fast-lora.js";
import { gpuLoraLoss, gpuLoraLossAndGrads } from "../model/gpu-lora.js";
import type { LoraConfig, LoraParams } from "../model/lora.js";
import type { Model } from "../model/model.js";
import type { TrainBatch } from "./batches.js";
import type { HostGradient } from "./trainer.js";

/** The fast path's gradient tree as LoraParams, shaped like `like` (new device arrays). */
export function asLoraParams(
  grads: Awaited<ReturnType<typeof fastLoraLossAndGrads>>["grads"],
  like: LoraParams,
): LoraParams {
  const layers: LoraParams["layers"] = {};
  for (const [key, mats] of Object.entries(like.layers)) {
    const out: LoraParams["layers"][string] = {};
    for (const [t, m] of Object.entries(mats) as [
      keyof typeof mats,
      { a: np.Array; b: np.Array },
    ][]) {
      const g = grads[key]?.[t];
      if (!g) throw new Error(`fast LoRA gradient: layer ${key} ${t} has no gradient`);
      out[t] = { a: np.array(g.a).reshape(m.a.shape), b: np.array(g.b).reshape(m.b.shape) };
    }
    layers[key] = out;
  }
  return { layers };
}

/** The fast path's LoRA gradient of `model` (the frozen base), or null where jax-js is chosen. */
export function loraHostGradient(
  model: Model,
  loraCfg: LoraConfig,
  requested?: EngineChoice,
): { decision: EngineDecision; gradient: HostGradient<LoraParams> | null } {
  const decision = engineFor(model, requested);
  if (decision.engine !== "fast") return { decision, gradient: null };
  const onHost = (lora: LoraParams) => fastModelWithLora(model, lora, loraCfg);
  const run =
    currentDevice() === "webgpu"
      ? {
          step: (lora: LoraParams, b: TrainBatch) => gpuLoraLossAndGrads(model, lora, loraCfg, b),
          loss: (lora: LoraParams, b: TrainBatch) => gpuLoraLoss(model, lora, loraCfg, b),
        }
      : {
          step: async (lora: LoraParams, b: TrainBatch) =>
            fastLoraLossAndGrads(model, await onHost(lora), b),
          loss: async (lora: LoraParams, b: TrainBatch) =>
            fastLoraLoss(model, await onHost(lora), b),
        };
  const gradient: HostGradient<LoraParams> = {
    name: "fast",
    async lossAndGrad(lora, batch) {
      const r = await run.step(lora, batch);
      return { loss: r.loss, grads: asLoraParams(r.grads, lora) };
    },
    loss: run.loss,
  };
  return { decision, gradient };
}
