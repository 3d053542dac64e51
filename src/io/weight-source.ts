/**
 * A model directory's weights as a catalogue (name → dtype, shape, file, byte range) read from the
 * safetensors headers alone, and a reader for one tensor at a time: what streamed loading needs,
 * so an 8B checkpoint never sits in host memory whole (the largest tensor, upcast, is the most held
 * at once). A single `model.safetensors`, or shards listed by `model.safetensors.index.json`;
 * index and shard headers must agree exactly (SafetensorsError naming the shard and tensor).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ITEM_SIZE, tensorToFloat32, type Dtype } from "./dtypes.js";
import { ModelDirError, SafetensorsError } from "./errors.js";
import { readFileRange, readSafetensorsLayout, type SafetensorsLayout } from "./safetensors.js";
import { INDEX_FILE, SINGLE_FILE, readShardIndex, type WeightTensor } from "./sharded.js";

export interface WeightEntry {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** The file holding it, and its bytes there. */
  file: string;
  offset: number;
  byteLength: number;
}

export interface WeightSource {
  dir: string;
  /** Every tensor, in file order (shard by shard). */
  entries: ReadonlyMap<string, WeightEntry>;
  /** Bytes of tensor data as stored; `float32Bytes` once upcast. */
  storedBytes: number;
  float32Bytes: number;
  /** Reads one tensor from disk, upcast to float32 (a new array each call). */
  read(name: string): WeightTensor;
}

/** Opens the weights of an HF model directory without reading their data. */
export function openWeightSource(modelDir: string): WeightSource {
  const single = join(modelDir, SINGLE_FILE);
  const entries = new Map<string, WeightEntry>();
  if (existsSync(single)) {
    addLayout(entries, single, readSafetensorsLayout(single));
  } else {
    const indexPath = join(modelDir, INDEX_FILE);
    if (!existsSync(indexPath)) {
      throw new ModelDirError(single, `missing (and there is no ${INDEX_FILE} either)`);
    }
    for (const [shard, layout] of checkedShards(modelDir, indexPath)) {
      addLayout(entries, join(modelDir, shard), layout);
    }
  }
  let storedBytes = 0;
  let float32Bytes = 0;
  for (const e of entries.values()) {
    storedBytes += e.byteLength;
    float32Bytes += (e.byteLength / ITEM_SIZE[e.dtype]) * 4;
  }
  return {
    dir: modelDir,
    entries,
    storedBytes,
    float32Bytes,
    read(name) {
      const e = entries.get(name);
      if (!e) throw new SafetensorsError(modelDir, name, "no such tensor in the checkpoint");
      const data = readFileRange(e.file, e.offset, e.byteLength);
      const info = { name, dtype: e.dtype, shape: e.shape, data };
      return { dtype: e.dtype, shape: e.shape, data: tensorToFloat32(info, e.file) };
    },
  };
}

function addLayout(entries: Map<string, WeightEntry>, file: string, layout: SafetensorsLayout) {
  for (const t of layout.entries.values()) {
    entries.set(t.name, {
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      file,
      offset: layout.dataStart + t.begin,
      byteLength: t.end - t.begin,
    });
  }
}

/** Each shard's header, after checking that it holds exactly the tensors the index maps to it. */
function checkedShards(modelDir: string, indexPath: string): Map<string, SafetensorsLayout> {
  const index = readShardIndex(indexPath);
  const byShard = new Map<string, string[]>();
  for (const [tensor, shard] of index.weightMap) {
    const list = byShard.get(shard);
    if (list) list.push(tensor);
    else byShard.set(shard, [tensor]);
  }
  const out = new Map<string, SafetensorsLayout>();
  for (const [shard, expected] of byShard) {
    const shardPath = join(modelDir, shard);
    if (!existsSync(shardPath)) {
      throw new SafetensorsError(
        shardPath,
        expected[0]!,
        `shard file is missing (${INDEX_FILE} lists ${expected.length} tensor(s) in it)`,
      );
    }
    const layout = readSafetensorsLayout(shardPath);
    for (const tensor of expected) {
      if (!layout.entries.has(tensor)) {
        throw new SafetensorsError(
          shardPath,
          tensor,
          `listed in ${INDEX_FILE} but absent from this shard`,
        );
      }
    }
    for (const name of layout.entries.keys()) {
      const listed = index.weightMap.get(name);
      if (listed === undefined) {
        throw new SafetensorsError(
          shardPath,
          name,
          `present in this shard but not listed in ${INDEX_FILE}`,
        );
      }
      if (listed !== shard) {
        throw new SafetensorsError(
          shardPath,
          name,
          `present in this shard but ${INDEX_FILE} maps it to ${listed}`,
        );
      }
    }
    out.set(shard, layout);
  }
  return out;
}

/**
 * Loads every tensor of a model directory, upcast to float32, one tensor read from disk at a time
 * (weight-source.ts). Reads `model.safetensors` if present, else the sharded index and its shards.
 */
export function loadWeights(modelDir: string): Map<string, WeightTensor> {
  const source = openWeightSource(modelDir);
  const out = new Map<string, WeightTensor>();
  for (const name of source.entries.keys()) out.set(name, source.read(name));
  return out;
}
