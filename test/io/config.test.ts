import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseModelConfig, readModelConfig } from "../../src/io/config.js";
import { ConfigError } from "../../src/io/errors.js";

// Tiny configs with the keys (and key spellings) of the published config.json files of
// TinyLlama-1.1B (llama), Qwen2.5-0.5B (qwen2), Qwen3-0.6B (qwen3) and gpt2; sizes shrunk.
const llama = () => ({
  architectures: ["LlamaForCausalLM"],
  model_type: "llama",
  hidden_size: 64,
  intermediate_size: 176,
  num_hidden_layers: 2,
  num_attention_heads: 8,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-5,
  rope_theta: 500000.0,
  rope_scaling: null,
  max_position_embeddings: 256,
  vocab_size: 1000,
  hidden_act: "silu",
  tie_word_embeddings: false,
  bos_token_id: 1,
  eos_token_id: 2,
  torch_dtype: "bfloat16",
});
const qwen2 = () => ({
  model_type: "qwen2",
  hidden_size: 64,
  intermediate_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-6,
  rope_theta: 1000000.0,
  max_position_embeddings: 512,
  vocab_size: 1000,
  hidden_act: "silu",
  tie_word_embeddings: true,
  use_sliding_window: false,
  sliding_window: 32768,
  max_window_layers: 21,
  bos_token_id: 151643,
  eos_token_id: 151643,
});
const qwen3 = () => ({
  model_type: "qwen3",
  hidden_size: 64,
  head_dim: 32,
  intermediate_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-6,
  rope_theta: 1000000,
  max_position_embeddings: 512,
  vocab_size: 1000,
  attention_bias: false,
  hidden_act: "silu",
  tie_word_embeddings: true,
  eos_token_id: [151645, 151643],
});
const gpt2 = () => ({
  model_type: "gpt2",
  activation_function: "gelu_new",
  n_embd: 64,
  n_head: 4,
  n_layer: 2,
  n_positions: 128,
  n_ctx: 128,
  n_inner: null,
  layer_norm_epsilon: 1e-5,
  vocab_size: 1000,
  bos_token_id: 50256,
  eos_token_id: 50256,
});

