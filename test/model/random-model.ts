/**
 * Tiny random models built in memory (HF tensor names), for tests that need no fixture files.
 */
import type { Architecture, ModelConfig } from "../../src/model/config.js";
import { archSpec } from "../../src/model/arch/registry.js";
import { mulberry32 } from "../../src/random/seeded.js";

/** Deterministic normal(0, std) samples: mulberry32 through Box–Muller. */
export function normalSampler(seed: number, std = 1): () => number {
  const uniform = mulberry32(seed);
  return () =>
    std * Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
}

export function tinyConfig(
  architecture: Architecture,
  over: Partial<ModelConfig> = {},
): ModelConfig {
  const gpt2 = architecture === "gpt2";
  return {
    architecture,
    vocabSize: 50,
    dModel: 32,
    nLayers: 2,
    nHeads: 4,
    nKvHeads: gpt2 ? 4 : 2,
    dHead: 8,
    dMlp: 64,
    maxPositions: 64,
    normEps: 1e-5,
    norm: gpt2 ? "layer" : "rms",
    activation: gpt2 ? "gelu_new" : "silu",
    positional: gpt2 ? "learned" : "rope",
    ropeTheta: 10000,
    ropeScaling: { type: "default" },
    tieEmbeddings: gpt2,
    qkvBias: gpt2 || architecture === "qwen2",
    oBias: gpt2,
    mlpBias: gpt2,
    qkNorm: architecture === "qwen3",
    bosTokenId: 1,
    eosTokenIds: [2],
    padTokenId: 0,
    ...over,
  };
}

/** Random tensors for every expected name (norm weights near 1). */
export function randomTensors(config: ModelConfig, seed = 1, std = 0.2) {
  const spec = archSpec(config.architecture);
  const expected = spec.expected(config, new Set());
  const sample = normalSampler(seed, std);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, shape] of expected) {
    const n = shape.reduce((a, b) => a * b, 1);
    const isNorm = /norm|ln_/.test(name) && name.endsWith("weight");
    const data = new Float32Array(n).map(() => (isNorm ? 1 + sample() : sample()));
    out.set(name, { shape, data });
  }
  return out;
}
