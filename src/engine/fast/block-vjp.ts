/**
 * The VJP of one decoder layer (block.ts) with respect to its input, component by component in
 * reverse: SwiGLU, RMSNorm (+ residual), o_proj, attention, RoPE, qwen3's q/k norms, the q/k/v
 * projections (their input gradients summed into one buffer), RMSNorm (+ residual). Weight
 * gradients are not formed: the steering gradient needs only the activations'. LoRA adapters on
 * the projections (lora.ts) add their input gradient, and their own gradients go to a sink when
 * one is given (LoRA training).
 *
 * Shape legend: N = B·T rows, D d_model, H heads, Hkv KV heads, K d_head, F d_mlp.
 */
import { attentionBackward } from "./attention-vjp.js";
import { attnShape, type BlockBatch, type LayerSaved } from "./block.js";
import { projectBackward, type FastLoraTarget, type LoraGradSink } from "./lora.js";
import { mlpBackward } from "./mlp.js";
import type { FastConfig, FastLayer } from "./model.js";
import { rmsNormBackward } from "./norm.js";
import type { Buf, Numerics } from "./numerics.js";
import { ropeBackward } from "./rope.js";

/** d(mid) [N, D] from d(mid) at the saved output rows [R, D] (zero elsewhere). */
function scatterRows(nm: Numerics, dr: Buf, rows: Int32Array, n: number, d: number): Buf {
  const out = nm.alloc(n * d);
  rows.forEach((row, i) => out.set(dr.subarray(i * d, (i + 1) * d), row * d));
  return out;
}

/** d(layer input) [N, D] from d(layer output) ([N, D], or [R, D] at the saved outRows). */
export function layerBackward(
  nm: Numerics,
  c: FastConfig,
  w: FastLayer,
  s: LayerSaved,
  dout: Buf,
  bb: BlockBatch,
  sink?: LoraGradSink,
): Buf {
  const n = bb.b * bb.t;
  const { dModel: d, nHeads: h, nKvHeads: hkv, dHead: k, dMlp: f } = c;
  const r = s.outRows ? s.outRows.length : n;
  const at = (target: FastLoraTarget, x: Buf) => ({ set: w.lora, target, saved: s.lora, x, sink });
  const dn2 = mlpBackward(nm, w, s.mlp, dout, r, d, f, sink);
  const dmidR = rmsNormBackward(nm, s.mid, w.ln2, s.n2.rstd, dn2, r, d);
  for (let i = 0; i < r * d; i++) dmidR[i] = dmidR[i]! + dout[i]!;
  const dmid = s.outRows ? scatterRows(nm, dmidR, s.outRows, n, d) : dmidR;
  const dz = projectBackward(
    nm,
    dmid,
    w.wo,
    { rows: n, inDim: h * k, outDim: d },
    undefined,
    at("o", s.z),
  );
  const g = attentionBackward(nm, attnShape(c, bb), s.q, s.k, s.v, s.p, dz);
  let { dq, dk } = g;
  const dv = g.dv;
  ropeBackward(dq, bb.cos, bb.sin, n, h, k);
  ropeBackward(dk, bb.cos, bb.sin, n, hkv, k);
  if (s.qk) {
    dq = rmsNormBackward(nm, s.qk.q, w.qNorm!, s.qk.qn, dq, n * h, k);
    dk = rmsNormBackward(nm, s.qk.k, w.kNorm!, s.qk.kn, dk, n * hkv, k);
  }
  const x1 = s.n1.y;
  const dn1 = projectBackward(
    nm,
    dq,
    w.wq,
    { rows: n, inDim: d, outDim: h * k },
    undefined,
    at("q", x1),
  );
  projectBackward(nm, dk, w.wk, { rows: n, inDim: d, outDim: hkv * k }, dn1, at("k", x1));
  projectBackward(nm, dv, w.wv, { rows: n, inDim: d, outDim: hkv * k }, dn1, at("v", x1));
  const dx = rmsNormBackward(nm, s.x, w.ln1, s.n1.rstd, dn1, n, d);
  for (let i = 0; i < n * d; i++) dx[i] = dx[i]! + dmid[i]!;
  return dx;
}
