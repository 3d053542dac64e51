/**
 * The wasm SIMD elementwise kernels (exp, SwiGLU, the attention softmax) against float64 JS: the
 * vectorised exp's relative error over its whole range, SwiGLU's float32 result, the softmax's
 * masking (exact zeros, untouched neighbours, rows with no key), determinism, and float32Numerics
 * with and without the kernels (the JS fallback where SIMD is missing).
 */
import { describe, expect, it } from "vitest";
import {
  expRowsScaledJs,
  softmaxRowsJs,
  swigluBackwardJs,
  swigluJs,
} from "../../../src/engine/fast/elementwise.js";
import { float32Numerics } from "../../../src/engine/fast/numerics.js";
import { jsSgemm } from "../../../src/engine/kernels/js-sgemm.js";
import {
  EXP_MAX,
  EXP_MIN,
  elementwiseModule,
} from "../../../src/engine/kernels/wasm-elementwise-module.js";
import {
  createWasmElementwise,
  wasmElementwise,
} from "../../../src/engine/kernels/wasm-elementwise.js";
import { mulberry32 } from "../../../src/random/seeded.js";

const ew = createWasmElementwise();
const f64 = (v: number) => v;

function maxRelError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!) / Math.abs(want[i]!);
    worst = Math.max(worst, d);
  }
  return worst;
}

