/**
 * Where the fast path decodes on webgpu (src/model/generation-placement.ts): on the host for a
 * model up to HOST_DECODE_MAX_PARAMS, on the GPU through jax-js above it; the count walks a
 * parameter tree's shaped leaves (the zoo base counted against its own safetensors header).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { findModelDir } from "../../src/io/model-ref.js";
import { loadModel } from "../../src/model/model.js";
import {
  HOST_DECODE_MAX_PARAMS,
  parameterCount,
  webgpuGeneration,
} from "../../src/model/generation-placement.js";

/** The element count of every tensor in a safetensors file, from its JSON header. */
function safetensorsCount(file: string): number {
  const buf = readFileSync(file);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString("utf8")) as Record<
    string,
    { shape?: number[] }
  >;
  return Object.entries(header)
    .filter(([k]) => k !== "__metadata__")
    .reduce((s, [, v]) => s + (v.shape ?? []).reduce((a, d) => a * d, 1), 0);
}

describe("generation placement on webgpu", () => {
  beforeAll(async () => {
    await initEngine("wasm");
  });

  it("counts a nested tree's shaped leaves and nothing else", () => {
    const tree = {
      embed: { shape: [10, 4] },
      layers: [{ w: { shape: [4, 4] }, norm: { shape: [4] } }, { w: { shape: [4, 4] } }],
      name: "x",
      eps: 1e-5,
      missing: null,
    };
    expect(parameterCount(tree)).toBe(40 + 16 + 4 + 16);
  });

  it("counts the zoo base as its checkpoint holds it", () => {
    const dir = findModelDir("base").dir;
    const model = loadModel(dir);
    // Tied embeddings: stored once on disk, and the loaded tree has no separate head.
    expect(parameterCount(model.params)).toBe(safetensorsCount(join(dir, "model.safetensors")));
  });

  it("decodes small models on the host and large ones on the GPU, saying why", () => {
    const small = webgpuGeneration(5.2e6);
    expect(small.engine).toBe("fast");
    expect(small.reason).toContain("5.2M parameters");
    expect(webgpuGeneration(HOST_DECODE_MAX_PARAMS).engine).toBe("fast");
    const big = webgpuGeneration(8.03e9);
    expect(big.engine).toBe("jax");
    expect(big.reason).toContain("8030.0M parameters");
  });
});
