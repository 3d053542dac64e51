/**
 * Every CPU sgemm (js, wasm mul+add, wasm FMA where relaxed SIMD exists, OpenBLAS where it loads)
 * against float64 sums and against the js reference, over odd shapes, transposes, offsets, padded
 * leading dimensions and α/β; plus the BLAS edge rules (β = 0 ignores NaN in C, k = 0 scales C).
 */
import { describe, expect, it } from "vitest";
import { jsSgemm } from "../../../src/engine/kernels/js-sgemm.js";
import { loadNativeSgemm } from "../../../src/engine/kernels/native-sgemm.js";
import type { Sgemm } from "../../../src/engine/kernels/sgemm.js";
import { createWasmSgemm, wasmSimdFeatures } from "../../../src/engine/kernels/wasm-sgemm.js";
import { TOL, cases, label, operands, runCase, touchedOutside, worstError } from "./gemm-check.js";

const kernels: [string, Sgemm][] = [
  ["js", jsSgemm],
  ["wasm mul+add", createWasmSgemm({ fma: false })],
  ["wasm 6×8 mul+add", createWasmSgemm({ mr: 6, nr: 8, fma: false })],
];
if (wasmSimdFeatures().relaxed) kernels.push(["wasm FMA", createWasmSgemm({ fma: true })]);
const native = loadNativeSgemm();
if (native.ok) kernels.push(["openblas", native.sgemm]);

describe.each(kernels)("%s sgemm", (_name, kernel) => {
  it.each(cases().map((c, i) => [label(c), c, i] as const))(
    "%s: float64 sum and the js reference",
    (_l, c, i) => {
      const args = operands(c, 1000 + i);
      const { before, got } = runCase(kernel, args);
      expect(worstError(args, before, got)).toBeLessThanOrEqual(1);
      expect(touchedOutside(args, before, got)).toEqual([]);
      const ref = runCase(jsSgemm, args).got;
      for (let x = 0; x < got.length; x++) {
        expect(Math.abs(got[x]! - ref[x]!)).toBeLessThanOrEqual(
          2 * TOL * (Math.abs(ref[x]!) + c.k * 4),
        );
      }
    },
  );

  it("ignores NaN in C when β = 0 and scales C by β when k = 0", () => {
    const c = new Float32Array([NaN, NaN, NaN, NaN]);
    kernel.sgemm({ m: 2, n: 2, k: 1, a: new Float32Array([1, 2]), b: new Float32Array([3, 4]), c });
    expect([...c]).toEqual([3, 4, 6, 8]);
    const d = new Float32Array([1, 2, 3, 4]);
    kernel.sgemm({
      m: 2,
      n: 2,
      k: 0,
      a: new Float32Array(0),
      b: new Float32Array(0),
      c: d,
      beta: 0.5,
    });
    expect([...d]).toEqual([0.5, 1, 1.5, 2]);
  });

  it("refuses operands that do not fit their arrays", () => {
    const args = {
      m: 3,
      n: 3,
      k: 3,
      a: new Float32Array(9),
      b: new Float32Array(8),
      c: new Float32Array(9),
    };
    expect(() => kernel.sgemm(args)).toThrow(/B .* needs 9 elements, has 8/);
  });
});

describe("wasm sgemm at a size where packing and the k blocks matter", () => {
  it("equals OpenBLAS (or js) on 70×520×300 with Aᵀ", () => {
    const c = { m: 70, n: 300, k: 520, transA: true, transB: false, alpha: 1, beta: 0, pad: 1 };
    const args = operands(c, 7);
    const wasm = runCase(createWasmSgemm(), args);
    expect(worstError(args, wasm.before, wasm.got)).toBeLessThanOrEqual(2);
    const other = runCase(native.ok ? native.sgemm : jsSgemm, args).got;
    let worst = 0;
    for (let x = 0; x < other.length; x++)
      worst = Math.max(worst, Math.abs(other[x]! - wasm.got[x]!));
    expect(worst).toBeLessThan(1e-3);
  });
});
