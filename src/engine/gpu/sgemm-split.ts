/**
 * Split-K for products with few output blocks and a long K (the unembedding's backward,
 * dlogits [R, V] · W: R×D outputs, K = V ≈ 128k): the K range is cut into S consecutive slices,
 * each slice's product written to its own partial [S, m, n] (one batched launch, plus one for a
 * shorter last slice), then a reduction adds the partials in slice order 0…S−1 and applies α/β.
 * The sum order is fixed by S, which depends only on the shapes, so repeat runs give the same bits.
 */
import type { GpuTensor } from "./context.js";
import { FLAT_INDEX, params, type GpuRecorder } from "./recorder.js";

/** C[offC + i·ldc + j] = α·Σₛ part[s·m·n + i·n + j] + β·C — bindings: part, C. */
const REDUCE = `
struct P { m: u32, n: u32, splits: u32, ldc: u32, offC: u32, alpha: f32, beta: f32 }
@group(0) @binding(0) var<storage, read> PART: array<f32>;
@group(0) @binding(1) var<storage, read_write> C: array<f32>;
@group(0) @binding(2) var<uniform> p: P;
fn body(i: u32) {
  if (i >= p.m * p.n) { return; }
  var s = 0.0;
  for (var sp = 0u; sp < p.splits; sp++) { s += PART[sp * p.m * p.n + i]; }
  let c = p.offC + (i / p.n) * p.ldc + i % p.n;
  var v = p.alpha * s;
  if (p.beta != 0.0) { v = v + p.beta * C[c]; }
  C[c] = v;
}
${FLAT_INDEX}`;

/** How many K slices a single (unbatched) product gets: 1 unless its grid is small and K long. */
export function autoSplits(blocks: number, k: number): number {
  if (blocks >= 128 || k < 2048) return 1;
  return Math.max(1, Math.min(32, Math.floor(k / 1024), Math.ceil(256 / blocks)));
}

/** A product's resolved operands, as sgemm.ts's gpuGemm holds them. */
export interface SplitGemm {
  m: number;
  n: number;
  k: number;
  a: GpuTensor;
  b: GpuTensor;
  c: GpuTensor;
  transA: boolean;
  transB: boolean;
  lda: number;
  ldb: number;
  ldc: number;
  offA: number;
  offB: number;
  offC: number;
  alpha: number;
  beta: number;
}

/** One slice launch: `count` slices of `kc` starting at slice `first`. */
export type SliceLaunch = (args: {
  first: number;
  count: number;
  kc: number;
  /** Elements between consecutive slices' starts in A and in B. */
  strideA: number;
  strideB: number;
  part: GpuTensor;
}) => void;

/** Records the split product: slices through `launch`, then the ordered reduction. */
export function splitGemm(rec: GpuRecorder, g: SplitGemm, splits: number, launch: SliceLaunch) {
  const kc = Math.ceil(g.k / splits / 4) * 4;
  const s = Math.ceil(g.k / kc);
  const part = rec.alloc(s * g.m * g.n);
  const strideA = g.transA ? kc * g.lda : kc;
  const strideB = g.transB ? kc : kc * g.ldb;
  const full = g.k % kc === 0 ? s : s - 1;
  if (full > 0) launch({ first: 0, count: full, kc, strideA, strideB, part });
  if (full < s) launch({ first: full, count: 1, kc: g.k - full * kc, strideA, strideB, part });
  const block = params([g.m, g.n, s, g.ldc, g.offC, { f32: g.alpha }, { f32: g.beta }]);
  rec.dispatchFlat(REDUCE, [part, g.c], block, g.m * g.n);
}
