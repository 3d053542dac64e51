/**
 * The merged HF-named host weights of a model or adapter folder, as loadModel merges them: what
 * the PyTorch reference benches (bench/torch_llama.py) load, so both sides run the same weights.
 */
import { readModelConfig } from "../src/io/config.js";
import { resolveModelDir } from "../src/io/model-dir.js";
import { isAdapterDir, readPeftAdapter, resolveAdapterBase } from "../src/io/peft.js";
import { loadWeights } from "../src/io/weight-source.js";
import { mergeLoraHost } from "../src/model/lora-merge.js";

/** The merged HF-named host weights, as loadModel merges them (for torch). */
export function mergedTensors(
  adapterOrModelDir: string,
): Map<string, { shape: number[]; data: Float32Array }> {
  if (!isAdapterDir(adapterOrModelDir)) {
    const dir = resolveModelDir(adapterOrModelDir);
    return loadWeights(dir.path) as never;
  }
  const dir = resolveModelDir(resolveAdapterBase(adapterOrModelDir));
  const config = readModelConfig(dir.path);
  const adapter = readPeftAdapter(adapterOrModelDir, config);
  return mergeLoraHost(config, loadWeights(dir.path), adapter) as never;
}