/** The ConfigError that parsing `json` throws. */
function configError(json: unknown): ConfigError {
  try {
    parseModelConfig(json, "config.json");
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

const without = (obj: Record<string, unknown>, key: string) => {
  const copy = { ...obj };
  delete copy[key];
  return copy;
};

describe("parseModelConfig", () => {
  it("normalises a llama config, defaulting biases and head_dim", () => {
    expect(parseModelConfig(llama(), "config.json")).toEqual({
      architecture: "llama",
      vocabSize: 1000,
      dModel: 64,
      nLayers: 2,
      nHeads: 8,
      nKvHeads: 2,
      dHead: 8,
      dMlp: 176,
      maxPositions: 256,
      normEps: 1e-5,
      norm: "rms",
      activation: "silu",
      positional: "rope",
      ropeTheta: 500000,
      ropeScaling: { type: "default" },
      tieEmbeddings: false,
      qkvBias: false,
      oBias: false,
      mlpBias: false,
      qkNorm: false,
      bosTokenId: 1,
      eosTokenIds: [2],
      padTokenId: null,
    });
  });

  it("defaults llama's kv heads to the head count and rope_theta to 10000", () => {
    const c = parseModelConfig(without(without(llama(), "num_key_value_heads"), "rope_theta"), "c");
    expect(c.nKvHeads).toBe(8);
    expect(c.ropeTheta).toBe(10000);
  });

  it("sets q/k/v and o biases from attention_bias and the MLP bias from mlp_bias", () => {
    const c = parseModelConfig({ ...llama(), attention_bias: true, mlp_bias: true }, "c");
    expect([c.qkvBias, c.oBias, c.mlpBias]).toEqual([true, true, true]);
  });

  it("reads llama3 and linear rope scaling, in rope_scaling or transformers 5's rope_parameters", () => {
    // Values of Llama-3.1-8B's config.json.
    const llama3 = {
      rope_type: "llama3",
      factor: 8.0,
      low_freq_factor: 1.0,
      high_freq_factor: 4.0,
      original_max_position_embeddings: 8192,
    };
    const want = {
      type: "llama3",
      factor: 8,
      lowFreqFactor: 1,
      highFreqFactor: 4,
      originalMaxPositions: 8192,
    };
    expect(parseModelConfig({ ...llama(), rope_scaling: llama3 }, "c").ropeScaling).toEqual(want);
    const v5 = {
      ...without(llama(), "rope_theta"),
      rope_parameters: { ...llama3, rope_theta: 5e5 },
    };
    const c = parseModelConfig(v5, "c");
    expect(c.ropeScaling).toEqual(want);
    expect(c.ropeTheta).toBe(500000);
    const linear = { ...llama(), rope_scaling: { type: "linear", factor: 2 } };
    expect(parseModelConfig(linear, "c").ropeScaling).toEqual({ type: "linear", factor: 2 });
    const plain = { ...llama(), rope_parameters: { rope_type: "default", rope_theta: 500000 } };
    expect(parseModelConfig(plain, "c").ropeScaling).toEqual({ type: "default" });
  });

  it("rejects unsupported rope types and contradictory rope settings, naming the field", () => {
    const yarn = configError({ ...llama(), rope_scaling: { rope_type: "yarn", factor: 4 } });
    expect(yarn.field).toBe("rope_scaling.rope_type");
    expect(yarn.message).toContain("config.json: field 'rope_scaling.rope_type'");
    const dynamic = configError({ ...llama(), rope_parameters: { type: "dynamic", factor: 2 } });
    expect(dynamic.field).toBe("rope_parameters.type");
    const noFactor = configError({ ...llama(), rope_scaling: { rope_type: "linear" } });
    expect(noFactor.field).toBe("rope_scaling.factor");
    const theta = configError({ ...llama(), rope_parameters: { rope_theta: 10 } });
    expect(theta.field).toBe("rope_theta");
  });

  it("normalises qwen2 with q/k/v biases but no output bias", () => {
    const c = parseModelConfig(qwen2(), "c");
    expect(c.architecture).toBe("qwen2");
    expect([c.qkvBias, c.oBias, c.mlpBias, c.qkNorm]).toEqual([true, false, false, false]);
    expect([c.dHead, c.tieEmbeddings, c.ropeTheta]).toEqual([16, true, 1000000]);
    expect(parseModelConfig(without(qwen2(), "tie_word_embeddings"), "c").tieEmbeddings).toBe(
      false,
    );
  });

  it("rejects sliding-window attention for qwen2 and qwen3", () => {
    expect(configError({ ...qwen2(), use_sliding_window: true }).field).toBe("use_sliding_window");
    const layers = { ...qwen3(), layer_types: ["full_attention", "sliding_attention"] };
    expect(configError(layers).field).toBe("layer_types");
  });

  it("normalises qwen3 with qk-norm, an explicit head_dim and several eos ids", () => {
    const c = parseModelConfig(qwen3(), "c");
    expect([c.qkNorm, c.dHead, c.nHeads * c.dHead]).toEqual([true, 32, 128]);
    expect([c.qkvBias, c.oBias]).toEqual([false, false]);
    expect(c.eosTokenIds).toEqual([151645, 151643]);
    expect(c.bosTokenId).toBeNull();
  });

  it("normalises gpt2 with learned positions, layer norm, all biases and tied embeddings", () => {
    const c = parseModelConfig(gpt2(), "c");
    expect(c).toMatchObject({
      architecture: "gpt2",
      dModel: 64,
      nLayers: 2,
      nHeads: 4,
      nKvHeads: 4,
      dHead: 16,
      dMlp: 256, // n_inner null → 4 × n_embd
      maxPositions: 128,
      normEps: 1e-5,
      norm: "layer",
      activation: "gelu_new",
      positional: "learned",
      tieEmbeddings: true,
      qkvBias: true,
      oBias: true,
      mlpBias: true,
      qkNorm: false,
      eosTokenIds: [50256],
    });
    expect(parseModelConfig({ ...gpt2(), n_inner: 100 }, "c").dMlp).toBe(100);
    expect(parseModelConfig({ ...gpt2(), activation_function: "gelu" }, "c").activation).toBe(
      "gelu",
    );
  });

  it("names the missing required field for each model type", () => {
    const required: [() => Record<string, unknown>, string[]][] = [
      [
        llama,
        [
          "hidden_size",
          "intermediate_size",
          "num_hidden_layers",
          "num_attention_heads",
          "rms_norm_eps",
          "max_position_embeddings",
          "vocab_size",
        ],
      ],
      [qwen2, ["hidden_size", "num_attention_heads", "rms_norm_eps", "vocab_size"]],
      [qwen3, ["head_dim", "intermediate_size", "max_position_embeddings"]],
      [gpt2, ["n_embd", "n_layer", "n_head", "n_positions", "vocab_size", "layer_norm_epsilon"]],
    ];
    for (const [make, keys] of required) {
      for (const key of keys) {
        const err = configError(without(make(), key));
        expect(err.field, `${make().model_type} without ${key}`).toBe(key);
        expect(err.message).toBe(`config.json: field '${key}': missing`);
      }
    }
  });

  it("rejects wrong types and invalid values, naming the field", () => {
    expect(configError({ ...llama(), hidden_size: "64" }).field).toBe("hidden_size");
    expect(configError({ ...llama(), num_hidden_layers: 0 }).field).toBe("num_hidden_layers");
    expect(configError({ ...llama(), rms_norm_eps: -1 }).field).toBe("rms_norm_eps");
    expect(configError({ ...llama(), num_key_value_heads: 3 }).field).toBe("num_key_value_heads");
    expect(configError({ ...llama(), num_attention_heads: 6 }).field).toBe("num_attention_heads");
    expect(configError({ ...llama(), hidden_act: "gelu" }).field).toBe("hidden_act");
    expect(configError({ ...llama(), tie_word_embeddings: "yes" }).field).toBe(
      "tie_word_embeddings",
    );
    expect(configError({ ...llama(), eos_token_id: [2, "x"] }).field).toBe("eos_token_id");
    expect(configError({ ...gpt2(), n_head: 5 }).field).toBe("n_head");
    expect(configError({ ...gpt2(), activation_function: "relu" }).field).toBe(
      "activation_function",
    );
    expect(configError({ ...gpt2(), scale_attn_weights: false }).field).toBe("scale_attn_weights");
  });

  it("rejects a missing or unknown model_type, and mistral", () => {
    expect(configError(without(llama(), "model_type")).message).toBe(
      "config.json: field 'model_type': missing",
    );
    expect(configError({ ...llama(), model_type: "bert" }).field).toBe("model_type");
    expect(configError({ ...llama(), model_type: "mistral" }).field).toBe("model_type");
    expect(configError([1]).field).toBeNull();
  });
});

describe("readModelConfig", () => {
  const dir = mkdtempSync(join(tmpdir(), "trigscope-cfg-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads config.json from a directory and names the file in errors", () => {
    writeFileSync(join(dir, "config.json"), JSON.stringify(gpt2()));
    expect(readModelConfig(dir).architecture).toBe("gpt2");
    writeFileSync(join(dir, "config.json"), JSON.stringify(without(gpt2(), "n_layer")));
    expect(() => readModelConfig(dir)).toThrow(
      `${join(dir, "config.json")}: field 'n_layer': missing`,
    );
    writeFileSync(join(dir, "config.json"), "{");
    expect(() => readModelConfig(dir)).toThrow(ConfigError);
  });
});
