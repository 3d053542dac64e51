/**
 * The GPU SGEMM call: the CPU Sgemm's row-major semantics (kernels/sgemm.ts: op(A) m×k, op(B)
 * k×n, C m×n, offsets and leading dimensions in elements, β = 0 ignores C) on GPU tensors,
 * optionally batched over a grid of products (attention's heads). Shapes are checked on the host
 * so that every element a launch reads or writes lies inside its buffer.
 */
import { checkStored, layoutDefaults, type GemmLayout } from "../kernels/sgemm.js";
import type { GpuTensor } from "./context.js";
import { params, type GpuRecorder } from "./recorder.js";
import { autoSplits, splitGemm } from "./sgemm-split.js";
import {
  TILE_128,
  TILE_128_BK8,
  TILE_64,
  sgemmShader,
  type GemmTile,
  type GemmVec,
  type SgemmKernel,
} from "./sgemm-wgsl.js";

/** Where batch z's operand starts: offset + ⌊z/div⌋·outer + ⌊(z mod div)/group⌋·inner. */
export interface BatchStride {
  outer: number;
  inner: number;
  /** Consecutive batch indices sharing one slice (GQA: H/Hkv for K and V). Default 1. */
  group?: number;
}

export interface GemmBatch {
  count: number;
  /** Batch indices per outer step (attention: H). */
  div: number;
  a: BatchStride;
  b: BatchStride;
  c: BatchStride;
}

export interface GpuGemmArgs extends GemmLayout {
  a: GpuTensor;
  b: GpuTensor;
  c: GpuTensor;
  batch?: GemmBatch;
  /** Forces a block tile (tests); by default 128×128 for large products, else 64×64. */
  tile?: GemmTile;
  /** false: scalar reads even where vec4 reads are possible (tests). Default true. */
  vec4?: boolean;
  /** K slices (sgemm-split.ts); by default chosen from the shape (1 for batched launches). */
  splitK?: number;
  /** The shader generator (sgemm-wgsl.ts's SgemmKernel); by default `prefetch` (setSgemmKernel). */
  kernel?: SgemmKernel;
}

/**
 * `prefetch`: the fastest generator on the shapes that dominate the passes in two H100 runs
 * (2026-12-07, bench/results/gpu-fast-h100-sgemm-all.json and gpu-fast-h100-prefetch.json; ms per
 * launch, prefetch vs blocked): gate/up x·W 3.75 and 3.29 vs 4.90, gate/up dy·Wᵀ 3.45/3.44 vs 4.23,
 * down x·W 3.30/3.29 vs 3.64, unembedding x·W 7.29/6.81 vs 8.49 and dy·Wᵀ 7.90/7.88 vs 9.71, q/o
 * 1.32–1.38 vs 1.42–1.49. Unrolled beat it only on down dy·Wᵀ in the first run (3.91 vs 4.28; the
 * second run's prefetch 3.90) and on k/v x·W by 5%. Every generator gives the same bits.
 */
let defaultKernel: SgemmKernel = "prefetch";

/** Sets the generator for launches that name none (bench:gpu's --sgemm; every result is the same). */
export function setSgemmKernel(kernel: SgemmKernel): void {
  defaultKernel = kernel;
}

/** The 128×128 tile of a generator: BK 16, except the rolled kernel's BK 8 as it was timed. */
export function bigTile(kernel: SgemmKernel): GemmTile {
  return kernel === "rolled" ? TILE_128_BK8 : TILE_128;
}

const shaders = new Map<string, string>();

function shaderFor(
  transA: boolean,
  transB: boolean,
  tile: GemmTile,
  vec: GemmVec,
  kernel: SgemmKernel,
): string {
  const key = `${transA}|${transB}|${JSON.stringify(tile)}|${vec.a}|${vec.b}|${kernel}`;
  let s = shaders.get(key);
  if (!s) shaders.set(key, (s = sgemmShader(transA, transB, tile, vec, kernel)));
  return s;
}

/** Whether every start of an operand's stored rows is a multiple of 4, and so is their length. */
function aligned(off: number, ld: number, rowLength: number, s: BatchStride): boolean {
  return [off, ld, rowLength, s.outer, s.inner].every((v) => v % 4 === 0);
}

const NO_BATCH: GemmBatch = {
  count: 1,
  div: 1,
  a: { outer: 0, inner: 0 },
  b: { outer: 0, inner: 0 },
  c: { outer: 0, inner: 0 },
};

/** Every field filled in (the CPU Sgemm's defaults) and checked against the buffers. */
type Resolved = Required<Omit<GpuGemmArgs, "tile" | "splitK">> & { tile?: GemmTile };

