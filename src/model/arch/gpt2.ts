/**
 * GPT-2: Conv1D weights are already [in, out]; `c_attn` holds q, k and v side by side. Checkpoints
 * come with or without the `transformer.` prefix; the causal-mask buffers (`attn.bias`,
 * `attn.masked_bias`) of older files carry no parameters.
 */
import type { ModelConfig } from "../config.js";
import { sliceColumnsHost, type HostTensor } from "../params.js";
import type { ArchSpec, HostLayer } from "./spec.js";

function prefixOf(names: ReadonlySet<string>): string {
  return names.has("wte.weight") && !names.has("transformer.wte.weight") ? "" : "transformer.";
}

function expectedGpt2(c: ModelConfig, names: ReadonlySet<string>): Map<string, number[]> {
  const t = prefixOf(names);
  const { dModel: d, dMlp: f, vocabSize: v } = c;
  const m = new Map<string, number[]>();
  m.set(`${t}wte.weight`, [v, d]);
  m.set(`${t}wpe.weight`, [c.maxPositions, d]);
  for (let i = 0; i < c.nLayers; i++) {
    const p = `${t}h.${i}`;
    for (const ln of ["ln_1", "ln_2"]) {
      m.set(`${p}.${ln}.weight`, [d]);
      m.set(`${p}.${ln}.bias`, [d]);
    }
    m.set(`${p}.attn.c_attn.weight`, [d, 3 * d]);
    m.set(`${p}.attn.c_attn.bias`, [3 * d]);
    m.set(`${p}.attn.c_proj.weight`, [d, d]);
    m.set(`${p}.attn.c_proj.bias`, [d]);
    m.set(`${p}.mlp.c_fc.weight`, [d, f]);
    m.set(`${p}.mlp.c_fc.bias`, [f]);
    m.set(`${p}.mlp.c_proj.weight`, [f, d]);
    m.set(`${p}.mlp.c_proj.bias`, [d]);
  }
  m.set(`${t}ln_f.weight`, [d]);
  m.set(`${t}ln_f.bias`, [d]);
  return m;
}

function buildGpt2Layer(
  c: ModelConfig,
  i: number,
  get: (name: string) => HostTensor,
  names: ReadonlySet<string>,
): HostLayer {
  const p = `${prefixOf(names)}h.${i}`;
  const d = c.dModel;
  const qkv = get(`${p}.attn.c_attn.weight`);
  const qkvBias = get(`${p}.attn.c_attn.bias`);
  return {
    ln1: { w: get(`${p}.ln_1.weight`), b: get(`${p}.ln_1.bias`) },
    ln2: { w: get(`${p}.ln_2.weight`), b: get(`${p}.ln_2.bias`) },
    wq: sliceColumnsHost(qkv, 0, d),
    wk: sliceColumnsHost(qkv, d, 2 * d),
    wv: sliceColumnsHost(qkv, 2 * d, 3 * d),
    bq: sliceColumnsHost(qkvBias, 0, d),
    bk: sliceColumnsHost(qkvBias, d, 2 * d),
    bv: sliceColumnsHost(qkvBias, 2 * d, 3 * d),
    wo: get(`${p}.attn.c_proj.weight`),
    bo: get(`${p}.attn.c_proj.bias`),
    wUp: get(`${p}.mlp.c_fc.weight`),
    bUp: get(`${p}.mlp.c_fc.bias`),
    wDown: get(`${p}.mlp.c_proj.weight`),
    bDown: get(`${p}.mlp.c_proj.bias`),
  };
}

function buildGpt2Top(
  _c: ModelConfig,
  get: (name: string) => HostTensor,
  names: ReadonlySet<string>,
) {
  const t = prefixOf(names);
  return {
    embed: get(`${t}wte.weight`),
    posEmbed: get(`${t}wpe.weight`),
    lnFinal: { w: get(`${t}ln_f.weight`), b: get(`${t}ln_f.bias`) },
  };
}

export const gpt2Spec: ArchSpec = {
  expected: expectedGpt2,
  ignorable: (c, name) => {
    if (name === "lm_head.weight") return true;
    for (const t of ["", "transformer."]) {
      for (let i = 0; i < c.nLayers; i++) {
        if (name === `${t}h.${i}.attn.bias` || name === `${t}h.${i}.attn.masked_bias`) return true;
      }
    }
    return false;
  },
  buildTop: buildGpt2Top,
  buildLayer: buildGpt2Layer,
};
