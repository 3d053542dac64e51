/**
 * The plain JS sgemm: the reference the wasm and native kernels are tested against, and the
 * kernel of last resort. Accumulates each output in a JS double in the natural k order, then
 * rounds to float32 on store — simple enough to trust, and slow.
 */
import { type Sgemm, type SgemmArgs, resolveGemm, scaleC } from "./sgemm.js";

export const jsSgemm: Sgemm = {
  name: "js",
  sgemm(args: SgemmArgs): void {
    const g = resolveGemm(args);
    if (g.k === 0 || g.alpha === 0) return scaleC(g);
    const { a, b, c, lda, ldb, ldc, offsetA, offsetB, offsetC } = g;
    // Element (i, p) of op(A) and (p, j) of op(B) as strides along i/p and p/j.
    const [aRow, aCol] = g.transA ? [1, lda] : [lda, 1];
    const [bRow, bCol] = g.transB ? [1, ldb] : [ldb, 1];
    for (let i = 0; i < g.m; i++) {
      for (let j = 0; j < g.n; j++) {
        let sum = 0;
        for (let p = 0; p < g.k; p++)
          sum += a[offsetA + i * aRow + p * aCol]! * b[offsetB + p * bRow + j * bCol]!;
        const at = offsetC + i * ldc + j;
        c[at] = g.beta === 0 ? g.alpha * sum : g.alpha * sum + g.beta * c[at]!;
      }
    }
  },
};
