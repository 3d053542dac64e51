/**
 * Llama (and the Qwen2/Qwen3 variants, which differ only in biases and q/k norms): HF names
 * `model.layers.{i}.self_attn.q_proj.weight`, … in nn.Linear [out, in] layout.
 */
import type { ModelConfig } from "../config.js";
import { transposeLater, type HostTensor } from "../params.js";
import type { ArchSpec, HostLayer } from "./spec.js";

const P = "model.layers";

export function expectedLlama(c: ModelConfig): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const { dModel: d, nHeads: h, nKvHeads: hkv, dHead: k, dMlp: f, vocabSize: v } = c;
  m.set("model.embed_tokens.weight", [v, d]);
  for (let i = 0; i < c.nLayers; i++) {
    const p = `${P}.${i}`;
    m.set(`${p}.input_layernorm.weight`, [d]);
    m.set(`${p}.post_attention_layernorm.weight`, [d]);
    m.set(`${p}.self_attn.q_proj.weight`, [h * k, d]);
    m.set(`${p}.self_attn.k_proj.weight`, [hkv * k, d]);
    m.set(`${p}.self_attn.v_proj.weight`, [hkv * k, d]);
    m.set(`${p}.self_attn.o_proj.weight`, [d, h * k]);
    if (c.qkvBias) {
      m.set(`${p}.self_attn.q_proj.bias`, [h * k]);
      m.set(`${p}.self_attn.k_proj.bias`, [hkv * k]);
      m.set(`${p}.self_attn.v_proj.bias`, [hkv * k]);
    }
    if (c.oBias) m.set(`${p}.self_attn.o_proj.bias`, [d]);
    if (c.qkNorm) {
      m.set(`${p}.self_attn.q_norm.weight`, [k]);
      m.set(`${p}.self_attn.k_norm.weight`, [k]);
    }
    m.set(`${p}.mlp.gate_proj.weight`, [f, d]);
    m.set(`${p}.mlp.up_proj.weight`, [f, d]);
    m.set(`${p}.mlp.down_proj.weight`, [d, f]);
    if (c.mlpBias) {
      m.set(`${p}.mlp.gate_proj.bias`, [f]);
      m.set(`${p}.mlp.up_proj.bias`, [f]);
      m.set(`${p}.mlp.down_proj.bias`, [d]);
    }
  }
  m.set("model.norm.weight", [d]);
  if (!c.tieEmbeddings) m.set("lm_head.weight", [v, d]);
  return m;
}

export function buildLlamaLayer(c: ModelConfig, i: number, get: (name: string) => HostTensor) {
  const lin = (name: string) => transposeLater(get(name));
  const p = `${P}.${i}`;
  const layer: HostLayer = {
    ln1: { w: get(`${p}.input_layernorm.weight`) },
    ln2: { w: get(`${p}.post_attention_layernorm.weight`) },
    wq: lin(`${p}.self_attn.q_proj.weight`),
    wk: lin(`${p}.self_attn.k_proj.weight`),
    wv: lin(`${p}.self_attn.v_proj.weight`),
    wo: lin(`${p}.self_attn.o_proj.weight`),
    wGate: lin(`${p}.mlp.gate_proj.weight`),
    wUp: lin(`${p}.mlp.up_proj.weight`),
    wDown: lin(`${p}.mlp.down_proj.weight`),
  };
  if (c.qkvBias) {
    layer.bq = get(`${p}.self_attn.q_proj.bias`);
    layer.bk = get(`${p}.self_attn.k_proj.bias`);
    layer.bv = get(`${p}.self_attn.v_proj.bias`);
  }
  if (c.oBias) layer.bo = get(`${p}.self_attn.o_proj.bias`);
  if (c.qkNorm) {
    layer.qNorm = get(`${p}.self_attn.q_norm.weight`);
    layer.kNorm = get(`${p}.self_attn.k_norm.weight`);
  }
  if (c.mlpBias) {
    layer.bGate = get(`${p}.mlp.gate_proj.bias`);
    layer.bUp = get(`${p}.mlp.up_proj.bias`);
    layer.bDown = get(`${p}.mlp.down_proj.bias`);
  }
  return layer;
}

export function buildLlamaTop(c: ModelConfig, get: (name: string) => HostTensor) {
  return {
    embed: get("model.embed_tokens.weight"),
    lnFinal: { w: get("model.norm.weight") },
    ...(c.tieEmbeddings ? {} : { unembed: transposeLater(get("lm_head.weight")) }),
  };
}

export const llamaSpec: ArchSpec = {
  expected: (c) => expectedLlama(c),
  // A tied checkpoint may still carry lm_head.weight; rotary inv_freq buffers in old files.
  ignorable: (c, name) => {
    if (c.tieEmbeddings && name === "lm_head.weight") return true;
    for (let i = 0; i < c.nLayers; i++) {
      if (name === `${P}.${i}.self_attn.rotary_emb.inv_freq`) return true;
    }
    return false;
  },
  buildTop: buildLlamaTop,
  buildLayer: buildLlamaLayer,
};
