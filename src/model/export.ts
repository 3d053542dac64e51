/**
 * The inverse of loading: device parameters back to HF tensor names (nn.Linear [out, in] layout)
 * and a model directory written in HF layout (config.json + model.safetensors). Llama family
 * only: it is what trigscope trains.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { llamaConfigJson } from "../io/config-write.js";
import { writeFileAtomic } from "../io/atomic.js";
import { writeSafetensors } from "../io/safetensors.js";
import type { np } from "../engine/jax.js";
import type { ModelConfig } from "./config.js";
import { transposeHost, type HostTensor, type ModelParams } from "./params.js";

async function host(x: np.Array): Promise<HostTensor> {
  const data = (await x.ref.data()) as Float32Array;
  return { shape: [...x.shape], data: Float32Array.from(data) };
}

/** Reads the parameters (not consumed) into HF-named host tensors. */
export async function paramsToHfTensors(
  cfg: ModelConfig,
  params: ModelParams,
): Promise<Map<string, HostTensor>> {
  if (cfg.architecture !== "llama" || cfg.qkvBias || cfg.oBias || cfg.mlpBias || cfg.qkNorm) {
    throw new Error(`paramsToHfTensors: only plain llama models are exported`);
  }
  if (Array.isArray(params.embed) || Array.isArray(params.unembed)) {
    throw new Error("paramsToHfTensors: a vocabulary held in parts is not exported");
  }
  const out = new Map<string, HostTensor>();
  const lin = async (name: string, w: np.Array) => out.set(name, transposeHost(await host(w)));
  out.set("model.embed_tokens.weight", await host(params.embed));
  for (let i = 0; i < cfg.nLayers; i++) {
    const l = params.layers[i]!;
    const p = `model.layers.${i}`;
    out.set(`${p}.input_layernorm.weight`, await host(l.ln1.w));
    out.set(`${p}.post_attention_layernorm.weight`, await host(l.ln2.w));
    await lin(`${p}.self_attn.q_proj.weight`, l.wq);
    await lin(`${p}.self_attn.k_proj.weight`, l.wk);
    await lin(`${p}.self_attn.v_proj.weight`, l.wv);
    await lin(`${p}.self_attn.o_proj.weight`, l.wo);
    await lin(`${p}.mlp.gate_proj.weight`, l.wGate!);
    await lin(`${p}.mlp.up_proj.weight`, l.wUp);
    await lin(`${p}.mlp.down_proj.weight`, l.wDown);
  }
  out.set("model.norm.weight", await host(params.lnFinal.w));
  if (!cfg.tieEmbeddings) await lin("lm_head.weight", params.unembed!);
  return out;
}

/** Writes config.json and model.safetensors (float32) of a llama model into `dir`. */
export function writeModelDir(
  dir: string,
  cfg: ModelConfig,
  tensors: ReadonlyMap<string, HostTensor>,
  metadata?: Record<string, string>,
): void {
  mkdirSync(dir, { recursive: true });
  const record: Record<string, { dtype: "F32"; shape: number[]; data: Float32Array }> = {};
  for (const [name, t] of tensors) record[name] = { dtype: "F32", shape: t.shape, data: t.data };
  writeSafetensors(join(dir, "model.safetensors"), record, { format: "pt", ...metadata });
  writeFileAtomic(join(dir, "config.json"), JSON.stringify(llamaConfigJson(cfg), null, 2) + "\n");
}
