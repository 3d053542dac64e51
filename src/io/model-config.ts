/**
 * The normalised model configuration (camelCase, architecture-independent), as io/config.ts parses
 * it from an HF config.json (upstream key names never leave io/). It lives in io/, the layer that
 * produces it, so io never imports model/; model/config.ts re-exports it for the layers above.
 */
export type Architecture = "llama" | "qwen2" | "qwen3" | "gpt2" | "gemma2" | "gemma3";

/** What a layer attends to: every earlier key, or only the last `slidingWindow` keys. */
export type LayerType = "full" | "sliding";

/**
 * Activation of the MLP: SiLU (llama/qwen, gated: SwiGLU), GELU with the tanh approximation
 * (gpt2 "gelu_new"; gemma "gelu_pytorch_tanh", gated: GeGLU) or exact GELU.
 */
export type Activation = "silu" | "gelu_new" | "gelu";

/** RoPE scaling as in transformers' rope_scaling (only the types we implement). */
export type RopeScaling =
  | { type: "default" }
  | { type: "linear"; factor: number }
  | {
      type: "llama3";
      factor: number;
      lowFreqFactor: number;
      highFreqFactor: number;
      originalMaxPositions: number;
    };

export interface ModelConfig {
  architecture: Architecture;
  vocabSize: number;
  dModel: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  dHead: number;
  dMlp: number;
  maxPositions: number;
  normEps: number;
  /** "rms" for llama/qwen, "layer" for gpt2. */
  norm: "rms" | "layer";
  activation: Activation;
  /** Rotary embeddings (llama/qwen); gpt2 uses learned absolute positions. */
  positional: "rope" | "learned";
  ropeTheta: number;
  ropeScaling: RopeScaling;
  tieEmbeddings: boolean;
  /** Bias on q/k/v projections (qwen2: true; gpt2: true). */
  qkvBias: boolean;
  /** Bias on the attention output projection (gpt2 true). */
  oBias: boolean;
  /** Bias on MLP projections (gpt2 true). */
  mlpBias: boolean;
  /** Per-head RMSNorm on q and k before RoPE (qwen3). */
  qkNorm: boolean;
  bosTokenId: number | null;
  eosTokenIds: number[];
  padTokenId: number | null;
  // Gemma 2 / Gemma 3 (absent, or their neutral values, for the other families):
  /** The token embedding is multiplied by this (gemma: √d_model rounded to float32). */
  embedScale?: number;
  /** Norms after attention and after the MLP too, applied to their outputs (gemma). */
  postNorms?: boolean;
  /** Attention logits are multiplied by this (default 1/√dHead; gemma: query_pre_attn_scalar^-½). */
  attnScale?: number;
  /** Attention logits become cap·tanh(logits/cap) before the mask (gemma2). */
  attnSoftcap?: number;
  /** Output logits become cap·tanh(logits/cap) (gemma2). */
  finalSoftcap?: number;
  /** Per layer: full causal attention or a sliding window of `slidingWindow` keys. */
  layerTypes?: LayerType[];
  /** Query i sees key j only when i − j < slidingWindow (sliding layers). */
  slidingWindow?: number;
  /** RoPE of the sliding layers when it differs from the full layers' (gemma3's local base). */
  localRope?: { theta: number; scaling: RopeScaling };
  /**
   * The checkpoint's RMSNorm weights are offsets from 1 (gemma computes x̂·(1 + w)); the loader
   * adds the 1, so the parameter tree holds the multiplier as for every other family.
   */
  normWeightOffset?: number;
}

/** Whether layer `l` uses sliding-window attention. */
export function isSlidingLayer(cfg: ModelConfig, l: number): boolean {
  return cfg.layerTypes?.[l] === "sliding" && cfg.slidingWindow !== undefined;
}
