/**
 * trigscope's wasm SIMD sgemm: the CPU kernel when the native OpenBLAS cannot be loaded.
 *
 * GotoBLAS-style: op(A) is packed into MR-row panels (k-major, zero-padded) inside the module's
 * memory. B as stored (k×n) is copied row by row, which is a memcpy, into rows padded to whole
 * NR panels — plus one cache line when the row length is a multiple of 512 bytes, so that the k
 * loop's strided reads do not all land in one L1 set; Bᵀ (n×k) is copied the same way and then
 * transposed into k-major NR-column panels by the module's SIMD packer (wasm-pack-module.ts).
 * Packing B in JS cost as much as the multiply itself at 64×2048×2048. The module's `gemm` then
 * runs the KC-blocked loops (wasm-gemm-module.ts), split over B panels between this thread and
 * helper threads (wasm-threads.ts; the memory is shared). The product accumulates into a padded C
 * buffer and the α/β epilogue is applied in JS while copying out.
 */
import { availableParallelism } from "node:os";
import { realValidate } from "./relaxed-gate.js";
import { type Sgemm, type SgemmArgs, type Gemm, resolveGemm, scaleC } from "./sgemm.js";
import { MAX_PAGES } from "./wasm-asm.js";
import { type MicroTile, gemmModule } from "./wasm-gemm-module.js";
import { type GemmArgs, GemmThreads } from "./wasm-threads.js";

const PAGE = 65536;
/** Below this many flops a split between threads costs more than it saves. */
const SPLIT_FLOPS = 2e7;

/** Whether this runtime has 128-bit wasm SIMD and relaxed SIMD (for FMA), gate or no gate. */
export function wasmSimdFeatures(): { simd: boolean; relaxed: boolean } {
  // The smallest kernel, built with and without relaxed_madd, is the probe.
  const probe = (fma: boolean) => realValidate(gemmModule({ mr: 1, nr: 4, fma }));
  return { simd: probe(false), relaxed: probe(true) };
}

export interface WasmSgemm extends Sgemm {
  readonly tile: MicroTile;
  /** Threads a large multiply is split over, this one included. */
  readonly threads: number;
}

/** TRIGSCOPE_THREADS, else the cores Node may use. */
function defaultThreads(): number {
  return Number(process.env.TRIGSCOPE_THREADS) || availableParallelism();
}

/** Builds the kernel for this runtime (FMA when relaxed SIMD validates, unless `fma` says otherwise). */
export function createWasmSgemm(
  opts: { mr?: number; nr?: number; fma?: boolean; threads?: number } = {},
): WasmSgemm {
  const features = wasmSimdFeatures();
  if (!features.simd) throw new Error("this WebAssembly runtime has no 128-bit SIMD");
  const tile: MicroTile = { mr: opts.mr ?? 4, nr: opts.nr ?? 8, fma: opts.fma ?? features.relaxed };
  if (tile.fma && !features.relaxed)
    throw new Error("FMA asked for, but this runtime has no relaxed SIMD");
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  const module = new WebAssembly.Module(gemmModule(tile, true));
  const fns = new WebAssembly.Instance(module, { env: { mem: memory } })
    .exports as unknown as Exports;
  const pool = new GemmThreads(
    fns.gemm,
    module,
    memory,
    Math.max(1, opts.threads ?? defaultThreads()) - 1,
  );
  return {
    name: "wasm-simd",
    tile,
    get threads() {
      return pool.threads;
    },
    sgemm(args: SgemmArgs): void {
      const g = resolveGemm(args);
      if (g.m === 0 || g.n === 0) return;
      if (g.k === 0 || g.alpha === 0) return scaleC(g);
      run(g, tile, memory, fns, pool);
    },
  };
}

interface Exports {
  gemm(...args: number[]): void;
  packBt(...args: number[]): void;
}

interface Layout {
  mPanels: number;
  nPanels: number;
  aBytes: number;
  bBytes: number;
  cBytes: number;
  /** Bytes from one k to the next in B's copy, and from one NR panel to the next. */
  bStep: number;
  bPanel: number;
  /** Bᵀ only: the floats per row of its plain copy (k rounded up to 4, de-aliased) and that copy's size. */
  rawRow: number;
  rawBytes: number;
}

/** A row of `floats` plus one cache line when its length in bytes is a multiple of 512. */
const dealias = (floats: number) => floats + ((floats * 4) % 512 === 0 ? 16 : 0);

function layout(g: Gemm, t: MicroTile): Layout {
  const mPanels = Math.ceil(g.m / t.mr);
  const nPanels = Math.ceil(g.n / t.nr);
  const aBytes = mPanels * t.mr * g.k * 4;
  const cBytes = mPanels * t.mr * nPanels * t.nr * 4;
  if (g.transB) {
    const kPad = Math.ceil(g.k / 4) * 4;
    const rawRow = dealias(kPad);
    const bBytes = nPanels * t.nr * kPad * 4;
    const rawBytes = nPanels * t.nr * rawRow * 4;
    const bPanel = kPad * t.nr * 4;
    return { mPanels, nPanels, aBytes, bBytes, cBytes, bStep: t.nr * 4, bPanel, rawRow, rawBytes };
  }
  const row = dealias(nPanels * t.nr);
  const bBytes = row * g.k * 4;
  return {
    mPanels,
    nPanels,
    aBytes,
    bBytes,
    cBytes,
    bStep: row * 4,
    bPanel: t.nr * 4,
    rawRow: 0,
    rawBytes: 0,
  };
}

