/**
 * The steering objective on the GPU, as fast/steer.ts computes it on the host: a vector added at
 * resid_post of layer ℓ on the masked positions, the later layers forward (keeping what their
 * VJPs read), the final norm, unembedding and response cross-entropy at the rows predicting
 * response tokens, then the hand-written VJPs back to the steered residual and the gradient
 * Σ mask·dresid per vector row. The resid at ℓ does not depend on the vector: it is computed
 * once per prepared site and kept on the GPU until dispose().
 *
 * Shape legend: B batch, T tokens, N = B·T, D d_model, V vocab, R response tokens.
 */
import { checkBatch, type FastBatch } from "../fast/forward.js";
import { responseRows, type ResponseRows } from "../fast/loss.js";
import type { Buf } from "../fast/numerics.js";
import type { FastSteeringResult, FastSteeringSite } from "../fast/steer.js";
import { gpuLayerBackward, gpuLayerForward } from "./block.js";
import { gpuReadAll, gpuUpload, gpuZeros, type GpuTensor } from "./context.js";
import { gpuResidAfter, gpuRunLayers, uploadBatch, type GpuBatch } from "./forward.js";
import { gpuHeadBackward } from "./head.js";
import type { GpuModel } from "./model.js";
import * as op from "./ops.js";
import { GpuRecorder } from "./recorder.js";

export interface PreparedGpuSteering {
  lossAndGrad(vector: Buf): Promise<FastSteeringResult>;
  /** Frees the kept resid and batch. */
  dispose(): void;
}

interface Site {
  m: GpuModel;
  gb: GpuBatch;
  sel: ResponseRows;
  rows: GpuTensor;
  targets: GpuTensor;
  mask: GpuTensor;
  resid: GpuTensor;
  layer: number;
}

/** Loss and gradient of one vector. */
async function lossAndGrad(s: Site, vector: Buf): Promise<FastSteeringResult> {
  const { dModel: d, nLayers } = s.m.config;
  const { b, t } = s.gb;
  if (vector.length !== d && vector.length !== b * d) {
    throw new Error(`steering vector has ${vector.length} values; expected ${d} or ${b * d}`);
  }
  const shape = { b, t, d, perExample: vector.length !== d };
  const rec = new GpuRecorder(s.m.ctx);
  try {
    const n = b * t;
    const r = s.sel.rows.length;
    const x0 = rec.alloc(n * d);
    op.addInto(rec, x0, s.resid, n * d); // a copy: the kept resid stays unsteered
    const vec = rec.own(gpuUpload(rec.ctx, Float32Array.from(vector)));
    op.steerAdd(rec, x0, vec, s.mask, shape);
    // Layers ℓ+1 … L−2 in full; the last one's second norm and MLP only at the predicting rows.
    const last = nLayers - 1;
    const run = gpuRunLayers(rec, s.m, s.gb, x0, { from: s.layer + 1, to: last - 1 }, true);
    const outRows = { rows: s.rows, count: r };
    const tail =
      s.layer < last
        ? gpuLayerForward(rec, s.m.config, s.m.layers[last]!, run.x, s.gb, outRows)
        : null;
    const xs = tail ? tail.out : op.gatherRows(rec, s.rows, r, run.x, d);
    const v = s.m.config.vocabSize;
    const ce = (logits: GpuTensor) => op.crossEntropy(rec, logits, s.targets, r, v);
    const { nll, dxs } = gpuHeadBackward(rec, s.m, xs, r, ce);
    let dx = tail
      ? gpuLayerBackward(rec, s.m.config, s.m.layers[last]!, tail.saved, dxs, s.gb)
      : op.scatterRows(rec, s.rows, r, dxs, n, d);
    for (let l = last - 1; l > s.layer; l--) {
      const saved = run.saved[l - s.layer - 1]!;
      dx = gpuLayerBackward(rec, s.m.config, s.m.layers[l]!, saved, dx, s.gb);
    }
    const g = op.steerGrad(rec, dx, s.mask, shape);
    rec.submit();
    const [nllHost, gHost] = await gpuReadAll(rec.ctx, [nll, g]);
    return { ...lossOf(s.sel, nllHost!), grad: Float64Array.from(gHost!) };
  } finally {
    await rec.release();
  }
}

/** The token-mean loss and the per-example means from per-row NLL (summed in float64). */
function lossOf(sel: ResponseRows, nll: Float32Array) {
  const perExample = new Array<number>(sel.counts.length).fill(0);
  let total = 0;
  nll.forEach((v, i) => {
    total += v;
    const e = sel.owner[i]!;
    perExample[e] = perExample[e]! + v / sel.counts[e]!;
  });
  return { loss: total / nll.length, perExample };
}

/** Computes the site's resid once; each lossAndGrad then runs only the later layers. */
export async function prepareGpuSteering(
  m: GpuModel,
  bb: FastBatch,
  site: FastSteeringSite,
): Promise<PreparedGpuSteering> {
  checkBatch(m, bb);
  const n = bb.b * bb.t;
  const d = m.config.dModel;
  if (site.positionMask.length !== n) {
    throw new Error(`steering position mask has ${site.positionMask.length} values; expected ${n}`);
  }
  if (!Number.isInteger(site.layer) || site.layer < 0 || site.layer >= m.config.nLayers) {
    throw new Error(`steering layer ${site.layer} is out of range [0, ${m.config.nLayers})`);
  }
  const sel = responseRows(bb.ids, bb.keyMask, site.responseMask, bb.b, bb.t);
  const ctx = m.ctx;
  // Kept for the site's lifetime, freed by dispose().
  const held: GpuTensor[] = [];
  const keep = (t: GpuTensor) => (held.push(t), t);
  const gb = uploadBatch(ctx, m, bb, keep);
  const resid = keep(gpuZeros(ctx, n * d));
  const prep = new GpuRecorder(ctx);
  try {
    op.addInto(prep, resid, gpuResidAfter(prep, m, gb, site.layer), n * d);
    await prep.release();
  } catch (err) {
    for (const t of held) t.buf.destroy();
    throw err;
  }
  const s: Site = {
    m,
    gb,
    sel,
    rows: keep(gpuUpload(ctx, Uint32Array.from(sel.rows))),
    targets: keep(gpuUpload(ctx, Uint32Array.from(sel.targets))),
    mask: keep(gpuUpload(ctx, Float32Array.from(site.positionMask))),
    resid,
    layer: site.layer,
  };
  let disposed = false;
  return {
    lossAndGrad: (vector) => {
      if (disposed) throw new Error("gpu steering: used after dispose()");
      return lossAndGrad(s, vector);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const t of held) t.buf.destroy();
    },
  };
}
