/**
 * Gemma 2 (`model_type` "gemma2") and Gemma 3 text (`gemma3_text`) config.json → ModelConfig.
 *
 * What sets them apart from Llama, and the keys it comes from (transformers' defaults when absent):
 * - the embedding times √hidden_size (rounded to float32, as transformers casts it);
 * - RMSNorm weights stored as offsets from 1, and norms after attention and after the MLP too;
 * - GeGLU with `hidden_activation` "gelu_pytorch_tanh" (older files: `hidden_act`);
 * - attention scaled by `query_pre_attn_scalar`^-½ (default 256), not head_dim^-½;
 * - Gemma 2: `attn_logit_softcapping` (default 50) and `final_logit_softcapping` (default 30),
 *   an explicit null turning either off; Gemma 3 has neither by default;
 * - sliding-window layers (`sliding_window`, default 4096) from `layer_types`, or else Gemma 2's
 *   alternation (even layers slide) and Gemma 3's `sliding_window_pattern` (default 6: five local
 *   layers, then one global);
 * - Gemma 3: q/k norms, and the local layers' own RoPE base (`rope_local_base_freq`, default
 *   10000; transformers 5 writes `rope_parameters` keyed by layer type instead).
 * Bidirectional attention (Gemma 3 embedding models) is rejected.
 */
import type { Activation, LayerType, ModelConfig, RopeScaling } from "./model-config.js";
import { type Fields, show } from "./config-fields.js";
import { parseScaling, ropeScaling, ropeTheta } from "./config-rope.js";

type GemmaArch = "gemma2" | "gemma3";

const DEFAULTS = {
  gemma2: { attnSoftcap: 50, finalSoftcap: 30, maxPositions: 8192, ropeTheta: 10000 },
  gemma3: { attnSoftcap: null, finalSoftcap: null, maxPositions: 131072, ropeTheta: 1_000_000 },
} as const;

const ACTIVATIONS: Record<string, Activation> = {
  gelu_pytorch_tanh: "gelu_new",
  gelu_new: "gelu_new",
  gelu: "gelu",
};

export function parseGemma(r: Fields, arch: GemmaArch): ModelConfig {
  const dModel = r.posInt("hidden_size");
  const nHeads = r.posInt("num_attention_heads");
  const nKvHeads = r.posInt("num_key_value_heads", nHeads);
  if (nHeads % nKvHeads !== 0) {
    r.fail("num_key_value_heads", `${nKvHeads} does not divide num_attention_heads (${nHeads})`);
  }
  const nLayers = r.posInt("num_hidden_layers");
  if (r.bool("use_bidirectional_attention", false)) {
    r.fail(
      "use_bidirectional_attention",
      "bidirectional (embedding-model) attention is not supported",
    );
  }
  const attentionBias = r.bool("attention_bias", false);
  const rope = gemmaRope(r, arch);
  return {
    architecture: arch,
    vocabSize: r.posInt("vocab_size"),
    dModel,
    nLayers,
    nHeads,
    nKvHeads,
    dHead: r.posInt("head_dim", 256),
    dMlp: r.posInt("intermediate_size"),
    maxPositions: r.posInt("max_position_embeddings", DEFAULTS[arch].maxPositions),
    normEps: r.posNumber("rms_norm_eps", 1e-6),
    norm: "rms",
    activation: gemmaActivation(r),
    positional: "rope",
    ropeTheta: rope.global.theta,
    ropeScaling: rope.global.scaling,
    tieEmbeddings: r.bool("tie_word_embeddings", true),
    qkvBias: attentionBias,
    oBias: attentionBias,
    mlpBias: false,
    qkNorm: arch === "gemma3",
    bosTokenId: r.tokenId("bos_token_id"),
    eosTokenIds: r.tokenIds("eos_token_id"),
    padTokenId: r.tokenId("pad_token_id"),
    embedScale: Math.fround(Math.sqrt(dModel)),
    postNorms: true,
    attnScale: r.posNumber("query_pre_attn_scalar", 256) ** -0.5,
    ...softcap(r, "attn_logit_softcapping", "attnSoftcap", DEFAULTS[arch].attnSoftcap),
    ...softcap(r, "final_logit_softcapping", "finalSoftcap", DEFAULTS[arch].finalSoftcap),
    layerTypes: layerTypes(r, arch, nLayers),
    slidingWindow: r.posInt("sliding_window", 4096),
    ...(rope.local ? { localRope: rope.local } : {}),
    normWeightOffset: 1,
  };
}

