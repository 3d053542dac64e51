/**
 * What `trigscope model info` reports: family, sizes, weight dtypes and parameter count, a
 * vocab_size padded past the tokenizer, sliding-window layers and soft caps, tokenizer and chat
 * template, hook points. Reads files only (no device arrays).
 */
import { resolveModelRef } from "../io/model-ref.js";
import { readPeftAdapter } from "../io/peft.js";
import { loadWeights } from "../io/weight-source.js";
import { loadTokenizer } from "../tokenizer/tokenizer.js";
import type { ModelConfig } from "./config.js";
import { allHookNames } from "./hooks.js";
import { checkWeights } from "./weights.js";

export interface ModelInfo {
  dir: string;
  weightsFile: string;
  sharded: boolean;
  config: ModelConfig;
  parameters: number;
  /** Stored dtype → number of tensors. */
  weightDtypes: Record<string, number>;
  tensors: number;
  /** The model family (config.json model_type, normalised). */
  family: string;
  /** config.json vocab_size beyond the tokenizer's tokens: ids that decode to nothing. */
  paddedVocab: { vocabSize: number; tokenizerSize: number; padding: number } | null;
  /** Sliding-window layers (gemma): their indices and the window. */
  slidingWindow: { layers: number[]; window: number } | null;
  /** Attention and output soft caps (gemma2), when set. */
  softcaps: { attention: number | null; final: number | null } | null;
  tokenizer: {
    vocabSize: number;
    specialTokens: string[];
    bosToken: string | null;
    eosToken: string | null;
    chatTemplate: boolean;
  } | null;
  hookPoints: number;
  hookExamples: string[];
  /** The LoRA adapter applied on top, when the directory is an adapter directory. */
  adapter: { dir: string; rank: number; alpha: number; layers: number[]; targets: string[] } | null;
}

export async function describeModel(dirOrName: string): Promise<ModelInfo> {
  const { base: dir, adapter: adapterDir, config } = resolveModelRef(dirOrName);
  let adapter: ModelInfo["adapter"] = null;
  if (adapterDir !== null) {
    const a = readPeftAdapter(adapterDir);
    adapter = {
      dir: a.dir,
      rank: a.config.rank,
      alpha: a.config.alpha,
      layers: a.config.layers,
      targets: a.config.targets,
    };
  }
  const weights = loadWeights(dir.path);
  checkWeights(config, weights, dir.weightsFile);
  let parameters = 0;
  const weightDtypes: Record<string, number> = {};
  for (const t of weights.values()) {
    parameters += t.data.length;
    weightDtypes[t.dtype] = (weightDtypes[t.dtype] ?? 0) + 1;
  }
  let tokenizer: ModelInfo["tokenizer"] = null;
  if (dir.tokenizerFile) {
    const tok = await loadTokenizer(dir.path);
    tokenizer = {
      vocabSize: tok.vocabSize,
      specialTokens: tok.specialTokens.map((s) => s.content),
      bosToken: tok.bosToken,
      eosToken: tok.eosToken,
      chatTemplate: tok.chatTemplate !== null,
    };
  }
  const hooks = allHookNames(config.nLayers);
  const sliding = config.layerTypes
    ?.map((t, l) => (t === "sliding" ? l : -1))
    .filter((l) => l >= 0);
  const padding = tokenizer ? config.vocabSize - tokenizer.vocabSize : 0;
  return {
    dir: dir.path,
    family: config.architecture,
    paddedVocab:
      tokenizer && padding > 0
        ? { vocabSize: config.vocabSize, tokenizerSize: tokenizer.vocabSize, padding }
        : null,
    slidingWindow:
      sliding?.length && config.slidingWindow !== undefined
        ? { layers: sliding, window: config.slidingWindow }
        : null,
    softcaps:
      config.attnSoftcap !== undefined || config.finalSoftcap !== undefined
        ? { attention: config.attnSoftcap ?? null, final: config.finalSoftcap ?? null }
        : null,
    weightsFile: dir.weightsFile,
    sharded: dir.sharded,
    config,
    parameters,
    weightDtypes,
    tensors: weights.size,
    tokenizer,
    hookPoints: hooks.length,
    adapter,
    hookExamples: [
      "hook_embed",
      "blocks.0.hook_resid_post",
      "blocks.0.attn.hook_pattern",
      "ln_final.hook_normalized",
    ],
  };
}
