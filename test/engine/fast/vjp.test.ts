/**
 * Each hand-written VJP of the fast path against central finite differences in float64 on tiny
 * shapes (float64Numerics runs the very kernels production runs in float32): RMSNorm, RoPE,
 * SwiGLU, GQA attention with causal + left-padding masks, the cross-entropy, a whole decoder layer
 * per family, and the steering gradient through the later layers, final norm and unembedding.
 */
import { describe, expect, it } from "vitest";
import { attentionForward, type AttnShape } from "../../../src/engine/fast/attention.js";
import { attentionBackward } from "../../../src/engine/fast/attention-vjp.js";
import { layerForward } from "../../../src/engine/fast/block.js";
import { layerBackward } from "../../../src/engine/fast/block-vjp.js";
import { crossEntropy, responseRows } from "../../../src/engine/fast/loss.js";
import { mlpBackward, mlpForward } from "../../../src/engine/fast/mlp.js";
import { rmsNormBackward, rmsNormForward } from "../../../src/engine/fast/norm.js";
import { float64Numerics as nm } from "../../../src/engine/fast/numerics.js";
import { ropeBackward, ropeForward } from "../../../src/engine/fast/rope.js";
import { prepareFastSteering } from "../../../src/engine/fast/steer.js";
import { expectGradClose, numericVjp, randomArray } from "./gradcheck.js";
import { tinyBatch, tinyFastModel } from "./tiny.js";

const TOL = 1e-7;