function gemmaActivation(r: Fields): Activation {
  const key = r.present("hidden_activation") !== undefined ? "hidden_activation" : "hidden_act";
  const name = r.present(key) ?? "gelu_pytorch_tanh";
  if (typeof name !== "string" || !Object.hasOwn(ACTIVATIONS, name)) {
    return r.fail(key, `expected "gelu_pytorch_tanh" (or "gelu"), got ${show(name)}`);
  }
  return ACTIVATIONS[name]!;
}

/** A soft cap: absent → the family default; null → none; else a positive number. */
function softcap<K extends "attnSoftcap" | "finalSoftcap">(
  r: Fields,
  key: string,
  field: K,
  fallback: number | null,
): Partial<Record<K, number>> {
  const raw = r.get(key);
  const value = raw === undefined ? fallback : raw === null ? null : r.posNumber(key);
  return value === null ? {} : ({ [field]: value } as Partial<Record<K, number>>);
}

function layerTypes(r: Fields, arch: GemmaArch, nLayers: number): LayerType[] {
  const given = r.present("layer_types");
  if (given !== undefined) {
    if (!Array.isArray(given) || given.length !== nLayers) {
      r.fail("layer_types", `expected ${nLayers} entries (one per layer), got ${show(given)}`);
    }
    return given.map((t, i) => {
      if (t === "sliding_attention") return "sliding";
      if (t === "full_attention") return "full";
      return r.fail(
        "layer_types",
        `entry ${i}: expected "sliding_attention" or "full_attention", got ${show(t)}`,
      );
    });
  }
  const patternKey =
    r.present("sliding_window_pattern") !== undefined
      ? "sliding_window_pattern"
      : "_sliding_window_pattern";
  const pattern = arch === "gemma2" ? 2 : r.posInt(patternKey, 6);
  return Array.from({ length: nLayers }, (_, i) => ((i + 1) % pattern === 0 ? "full" : "sliding"));
}

type Rope = { theta: number; scaling: RopeScaling };

/** The global layers' RoPE and, for Gemma 3, the local (sliding) layers' own. */
function gemmaRope(r: Fields, arch: GemmaArch): { global: Rope; local?: Rope } {
  const params = r.nested("rope_parameters");
  const byType =
    params !== null &&
    (params.present("full_attention") !== undefined ||
      params.present("sliding_attention") !== undefined);
  if (byType) {
    const full = params.nested("full_attention");
    const sliding = params.nested("sliding_attention");
    const global = ropeOf(full, DEFAULTS[arch].ropeTheta);
    return arch === "gemma3" ? { global, local: ropeOf(sliding, 10000) } : { global };
  }
  const theta = r.present("rope_theta") === undefined && params === null;
  const global: Rope = {
    theta: theta ? DEFAULTS[arch].ropeTheta : ropeTheta(r),
    scaling: ropeScaling(r),
  };
  if (arch === "gemma2") return { global };
  return {
    global,
    local: { theta: r.posNumber("rope_local_base_freq", 10000), scaling: { type: "default" } },
  };
}

function ropeOf(f: Fields | null, fallbackTheta: number): Rope {
  const theta = f?.present("rope_theta") === undefined ? fallbackTheta : f.posNumber("rope_theta");
  return { theta, scaling: parseScaling(f, false) };
}
