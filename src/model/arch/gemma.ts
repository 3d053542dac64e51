/**
 * Gemma 2 and Gemma 3 (text): Llama's tensor names plus two more norms per layer. Gemma's
 * `post_attention_layernorm` normalises the attention *output* (Llama's name for the norm before
 * the MLP), `pre_feedforward_layernorm` is the norm before the MLP and `post_feedforward_layernorm`
 * normalises the MLP output. Every RMSNorm weight is stored as an offset from 1 (x̂·(1 + w)): the
 * 1 is added here, in float32 as transformers does, so the forward pass multiplies by the weight
 * as for every family. Embeddings are tied (a stray lm_head.weight is ignored).
 */
import type { ModelConfig } from "../config.js";
import type { HostTensor } from "../params.js";
import { buildLlamaLayer, buildLlamaTop, expectedLlama } from "./llama.js";
import type { ArchSpec, HostLayer } from "./spec.js";

const P = "model.layers";

function expectedGemma(c: ModelConfig): Map<string, number[]> {
  const m = expectedLlama(c);
  for (let i = 0; i < c.nLayers; i++) {
    m.set(`${P}.${i}.pre_feedforward_layernorm.weight`, [c.dModel]);
    m.set(`${P}.${i}.post_feedforward_layernorm.weight`, [c.dModel]);
  }
  return m;
}

/** 1 + w, elementwise in float32. */
function offsetNorm(t: HostTensor, offset: number): HostTensor {
  const data = new Float32Array(t.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.fround(offset + t.data[i]!);
  return { shape: t.shape, data };
}

function buildGemmaLayer(c: ModelConfig, i: number, get: (name: string) => HostTensor) {
  const offset = c.normWeightOffset ?? 1;
  const norm = (name: string) => offsetNorm(get(name), offset);
  const p = `${P}.${i}`;
  const out: HostLayer = {
    ...buildLlamaLayer(c, i, get),
    ln1: { w: norm(`${p}.input_layernorm.weight`) },
    ln1Post: { w: norm(`${p}.post_attention_layernorm.weight`) },
    ln2: { w: norm(`${p}.pre_feedforward_layernorm.weight`) },
    ln2Post: { w: norm(`${p}.post_feedforward_layernorm.weight`) },
  };
  if (c.qkNorm) {
    out.qNorm = norm(`${p}.self_attn.q_norm.weight`);
    out.kNorm = norm(`${p}.self_attn.k_norm.weight`);
  }
  return out;
}

function buildGemmaTop(c: ModelConfig, get: (name: string) => HostTensor) {
  const top = buildLlamaTop(c, get);
  return { ...top, lnFinal: { w: offsetNorm(get("model.norm.weight"), c.normWeightOffset ?? 1) } };
}

export const gemmaSpec: ArchSpec = {
  expected: (c) => expectedGemma(c),
  ignorable: (c, name) => c.tieEmbeddings && name === "lm_head.weight",
  buildTop: buildGemmaTop,
  buildLayer: buildGemmaLayer,
};
