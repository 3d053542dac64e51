/**
 * Steering-vector files: safetensors keyed by hook name (`blocks.ℓ.hook_resid_post`), each tensor
 * [D] or [N, D] (N vectors), with metadata (method, hyper-parameters, seed, loss) in the header as
 * strings.
 */
import { SafetensorsError } from "./errors.js";
import { readSafetensors, tensorToFloat32, writeSafetensors } from "./safetensors.js";

export interface VectorSet {
  /** Hook name → vectors, row-major [N, D] (N = 1 for a single [D] vector). */
  vectors: Map<string, { count: number; dim: number; data: Float32Array }>;
  metadata: Record<string, string>;
}

export function readVectors(path: string): VectorSet {
  const file = readSafetensors(path);
  const vectors: VectorSet["vectors"] = new Map();
  for (const [name, info] of file.tensors) {
    if (info.shape.length !== 1 && info.shape.length !== 2) {
      throw new SafetensorsError(
        path,
        name,
        `a steering vector must be [D] or [N, D], got [${info.shape.join(", ")}]`,
      );
    }
    const data = tensorToFloat32(info, path);
    const dim = info.shape[info.shape.length - 1]!;
    vectors.set(name, { count: info.shape.length === 2 ? info.shape[0]! : 1, dim, data });
  }
  return { vectors, metadata: file.metadata };
}

/** Picks vector `index` stored under `hook`; errors name the file and the hook. */
export function pickVector(set: VectorSet, path: string, hook: string, index = 0): Float32Array {
  const entry = set.vectors.get(hook);
  if (!entry) {
    const have = [...set.vectors.keys()].join(", ") || "none";
    throw new SafetensorsError(path, hook, `no such vector in the file (it holds: ${have})`);
  }
  if (!Number.isInteger(index) || index < 0 || index >= entry.count) {
    throw new SafetensorsError(
      path,
      hook,
      `vector index ${index} out of range (the file holds ${entry.count})`,
    );
  }
  return entry.data.slice(index * entry.dim, (index + 1) * entry.dim);
}

export function writeVectors(
  path: string,
  vectors: Record<string, { count: number; dim: number; data: Float32Array }>,
  metadata: Record<string, string> = {},
): void {
  const tensors: Parameters<typeof writeSafetensors>[1] = {};
  for (const [hook, v] of Object.entries(vectors)) {
    if (v.data.length !== v.count * v.dim) {
      throw new SafetensorsError(
        path,
        hook,
        `data has ${v.data.length} values, expected ${v.count} × ${v.dim}`,
      );
    }
    tensors[hook] = {
      dtype: "F32",
      shape: v.count === 1 ? [v.dim] : [v.count, v.dim],
      data: v.data,
    };
  }
  writeSafetensors(path, tensors, metadata);
}