describe("fast path VJPs vs central differences (float64)", () => {
  it("RMSNorm", () => {
    const [rows, width] = [3, 6];
    const x = randomArray(rows * width, 1);
    const w = randomArray(width, 2).map((v) => 1 + 0.5 * v);
    const c = randomArray(rows * width, 3);
    const fwd = (xx: Float64Array) => rmsNormForward(nm, xx, w, rows, width, 1e-5);
    const got = rmsNormBackward(nm, x, w, fwd(x).rstd, c, rows, width);
    expectGradClose(
      "rmsnorm",
      got,
      numericVjp((xx) => fwd(xx).y, x, c),
      TOL,
    );
  });

  it("RoPE", () => {
    const bb = tinyBatch(tinyFastModel("llama").config);
    const [rows, heads, k] = [bb.b * bb.t, 3, 4];
    const x = randomArray(rows * heads * k, 4);
    const c = randomArray(rows * heads * k, 5);
    const f = (xx: Float64Array) => {
      const y = xx.slice();
      ropeForward(y, bb.cos, bb.sin, rows, heads, k);
      return y;
    };
    const got = c.slice();
    ropeBackward(got, bb.cos, bb.sin, rows, heads, k);
    expectGradClose("rope", got, numericVjp(f, x, c), TOL);
  });

  it("SwiGLU MLP", () => {
    const [rows, d, f] = [4, 6, 10];
    const w = {
      wGate: randomArray(d * f, 6),
      wUp: randomArray(d * f, 7),
      wDown: randomArray(f * d, 8),
    };
    const x = randomArray(rows * d, 9);
    const c = randomArray(rows * d, 10);
    const { saved } = mlpForward(nm, w, x, rows, d, f);
    const got = mlpBackward(nm, w, saved, c, rows, d, f);
    expectGradClose(
      "mlp",
      got,
      numericVjp((xx) => mlpForward(nm, w, xx, rows, d, f).out, x, c),
      TOL,
    );
  });

  it("GQA attention with causal and left-padding masks: dq, dk, dv", () => {
    const bb = tinyBatch(tinyFastModel("llama").config);
    const s: AttnShape = { b: bb.b, t: bb.t, h: 4, hkv: 2, k: 4, keyMask: bb.keyMask };
    const n = s.b * s.t;
    const q = randomArray(n * s.h * s.k, 11, 2);
    const kk = randomArray(n * s.hkv * s.k, 12, 2);
    const v = randomArray(n * s.hkv * s.k, 13);
    const c = randomArray(n * s.h * s.k, 14);
    const { p } = attentionForward(nm, s, q, kk, v);
    const g = attentionBackward(nm, s, q, kk, v, p, c);
    const z = (qq: Float64Array, k2: Float64Array, v2: Float64Array) =>
      attentionForward(nm, s, qq, k2, v2).z;
    expectGradClose(
      "dq",
      g.dq,
      numericVjp((x) => z(x, kk, v), q, c),
      TOL,
    );
    expectGradClose(
      "dk",
      g.dk,
      numericVjp((x) => z(q, x, v), kk, c),
      TOL,
    );
    expectGradClose(
      "dv",
      g.dv,
      numericVjp((x) => z(q, kk, x), v, c),
      TOL,
    );
  });

  it("cross-entropy over the response tokens (token mean)", () => {
    const ids = Int32Array.from([1, 2, 3, 4, 0, 5, 6, 7]);
    const mask = Uint8Array.from([1, 1, 1, 1, 0, 1, 1, 1]);
    const response = Uint8Array.from([0, 0, 1, 1, 0, 0, 1, 1]);
    const sel = responseRows(ids, mask, response, 2, 4);
    const v = 9;
    const logits = randomArray(sel.rows.length * v, 15, 3);
    const got = crossEntropy(nm, logits, sel, v);
    const want = numericVjp((x) => [crossEntropy(nm, x, sel, v).loss], logits, [1]);
    expectGradClose("dlogits", got.dlogits, want, TOL);
    expect(got.perExample.reduce((a, b) => a + b, 0) / 2).toBeCloseTo(got.loss, 12);
  });

  it.each(["llama", "qwen2", "qwen3"] as const)("a whole %s decoder layer", (arch) => {
    const m = tinyFastModel(arch);
    const bb = tinyBatch(m.config);
    const w = m.weights.layers[1]!;
    const x = randomArray(bb.b * bb.t * m.config.dModel, 16);
    const c = randomArray(x.length, 17);
    const { saved } = layerForward(nm, m.config, w, x, bb);
    const got = layerBackward(nm, m.config, w, saved, c, bb);
    const f = (xx: Float64Array) => layerForward(nm, m.config, w, xx, bb).out;
    // Only some output rows (the steering loss's last layer): the same VJP, cotangent [R, D].
    const rows = Int32Array.from([1, 4, 7, 9]);
    const cr = randomArray(rows.length * m.config.dModel, 19);
    const part = layerForward(nm, m.config, w, x, bb, rows);
    const gotR = layerBackward(nm, m.config, w, part.saved, cr, bb);
    const fr = (xx: Float64Array) => layerForward(nm, m.config, w, xx, bb, rows).out;
    expectGradClose(`${arch} layer at rows`, gotR, numericVjp(fr, x, cr), TOL);
    // Pad rows without a visible key get z = 0 in the forward and no attention gradient in the
    // backward alike, so every row is compared.
    expectGradClose(`${arch} layer`, got, numericVjp(f, x, c), TOL);
  });
});

describe("steering gradient vs central differences (float64)", () => {
  it.each([
    ["llama", false, "shared", 0],
    ["qwen2", false, "per-example", 0],
    ["qwen3", false, "shared", 0],
    ["llama", true, "per-example", 0],
    ["qwen3", true, "shared", 1],
    ["qwen2", false, "shared", 2],
  ] as const)("%s (tied %s), %s vector, layer %i", (arch, tied, kind, layer) => {
    const m = tinyFastModel(arch, tied);
    const bb = tinyBatch(m.config);
    const d = m.config.dModel;
    const positionMask = Float64Array.from([0, 1, 1, 0, 0, 0, 0, 1, 1, 0], (v) => 1.5 * v);
    const responseMask = Uint8Array.from([0, 0, 0, 1, 1, 0, 0, 0, 1, 1]);
    const site = { layer, positionMask, responseMask };
    const prepared = prepareFastSteering(nm, m, bb, site);
    const vector = randomArray(kind === "shared" ? d : bb.b * d, 18);
    const got = prepared.lossAndGrad(vector);
    const want = numericVjp((v) => [prepared.lossAndGrad(v).loss], vector, [1]);
    expectGradClose(`${arch} steering`, got.grad, want, TOL);
  });
});
