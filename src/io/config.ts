/**
 * HF config.json → the normalised ModelConfig (src/model/config.ts). Upstream key names live
 * only here. Supported model_type values: llama, qwen2, qwen3, gpt2, gemma2, gemma3_text (the
 * Gemma keys: src/io/config-gemma.ts). Every missing required
 * field, wrong type or unsupported value throws ConfigError naming the file and the key.
 *
 * Required (no default): llama/qwen2/qwen3: hidden_size, intermediate_size, num_hidden_layers,
 * num_attention_heads, vocab_size, max_position_embeddings, rms_norm_eps (qwen3 also head_dim);
 * gpt2: n_embd, n_layer, n_head, n_positions, vocab_size, layer_norm_epsilon. Other keys take
 * transformers' defaults; keys we do not use are ignored, but ones that would change the
 * computation in ways we do not implement (sliding windows, unsupported RoPE types, GPT-2
 * attention-scaling switches) are rejected.
 */
import { join } from "node:path";
import type { Activation, Architecture, ModelConfig } from "./model-config.js";
import { configFields, type Fields, show } from "./config-fields.js";
import { parseGemma } from "./config-gemma.js";
import { ropeScaling, ropeTheta } from "./config-rope.js";
import { ConfigError } from "./errors.js";
import { readJsonFile } from "./json-file.js";

export const CONFIG_FILE = "config.json";

/** Reads `<modelDir>/config.json` and normalises it. */
export function readModelConfig(modelDir: string): ModelConfig {
  const file = join(modelDir, CONFIG_FILE);
  return parseModelConfig(readJsonFile(file, ConfigError), file);
}

/** Normalises a parsed config.json object; `fileName` is used in error messages. */
export function parseModelConfig(json: unknown, fileName: string): ModelConfig {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ConfigError(fileName, null, "config must be a JSON object");
  }
  const r = configFields(json as Record<string, unknown>, fileName);
  const modelType = r.get("model_type");
  switch (modelType) {
    case "llama":
    case "qwen2":
    case "qwen3":
      return parseLlamaFamily(r, modelType);
    case "gpt2":
      return parseGpt2(r);
    case "gemma2":
    case "gemma3_text":
      return parseGemma(r, modelType === "gemma2" ? "gemma2" : "gemma3");
    case "gemma3":
      return r.fail(
        "model_type",
        "'gemma3' is the multimodal Gemma 3 (text_config + vision tower); use a text-only checkpoint (model_type 'gemma3_text')",
      );
    case undefined:
      return r.fail("model_type", "missing");
    case "mistral":
      return r.fail("model_type", "'mistral' (sliding-window attention) is not supported");
    default:
      return r.fail(
        "model_type",
        `unsupported model type ${JSON.stringify(modelType)} (supported: llama, qwen2, qwen3, gpt2, gemma2, gemma3_text)`,
      );
  }
}

