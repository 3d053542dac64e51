/**
 * Incremental forward for generation on the fast path: a prefill over the left-padded prompts
 * that fills the KV cache (kv-cache.ts) and returns each row's last-position logits, then one
 * token per active row per step. Steering adds `mask · vector` to blocks.ℓ.hook_resid_post as
 * src/model's steering hook does: in the prefill at the positions its mask selects, in a step at
 * every active row when asked (generation's `allPositions`).
 *
 * Shape legend: B batch, T prompt tokens, A active rows, D d_model, V vocab, K d_head.
 */
import { layerForward, projectQkv } from "./block.js";
import { checkBatch, embed, finalNorm, unembedRows, type FastBatch } from "./forward.js";
import { storePrefill, storeStep, stepAttention, type KvCache } from "./kv-cache.js";
import { project } from "./lora.js";
import { mlpForward } from "./mlp.js";
import { assertFastSupported, type FastModel } from "./model.js";
import { rmsNormForward } from "./norm.js";
import { arenaScope, type Buf, type Numerics } from "./numerics.js";

/** Steering as generation applies it: scaled vector [D] or [B·D] (one per example). */
export interface DecodeSteering {
  layer: number;
  vector: Float32Array;
  /** [B·T] prefill multiplier per prompt position (the caller's default: the real tokens). */
  mask: Float32Array;
  /** Also steer every generated token. */
  allPositions: boolean;
}

/** x[i] += mask(i) · vector(example of row i), for rows mapped to (example, mask index). */
function addSteering(
  x: Buf,
  d: number,
  s: DecodeSteering,
  rows: { example: (i: number) => number; weight: (i: number) => number; count: number },
): void {
  const perExample = s.vector.length !== d;
  for (let i = 0; i < rows.count; i++) {
    const m = rows.weight(i);
    if (m === 0) continue;
    const vo = perExample ? rows.example(i) * d : 0;
    for (let j = 0; j < d; j++) x[i * d + j] = x[i * d + j]! + m * s.vector[vo + j]!;
  }
}

/**
 * Runs the prompts through every layer, storing keys/values at slots 0..T−1 and the key mask;
 * returns the last position's logits [B, V] (an arena buffer: valid until the next reset). On an
 * arena, each layer's activations go back to it once its keys/values are stored and its output
 * copied into the residual buffer, so the pass holds about one layer's (a prefill of 128 rows ×
 * 52 tokens of the zoo base held 577 MiB when every layer's were kept).
 */
export function prefill(
  nm: Numerics,
  m: FastModel,
  bb: FastBatch,
  cache: KvCache,
  steer?: DecodeSteering,
): Buf {
  assertFastSupported(m.config);
  checkBatch(m, bb);
  const c = m.config;
  const { b, t } = bb;
  const last = Int32Array.from({ length: b }, (_, e) => e * t + t - 1);
  const scope = arenaScope(nm);
  let x = embed(nm, m, bb.ids);
  for (let l = 0; l < c.nLayers; l++) {
    const lastLayer = l === c.nLayers - 1;
    const mark = scope && !lastLayer ? scope.mark() : null;
    const r = layerForward(nm, c, m.weights.layers[l]!, x, bb, lastLayer ? last : undefined);
    storePrefill(cache, l, r.saved.k, r.saved.v, t);
    if (mark === null) x = r.out;
    else {
      x.set(r.out);
      scope!.releaseFrom(mark);
    }
    if (steer?.layer === l) {
      const at = (i: number) => (lastLayer ? last[i]! : i);
      addSteering(x, c.dModel, steer, {
        example: (i) => Math.floor(at(i) / t),
        weight: (i) => steer.mask[at(i)]!,
        count: lastLayer ? b : b * t,
      });
    }
  }
  for (let e = 0; e < b; e++)
    cache.keyMask.set(bb.keyMask.subarray(e * t, (e + 1) * t), e * cache.capacity);
  return unembedRows(nm, m, finalNorm(nm, m, x, b).y, b);
}

/** One decoding step's input: the rows still generating and their new tokens. */
export interface DecodeStep {
  /** [A] example index of each active row. */ rows: Int32Array;
  /** [A] the token each row feeds. */ ids: Int32Array;
  /** [A, K] RoPE tables at each row's position. */ cos: Buf;
  sin: Buf;
  /** The cache slot the new tokens go to (T + step index). */ slot: number;
}

/** Logits [A, V] of the step's rows; stores their keys/values at `slot`. */
export function decodeStep(
  nm: Numerics,
  m: FastModel,
  cache: KvCache,
  step: DecodeStep,
  steer?: DecodeSteering,
): Buf {
  const c = m.config;
  const { dModel: d, nHeads: h, dHead: k, dMlp: f } = c;
  const a = step.rows.length;
  if (step.slot >= cache.capacity) throw new Error(`fast decode: slot ${step.slot} ≥ capacity`);
  for (const e of step.rows) cache.keyMask[e * cache.capacity + step.slot] = 1;
  const bb = { b: a, t: 1, keyMask: new Uint8Array(a).fill(1), cos: step.cos, sin: step.sin };
  let x = embed(nm, m, step.ids);
  for (let l = 0; l < c.nLayers; l++) {
    const w = m.weights.layers[l]!;
    const n1 = rmsNormForward(nm, x, w.ln1, a, d, c.normEps);
    const { q, k: kk, v } = projectQkv(nm, c, w, n1.y, bb);
    storeStep(cache, l, step, kk, v);
    const z = stepAttention(nm, c, cache, l, q, step);
    const oAt = { set: w.lora, target: "o" as const, saved: {} };
    const mid = project(nm, z, w.wo, { rows: a, inDim: h * k, outDim: d }, undefined, oAt);
    for (let i = 0; i < a * d; i++) mid[i] = mid[i]! + x[i]!;
    const n2 = rmsNormForward(nm, mid, w.ln2, a, d, c.normEps);
    const out = mlpForward(nm, w, n2.y, a, d, f).out;
    for (let i = 0; i < a * d; i++) out[i] = out[i]! + mid[i]!;
    if (steer?.allPositions && steer.layer === l) {
      addSteering(out, d, steer, { example: (i) => step.rows[i]!, weight: () => 1, count: a });
    }
    x = out;
  }
  return unembedRows(nm, m, finalNorm(nm, m, x, a).y, a);
}
