/**
 * The normalised model configuration (camelCase, architecture-independent). Parsed from an HF
 * config.json by src/io/config.ts; upstream key names never leave io/.
 */
export type Architecture = "llama" | "qwen2" | "qwen3" | "gpt2";

/** Activation of the MLP: SwiGLU with SiLU (llama/qwen) or GELU (gpt2 "gelu_new" tanh approx.). */
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
}
