/**
 * Vocabulary-sized matrices held in parts. A device buffer has a size limit (WebGPU binds at most
 * maxStorageBufferBindingSize, 2 GiB on the GPUs seen here), and the float32 embeddings of Gemma 2
 * (256,000 × 3,584: 3.4 GiB) and Qwen3-8B (151,936 × 4,096: 2.3 GiB) exceed it. So the embedding is
 * split by rows and an untied unembedding by columns, each part within the limit; the lookup and
 * the logits are assembled from the parts and equal those of the whole matrix.
 *
 * Shape legend: V vocab, D d_model, N tokens (any leading shape).
 */
import { np } from "../engine/jax.js";
import { dims } from "../engine/shapes.js";
import type { HostTensor } from "./params.js";

/** Rows per part so that each part's float32 bytes stay within `maxBytes`. */
export function rowsPerPart(rows: number, rowBytes: number, maxBytes: number): number {
  const per = Math.floor(maxBytes / rowBytes);
  if (per < 1) throw new RangeError(`one row of ${rowBytes} bytes exceeds ${maxBytes}`);
  return Math.min(rows, per);
}

/** Splits a host [R, C] matrix by rows into parts of at most `per` rows. */
export function splitRowsHost(t: HostTensor, per: number): HostTensor[] {
  const [rows, cols] = dims(t, 2, "host matrix");
  const parts: HostTensor[] = [];
  for (let r = 0; r < rows; r += per) {
    const end = Math.min(rows, r + per);
    parts.push({ shape: [end - r, cols], data: t.data.subarray(r * cols, end * cols) });
  }
  return parts;
}

/** Rows `ids` of the embedding [V, D] (or of its row parts): [..., D]. Consumes ids; borrows embed. */
export function embeddingRows(embed: np.Array | np.Array[], ids: np.Array): np.Array {
  if (!Array.isArray(embed)) return np.take(embed.ref, ids, 0);
  let out: np.Array | null = null;
  let lo = 0;
  for (const part of embed) {
    const n = part.shape[0]!;
    // Ids outside [lo, lo + n) look up row 0 of this part and are zeroed.
    const local = np.clip(ids.ref.sub(lo), 0, n - 1);
    const inside = ids.ref
      .greaterEqual(lo)
      .mul(ids.ref.less(lo + n))
      .astype(np.float32);
    const rows = np.take(part.ref, local, 0).mul(np.expandDims(inside, -1));
    out = out ? out.add(rows) : rows;
    lo += n;
  }
  ids.dispose();
  return out!;
}

/** x [..., D] times the matrix [D, V] (or its column parts, logits concatenated). Consumes x. */
export function timesColumns(x: np.Array, w: np.Array | np.Array[]): np.Array {
  if (!Array.isArray(w)) return np.matmul(x, w.ref);
  const logits = w.map((part) => np.matmul(x.ref, part.ref));
  x.dispose();
  return np.concatenate(logits, -1);
}

/** x [..., D] times the transposed embedding [V, D]ᵀ (or its row parts). Consumes x. */
export function timesRowsTransposed(x: np.Array, embed: np.Array | np.Array[]): np.Array {
  if (!Array.isArray(embed)) return np.matmul(x, embed.ref.transpose());
  const logits = embed.map((part) => np.matmul(x.ref, part.ref.transpose()));
  x.dispose();
  return np.concatenate(logits, -1);
}
