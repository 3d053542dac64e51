/**
 * One small interface for a float32 matrix multiply on the CPU, so the hot path can run on the
 * system's OpenBLAS, on trigscope's own wasm SIMD kernel or on a plain JS loop behind the same call.
 *
 * Row-major BLAS semantics: C = α·op(A)·op(B) + β·C, op(X) = X or Xᵀ. C is m×n, op(A) m×k, op(B)
 * k×n. Each matrix is a Float32Array with an element offset and a leading dimension (the stride
 * between rows as stored), which defaults to the stored row length. β = 0 ignores what C held
 * (NaNs included), as BLAS does.
 */

export interface SgemmArgs {
  m: number;
  n: number;
  k: number;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
  offsetA?: number;
  offsetB?: number;
  offsetC?: number;
  lda?: number;
  ldb?: number;
  ldc?: number;
}

/** Every field of SgemmArgs filled in and checked. */
export type Gemm = Required<SgemmArgs>;

export interface Sgemm {
  /** "openblas", "wasm-simd" or "js". */
  readonly name: string;
  /** C = α·op(A)·op(B) + β·C, written into args.c in place. */
  sgemm(args: SgemmArgs): void;
}

/** Fills in the defaults and checks shapes, strides and that every element read lies inside its array. */
export function resolveGemm(args: SgemmArgs): Gemm {
  const { m, n, k } = args;
  for (const [name, v] of [
    ["m", m],
    ["n", n],
    ["k", k],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new Error(`sgemm: ${name} must be a non-negative integer, got ${v}`);
  }
  const transA = args.transA ?? false;
  const transB = args.transB ?? false;
  const g: Gemm = {
    ...args,
    transA,
    transB,
    alpha: args.alpha ?? 1,
    beta: args.beta ?? 0,
    offsetA: args.offsetA ?? 0,
    offsetB: args.offsetB ?? 0,
    offsetC: args.offsetC ?? 0,
    lda: args.lda ?? Math.max(1, transA ? m : k),
    ldb: args.ldb ?? Math.max(1, transB ? k : n),
    ldc: args.ldc ?? Math.max(1, n),
  };
  checkOperand("A", g.a, g.offsetA, g.lda, transA ? k : m, transA ? m : k);
  checkOperand("B", g.b, g.offsetB, g.ldb, transB ? n : k, transB ? k : n);
  checkOperand("C", g.c, g.offsetC, g.ldc, m, n);
  return g;
}

/** A stored rows×cols matrix at `offset` with row stride `ld` must fit in `data`. */
function checkOperand(
  name: string,
  data: Float32Array,
  offset: number,
  ld: number,
  rows: number,
  cols: number,
): void {
  if (!Number.isInteger(offset) || offset < 0)
    throw new Error(`sgemm: offset${name} must be a non-negative integer`);
  if (!Number.isInteger(ld) || ld < Math.max(1, cols)) {
    throw new Error(
      `sgemm: ld${name.toLowerCase()} = ${ld} is less than the ${cols} stored columns of ${name}`,
    );
  }
  if (rows === 0 || cols === 0) return;
  const last = offset + (rows - 1) * ld + cols;
  if (last > data.length) {
    throw new Error(
      `sgemm: ${name} (${rows}×${cols}, ld ${ld}, offset ${offset}) needs ${last} elements, has ${data.length}`,
    );
  }
}

/** C = β·C over the m×n block (β = 0 writes zeros), the whole job when k = 0 or α = 0. */
export function scaleC(g: Gemm): void {
  for (let i = 0; i < g.m; i++) {
    const row = g.offsetC + i * g.ldc;
    for (let j = 0; j < g.n; j++) g.c[row + j] = g.beta === 0 ? 0 : g.beta * g.c[row + j]!;
  }
}

/** The number of floating-point operations of one multiply (2·m·n·k), for GFLOP/s figures. */
export function gemmFlops(m: number, n: number, k: number): number {
  return 2 * m * n * k;
}
