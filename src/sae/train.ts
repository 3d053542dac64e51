/**
 * `trainSae`: a TopK SAE on a model's activations at one hook, streamed over token sequences,
 * returned as an `Sae` (SAELens semantics: apply_b_dec_to_input, the input scale s recorded as
 * the activation scale, which writeSaelens folds into the weights).
 */
import type { Model } from "../model/model.js";
import { parseHookName } from "../model/hooks.js";
import type { Progress } from "../progress/progress.js";
import { ActivationBuffer, ActivationStream } from "./activation-buffer.js";
import { trainTopK, type TopKTrainResult } from "./train-topk.js";
import { SaeError, type Sae } from "./types.js";

export interface SaeTrainOptions {
  model: Model;
  hook: string;
  sequences: readonly (readonly number[])[];
  padId: number;
  expansion: number;
  k: number;
  /** Activation rows to train on (steps = tokens / batch). */
  tokens: number;
  batch?: number;
  lr?: number;
  seed?: number;
  modelName?: string;
  progress?: Progress;
  /** A bar for the first fill of the activation buffer (model forwards before any step). */
  fillProgress?: Progress;
  signal?: AbortSignal;
  checkpointDir?: string;
  resume?: boolean;
}

export async function trainSae(o: SaeTrainOptions): Promise<{ sae: Sae; result: TopKTrainResult }> {
  parseHookName(o.hook, o.model.config.nLayers);
  const dIn = o.model.config.dModel;
  if (!o.hook.includes("hook_resid")) {
    throw new SaeError(
      "(options)",
      "hook",
      `training reads the residual stream (blocks.L.hook_resid_*), got ${o.hook}`,
    );
  }
  const dSae = Math.round(dIn * o.expansion);
  if (!(o.k >= 1 && o.k < dSae))
    throw new SaeError("(options)", "k", `k must be in [1, ${dSae}), got ${o.k}`);
  const batch = o.batch ?? 1024;
  const stream = new ActivationStream({
    model: o.model,
    hook: o.hook,
    sequences: o.sequences,
    padId: o.padId,
    batch: 32,
  });
  const fill = o.fillProgress;
  const buffer = new ActivationBuffer(
    stream,
    Math.max(8 * batch, 16384),
    o.seed ?? 1,
    fill &&
      ((rows, capacity) => {
        fill.update(rows, capacity);
        if (rows >= capacity) fill.finish();
      }),
  );
  const result = await trainTopK(buffer, dIn, {
    dSae,
    k: o.k,
    steps: Math.max(1, Math.ceil(o.tokens / batch)),
    batch,
    lr: o.lr ?? 1e-3,
    seed: o.seed ?? 1,
    progress: o.progress,
    signal: o.signal,
    ...(o.checkpointDir ? { checkpointDir: o.checkpointDir, resume: o.resume ?? false } : {}),
  });
  const w = result.weights;
  const sae: Sae = {
    config: {
      architecture: "topk",
      dIn,
      dSae,
      hookName: o.hook,
      k: o.k,
      applyBDecToInput: true,
      normalizeActivations: "none",
      activationScale: result.activationScale,
      format: "saelens",
      ...(o.modelName ? { modelName: o.modelName } : {}),
    },
    weights: {
      wEnc: { shape: [dIn, dSae], data: w.wEnc },
      wDec: { shape: [dSae, dIn], data: w.wDec },
      bEnc: { shape: [dSae], data: w.bEnc },
      bDec: { shape: [dIn], data: w.bDec },
    },
    source: `trained by trigscope on ${o.modelName ?? "a model"} at ${o.hook}`,
  };
  return { sae, result };
}
