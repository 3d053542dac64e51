/**
 * Gemma 2 / Gemma 3 text config.json keys, in transformers 5's spelling (the fixtures') and the
 * spellings of the checkpoints on the hub written by transformers 4.4x–4.5x (no layer_types;
 * sliding_window_pattern, rope_local_base_freq, rope_scaling), and the errors for what is not
 * supported. Expected values: transformers' Gemma2Config / Gemma3TextConfig defaults.
 */
import { describe, expect, it } from "vitest";
import { parseModelConfig } from "../../src/io/config.js";
import { ConfigError } from "../../src/io/errors.js";

const BASE = {
  hidden_size: 64,
  intermediate_size: 128,
  num_hidden_layers: 6,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 16,
  vocab_size: 400,
};

const parse = (json: Record<string, unknown>) => parseModelConfig(json, "config.json");

describe("Gemma configs", () => {
  it("reads a transformers 4 Gemma 2 file: defaults for caps, scalar and window; even layers slide", () => {
    const c = parse({ ...BASE, model_type: "gemma2" });
    expect(c.architecture).toBe("gemma2");
    expect(c.attnSoftcap).toBe(50);
    expect(c.finalSoftcap).toBe(30);
    expect(c.attnScale).toBeCloseTo(256 ** -0.5, 15);
    expect(c.slidingWindow).toBe(4096);
    expect(c.layerTypes).toEqual(["sliding", "full", "sliding", "full", "sliding", "full"]);
    expect(c.embedScale).toBe(Math.fround(8));
    expect(c.activation).toBe("gelu_new");
    expect(c.tieEmbeddings).toBe(true);
    expect(c.localRope).toBeUndefined();
  });

  it("turns a soft cap off with an explicit null", () => {
    const c = parse({ ...BASE, model_type: "gemma2", attn_logit_softcapping: null });
    expect(c.attnSoftcap).toBeUndefined();
    expect(c.finalSoftcap).toBe(30);
  });

  it("reads a transformers 4 Gemma 3 file: five local layers then a global one, two RoPE bases", () => {
    const c = parse({
      ...BASE,
      model_type: "gemma3_text",
      rope_theta: 1000000,
      rope_local_base_freq: 10000,
      rope_scaling: { rope_type: "linear", factor: 8 },
      sliding_window: 512,
      sliding_window_pattern: 6,
    });
    expect(c.layerTypes).toEqual(["sliding", "sliding", "sliding", "sliding", "sliding", "full"]);
    expect(c.ropeTheta).toBe(1000000);
    expect(c.ropeScaling).toEqual({ type: "linear", factor: 8 });
    expect(c.localRope).toEqual({ theta: 10000, scaling: { type: "default" } });
    expect(c.attnSoftcap).toBeUndefined();
    expect(c.qkNorm).toBe(true);
    expect(c.slidingWindow).toBe(512);
  });

  it("reads transformers 5's rope_parameters keyed by layer type", () => {
    const c = parse({
      ...BASE,
      num_hidden_layers: 2,
      model_type: "gemma3_text",
      layer_types: ["sliding_attention", "full_attention"],
      rope_parameters: {
        full_attention: { rope_type: "linear", factor: 8, rope_theta: 1000000 },
        sliding_attention: { rope_type: "default", rope_theta: 10000 },
      },
    });
    expect(c.layerTypes).toEqual(["sliding", "full"]);
    expect(c.ropeTheta).toBe(1000000);
    expect(c.localRope?.theta).toBe(10000);
  });

  it.each([
    [{ model_type: "gemma3" }, "model_type", /multimodal/],
    [
      { model_type: "gemma3_text", use_bidirectional_attention: true },
      "use_bidirectional_attention",
      /bidirectional/,
    ],
    [{ model_type: "gemma2", layer_types: ["full_attention"] }, "layer_types", /6 entries/],
    [{ model_type: "gemma2", layer_types: Array(6).fill("chunked") }, "layer_types", /entry 0/],
    [{ model_type: "gemma2", hidden_activation: "relu" }, "hidden_activation", /gelu_pytorch_tanh/],
    [{ model_type: "gemma2", final_logit_softcapping: -1 }, "final_logit_softcapping", /positive/],
  ])("rejects %j naming the key", (extra, field, reason) => {
    const err = (() => {
      try {
        parse({ ...BASE, ...extra });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe(field);
    expect((err as ConfigError).message).toMatch(reason);
  });
});
