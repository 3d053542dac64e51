/**
 * config.json for the models trigscope writes itself (Llama architecture): the inverse of
 * src/io/config.ts for that family, in the transformers v5 spelling (rope_parameters), which
 * transformers 4.x also reads through its rope_theta fallback.
 */
import type { ModelConfig } from "./model-config.js";

export class ConfigWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigWriteError";
  }
}

/** The config.json object of a Llama-architecture model. */
export function llamaConfigJson(c: ModelConfig): Record<string, unknown> {
  if (c.architecture !== "llama") {
    throw new ConfigWriteError(`only llama configs are written, got ${c.architecture}`);
  }
  if (c.ropeScaling.type !== "default") {
    throw new ConfigWriteError(`rope scaling ${c.ropeScaling.type} is not written`);
  }
  return {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    vocab_size: c.vocabSize,
    hidden_size: c.dModel,
    intermediate_size: c.dMlp,
    num_hidden_layers: c.nLayers,
    num_attention_heads: c.nHeads,
    num_key_value_heads: c.nKvHeads,
    head_dim: c.dHead,
    hidden_act: "silu",
    max_position_embeddings: c.maxPositions,
    rms_norm_eps: c.normEps,
    rope_theta: c.ropeTheta,
    rope_parameters: { rope_type: "default", rope_theta: c.ropeTheta },
    attention_bias: c.oBias,
    mlp_bias: c.mlpBias,
    tie_word_embeddings: c.tieEmbeddings,
    bos_token_id: c.bosTokenId,
    eos_token_id: c.eosTokenIds.length === 1 ? c.eosTokenIds[0] : c.eosTokenIds,
    pad_token_id: c.padTokenId,
    torch_dtype: "float32",
  };
}
