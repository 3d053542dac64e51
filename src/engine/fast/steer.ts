/**
 * The steering objective on the fast path: the response cross-entropy (loss.ts) with a vector
 * added at resid_post of layer ℓ on the masked positions, and d loss / d vector by hand-written
 * VJPs (unembedding + CE, final norm, then block-vjp.ts through each later layer), as
 * src/model/loss.ts's steeringLossAndGrad computes it with jax-js. The resid at ℓ does not depend
 * on the vector: `prepareFastSteering` computes it once; each vector then runs only the layers
 * after ℓ, forward and back. The last layer's second norm and MLP, the final norm and the
 * unembedding see only the rows predicting response tokens.
 *
 * Shape legend: B batch, T tokens, N = B·T, D d_model, V vocab, R response tokens.
 */
import { gatherRows, layerForward } from "./block.js";
import { layerBackward } from "./block-vjp.js";
import { checkBatch, finalNorm, residAfterLayer, runLayers, type FastBatch } from "./forward.js";
import { crossEntropy, responseRows, type ResponseRows } from "./loss.js";
import { assertFastSupported, type FastModel } from "./model.js";
import { rmsNormBackward } from "./norm.js";
import { OVERWRITTEN, type Buf, type Numerics } from "./numerics.js";
import { unembedRows } from "./forward.js";

export interface FastSteeringSite {
  layer: number;
  /** [N] multiplier per position (the scale folded in). */
  positionMask: Buf;
  /** [N] 1 at response tokens. */
  responseMask: Uint8Array;
}

export interface FastSteeringResult {
  loss: number;
  perExample: number[];
  /** [D] or [B·D], as the vector (summed in float64). */
  grad: Float64Array;
}

export interface PreparedFastSteering {
  lossAndGrad(vector: Buf): FastSteeringResult;
}

/** resid + mask·vector, [N, D]; vector [D] shared or [B·D] per example. */
function steer(resid: Buf, vector: Buf, mask: Buf, bb: FastBatch, d: number) {
  const x = resid.slice();
  const perExample = vector.length !== d;
  for (let r = 0; r < bb.b * bb.t; r++) {
    const m = mask[r]!;
    if (m === 0) continue;
    const vo = perExample ? Math.floor(r / bb.t) * d : 0;
    for (let j = 0; j < d; j++) x[r * d + j] = x[r * d + j]! + m * vector[vo + j]!;
  }
  return x;
}

/** d loss / d (final residual of the gathered rows) [R, D], and the loss. */
function headBackward(nm: Numerics, m: FastModel, xs: Buf, sel: ResponseRows) {
  const { dModel: d, vocabSize: v } = m.config;
  const r = sel.rows.length;
  const fn = finalNorm(nm, m, xs, r);
  const ce = crossEntropy(nm, unembedRows(nm, m, fn.y, r), sel, v);
  const dxf = nm.alloc(r * d, OVERWRITTEN);
  const w = m.weights.unembed;
  if (w) nm.gemm({ m: r, n: d, k: v, a: ce.dlogits, b: w, transB: true, c: dxf });
  else nm.gemm({ m: r, n: d, k: v, a: ce.dlogits, b: m.weights.embed, c: dxf });
  const dxs = rmsNormBackward(nm, xs, m.weights.lnFinal, fn.rstd, dxf, r, d);
  return { ce, dxs };
}

/** Σ over positions of mask · dresid, per vector row. */
function vectorGrad(dx: Buf, mask: Buf, bb: FastBatch, d: number, perExample: boolean) {
  const g = new Float64Array(perExample ? bb.b * d : d);
  for (let r = 0; r < bb.b * bb.t; r++) {
    const m = mask[r]!;
    if (m === 0) continue;
    const go = perExample ? Math.floor(r / bb.t) * d : 0;
    for (let j = 0; j < d; j++) g[go + j] = g[go + j]! + m * dx[r * d + j]!;
  }
  return g;
}

/** Loss and gradient for one vector, from the unsteered resid at the site's layer. */
export function steeringLossAndGradFrom(
  nm: Numerics,
  m: FastModel,
  bb: FastBatch,
  site: FastSteeringSite,
  sel: ResponseRows,
  resid: Buf,
  vector: Buf,
): FastSteeringResult {
  const { dModel: d, nLayers } = m.config;
  if (vector.length !== d && vector.length !== bb.b * d) {
    throw new Error(`steering vector has ${vector.length} values; expected ${d} or ${bb.b * d}`);
  }
  const x0 = steer(resid, vector, site.positionMask, bb, d);
  // Layers ℓ+1 … L−2 in full; the last one only at the predicting rows (its MLP and norm).
  const last = nLayers - 1;
  const run = runLayers(nm, m, bb, x0, site.layer + 1, last - 1, true);
  const tail =
    site.layer < last
      ? layerForward(nm, m.config, m.weights.layers[last]!, run.x, bb, sel.rows)
      : null;
  const xs = tail ? tail.out : gatherRows(nm, run.x, sel.rows, d);
  const { ce, dxs } = headBackward(nm, m, xs, sel);
  let dx: Buf;
  if (tail) dx = layerBackward(nm, m.config, m.weights.layers[last]!, tail.saved, dxs, bb);
  else {
    dx = nm.alloc(bb.b * bb.t * d);
    sel.rows.forEach((row, i) => dx.set(dxs.subarray(i * d, (i + 1) * d), row * d));
  }
  for (let l = last - 1; l > site.layer; l--) {
    const saved = run.saved[l - site.layer - 1]!;
    dx = layerBackward(nm, m.config, m.weights.layers[l]!, saved, dx, bb);
  }
  const grad = vectorGrad(dx, site.positionMask, bb, d, vector.length !== d);
  return { loss: ce.loss, perExample: ce.perExample, grad };
}

/** Computes the site's resid once; each lossAndGrad then runs only the later layers. */
export function prepareFastSteering(
  nm: Numerics,
  m: FastModel,
  bb: FastBatch,
  site: FastSteeringSite,
): PreparedFastSteering {
  assertFastSupported(m.config);
  checkBatch(m, bb);
  const n = bb.b * bb.t;
  if (site.positionMask.length !== n) {
    throw new Error(`steering position mask has ${site.positionMask.length} values; expected ${n}`);
  }
  if (!Number.isInteger(site.layer) || site.layer < 0 || site.layer >= m.config.nLayers) {
    throw new Error(`steering layer ${site.layer} is out of range [0, ${m.config.nLayers})`);
  }
  const sel = responseRows(bb.ids, bb.keyMask, site.responseMask, bb.b, bb.t);
  // A copy: with arena numerics (numerics.ts) the pass's buffers are reused by the next pass.
  const resid = residAfterLayer(nm, m, bb, site.layer).slice();
  return {
    lossAndGrad: (vector) => steeringLossAndGradFrom(nm, m, bb, site, sel, resid, vector),
  };
}
