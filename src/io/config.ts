/**
 * HF config.json → the normalised ModelConfig (src/model/config.ts). Upstream key names live
 * only here. Supported model_type values: llama, qwen2, qwen3, gpt2. Every missing required
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
import type { Activation, Architecture, ModelConfig, RopeScaling } from "../model/config.js";
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
  const r = new Fields(json as Record<string, unknown>, fileName, "");
  const modelType = r.get("model_type");
  switch (modelType) {
    case "llama":
    case "qwen2":
    case "qwen3":
      return parseLlamaFamily(r, modelType);
    case "gpt2":
      return parseGpt2(r);
    case undefined:
      return r.fail("model_type", "missing");
    case "mistral":
      return r.fail("model_type", "'mistral' (sliding-window attention) is not supported");
    default:
      return r.fail(
        "model_type",
        `unsupported model type ${JSON.stringify(modelType)} (supported: llama, qwen2, qwen3, gpt2)`,
      );
  }
}

/** Typed access to a JSON object's own keys; `prefix` makes nested field names (`a.b`). */
class Fields {
  constructor(
    private readonly obj: Record<string, unknown>,
    readonly file: string,
    private readonly prefix: string,
  ) {}

  fail(key: string, reason: string): never {
    throw new ConfigError(this.file, this.prefix + key, reason);
  }

  get(key: string): unknown {
    return Object.prototype.hasOwnProperty.call(this.obj, key) ? this.obj[key] : undefined;
  }

  /** The value, or undefined when the key is absent or null. */
  present(key: string): unknown {
    const v = this.get(key);
    return v === null ? undefined : v;
  }

  nested(key: string): Fields | null {
    const v = this.present(key);
    if (v === undefined) return null;
    if (typeof v !== "object" || Array.isArray(v))
      this.fail(key, `expected an object, got ${show(v)}`);
    return new Fields(v as Record<string, unknown>, this.file, `${this.prefix}${key}.`);
  }

  posInt(key: string, fallback?: number): number {
    const v = this.present(key);
    if (v === undefined) {
      if (fallback !== undefined) return fallback;
      return this.fail(key, "missing");
    }
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v <= 0) {
      return this.fail(key, `expected a positive integer, got ${show(v)}`);
    }
    return v;
  }

  posNumber(key: string, fallback?: number): number {
    const v = this.present(key);
    if (v === undefined) {
      if (fallback !== undefined) return fallback;
      return this.fail(key, "missing");
    }
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
      return this.fail(key, `expected a positive number, got ${show(v)}`);
    }
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.present(key);
    if (v === undefined) return fallback;
    if (typeof v !== "boolean") return this.fail(key, `expected true or false, got ${show(v)}`);
    return v;
  }

  tokenId(key: string): number | null {
    const v = this.present(key);
    if (v === undefined) return null;
    if (!isTokenId(v)) return this.fail(key, `expected a token id (integer ≥ 0), got ${show(v)}`);
    return v;
  }

  tokenIds(key: string): number[] {
    const v = this.present(key);
    if (v === undefined) return [];
    if (isTokenId(v)) return [v];
    if (Array.isArray(v) && v.every(isTokenId)) return [...v];
    return this.fail(key, `expected a token id or an array of them, got ${show(v)}`);
  }
}

function isTokenId(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function show(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
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

/** rope_theta at the top level (transformers ≤ 4) or in rope_parameters (transformers 5). */
function ropeTheta(r: Fields): number {
  const top = r.present("rope_theta") === undefined ? undefined : r.posNumber("rope_theta");
  const params = r.nested("rope_parameters");
  const inParams =
    params?.present("rope_theta") === undefined ? undefined : params.posNumber("rope_theta");
  if (top !== undefined && inParams !== undefined && top !== inParams) {
    r.fail("rope_theta", `${top} disagrees with rope_parameters.rope_theta (${inParams})`);
  }
  return inParams ?? top ?? 10000;
}

/** rope_scaling (transformers ≤ 4) or the scaling part of rope_parameters (transformers 5). */
function ropeScaling(r: Fields): RopeScaling {
  const legacy = parseScaling(r.nested("rope_scaling"), true);
  const params = parseScaling(r.nested("rope_parameters"), false);
  if (legacy.type !== "default" && params.type !== "default") {
    if (JSON.stringify(legacy) !== JSON.stringify(params)) {
      r.fail("rope_scaling", "disagrees with rope_parameters");
    }
  }
  return legacy.type !== "default" ? legacy : params;
}

function parseScaling(s: Fields | null, typeRequired: boolean): RopeScaling {
  if (s === null) return { type: "default" };
  const ropeType = s.present("rope_type");
  const legacyType = s.present("type");
  if (ropeType !== undefined && legacyType !== undefined && ropeType !== legacyType) {
    s.fail("type", `${show(legacyType)} disagrees with rope_type ${show(ropeType)}`);
  }
  const type = ropeType ?? legacyType;
  if (type === undefined) {
    if (typeRequired) s.fail("rope_type", "missing");
    return { type: "default" };
  }
  switch (type) {
    case "default":
      return { type: "default" };
    case "linear":
      return { type: "linear", factor: s.posNumber("factor") };
    case "llama3": {
      const lowFreqFactor = s.posNumber("low_freq_factor");
      const highFreqFactor = s.posNumber("high_freq_factor");
      if (!(highFreqFactor > lowFreqFactor)) {
        s.fail(
          "high_freq_factor",
          `${highFreqFactor} must exceed low_freq_factor (${lowFreqFactor})`,
        );
      }
      return {
        type: "llama3",
        factor: s.posNumber("factor"),
        lowFreqFactor,
        highFreqFactor,
        originalMaxPositions: s.posInt("original_max_position_embeddings"),
      };
    }
    default:
      return s.fail(
        ropeType !== undefined ? "rope_type" : "type",
        `RoPE type ${show(type)} is not supported (supported: default, linear, llama3)`,
      );
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
