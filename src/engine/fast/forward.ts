/**
 * The fast forward of a Llama-family decoder on host buffers: embedding rows, the layers of
 * block.ts, the final RMSNorm and the unembedding (or the tied embedding, transposed in the gemm),
 * every matmul through the Numerics' gemm. Equal to src/model's forward at real positions.
 *
 * Shape legend: B batch, T tokens, N = B·T, D d_model, V vocab.
 */
import { layerForward, type BlockBatch, type LayerSaved } from "./block.js";
import { assertFastSupported, type FastModel } from "./model.js";
import { rmsNormForward, type NormOut } from "./norm.js";
import { OVERWRITTEN, type Buf, type Numerics } from "./numerics.js";

/** A left-padded batch: token ids [N] plus what the layers read. */
export interface FastBatch extends BlockBatch {
  /** [N] token ids (pads included). */ ids: Int32Array;
}

/** Checks the batch's buffers against the model's shape. */
export function checkBatch(m: Pick<FastModel, "config">, bb: FastBatch): void {
  const n = bb.b * bb.t;
  const k = m.config.dHead;
  if (bb.ids.length !== n || bb.keyMask.length !== n) {
    throw new Error(`fast forward: ids/mask hold ${bb.ids.length}/${bb.keyMask.length}, not ${n}`);
  }
  if (bb.cos.length !== n * k || bb.sin.length !== n * k) {
    throw new Error(`fast forward: RoPE tables must be [${n}, ${k}]`);
  }
  for (const id of bb.ids) {
    if (!Number.isInteger(id) || id < 0 || id >= m.config.vocabSize) {
      throw new Error(`fast forward: token id ${id} is outside [0, ${m.config.vocabSize})`);
    }
  }
}

/** Embedding rows [N, D] of the batch's ids. */
export function embed(nm: Numerics, m: FastModel, ids: Int32Array): Buf {
  const d = m.config.dModel;
  const x = nm.alloc(ids.length * d, OVERWRITTEN);
  ids.forEach((id, i) => x.set(m.weights.embed.subarray(id * d, (id + 1) * d), i * d));
  return x;
}

/** Runs layers [from, to] on x; keeps each layer's saved activations when `keep`. */
export function runLayers(
  nm: Numerics,
  m: FastModel,
  bb: BlockBatch,
  x: Buf,
  from: number,
  to: number,
  keep: boolean,
): { x: Buf; saved: LayerSaved[] } {
  const saved: LayerSaved[] = [];
  for (let l = from; l <= to; l++) {
    const r = layerForward(nm, m.config, m.weights.layers[l]!, x, bb);
    if (keep) saved.push(r.saved);
    x = r.out;
  }
  return { x, saved };
}

/** The final RMSNorm of `rows` rows. */
export function finalNorm(nm: Numerics, m: FastModel, x: Buf, rows: number): NormOut {
  return rmsNormForward(nm, x, m.weights.lnFinal, rows, m.config.dModel, m.config.normEps);
}

/**
 * Logits [rows, V] of normalised rows [rows, D], written into `out` when given (the caller's
 * result buffer: no arena buffer and no copy), else into a buffer of the Numerics.
 */
export function unembedRows(nm: Numerics, m: FastModel, xf: Buf, rows: number, out?: Buf): Buf {
  const { dModel: d, vocabSize: v } = m.config;
  if (out && out.length !== rows * v) {
    throw new Error(`forward.ts unembedRows: out holds ${out.length}, not ${rows} × ${v}`);
  }
  const logits = out ?? nm.alloc(rows * v, OVERWRITTEN);
  const w = m.weights.unembed;
  if (w) nm.gemm({ m: rows, n: v, k: d, a: xf, b: w, c: logits });
  else nm.gemm({ m: rows, n: v, k: d, a: xf, b: m.weights.embed, transB: true, c: logits });
  return logits;
}

/** resid_post of `layer` [N, D] (no steering). */
export function residAfterLayer(nm: Numerics, m: FastModel, bb: FastBatch, layer: number): Buf {
  assertFastSupported(m.config);
  checkBatch(m, bb);
  return runLayers(nm, m, bb, embed(nm, m, bb.ids), 0, layer, false).x;
}

/** Logits [N, V] of the whole batch (into `out` when given, see unembedRows). */
export function fastLogits(nm: Numerics, m: FastModel, bb: FastBatch, out?: Buf): Buf {
  const n = bb.b * bb.t;
  const x = residAfterLayer(nm, m, bb, m.config.nLayers - 1);
  return unembedRows(nm, m, finalNorm(nm, m, x, n).y, n, out);
}