describe("wasm elementwise kernels", () => {
  it("validates and is what the process uses where SIMD exists", () => {
    expect(WebAssembly.validate(elementwiseModule())).toBe(true);
    expect(wasmElementwise()).not.toBeNull();
  });

  it("exp is within 3e-7 relative of Math.exp over its range", () => {
    const n = 200_003;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = EXP_MIN + ((EXP_MAX - EXP_MIN) * i) / (n - 1);
    const y = new Float32Array(n);
    ew.exp(x, y, n);
    const want = Array.from(x, (v) => Math.exp(v));
    const err = maxRelError(y, want);
    console.log(
      `wasm exp: max relative error ${err.toExponential(2)} over [${EXP_MIN}, ${EXP_MAX}]`,
    );
    expect(err).toBeLessThanOrEqual(3e-7);
    ew.exp(Float32Array.of(0, -1000, -Infinity, 1000), y, 4);
    expect(y[0]).toBe(1);
    expect(y[1]).toBeLessThan(1e-37);
    expect(y[2]).toBeLessThan(1e-37);
    expect(Number.isFinite(y[3])).toBe(true);
  });

  it("swiglu is silu(gate)·up to float32 rounding, saturating cleanly", () => {
    const rand = mulberry32(7);
    const n = 100_001; // several kernel blocks
    const gate = Float32Array.from({ length: n }, () => (rand() - 0.5) * 40);
    const up = Float32Array.from({ length: n }, () => rand() * 4 - 2);
    gate.set([-200, 200, 0, -90, 90], 0);
    const h = new Float32Array(n + 3).fill(9);
    ew.swiglu(gate, up, h, n);
    const want = new Float64Array(n);
    swigluJs(f64, gate, up, want, n);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      worst = Math.max(worst, Math.abs(h[i]! - want[i]!) / Math.max(Math.abs(want[i]!), 1e-20));
    }
    expect(worst).toBeLessThanOrEqual(5e-7);
    expect([...h.subarray(n)]).toEqual([9, 9, 9]);
    expect(Math.abs(h[0]!)).toBeLessThan(1e-30);
    expect(h[1]).toBe(Math.fround(200 * up[1]!));
  });

  it("swigluBackward equals float64 JS to float32 rounding", () => {
    const rand = mulberry32(11);
    const n = 4_099;
    const gate = Float32Array.from({ length: n }, () => (rand() - 0.5) * 30);
    const up = Float32Array.from({ length: n }, () => rand() * 4 - 2);
    const dh = Float32Array.from({ length: n }, () => rand() * 2 - 1);
    const [dg, du] = [new Float32Array(n), new Float32Array(n)];
    ew.swigluBackward(gate, up, dh, dg, du, n);
    const [wg, wu] = [new Float64Array(n), new Float64Array(n)];
    swigluBackwardJs(gate, up, dh, wg, wu, n);
    // dgate's last factor 1 + g(1 − σ) cancels near g ≈ −1.28: errors against its terms' size.
    for (let i = 0; i < n; i++) {
      const size = Math.abs(dh[i]! * up[i]!) * (1 + Math.abs(gate[i]!));
      expect(Math.abs(dg[i]! - wg[i]!)).toBeLessThanOrEqual(1e-6 * size + 1e-30);
      expect(Math.abs(du[i]! - wu[i]!)).toBeLessThanOrEqual(1e-6 * Math.abs(wu[i]!) + 1e-30);
    }
  });

  it.each([1, 3, 4, 7, 64, 4097, 40_000])("expRowsScaled (v = %i) equals float64 JS", (v) => {
    const rand = mulberry32(v);
    const rows = 5;
    const x = Float32Array.from({ length: rows * v + 2 }, () => (rand() - 0.5) * 40);
    const seen: number[][] = [];
    const scale = (r: number, max: number, sum: number) => {
      seen.push([r, max, sum]);
      return 0.5 / sum;
    };
    const got = new Float32Array(rows * v + 2).fill(7);
    ew.expRowsScaled(x, got, rows, v, scale);
    const want = new Float64Array(rows * v);
    const wantSeen = seen.splice(0);
    expRowsScaledJs(x, want, rows, v, scale);
    for (let r = 0; r < rows; r++) {
      expect(wantSeen[r]![1]).toBe(seen[r]![1]);
      expect(Math.abs(wantSeen[r]![2]! - seen[r]![2]!)).toBeLessThanOrEqual(1e-6 * seen[r]![2]!);
    }
    for (let i = 0; i < rows * v; i++) {
      expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(4e-6 * want[i]! + 1e-30);
    }
    expect([...got.subarray(rows * v)]).toEqual([7, 7]);
  });

  it.each([1, 2, 3, 4, 5, 7, 8, 9, 17, 55])(
    "softmax rows (t = %i) equal float64 JS, masked entries exactly 0",
    (t) => {
      const rand = mulberry32(100 + t);
      const heads = 3;
      const at = 5;
      const size = heads * t * t;
      const p = Float32Array.from({ length: at + size + 6 }, () => (rand() - 0.5) * 30);
      const keyMask = Uint8Array.from({ length: t + 2 }, (_, j) => (j < 2 || rand() < 0.2 ? 0 : 1));
      const want = Float64Array.from(p);
      softmaxRowsJs(f64, want, at, heads, t, keyMask, 2, 0.37);
      const got = p.slice();
      ew.softmaxRows(got, at, heads, t, keyMask, 2, 0.37);
      for (let i = 0; i < p.length; i++) {
        if (i < at || i >= at + size) expect(got[i]).toBe(p[i]);
        else if (want[i] === 0) expect(got[i]).toBe(0);
        else expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(2e-6 * want[i]! + 1e-7);
      }
      const again = p.slice();
      ew.softmaxRows(again, at, heads, t, keyMask, 2, 0.37);
      expect(again).toEqual(got);
    },
  );

  it("float32Numerics runs the kernels, and the JS loops without them", () => {
    const rand = mulberry32(3);
    const n = 999;
    const gate = Float32Array.from({ length: n }, () => (rand() - 0.5) * 10);
    const up = Float32Array.from({ length: n }, () => rand() - 0.5);
    const simd = float32Numerics(jsSgemm);
    const plain = float32Numerics(jsSgemm, null);
    expect(simd.name).toContain("simd elementwise");
    expect(plain.name).not.toContain("simd");
    const a = new Float32Array(n);
    const b = new Float32Array(n);
    simd.swiglu(gate, up, a, n);
    plain.swiglu(gate, up, b, n);
    const ref = new Float32Array(n);
    swigluJs(Math.fround, gate, up, ref, n);
    expect(b).toEqual(ref);
    for (let i = 0; i < n; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-6);
    const t = 6;
    const p = Float32Array.from({ length: 2 * t * t }, () => rand() * 8);
    const mask = Uint8Array.from([0, 1, 1, 1, 0, 1]);
    const ps = p.slice();
    const pj = p.slice();
    simd.softmaxRows(ps, 0, 2, t, mask, 0, 0.5);
    plain.softmaxRows(pj, 0, 2, t, mask, 0, 0.5);
    for (let i = 0; i < p.length; i++) expect(Math.abs(ps[i]! - pj[i]!)).toBeLessThanOrEqual(1e-6);
    expect(() => simd.swiglu(new Float64Array(4), up, a, 4)).toThrow(/Float32Array/);
  });
});
