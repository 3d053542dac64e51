/**
 * A loaded model: normalised config, device parameters, RoPE frequencies, and (when the directory
 * has one) its tokenizer.
 */
import { readModelConfig } from "../io/config.js";
import { resolveModelDir } from "../io/model-dir.js";
import { loadWeights } from "../io/sharded.js";
import { tree } from "../engine/jax.js";
import { disposePrograms } from "./programs.js";
import type { ModelConfig } from "./config.js";
import type { ModelParams } from "./params.js";
import { inverseFrequencies } from "./rope.js";
import { checkWeights, paramsToDevice } from "./weights.js";

export interface Model {
  config: ModelConfig;
  params: ModelParams;
  invFreq: Float32Array;
  /** Directory it was loaded from (null when built in memory). */
  dir: string | null;
  /** Frees the device parameters. */
  dispose(): void;
}

/** Builds a model from a config and host tensors (HF names). */
export function modelFromTensors(
  config: ModelConfig,
  tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>,
  source: string,
  dir: string | null = null,
): Model {
  const host = checkWeights(config, tensors, source);
  const params = paramsToDevice(host);
  let disposed = false;
  const model: Model = {
    config,
    params,
    invFreq: inverseFrequencies(config),
    dir,
    dispose() {
      if (disposed) return;
      disposed = true;
      disposePrograms(model);
      tree.dispose(params);
    },
  };
  return model;
}

/** Loads config.json and the safetensors weights of an HF model directory. */
export function loadModel(dirOrName: string): Model {
  const dir = resolveModelDir(dirOrName);
  const config = readModelConfig(dir.path);
  const weights = loadWeights(dir.path);
  return modelFromTensors(config, weights, dir.weightsFile, dir.path);
}
