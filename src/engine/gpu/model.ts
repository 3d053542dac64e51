/**
 * The fast path's model (fast/model.ts: FastConfig + host float32 weights, unmerged LoRA adapters
 * included) uploaded to the GPU once, in the same layout ([in, out] matrices for x @ W). Training
 * runs on a view with its step's adapters (`gpuModelWithLora`; the base weights are shared).
 */
import { FAST_LORA_TARGETS, type FastLoraSet } from "../fast/lora.js";
import { assertFastSupported, type FastConfig, type FastModel } from "../fast/model.js";
import type { Buf } from "../fast/numerics.js";
import { gpuUpload, type GpuContext, type GpuTensor } from "./context.js";
import type { GpuLora, GpuLoraSet } from "./linear.js";

export interface GpuLayer {
  ln1: GpuTensor;
  ln2: GpuTensor;
  wq: GpuTensor;
  wk: GpuTensor;
  wv: GpuTensor;
  wo: GpuTensor;
  bq?: GpuTensor;
  bk?: GpuTensor;
  bv?: GpuTensor;
  qNorm?: GpuTensor;
  kNorm?: GpuTensor;
  wGate: GpuTensor;
  wUp: GpuTensor;
  wDown: GpuTensor;
  /** Unmerged LoRA adapters on the layer's projections (linear.ts). */
  lora?: GpuLoraSet;
}

export interface GpuModel {
  config: FastConfig;
  ctx: GpuContext;
  embed: GpuTensor;
  layers: GpuLayer[];
  lnFinal: GpuTensor;
  /** [D, V]; absent when tied to `embed` ([V, D]). */
  unembed?: GpuTensor;
  /** Frees every weight buffer. */
  dispose(): void;
}

function f32(b: Buf): Float32Array {
  return b instanceof Float32Array ? b : Float32Array.from(b);
}

/** The adapters of one layer uploaded (each a and b a tensor of its own, freed by the caller). */
function uploadLora(ctx: GpuContext, set: FastLoraSet): GpuLoraSet {
  const out: GpuLoraSet = {};
  for (const t of FAST_LORA_TARGETS) {
    const l = set[t];
    if (!l) continue;
    out[t] = {
      a: gpuUpload(ctx, f32(l.a)),
      b: gpuUpload(ctx, f32(l.b)),
      rank: l.rank,
      scale: l.scale,
    };
  }
  return out;
}

function freeLora(set: GpuLoraSet | undefined): void {
  for (const l of Object.values(set ?? {}) as GpuLora[]) {
    l.a.buf.destroy();
    l.b.buf.destroy();
  }
}

/**
 * A view of `base` whose layers named in `sets` (layer index → set) carry those adapters: the base
 * weights (and the base's own adapters on other layers) are shared, the sets uploaded; the view's
 * dispose() frees only what it uploaded.
 */
export function gpuModelWithLora(base: GpuModel, sets: ReadonlyMap<number, FastLoraSet>): GpuModel {
  for (const l of sets.keys()) {
    if (!base.layers[l]) throw new Error(`gpu LoRA: layer ${l} is not in the model`);
    if (base.layers[l]!.lora) throw new Error(`gpu LoRA: layer ${l} already has an adapter`);
  }
  const uploaded: GpuLoraSet[] = [];
  const layers = base.layers.map((layer, l): GpuLayer => {
    const set = sets.get(l);
    if (!set) return layer;
    const lora = uploadLora(base.ctx, set);
    uploaded.push(lora);
    return { ...layer, lora };
  });
  return { ...base, layers, dispose: () => uploaded.forEach(freeLora) };
}

/** Uploads the model's weights (and any unmerged LoRA adapters). */
export function uploadModel(ctx: GpuContext, m: FastModel): GpuModel {
  assertFastSupported(m.config);
  const all: GpuTensor[] = [];
  const up = (b: Buf) => {
    const t = gpuUpload(ctx, f32(b));
    all.push(t);
    return t;
  };
  const layers = m.weights.layers.map((l) => {
    const g: GpuLayer = {
      ln1: up(l.ln1),
      ln2: up(l.ln2),
      wq: up(l.wq),
      wk: up(l.wk),
      wv: up(l.wv),
      wo: up(l.wo),
      wGate: up(l.wGate),
      wUp: up(l.wUp),
      wDown: up(l.wDown),
    };
    if (l.bq) g.bq = up(l.bq);
    if (l.bk) g.bk = up(l.bk);
    if (l.bv) g.bv = up(l.bv);
    if (l.qNorm) g.qNorm = up(l.qNorm);
    if (l.kNorm) g.kNorm = up(l.kNorm);
    if (l.lora) g.lora = uploadLora(ctx, l.lora);
    return g;
  });
  const model: GpuModel = {
    config: m.config,
    ctx,
    embed: up(m.weights.embed),
    layers,
    lnFinal: up(m.weights.lnFinal),
    dispose: () => {
      all.forEach((t) => t.buf.destroy());
      layers.forEach((l) => freeLora(l.lora));
    },
  };
  if (m.weights.unembed) model.unembed = up(m.weights.unembed);
  return model;
}
