/**
 * A random Llama checkpoint written as the hub lays one out: bf16 tensors in shards with
 * model.safetensors.index.json, and config.json. Made straight in bf16 (no float32 copy of the
 * model), so that tests and measures can make one of a few hundred MB cheaply.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { llamaConfigJson } from "../../../src/io/config-write.js";
import { writeShardedSafetensors } from "../../../src/io/sharded.js";
import { archSpec } from "../../../src/model/arch/registry.js";
import type { ModelConfig } from "../../../src/model/config.js";
import { tinyConfig } from "../../model/random-model.js";

/** The sizes a test picks; everything else is tinyConfig's. */
export type LlamaDims = Pick<
  ModelConfig,
  "vocabSize" | "dModel" | "nLayers" | "nHeads" | "nKvHeads" | "dHead" | "dMlp"
>;

/** Writes the checkpoint into `dir` (shards of at most `shardBytes`); returns its config. */
export function writeBf16Llama(dir: string, dims: LlamaDims, shardBytes: number): ModelConfig {
  const config = tinyConfig("llama", dims);
  let s = 0x9e3779b9;
  const tensors: Record<string, { dtype: "BF16"; shape: number[]; data: Uint16Array }> = {};
  for (const [name, shape] of archSpec("llama").expected(config, new Set())) {
    const n = shape.reduce((a, b) => a * b, 1);
    const isNorm = name.endsWith("norm.weight");
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    const data = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const x = ((s >>> 0) / 2 ** 32 - 0.5) * 0.1;
      f[0] = isNorm ? 1 + x : x;
      data[i] = u[0]! >>> 16;
    }
    tensors[name] = { dtype: "BF16", shape, data };
  }
  writeShardedSafetensors(dir, tensors, shardBytes);
  writeFileSync(
    join(dir, "config.json"),
    JSON.stringify({ ...llamaConfigJson(config), torch_dtype: "bfloat16" }),
  );
  return config;
}