function ensureBytes(memory: WebAssembly.Memory, bytes: number): void {
  const pages = Math.ceil(bytes / PAGE);
  if (pages > MAX_PAGES)
    throw new Error(`wasm sgemm: ${bytes} bytes of packed operands exceed wasm's 4 GiB`);
  const have = memory.buffer.byteLength / PAGE;
  if (pages > have) memory.grow(pages - have);
}

function run(
  g: Gemm,
  t: MicroTile,
  memory: WebAssembly.Memory,
  fns: Exports,
  pool: GemmThreads,
): void {
  const l = layout(g, t);
  ensureBytes(memory, l.aBytes + l.bBytes + l.cBytes + l.rawBytes);
  const aAt = 0;
  const bAt = l.aBytes;
  const cAt = l.aBytes + l.bBytes;
  packA(g, t, new Float32Array(memory.buffer, aAt, l.aBytes / 4));
  const bDst = new Float32Array(memory.buffer, bAt, l.bBytes / 4);
  if (g.transB) {
    const rawAt = cAt + l.cBytes;
    copyRows(
      g.b,
      g.offsetB,
      g.ldb,
      g.n,
      g.k,
      l.rawRow,
      new Float32Array(memory.buffer, rawAt, l.rawBytes / 4),
    );
    fns.packBt(rawAt, l.rawRow * 4, bAt, l.nPanels, Math.ceil(g.k / 4));
  } else {
    copyRows(g.b, g.offsetB, g.ldb, g.k, g.n, l.bStep / 4, bDst);
  }
  const acc = new Float32Array(memory.buffer, cAt, l.cBytes / 4);
  acc.fill(0);
  const ldcBytes = l.nPanels * t.nr * 4;
  const gemmArgs: GemmArgs = [
    aAt,
    bAt,
    cAt,
    l.mPanels,
    l.nPanels,
    g.k * t.mr * 4,
    l.bPanel,
    g.k,
    ldcBytes,
    l.bStep,
  ];
  pool.run(gemmArgs, t.nr * 4, 2 * g.m * g.n * g.k >= SPLIT_FLOPS);
  epilogue(g, acc, l.nPanels * t.nr);
}

/** `rows` stored rows of `cols` floats into rows of `row` floats; zero in the padding and below. */
function copyRows(
  src: Float32Array,
  off: number,
  ld: number,
  rows: number,
  cols: number,
  row: number,
  dst: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const from = off + r * ld;
    dst.set(src.subarray(from, from + cols), r * row);
    dst.fill(0, r * row + cols, (r + 1) * row);
  }
  dst.fill(0, rows * row);
}

/**
 * Packs a rows×k operand into `width`-row panels, k-major: dst[panel][p][r] = X[panel·width + r, p],
 * zero past the last row. X[i, p] is src[off + i·rowStride + p·colStride]; the loops walk whichever
 * of i and p is contiguous in the source innermost, so a transposed operand is read in order too.
 */
function pack(
  src: Float32Array,
  off: number,
  rowStride: number,
  colStride: number,
  rows: number,
  k: number,
  width: number,
  dst: Float32Array,
): void {
  const padded = Math.ceil(rows / width) * width;
  dst.fill(0, rows === padded ? dst.length : Math.floor(rows / width) * k * width);
  if (colStride === 1) {
    for (let i = 0; i < rows; i++) {
      const base = Math.floor(i / width) * k * width + (i % width);
      const row = off + i * rowStride;
      for (let p = 0; p < k; p++) dst[base + p * width] = src[row + p]!;
    }
    return;
  }
  for (let p = 0; p < k; p++) {
    const row = off + p * colStride;
    for (let i0 = 0, d = p * width; i0 < rows; i0 += width, d += k * width) {
      const lim = Math.min(width, rows - i0);
      for (let r = 0; r < lim; r++) dst[d + r] = src[row + i0 + r]!;
    }
  }
}

/** op(A) (m×k) into MR-row panels. */
function packA(g: Gemm, t: MicroTile, dst: Float32Array): void {
  const [rowStride, colStride] = g.transA ? [1, g.lda] : [g.lda, 1];
  pack(g.a, g.offsetA, rowStride, colStride, g.m, g.k, t.mr, dst);
}

/** C = α·acc + β·C over the m×n block (β = 0 does not read C). */
function epilogue(g: Gemm, acc: Float32Array, ldAcc: number): void {
  const { c, ldc, offsetC, alpha, beta } = g;
  for (let i = 0; i < g.m; i++) {
    const src = i * ldAcc;
    const dst = offsetC + i * ldc;
    if (beta === 0 && alpha === 1) {
      c.set(acc.subarray(src, src + g.n), dst);
    } else if (beta === 0) {
      for (let j = 0; j < g.n; j++) c[dst + j] = alpha * acc[src + j]!;
    } else {
      for (let j = 0; j < g.n; j++) c[dst + j] = alpha * acc[src + j]! + beta * c[dst + j]!;
    }
  }
}