function parseLlamaFamily(r: Fields, arch: "llama" | "qwen2" | "qwen3"): ModelConfig {
  const dModel = r.posInt("hidden_size");
  const nHeads = r.posInt("num_attention_heads");
  const nKvHeads = r.posInt("num_key_value_heads", nHeads);
  if (nHeads % nKvHeads !== 0) {
    r.fail("num_key_value_heads", `${nKvHeads} does not divide num_attention_heads (${nHeads})`);
  }
  let dHead: number;
  if (arch === "qwen3") {
    dHead = r.posInt("head_dim");
  } else if (r.present("head_dim") !== undefined) {
    dHead = r.posInt("head_dim");
  } else {
    if (dModel % nHeads !== 0) {
      r.fail("num_attention_heads", `${nHeads} does not divide hidden_size (${dModel})`);
    }
    dHead = dModel / nHeads;
  }
  const act = r.present("hidden_act") ?? "silu";
  if (act !== "silu") r.fail("hidden_act", `expected "silu", got ${show(act)}`);
  if (arch !== "llama") rejectSlidingWindow(r);
  // transformers: llama and qwen3 use attention_bias for q/k/v/o; qwen2 always biases q/k/v only.
  const attentionBias = arch === "qwen2" ? false : r.bool("attention_bias", false);
  return {
    architecture: arch,
    vocabSize: r.posInt("vocab_size"),
    dModel,
    nLayers: r.posInt("num_hidden_layers"),
    nHeads,
    nKvHeads,
    dHead,
    dMlp: r.posInt("intermediate_size"),
    maxPositions: r.posInt("max_position_embeddings"),
    normEps: r.posNumber("rms_norm_eps"),
    norm: "rms",
    activation: "silu",
    positional: "rope",
    ropeTheta: ropeTheta(r),
    ropeScaling: ropeScaling(r),
    tieEmbeddings: r.bool("tie_word_embeddings", false),
    qkvBias: arch === "qwen2" ? true : attentionBias,
    oBias: attentionBias,
    mlpBias: arch === "llama" ? r.bool("mlp_bias", false) : false,
    qkNorm: arch === "qwen3",
    bosTokenId: r.tokenId("bos_token_id"),
    eosTokenIds: r.tokenIds("eos_token_id"),
    padTokenId: r.tokenId("pad_token_id"),
  };
}

function rejectSlidingWindow(r: Fields): void {
  if (r.bool("use_sliding_window", false)) {
    r.fail("use_sliding_window", "sliding-window attention is not supported");
  }
  const layerTypes = r.present("layer_types");
  if (layerTypes === undefined) return;
  if (!Array.isArray(layerTypes) || layerTypes.some((t) => t !== "full_attention")) {
    r.fail("layer_types", `only "full_attention" layers are supported, got ${show(layerTypes)}`);
  }
}

const GPT2_ACTIVATIONS: Record<string, Activation> = {
  gelu_new: "gelu_new",
  // The same tanh approximation as gelu_new under torch's name.
  gelu_pytorch_tanh: "gelu_new",
  gelu: "gelu",
};

function parseGpt2(r: Fields): ModelConfig {
  const dModel = r.posInt("n_embd");
  const nHeads = r.posInt("n_head");
  if (dModel % nHeads !== 0) r.fail("n_head", `${nHeads} does not divide n_embd (${dModel})`);
  const actName = r.present("activation_function") ?? "gelu_new";
  // Own keys only: "toString" or "constructor" must not find Object.prototype's functions.
  const activation =
    typeof actName === "string" && Object.hasOwn(GPT2_ACTIVATIONS, actName)
      ? GPT2_ACTIVATIONS[actName]
      : undefined;
  if (activation === undefined) {
    r.fail("activation_function", `expected "gelu_new" or "gelu", got ${show(actName)}`);
  }
  if (!r.bool("scale_attn_weights", true)) {
    r.fail("scale_attn_weights", "unscaled attention is not supported");
  }
  if (r.bool("scale_attn_by_inverse_layer_idx", false)) {
    r.fail("scale_attn_by_inverse_layer_idx", "per-layer attention scaling is not supported");
  }
  const architecture: Architecture = "gpt2";
  return {
    architecture,
    vocabSize: r.posInt("vocab_size"),
    dModel,
    nLayers: r.posInt("n_layer"),
    nHeads,
    nKvHeads: nHeads,
    dHead: dModel / nHeads,
    dMlp: r.posInt("n_inner", 4 * dModel),
    maxPositions: r.posInt("n_positions"),
    normEps: r.posNumber("layer_norm_epsilon"),
    norm: "layer",
    activation: activation!,
    positional: "learned",
    // Unused with learned positions; 0 makes any accidental RoPE use produce NaN, not plausible numbers.
    ropeTheta: 0,
    ropeScaling: { type: "default" },
    tieEmbeddings: r.bool("tie_word_embeddings", true),
    qkvBias: true,
    oBias: true,
    mlpBias: true,
    qkNorm: false,
    bosTokenId: r.tokenId("bos_token_id"),
    eosTokenIds: r.tokenIds("eos_token_id"),
    padTokenId: r.tokenId("pad_token_id"),
  };
}
