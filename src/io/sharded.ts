/**
 * Model weights in HF layout: a single `model.safetensors`, or shards listed by
 * `model.safetensors.index.json` (`{"metadata": {...}, "weight_map": {tensor: shardFile}}`).
 * Loading checks that index and shards agree exactly and upcasts every tensor to float32.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { isAbsolute, join, normalize, sep } from "node:path";
import { writeJsonAtomic } from "./atomic.js";
import type { Dtype } from "./dtypes.js";
import { SafetensorsError } from "./errors.js";
import { writeSafetensors, type TensorToWrite } from "./safetensors.js";

export const SINGLE_FILE = "model.safetensors";
export const INDEX_FILE = "model.safetensors.index.json";

/** A loaded weight: `dtype` is the stored dtype, `data` its values as float32. */
export interface WeightTensor {
  dtype: Dtype;
  shape: number[];
  data: Float32Array;
}

export interface ShardIndex {
  metadata: Record<string, unknown>;
  /** Tensor name → shard file name (relative to the model directory). */
  weightMap: Map<string, string>;
}

/** Reads and validates `model.safetensors.index.json`; errors are SafetensorsError on the index. */
export function readShardIndex(indexPath: string): ShardIndex {
  const fail = (tensor: string | null, reason: string): never => {
    throw new SafetensorsError(indexPath, tensor, reason);
  };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(indexPath, "utf8"));
  } catch (err) {
    return fail(null, `cannot read index: ${(err as Error).message}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return fail(null, "index is not a JSON object");
  }
  const obj = json as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (key !== "metadata" && key !== "weight_map") fail(null, `unknown key '${key}' in index`);
  }
  const metadata = obj.metadata ?? {};
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    fail(null, "'metadata' must be an object");
  }
  const map = obj.weight_map;
  if (typeof map !== "object" || map === null || Array.isArray(map)) {
    return fail(null, "'weight_map' is missing or not an object");
  }
  const weightMap = new Map<string, string>();
  for (const [tensor, shard] of Object.entries(map as Record<string, unknown>)) {
    if (typeof shard !== "string" || shard === "") {
      fail(tensor, `shard file must be a non-empty string, got ${JSON.stringify(shard)}`);
    }
    const norm = normalize(shard as string);
    if (isAbsolute(norm) || norm === ".." || norm.startsWith(`..${sep}`)) {
      fail(tensor, `shard file '${shard as string}' lies outside the model directory`);
    }
    weightMap.set(tensor, shard as string);
  }
  return { metadata: metadata as Record<string, unknown>, weightMap };
}

/** Shard file name as transformers writes it: model-00001-of-00003.safetensors. */
export function shardFileName(i: number, n: number): string {
  const pad = (k: number) => String(k).padStart(5, "0");
  return `model-${pad(i)}-of-${pad(n)}.safetensors`;
}

/**
 * Writes tensors as shards of at most `maxShardBytes` of tensor data each (a larger tensor gets a
 * shard to itself), packing in name order, plus the index (written last). Creates `dir` if needed.
 * Returns the shard file names and the index path.
 */
export function writeShardedSafetensors(
  dir: string,
  tensors: Record<string, TensorToWrite>,
  maxShardBytes: number,
  metadata?: Record<string, string>,
): { shards: string[]; indexPath: string } {
  if (!(maxShardBytes > 0)) {
    throw new SafetensorsError(
      join(dir, INDEX_FILE),
      null,
      `maxShardBytes must be positive, got ${maxShardBytes}`,
    );
  }
  const names = Object.keys(tensors).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const groups: string[][] = [];
  let current: string[] = [];
  let currentBytes = 0;
  let totalSize = 0;
  for (const name of names) {
    const size = tensors[name]!.data.byteLength;
    if (current.length > 0 && currentBytes + size > maxShardBytes) {
      groups.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(name);
    currentBytes += size;
    totalSize += size;
  }
  if (current.length > 0 || groups.length === 0) groups.push(current);
  mkdirSync(dir, { recursive: true });
  const shards = groups.map((_, i) => shardFileName(i + 1, groups.length));
  const mapEntries: [string, string][] = [];
  groups.forEach((group, i) => {
    const part = Object.fromEntries(group.map((name) => [name, tensors[name]!]));
    for (const name of group) mapEntries.push([name, shards[i]!]);
    writeSafetensors(join(dir, shards[i]!), part, metadata);
  });
  const indexPath = join(dir, INDEX_FILE);
  const weightMap = Object.fromEntries(mapEntries);
  writeJsonAtomic(indexPath, { metadata: { total_size: totalSize }, weight_map: weightMap });
  return { shards, indexPath };
}
