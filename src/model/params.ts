/**
 * The model's typed parameter tree (plain objects of jax-js arrays). Matrices are stored for
 * `x @ W`, i.e. [in, out]; HF nn.Linear weights [out, in] are transposed on load.
 *
 * Shape legend: V vocab, D d_model, H heads, Hkv KV heads, K d_head, F d_mlp, P positions.
 */
import type { np } from "../engine/jax.js";
import type { LoraTarget } from "../io/lora-config.js";
import { dims } from "../engine/shapes.js";
import { hostFloats } from "../io/host-pool.js";

export type NormParams = { w: np.Array; b?: np.Array };

export type { LoraTarget } from "../io/lora-config.js";

/**
 * An unmerged LoRA adapter on one projection: y = x@W (+bias) + (x@a)@b, with the LoRA scale
 * (alpha/r) already folded into `b` by `applyLora` (a number leaf in the tree would not be a
 * jax-js JsTree of arrays, which jitted functions returning ModelParams rely on).
 */
export type LoraDelta = {
  /** [in, r] */ a: np.Array;
  /** [r, out], times the scale */ b: np.Array;
};

export type LayerParams = {
  ln1: NormParams;
  ln2: NormParams;
  /** Norms of the attention output and of the MLP output (gemma's post-norms). */
  ln1Post?: NormParams;
  ln2Post?: NormParams;
  /** [D, H*K] */ wq: np.Array;
  /** [D, Hkv*K] */ wk: np.Array;
  /** [D, Hkv*K] */ wv: np.Array;
  /** [H*K, D] */ wo: np.Array;
  bq?: np.Array;
  bk?: np.Array;
  bv?: np.Array;
  bo?: np.Array;
  /** [K] (qwen3, gemma3) */ qNorm?: np.Array;
  /** [K] (qwen3, gemma3) */ kNorm?: np.Array;
  /** [D, F] (SwiGLU gate; absent for GPT-2) */ wGate?: np.Array;
  bGate?: np.Array;
  /** [D, F] */ wUp: np.Array;
  /** [F, D] */ wDown: np.Array;
  bUp?: np.Array;
  bDown?: np.Array;
  /** Unmerged LoRA adapters (src/model/lora.ts `applyLora`), honoured by every projection. */
  lora?: Partial<Record<LoraTarget, LoraDelta>>;
};

export type ModelParams = {
  /**
   * [V, D], or its rows in parts [V₁, D], [V₂, D], … when one device buffer cannot hold it (a
   * 256,000 × 3,584 float32 embedding is 3.4 GiB; WebGPU binds at most 2 GiB): see vocab-parts.ts.
   */
  embed: np.Array | np.Array[];
  /** [P, D] (GPT-2) */ posEmbed?: np.Array;
  layers: LayerParams[];
  lnFinal: NormParams;
  /** [D, V], or its columns in parts; absent when tied to `embed`. */
  unembed?: np.Array | np.Array[];
};

/** A host-side tensor ready to become a parameter. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
  /**
   * `data` holds the row-major [shape[1], shape[0]] matrix whose transpose this is (see
   * `transposeLater`); absent for tensors stored as they are.
   */
  transposed?: true;
}

/**
 * The transpose of a row-major matrix, left for the upload to make (weights.ts): on WebGPU the GPU
 * transposes it, which takes the host transposes (much of an 8B load's time) off the host.
 */
export function transposeLater(t: HostTensor): HostTensor {
  const [rows, cols] = dims(t, 2, "host matrix");
  return { shape: [cols, rows], data: t.data, transposed: true };
}

/** The matrix as stored (undoing the shape swap of `transposeLater`). */
export function storedMatrix(t: HostTensor): HostTensor {
  if (!t.transposed) return t;
  return { shape: [t.shape[1]!, t.shape[0]!], data: t.data };
}

/** Tile edge of the blocked transpose: a 64×64 float32 tile (16 KB) stays in L1 on both sides. */
const TILE = 64;

/**
 * Transposes a row-major [rows, cols] matrix, tile by tile: the naive loop writes with a stride
 * of `rows` floats and misses the cache on every element. Every linear weight of a checkpoint goes
 * through here on load; a 4096 × 14336 Llama-8B MLP weight took 1.78 s naive and 1.15 s tiled
 * here (2 cores; 0.72 s of either is allocating the 235 MB result). Tiles of 16–64 were alike,
 * 128 as slow as naive.
 */
export function transposeHost(t: HostTensor): HostTensor {
  const [rows, cols] = dims(t, 2, "host matrix");
  const src = t.data;
  const out = hostFloats(rows * cols);
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let r = r0; r < r1; r++) {
        const base = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = src[base + c]!;
      }
    }
  }
  return { shape: [cols, rows], data: out };
}

/** Columns [start, end) of a row-major [rows, cols] matrix (or a slice of a vector). */
export function sliceColumnsHost(t: HostTensor, start: number, end: number): HostTensor {
  if (t.shape.length === 1) return { shape: [end - start], data: t.data.slice(start, end) };
  const [rows, cols] = dims(t, 2, "host matrix");
  const width = end - start;
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++)
    out.set(t.data.subarray(r * cols + start, r * cols + end), r * width);
  return { shape: [rows, width], data: out };
}
