/**
 * A zoo organism as the page loads it: config.json, tokenizer.json and tokenizer_config.json
 * parsed, generation_config.json's token ids, and the weights as one float32 safetensors file with
 * the LoRA adapter already merged — the same host merge loadModel does in Node (mergeLoraHost),
 * so the page's model has bit-identical weights to the Node runtime's.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readGenerationDefaults } from "../io/generation-config.js";
import { ModelNotFoundError, resolveModelRef, type ModelRef } from "../io/model-ref.js";
import { readPeftAdapter } from "../io/peft.js";
import { serializeSafetensors, type TensorToWrite } from "../io/safetensors.js";
import { loadWeights } from "../io/weight-source.js";
import { openZoo } from "../io/zoo-manifest.js";
import { mergeLoraHost } from "../model/lora-merge.js";
import { NotFoundError } from "./resources.js";
import type { OrganismFiles } from "./types.js";

/** The organism's model; only names the zoo's manifest lists (never a path on disk). */
function locate(zoo: string, name: string): ModelRef {
  try {
    return resolveModelRef(name, { zoo: openZoo(zoo), zooOnly: true });
  } catch (e) {
    if (e instanceof ModelNotFoundError) throw new NotFoundError(`no zoo organism '${name}'`);
    throw e;
  }
}

const readJson = (file: string): unknown =>
  existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as unknown) : null;

const weightsCache = new Map<string, Uint8Array>();

/** The merged weights as safetensors bytes (cached per organism). */
export function organismWeights(zoo: string, name: string): Uint8Array {
  const key = join(zoo, name);
  const hit = weightsCache.get(key);
  if (hit) return hit;
  const { base, adapter, config } = locate(zoo, name);
  const weights = loadWeights(base.path);
  const merged = adapter
    ? mergeLoraHost(config, weights, readPeftAdapter(adapter, config))
    : weights;
  const tensors: Record<string, TensorToWrite> = {};
  for (const [k, t] of merged) tensors[k] = { dtype: "F32", shape: t.shape, data: t.data };
  const bytes = serializeSafetensors(tensors, { format: "pt", organism: name });
  weightsCache.set(key, bytes);
  return bytes;
}

export function organismFiles(zoo: string, name: string): OrganismFiles {
  const { base, adapter } = locate(zoo, name);
  const dir = base.path;
  const tokDir = adapter && existsSync(join(adapter, "tokenizer.json")) ? adapter : dir;
  return {
    name,
    config: readJson(join(dir, "config.json")),
    tokenizerJson: readJson(join(tokDir, "tokenizer.json")),
    tokenizerConfig: readJson(join(tokDir, "tokenizer_config.json")),
    generationDefaults: readGenerationDefaults(dir),
    weightsUrl: `/api/zoo/${encodeURIComponent(name)}/model.safetensors`,
    weightsBytes: organismWeights(zoo, name).byteLength,
  };
}
