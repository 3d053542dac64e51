/**
 * Shared by the kernel tests: seeded operands and the float64 bound every sgemm must meet.
 *
 * Each output is compared with the exact sum (float64, inputs are float32) and must lie within
 * TOL·(|α|·(|A|·|B|)ij + |β|·|Cij|): float32 accumulation over k ≤ 300 terms of random sign stays
 * well inside 1e-5 of the absolute-value product, and a wrong element, transpose or offset is off
 * by O(1) of it.
 */
import type { Sgemm, SgemmArgs } from "../../../src/engine/kernels/sgemm.js";

export const TOL = 1e-5;

export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

export function randomArray(n: number, rand: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => rand() * 4);
}

export interface Case {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
  /** Extra columns of stored padding per row and elements before each matrix. */
  pad: number;
}

/** Builds the operands of a case: A, B, C with offsets `pad` and leading dimensions + `pad`. */
export function operands(c: Case, seed: number): Required<SgemmArgs> {
  const rand = seeded(seed);
  const [aRows, aCols] = c.transA ? [c.k, c.m] : [c.m, c.k];
  const [bRows, bCols] = c.transB ? [c.n, c.k] : [c.k, c.n];
  const lda = aCols + c.pad;
  const ldb = bCols + c.pad;
  const ldc = c.n + c.pad;
  return {
    ...c,
    a: randomArray(c.pad + aRows * lda, rand),
    b: randomArray(c.pad + bRows * ldb, rand),
    c: randomArray(c.pad + c.m * ldc + c.pad, rand),
    offsetA: c.pad,
    offsetB: c.pad,
    offsetC: c.pad,
    lda,
    ldb,
    ldc,
  };
}

/** The largest error of `got` against the float64 result, as a multiple of the allowed error (≤ 1 passes). */
export function worstError(
  args: Required<SgemmArgs>,
  before: Float32Array,
  got: Float32Array,
): number {
  const at = (x: Float32Array, off: number, ld: number, t: boolean, r: number, col: number) =>
    t ? x[off + col * ld + r]! : x[off + r * ld + col]!;
  let worst = 0;
  for (let i = 0; i < args.m; i++) {
    for (let j = 0; j < args.n; j++) {
      let sum = 0;
      let abs = 0;
      for (let p = 0; p < args.k; p++) {
        const x = at(args.a, args.offsetA, args.lda, args.transA, i, p);
        const y = at(args.b, args.offsetB, args.ldb, args.transB, p, j);
        sum += x * y;
        abs += Math.abs(x * y);
      }
      const ci = args.offsetC + i * args.ldc + j;
      const old = args.beta === 0 ? 0 : before[ci]!;
      const want = args.alpha * sum + args.beta * old;
      const allowed = TOL * (Math.abs(args.alpha) * abs + Math.abs(args.beta * old)) + 1e-30;
      worst = Math.max(worst, Math.abs(got[ci]! - want) / allowed);
    }
  }
  return worst;
}

/** Indices of C outside the m×n block (padding, offsets) whose value changed. */
export function touchedOutside(
  args: Required<SgemmArgs>,
  before: Float32Array,
  got: Float32Array,
): number[] {
  const inside = new Set<number>();
  for (let i = 0; i < args.m; i++) {
    for (let j = 0; j < args.n; j++) inside.add(args.offsetC + i * args.ldc + j);
  }
  const out: number[] = [];
  for (let x = 0; x < got.length; x++)
    if (!inside.has(x) && !Object.is(got[x], before[x])) out.push(x);
  return out;
}

/** Runs one case on a kernel; returns C before and after. */
export function runCase(
  kernel: Sgemm,
  args: Required<SgemmArgs>,
): { before: Float32Array; got: Float32Array } {
  const before = args.c.slice();
  const got = args.c.slice();
  kernel.sgemm({ ...args, c: got });
  return { before, got };
}

/** Odd shapes (edges of the 4×8 tile, k across the 256-long block, k not a multiple of 4), all transposes, padding, α/β. */
export function cases(): Case[] {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [4, 8, 16],
    [5, 9, 17],
    [13, 31, 257],
    [33, 17, 300],
    [64, 1, 64],
    [1, 64, 65],
    // 128-float rows (512 bytes): the copies of B and Bᵀ get their de-aliasing padding.
    [6, 125, 128],
  ];
  const scalars: [number, number][] = [
    [1, 0],
    [0.5, -1.25],
    [-2, 1],
  ];
  const out: Case[] = [];
  shapes.forEach(([m, n, k], s) => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const [alpha, beta] of scalars)
          out.push({ m, n, k, transA, transB, alpha, beta, pad: s % 3 });
      }
    }
  });
  return out;
}

export const label = (c: Case) =>
  `${c.m}×${c.n}×${c.k} ${c.transA ? "Aᵀ" : "A"}·${c.transB ? "Bᵀ" : "B"} α=${c.alpha} β=${c.beta} pad ${c.pad}`;
