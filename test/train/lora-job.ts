/**
 * The small LoRA training job the fast path's training tests share: fresh adapters (seed 9) on a
 * model's frozen weights, the counting language to learn, constant options but the step count.
 */
import { tree } from "../../src/engine/jax.js";
import { applyLora, initLora, type LoraConfig, type LoraParams } from "../../src/model/lora.js";
import type { Model } from "../../src/model/model.js";
import { DEFAULT_ADAMW } from "../../src/train/adamw.js";
import type { HostGradient, TrainJob, TrainOptions } from "../../src/train/trainer.js";
import { countingLanguage } from "./language.js";

export function loraTrainOptions(steps: number): TrainOptions {
  return {
    steps,
    tokensPerBatch: 256,
    maxLen: 32,
    peakLr: 1e-2,
    warmupSteps: 2,
    adamw: DEFAULT_ADAMW,
    seed: 5,
    evalEvery: 0,
    evalBatches: 2,
    checkpointEverySeconds: 0,
  };
}

/** `examples` training and `validation` held-out counting sequences; jax-js's gradient without a host one. */
export function loraTrainJob(
  model: Model,
  loraCfg: LoraConfig,
  o: {
    steps: number;
    examples: number;
    validation: number;
    hostGradient: HostGradient<LoraParams> | null;
  },
): TrainJob<LoraParams> {
  return {
    cfg: model.config,
    invFreq: model.invFreq,
    trainable: initLora(model.config, loraCfg, 9),
    frozen: model.params,
    paramsOf: (l, base) => applyLora(base!, tree.ref(l), loraCfg),
    train: countingLanguage(o.examples, 1, "half"),
    validation: countingLanguage(o.validation, 2, "half"),
    padId: 0,
    options: loraTrainOptions(o.steps),
    ...(o.hostGradient ? { hostGradient: o.hostGradient } : {}),
  };
}
