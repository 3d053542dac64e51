/**
 * The fast path's model (fast/model.ts: FastConfig + host float32 weights) uploaded to the GPU
 * once, in the same layout ([in, out] matrices for x @ W). What the GPU path does not implement
 * beyond the CPU fast path's own refusals — unmerged LoRA adapters — is refused by name.
 */
import { assertFastSupported, type FastConfig, type FastModel } from "../fast/model.js";
import { FastUnsupportedError } from "../fast/model.js";
import type { Buf } from "../fast/numerics.js";
import { gpuUpload, type GpuContext, type GpuTensor } from "./context.js";

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

/** Why the GPU path cannot run this model, or null when it can. */
export function gpuUnsupportedReason(m: FastModel): string | null {
  if (m.weights.layers.some((l) => l.lora)) return "unmerged LoRA adapters (merge them first)";
  return null;
}

function f32(b: Buf): Float32Array {
  return b instanceof Float32Array ? b : Float32Array.from(b);
}

/** Uploads the model's weights; throws FastUnsupportedError for what the GPU path lacks. */
export function uploadModel(ctx: GpuContext, m: FastModel): GpuModel {
  assertFastSupported(m.config);
  const why = gpuUnsupportedReason(m);
  if (why) throw new FastUnsupportedError(`fast engine on webgpu: ${why}; use the jax engine`);
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
    return g;
  });
  const model: GpuModel = {
    config: m.config,
    ctx,
    embed: up(m.weights.embed),
    layers,
    lnFinal: up(m.weights.lnFinal),
    dispose: () => all.forEach((t) => t.buf.destroy()),
  };
  if (m.weights.unembed) model.unembed = up(m.weights.unembed);
  return model;
}
