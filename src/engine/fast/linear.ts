/**
 * Projections of row-major activations through [in, out] weights, forward and input VJP, on the
 * Numerics' gemm: y = x·W (+ b), dx = dy·Wᵀ (+ β·dx when accumulating). Weight gradients are not
 * needed for steering and are not computed.
 */
import { OVERWRITTEN, type Buf, type Numerics } from "./numerics.js";

/** y [rows, out] = x [rows, in] · W [in, out] (+ b [out]). */
export function linear(
  nm: Numerics,
  x: Buf,
  w: Buf,
  rows: number,
  inDim: number,
  outDim: number,
  b?: Buf,
): Buf {
  const y = nm.alloc(rows * outDim, OVERWRITTEN);
  nm.gemm({ m: rows, n: outDim, k: inDim, a: x, b: w, c: y });
  if (b) {
    for (let i = 0; i < rows; i++) {
      const o = i * outDim;
      for (let j = 0; j < outDim; j++) y[o + j] = y[o + j]! + b[j]!;
    }
  }
  return y;
}

/** dx [rows, in] (+)= dy [rows, out] · Wᵀ; into `acc` (added) when given, else a new buffer. */
export function linearBackward(
  nm: Numerics,
  dy: Buf,
  w: Buf,
  rows: number,
  inDim: number,
  outDim: number,
  acc?: Buf,
): Buf {
  const dx = acc ?? nm.alloc(rows * inDim);
  nm.gemm({
    m: rows,
    n: inDim,
    k: outDim,
    a: dy,
    b: w,
    c: dx,
    transB: true,
    beta: acc ? 1 : 0,
  });
  return dx;
}
