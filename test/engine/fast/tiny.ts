/**
 * Tiny float64 Llama-family models and batches for the fast path's gradient checks: random
 * weights (norm weights near 1), RoPE tables of arbitrary angles, a batch with left padding.
 */
import type { FastBatch } from "../../../src/engine/fast/forward.js";
import type { FastConfig, FastLayer, FastModel } from "../../../src/engine/fast/model.js";
import { randomArray } from "./gradcheck.js";

export type TinyArch = "llama" | "qwen2" | "qwen3";

export function tinyFastConfig(arch: TinyArch): FastConfig {
  return {
    architecture: arch,
    vocabSize: 11,
    dModel: 8,
    nLayers: 3,
    nHeads: 4,
    nKvHeads: 2,
    dHead: 4,
    dMlp: 12,
    normEps: 1e-5,
    norm: "rms",
    activation: "silu",
    positional: "rope",
    qkvBias: arch === "qwen2",
    oBias: false,
    mlpBias: false,
    qkNorm: arch === "qwen3",
  };
}

function tinyLayer(c: FastConfig, seed: number): FastLayer {
  const { dModel: d, nHeads: h, nKvHeads: hkv, dHead: k, dMlp: f } = c;
  const w = (n: number, s: number) => randomArray(n, seed + s, 0.6);
  const norm = (n: number, s: number) => randomArray(n, seed + s, 0.3).map((v) => 1 + v);
  const layer: FastLayer = {
    ln1: norm(d, 1),
    ln2: norm(d, 2),
    wq: w(d * h * k, 3),
    wk: w(d * hkv * k, 4),
    wv: w(d * hkv * k, 5),
    wo: w(h * k * d, 6),
    wGate: w(d * f, 7),
    wUp: w(d * f, 8),
    wDown: w(f * d, 9),
  };
  if (c.qkvBias) {
    layer.bq = w(h * k, 10);
    layer.bk = w(hkv * k, 11);
    layer.bv = w(hkv * k, 12);
  }
  if (c.qkNorm) {
    layer.qNorm = norm(k, 13);
    layer.kNorm = norm(k, 14);
  }
  return layer;
}

export function tinyFastModel(arch: TinyArch, tied = false): FastModel {
  const c = tinyFastConfig(arch);
  const weights: FastModel["weights"] = {
    embed: randomArray(c.vocabSize * c.dModel, 900, 1),
    layers: Array.from({ length: c.nLayers }, (_, l) => tinyLayer(c, 100 * (l + 1))),
    lnFinal: randomArray(c.dModel, 901, 0.3).map((v) => 1 + v),
  };
  if (!tied) weights.unembed = randomArray(c.dModel * c.vocabSize, 902, 1);
  return { config: c, weights };
}

/** Two rows of five tokens; the second has two left pads. */
export function tinyBatch(c: FastConfig): FastBatch {
  const b = 2;
  const t = 5;
  const k = c.dHead;
  const keyMask = Uint8Array.from([1, 1, 1, 1, 1, 0, 0, 1, 1, 1]);
  const ids = Int32Array.from({ length: b * t }, (_, i) => (i * 5 + 3) % c.vocabSize);
  const cos = new Float64Array(b * t * k);
  const sin = new Float64Array(b * t * k);
  for (let r = 0; r < b * t; r++) {
    for (let i = 0; i < k / 2; i++) {
      const angle = (r % t) * 0.7 * (i + 1);
      for (const j of [i, i + k / 2]) {
        cos[r * k + j] = Math.cos(angle);
        sin[r * k + j] = Math.sin(angle);
      }
    }
  }
  return { b, t, ids, keyMask, cos, sin };
}
