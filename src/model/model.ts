/**
 * A loaded model: normalised config, device parameters, RoPE frequencies, and (when the directory
 * has one) its tokenizer. A PEFT LoRA adapter is merged into the weights on load, or kept
 * unmerged on the device (LayerParams.lora).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ModelDir } from "../io/model-dir.js";
import { findModelDir, resolveModelRef, type ModelRef } from "../io/model-ref.js";
import { readPeftAdapter } from "../io/peft.js";
import { loadWeights, openWeightSource } from "../io/weight-source.js";
import { deviceLimits } from "../engine/device.js";
import { tree } from "../engine/jax.js";
import { applyLora, loraFromHost } from "./lora.js";
import { mergeLoraHost } from "./lora-merge.js";
import { disposePrograms } from "./programs.js";
import type { ModelConfig } from "./config.js";
import type { ModelParams } from "./params.js";
import { inverseFrequencies } from "./rope.js";
import { checkModelFits } from "./fit.js";
import {
  checkWeights,
  paramsToDevice,
  streamParamsToDevice,
  streamParamsToDeviceSettled,
} from "./weights.js";

export interface Model {
  config: ModelConfig;
  params: ModelParams;
  invFreq: Float32Array;
  /** Directory it was loaded from (null when built in memory); the base model's for adapters. */
  dir: string | null;
  /** The LoRA adapter directory it was loaded with, if any. */
  adapterDir?: string;
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
  return modelFromParams(config, paramsToDevice(checkWeights(config, tensors, source)), dir);
}

/** Wraps device parameters as a Model (RoPE frequencies, disposal of parameters and programs). */
function modelFromParams(config: ModelConfig, params: ModelParams, dir: string | null): Model {
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

export interface LoadModelOptions {
  /** A PEFT LoRA adapter directory to apply to the model in `dirOrName`. */
  adapter?: string;
  /** Merge the adapter into the weights (default true), else keep it unmerged on LayerParams.lora. */
  merge?: boolean;
  /** Called as the checkpoint is read: stored bytes so far and in all. */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /**
   * The largest device buffer one tensor may take (default: the device's binding limit); the
   * vocabulary matrices above it are held in parts (vocab-parts.ts).
   */
  maxBufferBytes?: number;
}

const LOAD_KEYS = new Set(["adapter", "merge", "onProgress", "maxBufferBytes"]);

/** The checkpoint opened and checked against the device's limits (nothing uploaded yet). */
function openChecked(dir: ModelDir, config: ModelConfig, opts: LoadModelOptions) {
  const source = openWeightSource(dir.path);
  const limits = deviceLimits();
  const maxBytes = Math.min(opts.maxBufferBytes ?? Infinity, limits.maxBindingBytes);
  checkModelFits(config, source.entries, limits, dir.weightsFile);
  return { source, maxBytes };
}

/**
 * A model without an adapter, streamed from disk to the device one layer at a time (host memory:
 * about one layer, or the embedding, upcast), after checking that it fits the device.
 */
function streamModel(dir: ModelDir, config: ModelConfig, opts: LoadModelOptions): Model {
  const { source, maxBytes } = openChecked(dir, config, opts);
  const params = streamParamsToDevice(config, source, dir.weightsFile, opts.onProgress, maxBytes);
  return modelFromParams(config, params, dir.path);
}

/** The model `loadModel` takes: its folders, config and the adapter to apply, if any. */
function resolveLoad(model: string | ModelRef, opts: LoadModelOptions) {
  for (const key of Object.keys(opts)) {
    if (!LOAD_KEYS.has(key)) throw new Error(`loadModel: unknown option '${key}'`);
  }
  const ref = typeof model === "string" ? resolveModelRef(model) : model;
  const adapterDir =
    opts.adapter === undefined ? (ref.adapter ?? undefined) : findModelDir(opts.adapter).dir;
  return { dir: ref.base, config: ref.config, adapterDir };
}

/**
 * `loadModel`, waiting after each streamed layer until the device has taken it, so that WebGPU's
 * upload staging never holds a second copy of the checkpoint (engine/uploads.ts). The form to
 * use wherever the caller can wait; a model with an adapter loads as `loadModel` does.
 */
export async function loadModelSettled(
  model: string | ModelRef,
  opts: LoadModelOptions = {},
): Promise<Model> {
  const { dir, config, adapterDir } = resolveLoad(model, opts);
  if (adapterDir !== undefined) return loadModel(model, opts);
  const { source, maxBytes } = openChecked(dir, config, opts);
  const params = await streamParamsToDeviceSettled(
    config,
    source,
    dir.weightsFile,
    opts.onProgress,
    maxBytes,
  );
  return modelFromParams(config, params, dir.path);
}

/**
 * Loads config.json and the safetensors weights of an HF model directory, a zoo organism's name,
 * or a model already resolved (resolveModelRef; its config is not read again). A directory holding
 * adapter_config.json (and no config.json) loads the base it names in base_model_name_or_path
 * (relative to the adapter directory) with the adapter merged; `opts.adapter` applies an adapter
 * to the given base. `dir` stays the base model's directory.
 */
export function loadModel(model: string | ModelRef, opts: LoadModelOptions = {}): Model {
  const { dir, config, adapterDir } = resolveLoad(model, opts);
  if (adapterDir === undefined) return streamModel(dir, config, opts);
  const weights = loadWeights(dir.path);
  const adapter = readPeftAdapter(adapterDir, config);
  if (opts.merge ?? true) {
    const merged = mergeLoraHost(config, weights, adapter);
    const m = modelFromTensors(config, merged, dir.weightsFile, dir.path);
    m.adapterDir = adapter.dir;
    return m;
  }
  const m = modelFromTensors(config, weights, dir.weightsFile, dir.path);
  // The adapted layers replace the base ones in the same tree, which model.dispose() frees.
  m.params.layers = applyLora(m.params, loraFromHost(adapter.tensors), adapter.config).layers;
  m.adapterDir = adapter.dir;
  return m;
}

/** Where the tokenizer is read from: the adapter directory when it has one, else the model's. */
export function tokenizerDir(model: Model): string | null {
  if (model.adapterDir && existsSync(join(model.adapterDir, "tokenizer.json"))) {
    return model.adapterDir;
  }
  return model.dir;
}