function resolve(g: GpuGemmArgs): Resolved {
  const r: Resolved = {
    ...g,
    ...layoutDefaults(g, "gpu sgemm"),
    batch: g.batch ?? NO_BATCH,
    vec4: g.vec4 ?? true,
    kernel: g.kernel ?? defaultKernel,
  };
  const { m, n, k, transA, transB } = r;
  const bt = r.batch;
  if (!Number.isInteger(bt.count) || bt.count < 1 || !Number.isInteger(bt.div) || bt.div < 1) {
    throw new Error(
      `gpu sgemm: batch count ${bt.count} and div ${bt.div} must be positive integers`,
    );
  }
  // The largest batch offset: the last batch, or the last full group of `div` before it.
  const last = bt.count - 1;
  const zs = [last, Math.floor(last / bt.div) * bt.div - 1].filter((z) => z >= 0);
  const cover = (s: BatchStride) =>
    Math.max(
      ...zs.map(
        (z) =>
          Math.floor(z / bt.div) * s.outer + Math.floor((z % bt.div) / (s.group ?? 1)) * s.inner,
      ),
    );
  const who = "gpu sgemm";
  const [ra, ca] = transA ? [k, m] : [m, k];
  const [rb, cb] = transB ? [n, k] : [k, n];
  checkStored(who, "a", r.a.size, r.offsetA, r.lda, ra, ca, cover(bt.a));
  checkStored(who, "b", r.b.size, r.offsetB, r.ldb, rb, cb, cover(bt.b));
  checkStored(who, "c", r.c.size, r.offsetC, r.ldc, m, n, cover(bt.c));
  return r;
}

/** Records the product as K slices and their ordered reduction (sgemm-split.ts). */
function recordSplit(rec: GpuRecorder, r: Resolved, tile: GemmTile, splits: number): void {
  const { m, n, offsetA: offA, offsetB: offB, offsetC: offC } = r;
  const base = { ...r, offA, offB, offC };
  splitGemm(rec, base, splits, (sl) => {
    gpuGemm(rec, {
      ...r,
      k: sl.kc,
      c: sl.part,
      ldc: n,
      alpha: 1,
      beta: 0,
      offsetA: offA + sl.first * sl.strideA,
      offsetB: offB + sl.first * sl.strideB,
      offsetC: sl.first * m * n,
      tile,
      splitK: 1,
      batch: {
        count: sl.count,
        div: 1,
        a: { outer: sl.strideA, inner: 0 },
        b: { outer: sl.strideB, inner: 0 },
        c: { outer: m * n, inner: 0 },
      },
    });
  });
}

/** Records one launch of the tiled shader over every batch. */
function launch(rec: GpuRecorder, r: Resolved, tile: GemmTile): void {
  const { m, n, k, transA, transB, batch: bt } = r;
  const vec = {
    a: r.vec4 && aligned(r.offsetA, r.lda, transA ? m : k, bt.a),
    b: r.vec4 && aligned(r.offsetB, r.ldb, transB ? k : n, bt.b),
  };
  const stride = (s: BatchStride) => [s.outer, s.inner, s.group ?? 1];
  const block = params([
    ...[m, n, k, r.lda, r.ldb, r.ldc, r.offsetA, r.offsetB, r.offsetC, bt.div],
    ...stride(bt.a),
    ...stride(bt.b),
    ...stride(bt.c),
    { f32: r.alpha },
    { f32: r.beta },
  ]);
  const groups: [number, number, number] = [
    Math.ceil(n / tile.bn),
    Math.ceil(m / tile.bm),
    bt.count,
  ];
  rec.dispatch(shaderFor(transA, transB, tile, vec, r.kernel), [r.a, r.b, r.c], block, groups);
}

/** Records C = α·op(A)·op(B) + β·C (every batch) into `rec`. */
export function gpuGemm(rec: GpuRecorder, g: GpuGemmArgs): void {
  const r = resolve(g);
  const { m, n, k } = r;
  if (m === 0 || n === 0) return;
  const tile = g.tile ?? (m >= 256 && n >= 256 ? bigTile(r.kernel) : TILE_64);
  const blocks = Math.ceil(m / tile.bm) * Math.ceil(n / tile.bn);
  const splits = g.splitK ?? (g.batch ? 1 : autoSplits(blocks, k));
  if (splits > 1 && k > 0) {
    if (g.batch && g.batch.count > 1) {
      throw new Error("gpu sgemm: split-K is for unbatched products");
    }
    recordSplit(rec, r, tile, splits);
  } else launch(rec, r, tile);
}
