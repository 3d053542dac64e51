/**
 * One small interface for a float32 matrix multiply on the CPU, so the hot path can run on the
 * system's OpenBLAS, on trigscope's own wasm SIMD kernel or on a plain JS loop behind the same call.
 *
 * Row-major BLAS semantics: C = α·op(A)·op(B) + β·C, op(X) = X or Xᵀ. C is m×n, op(A) m×k, op(B)
 * k×n. Each matrix is a Float32Array with an element offset and a leading dimension (the stride
 * between rows as stored), which defaults to the stored row length. β = 0 ignores what C held
 * (NaNs included), as BLAS does.
 */

/**
 * A row-major product's shape and layout, whatever holds the operands: op(A) m×k, op(B) k×n,
 * C m×n, offsets and leading dimensions in elements (the GPU SGEMM shares it, gpu/sgemm.ts).
 */
export interface GemmLayout {
  m: number;
  n: number;
  k: number;
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

export interface SgemmArgs extends GemmLayout {
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
}

/** Every field of SgemmArgs filled in and checked. */
export type Gemm = Required<SgemmArgs>;

export interface Sgemm {
  /** "openblas", "wasm-simd" or "js". */
  readonly name: string;
  /** C = α·op(A)·op(B) + β·C, written into args.c in place. */
  sgemm(args: SgemmArgs): void;
}

/** The layout with every default filled in; m, n and k checked (`who` starts the errors). */
export function layoutDefaults(l: GemmLayout, who: string): Required<GemmLayout> {
  const { m, n, k } = l;
  for (const [name, v] of [
    ["m", m],
    ["n", n],
    ["k", k],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new Error(`${who}: ${name} must be a non-negative integer, got ${v}`);
  }
  const transA = l.transA ?? false;
  const transB = l.transB ?? false;
  return {
    m,
    n,
    k,
    transA,
    transB,
    alpha: l.alpha ?? 1,
    beta: l.beta ?? 0,
    offsetA: l.offsetA ?? 0,
    offsetB: l.offsetB ?? 0,
    offsetC: l.offsetC ?? 0,
    lda: l.lda ?? Math.max(1, transA ? m : k),
    ldb: l.ldb ?? Math.max(1, transB ? k : n),
    ldc: l.ldc ?? Math.max(1, n),
  };
}

/** Fills in the defaults and checks shapes, strides and that every element read lies inside its array. */
export function resolveGemm(args: SgemmArgs): Gemm {
  const g: Gemm = { ...args, ...layoutDefaults(args, "sgemm") };
  const { m, n, k, transA, transB } = g;
  checkStored("sgemm", "A", g.a.length, g.offsetA, g.lda, transA ? k : m, transA ? m : k);
  checkStored("sgemm", "B", g.b.length, g.offsetB, g.ldb, transB ? n : k, transB ? k : n);
  checkStored("sgemm", "C", g.c.length, g.offsetC, g.ldc, m, n);
  return g;
}

/**
 * A stored rows×cols matrix at `offset` with row stride `ld`, plus `extra` elements (a batched
 * launch's furthest slice), must fit in `size` elements; `name` as the errors print it.
 */
export function checkStored(
  who: string,
  name: string,
  size: number,
  offset: number,
  ld: number,
  rows: number,
  cols: number,
  extra = 0,
): void {
  if (!Number.isInteger(offset) || offset < 0)
    throw new Error(`${who}: offset${name} must be a non-negative integer`);
  if (!Number.isInteger(ld) || ld < Math.max(1, cols)) {
    throw new Error(
      `${who}: ld${name.toLowerCase()} = ${ld} is less than the ${cols} stored columns of ${name}`,
    );
  }
  if (rows === 0 || cols === 0) return;
  const last = offset + extra + (rows - 1) * ld + cols;
  if (last > size) {
    throw new Error(
      `${who}: ${name} (${rows}×${cols}, ld ${ld}, offset ${offset}) needs ${last} elements, has ${size}`,
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
