/**
 * The loader refuses a checkpoint that does not fit its config, listing every missing, unexpected
 * and mis-shaped tensor by name; it accepts known parameter-free extras (tied lm_head, GPT-2 mask
 * buffers, unprefixed GPT-2 names).
 */
import { describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { modelFromTensors } from "../../src/model/model.js";
import { checkWeights, WeightMismatchError } from "../../src/model/weights.js";
import { randomTensors, tinyConfig } from "./random-model.js";

describe("checkWeights", () => {
  it("lists missing, unexpected and mis-shaped tensors by name", () => {
    const cfg = tinyConfig("llama");
    const t = randomTensors(cfg);
    t.delete("model.layers.1.mlp.up_proj.weight");
    t.delete("model.norm.weight");
    t.set("model.layers.0.self_attn.q_norm.weight", { shape: [8], data: new Float32Array(8) });
    t.set("model.layers.0.self_attn.k_proj.weight", {
      shape: [32, 32],
      data: new Float32Array(1024),
    });
    let err: unknown;
    try {
      checkWeights(cfg, t, "model.safetensors");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WeightMismatchError);
    const w = err as WeightMismatchError;
    expect(w.missing).toEqual(["model.layers.1.mlp.up_proj.weight", "model.norm.weight"]);
    expect(w.unexpected).toEqual(["model.layers.0.self_attn.q_norm.weight"]);
    expect(w.misShaped).toEqual([
      { name: "model.layers.0.self_attn.k_proj.weight", expected: [16, 32], actual: [32, 32] },
    ]);
    expect(w.message).toMatch(/^model\.safetensors: /);
    expect(w.message).toContain(
      "model.layers.0.self_attn.k_proj.weight is [32,32], expected [16,32]",
    );
  });

  it("asks for q/k/v biases only where the config has them (qwen2) and q/k norms only for qwen3", () => {
    const qwen2 = tinyConfig("qwen2");
    const t = randomTensors(tinyConfig("llama"));
    expect(() => checkWeights(qwen2, t, "w")).toThrow(/missing tensors: .*q_proj\.bias/);
    expect(() => checkWeights(tinyConfig("qwen3"), t, "w")).toThrow(
      /missing tensors: .*q_norm\.weight/,
    );
  });

  it("ignores a tied model's duplicate lm_head and GPT-2's attention-mask buffers", () => {
    const gpt2 = tinyConfig("gpt2");
    const t = randomTensors(gpt2);
    t.set("lm_head.weight", { shape: [50, 32], data: new Float32Array(1600) });
    t.set("transformer.h.0.attn.bias", { shape: [1, 1, 64, 64], data: new Float32Array(4096) });
    expect(() => checkWeights(gpt2, t, "w")).not.toThrow();
  });

  it("reads GPT-2 checkpoints without the transformer. prefix", async () => {
    await initEngine("wasm");
    const gpt2 = tinyConfig("gpt2");
    const prefixed = randomTensors(gpt2);
    const bare = new Map([...prefixed].map(([k, v]) => [k.replace(/^transformer\./, ""), v]));
    const m = modelFromTensors(gpt2, bare, "bare");
    expect(m.params.layers).toHaveLength(2);
    m.dispose();
  });
});
