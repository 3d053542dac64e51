/**
 * Host-side batch preparation: left padding, position ids (cumsum(mask) − 1, as transformers'
 * generate does), attention biases and RoPE tables, then the device inputs of a forward pass.
 *
 * Shape legend: B batch, T query tokens, S key tokens, K d_head.
 */
import { np } from "../engine/jax.js";
import type { ModelConfig } from "./config.js";
import type { ForwardInputs } from "./forward.js";
import { inverseFrequencies, ropeTables } from "./rope.js";

/** Added to attention logits of masked keys; finite so fully masked pad rows stay NaN-free. */
export const MASK_VALUE = -1e9;

export interface HostBatch {
  batch: number;
  seqLen: number;
  /** [B*T] token ids, pads on the left. */
  ids: Int32Array;
  /** [B*T] 1 for real tokens. */
  mask: Uint8Array;
  /** [B*T] position ids (0 on pads). */
  positions: Int32Array;
  /** Number of left pads per row. */
  pads: number[];
}

/** Rounds a length up to a multiple of `bucket` (jax-js recompiles for each new shape). */
export function bucketLength(n: number, bucket: number): number {
  return Math.max(bucket, Math.ceil(n / bucket) * bucket);
}

/** Left-pads token sequences into one batch. */
export function leftPad(
  seqs: readonly (readonly number[])[],
  padId: number,
  padTo?: number,
): HostBatch {
  if (seqs.length === 0) throw new Error("leftPad: empty batch");
  const longest = Math.max(...seqs.map((s) => s.length));
  if (longest === 0) throw new Error("leftPad: every sequence is empty");
  const seqLen = Math.max(longest, padTo ?? 0);
  const b = seqs.length;
  const ids = new Int32Array(b * seqLen).fill(padId);
  const mask = new Uint8Array(b * seqLen);
  const positions = new Int32Array(b * seqLen);
  const pads: number[] = [];
  seqs.forEach((s, i) => {
    const pad = seqLen - s.length;
    pads.push(pad);
    for (let j = 0; j < s.length; j++) {
      ids[i * seqLen + pad + j] = s[j]!;
      mask[i * seqLen + pad + j] = 1;
      positions[i * seqLen + pad + j] = j;
    }
  });
  return { batch: b, seqLen, ids, mask, positions, pads };
}

/** A batch given explicitly as ids + attention mask (positions = cumsum(mask) − 1, clamped). */
export function batchFromMask(
  ids: Int32Array,
  mask: Uint8Array,
  batch: number,
  seqLen: number,
): HostBatch {
  const positions = new Int32Array(batch * seqLen);
  const pads: number[] = [];
  for (let b = 0; b < batch; b++) {
    let count = 0;
    let pad = 0;
    for (let t = 0; t < seqLen; t++) {
      if (mask[b * seqLen + t]) count++;
      else if (count === 0) pad++;
      positions[b * seqLen + t] = Math.max(0, count - 1);
    }
    pads.push(pad);
  }
  return { batch, seqLen, ids, mask, positions, pads };
}

/**
 * Attention bias [B, T, S]: query t (at key index `offset + t`) sees key s iff s ≤ offset + t and
 * `keyMask[b, s]` and, with a sliding `window`, offset + t − s < window. Like transformers, the
 * window counts key indices (cache slots), not position ids, so left padding inside the window
 * takes the place of keys.
 */
export function attentionBias(
  keyMask: Uint8Array,
  dims: { batch: number; keys: number; queries: number; offset: number },
  window = Infinity,
): Float32Array {
  const { batch, keys, queries, offset } = dims;
  const bias = new Float32Array(batch * queries * keys);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < queries; t++) {
      const row = (b * queries + t) * keys;
      for (let s = 0; s < keys; s++) {
        const ok = s <= offset + t && offset + t - s < window && keyMask[b * keys + s] === 1;
        if (!ok) bias[row + s] = MASK_VALUE;
      }
    }
  }
  return bias;
}

/** The sliding layers' RoPE frequencies when they have their own base (gemma3), else null. */
function localInverseFrequencies(cfg: ModelConfig): Float32Array | null {
  if (!cfg.localRope || !cfg.layerTypes?.includes("sliding")) return null;
  return inverseFrequencies({
    ...cfg,
    ropeTheta: cfg.localRope.theta,
    ropeScaling: cfg.localRope.scaling,
  });
}

/** Device inputs for a forward pass over `queryIds` with keys described by `keyMask`. */
export function deviceInputs(
  cfg: ModelConfig,
  invFreq: Float32Array,
  q: { ids: Int32Array; positions: Int32Array; batch: number; len: number },
  k: {
    /** [B·S]: 1 where a key may be attended. */
    mask: Uint8Array;
    /** S, the number of keys. */
    count: number;
    /** Key index of the first query (default: the queries are the last `len` keys). */
    offset?: number;
  },
): ForwardInputs {
  const { batch, len } = q;
  const { mask: keyMask, count: keys } = k;
  const dims = { batch, keys, queries: len, offset: k.offset ?? keys - len };
  const bias = attentionBias(keyMask, dims);
  const inputs: ForwardInputs = {
    ids: np.array(q.ids, { dtype: np.int32 }).reshape([batch, len]),
    bias: np.array(bias).reshape([batch, 1, 1, len, keys]),
  };
  if (cfg.layerTypes?.includes("sliding") && cfg.slidingWindow !== undefined) {
    const local = attentionBias(keyMask, dims, cfg.slidingWindow);
    inputs.localBias = np.array(local).reshape([batch, 1, 1, len, keys]);
  }
  if (cfg.positional === "rope") {
    const tables = (freqs: Float32Array) => {
      const { cos, sin } = ropeTables(freqs, q.positions);
      const shape = [batch, len, 1, cfg.dHead];
      return { cos: np.array(cos).reshape(shape), sin: np.array(sin).reshape(shape) };
    };
    const global = tables(invFreq);
    inputs.cos = global.cos;
    inputs.sin = global.sin;
    const localFreqs = localInverseFrequencies(cfg);
    if (localFreqs) {
      const local = tables(localFreqs);
      inputs.localCos = local.cos;
      inputs.localSin = local.sin;
    }
  } else {
    inputs.positions = np.array(q.positions, { dtype: np.int32 }).reshape([batch, len]);
  }
  return inputs;
}

/** Device inputs for a full (non-incremental) pass over a host batch. */
export function batchInputs(cfg: ModelConfig, invFreq: Float32Array, hb: HostBatch): ForwardInputs {
  return deviceInputs(
    cfg,
    invFreq,
    { ids: hb.ids, positions: hb.positions, batch: hb.batch, len: hb.seqLen },
    { mask: hb.mask, count: hb.seqLen },
  );
}
