/**
 * Code generation of the fast path's elementwise wasm SIMD kernels (float32, four lanes):
 *
 *   exp(x, y, chunks)                     y = exp(x) over chunks·4 floats (clamped as below)
 *   swiglu(gate, up, h, chunks)           h = silu(gate) ⊙ up over chunks·4 floats
 *   swigluBack(gate, up, dh, dgate, dup, chunks)
 *                                         σ = sigmoid(gate): dup = dh·gate·σ,
 *                                         dgate = dh·up·σ·(1 + gate·(1 − σ))
 *   expRows(x, y, rows, v, stats)         per row of x [rows, v]: y = exp(x − max), and at
 *                                         stats[r] the float64 pair (max, Σ y) (the sum in float64)
 *   scaleRows(y, _, rows, v, scales)      per row: y ×= scales[r] (float32; _ is unused)
 *   softmax(p, mask, heads, t, scale)     `heads` consecutive t×t score blocks, each row i scaled,
 *                                         masked (key j seen iff j ≤ i and mask[j] ≠ 0) and
 *                                         softmaxed in place; unseen entries become exactly 0, a
 *                                         row with no seen key all 0
 *
 * Pointers are byte offsets into the imported memory. `mask` holds ⌈t/4⌉·4 int32 lanes, −1 for a
 * real key and 0 otherwise (0 past t). Score rows are unpadded (row stride t), so a row's last
 * vector may reach into the next row: every store keeps the lanes at j ≥ t as they were (the next
 * row has not been touched yet), and the memory holds 16 spare bytes after the last row.
 *
 * exp is vectorised the classic way: x clamped to [−87.3, 88.3] (so 2ⁿ stays a normal float),
 * n = round(x·log₂e) (see emitExp), r = x − n·ln2 with ln2 split in two floats (exact n·ln2_hi), e^r by a
 * degree-7 Taylor-like polynomial on |r| ≤ ln2/2 (coefficients: the minimax fit of the Cephes
 * library's expf), and 2ⁿ assembled from bits as (n + 127) << 23.
 */
import { Body, F32, I32, OP, SIMD, V128, buildModule, type Func } from "./wasm-asm.js";

const LOG2E = 1.4426950408889634;
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444e-4;
/** e^r ≈ 1 + r + r²·P(r); P's coefficients, highest first. */
const EXP_POLY = [
  1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1,
  5.0000001201e-1,
];
export const EXP_MIN = -87.3;
export const EXP_MAX = 88.3;

/** Scratch v128 locals for `emitExp`, and the first of its EXP_CONSTS.length constant locals. */
interface ExpLocals {
  x: number;
  n: number;
  r: number;
  k: number;
}

/** 1.5·2²³: adding it rounds a float of magnitude < 2²² to an integer, held in the low bits. */
const ROUNDER = 12582912;

/**
 * exp's constants, splatted into v128 locals once per call (emitExpConstants): V8 rebuilds a
 * v128.const from immediates at every use, which inside the loop cost more than the arithmetic.
 */
const EXP_CONSTS = [EXP_MIN, EXP_MAX, LOG2E, ROUNDER, LN2_HI, LN2_LO, 1, ...EXP_POLY];
const K = { min: 0, max: 1, log2e: 2, rounder: 3, ln2hi: 4, ln2lo: 5, one: 6, poly: 7, i127: 13 };
/** v128 locals emitExp needs for its constants. */
export const EXP_CONST_LOCALS = EXP_CONSTS.length + 1;

/** Sets exp's constant locals (from l.k on); call once before the loops. */
function emitExpConstants(b: Body, k: number): void {
  EXP_CONSTS.forEach((c, i) => b.f32x4(c).set(k + i));
  b.i32x4(127).set(k + K.i127);
}

/**
 * exp of the v128 in local `x` (clobbered), left on the stack. n is rounded by the ROUNDER trick:
 * t = x·log₂e + ROUNDER has n in its low mantissa bits, so n = t − ROUNDER and 2ⁿ's bits are
 * (bits(t) + 127) << 23 (ROUNDER's own bits shift out). The clamp uses pmin/pmax (one x86
 * instruction each) in the operand order that lets a NaN through.
 */
function emitExp(b: Body, l: ExpLocals): void {
  const k = (i: number) => b.get(l.k + i);
  b.get(l.x);
  k(K.min).simd(SIMD.f32x4Pmax);
  k(K.max).simd(SIMD.f32x4Pmin).set(l.x);
  b.get(l.x);
  k(K.log2e).simd(SIMD.f32x4Mul);
  k(K.rounder).simd(SIMD.f32x4Add).set(l.n);
  b.get(l.x).get(l.n);
  k(K.rounder).simd(SIMD.f32x4Sub).tee(l.r);
  k(K.ln2hi).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub);
  b.get(l.r);
  k(K.ln2lo).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub).set(l.r);
  k(K.poly);
  for (let i = 1; i < EXP_POLY.length; i++) {
    b.get(l.r).simd(SIMD.f32x4Mul);
    k(K.poly + i).simd(SIMD.f32x4Add);
  }
  b.get(l.r).simd(SIMD.f32x4Mul).get(l.r).simd(SIMD.f32x4Mul);
  b.get(l.r).simd(SIMD.f32x4Add);
  k(K.one).simd(SIMD.f32x4Add);
  b.get(l.n);
  k(K.i127).simd(SIMD.i32x4Add);
  b.i32(23).simd(SIMD.i32x4Shl).simd(SIMD.f32x4Mul);
}

/** `local -= 1; loop again while it is non-zero` (closes nothing: call before `end()`). */
function countDown(b: Body, local: number): void {
  b.get(local).i32(1).op(OP.i32Sub).tee(local).brIf(0);
}

function expFunc(): Func {
  const [src, dst, chunks, off] = [0, 1, 2, 3];
  const [x, n, r] = [4, 5, 6];
  const b = new Body();
  emitExpConstants(b, 7);
  b.loop();
  b.get(dst).get(off).add();
  b.get(src).get(off).add().simd(SIMD.load, [4, 0]).set(x);
  emitExp(b, { x, n, r, k: 7 });
  b.simd(SIMD.store, [4, 0]);
  b.bump(off, 16);
  countDown(b, chunks);
  b.end();
  return {
    name: "exp",
    params: [I32, I32, I32],
    locals: [
      [1, I32],
      [3 + EXP_CONST_LOCALS, V128],
    ],
    body: b,
  };
}

function swigluFunc(): Func {
  const [gate, up, h, chunks, off] = [0, 1, 2, 3, 4];
  const [g, x, n, r] = [5, 6, 7, 8];
  const b = new Body();
  emitExpConstants(b, 9);
  b.loop();
  b.get(h).get(off).add();
  b.get(gate).get(off).add().simd(SIMD.load, [4, 0]).tee(g);
  b.f32x4(-1).simd(SIMD.f32x4Mul).set(x);
  b.get(g).f32x4(1);
  emitExp(b, { x, n, r, k: 9 });
  b.simd(SIMD.f32x4Add).simd(SIMD.f32x4Div);
  b.get(up).get(off).add().simd(SIMD.load, [4, 0]).simd(SIMD.f32x4Mul);
  b.simd(SIMD.store, [4, 0]);
  b.bump(off, 16);
  countDown(b, chunks);
  b.end();
  return {
    name: "swiglu",
    params: [I32, I32, I32, I32],
    locals: [
      [1, I32],
      [4 + EXP_CONST_LOCALS, V128],
    ],
    body: b,
  };
}

function swigluBackFunc(): Func {
  const [gate, up, dh, dgate, dup, chunks, off] = [0, 1, 2, 3, 4, 5, 6];
  const [g, d, sg, x, n, r] = [7, 8, 9, 10, 11, 12];
  const b = new Body();
  emitExpConstants(b, 13);
  const load = (ptr: number) => b.get(ptr).get(off).add().simd(SIMD.load, [4, 0]);
  b.loop();
  load(gate).tee(g).f32x4(-1).simd(SIMD.f32x4Mul).set(x);
  load(dh).set(d);
  b.f32x4(1).f32x4(1);
  emitExp(b, { x, n, r, k: 13 });
  b.simd(SIMD.f32x4Add).simd(SIMD.f32x4Div).set(sg);
  b.get(dup).get(off).add();
  b.get(d).get(g).simd(SIMD.f32x4Mul).get(sg).simd(SIMD.f32x4Mul);
  b.simd(SIMD.store, [4, 0]);
  b.get(dgate).get(off).add();
  b.get(d);
  load(up).simd(SIMD.f32x4Mul).get(sg).simd(SIMD.f32x4Mul);
  b.f32x4(1).get(g).f32x4(1).get(sg).simd(SIMD.f32x4Sub).simd(SIMD.f32x4Mul);
  b.simd(SIMD.f32x4Add).simd(SIMD.f32x4Mul);
  b.simd(SIMD.store, [4, 0]);
  b.bump(off, 16);
  countDown(b, chunks);
  b.end();
  return {
    name: "swigluBack",
    params: [I32, I32, I32, I32, I32, I32],
    locals: [
      [1, I32],
      [6 + EXP_CONST_LOCALS, V128],
    ],
    body: b,
  };
}

// expRows / scaleRows: parameters, then locals.
const E = { x: 0, y: 1, rows: 2, v: 3, stats: 4 };
const EI = { q: 5, d: 6, left: 7, all: 8 };
const EF = { max: 9 };
const EV = { vV: 10, jV: 11, acc: 12, lo: 13, hi: 14, e: 15, x: 16, n: 17, r: 18 };

/** The lanes of this chunk inside the row: j < v. */
function inRowLanes(b: Body): void {
  b.get(EV.jV).get(EV.vV).simd(SIMD.i32x4LtS);
}

function rowStart(b: Body, src: number, dst?: number): void {
  b.get(src).set(EI.q);
  if (dst !== undefined) b.get(dst).set(EI.d);
  b.i32x4(0, 1, 2, 3).set(EV.jV).get(EI.all).set(EI.left);
}

function rowStep(b: Body, withDst: boolean): void {
  b.bump(EI.q, 16);
  if (withDst) b.bump(EI.d, 16);
  b.get(EV.jV).i32x4(4).simd(SIMD.i32x4Add).set(EV.jV);
  countDown(b, EI.left);
}

/** Ends a row: x and y (when given) one row on, and the row loop's countdown. */
function nextRow(b: Body, ptrs: number[]): void {
  for (const p of ptrs) b.get(p).get(E.v).i32(4).mul().add().set(p);
  countDown(b, E.rows);
}

function expRowsFunc(): Func {
  const b = new Body();
  emitExpConstants(b, 19);
  b.get(E.v).simd(SIMD.i32x4Splat).set(EV.vV);
  b.get(E.v).i32(3).add().i32(2).op(OP.i32ShrU).set(EI.all);
  b.loop();
  rowStart(b, E.x);
  b.f32x4(-Infinity).set(EV.acc);
  b.loop();
  b.get(EV.acc).get(EI.q).simd(SIMD.load, [4, 0]).f32x4(-Infinity);
  inRowLanes(b);
  b.simd(SIMD.v128Bitselect).simd(SIMD.f32x4Max).set(EV.acc);
  rowStep(b, false);
  b.end();
  horizontal(b, EV.acc, OP.f32Max);
  b.tee(EF.max).simd(SIMD.f32x4Splat).set(EV.acc);
  rowStart(b, E.x, E.y);
  b.i32x4(0).tee(EV.lo).set(EV.hi);
  b.loop();
  b.get(EI.q).simd(SIMD.load, [4, 0]).get(EV.acc).simd(SIMD.f32x4Sub).set(EV.x);
  b.get(EI.d);
  emitExp(b, { x: EV.x, n: EV.n, r: EV.r, k: 19 });
  b.tee(EV.e).simd(SIMD.store, [4, 0]);
  b.get(EV.e);
  inRowLanes(b);
  b.simd(SIMD.v128And).set(EV.e);
  b.get(EV.lo).get(EV.e).simd(SIMD.f64x2PromoteLowF32x4).simd(SIMD.f64x2Add).set(EV.lo);
  b.get(EV.hi).get(EV.e).get(EV.e).shuffleF32([2, 3, 2, 3]);
  b.simd(SIMD.f64x2PromoteLowF32x4).simd(SIMD.f64x2Add).set(EV.hi);
  rowStep(b, true);
  b.end();
  b.get(E.stats).get(EF.max).op(OP.f64PromoteF32).op(OP.f64Store, 3, 0);
  b.get(E.stats);
  b.get(EV.lo).simd(SIMD.f64x2ExtractLane).op(0).get(EV.lo).simd(SIMD.f64x2ExtractLane).op(1);
  b.op(OP.f64Add);
  b.get(EV.hi).simd(SIMD.f64x2ExtractLane).op(0).get(EV.hi).simd(SIMD.f64x2ExtractLane).op(1);
  b.op(OP.f64Add).op(OP.f64Add).op(OP.f64Store, 3, 8);
  b.bump(E.stats, 16);
  nextRow(b, [E.x, E.y]);
  b.end();
  return {
    name: "expRows",
    params: [I32, I32, I32, I32, I32],
    locals: [
      [4, I32],
      [1, F32],
      [9 + EXP_CONST_LOCALS, V128],
    ],
    body: b,
  };
}

/** scaleRows(y, _, rows, v, scales): numbered as expRows (y in x's place, scales in stats'). */
function scaleRowsFunc(): Func {
  const b = new Body();
  b.get(E.v).simd(SIMD.i32x4Splat).set(EV.vV);
  b.get(E.v).i32(3).add().i32(2).op(OP.i32ShrU).set(EI.all);
  b.loop();
  b.get(E.stats).op(OP.f32Load, 2, 0).simd(SIMD.f32x4Splat).set(EV.acc);
  rowStart(b, E.x);
  b.loop();
  b.get(EI.q);
  b.get(EI.q).simd(SIMD.load, [4, 0]).tee(EV.e).get(EV.acc).simd(SIMD.f32x4Mul).get(EV.e);
  inRowLanes(b);
  b.simd(SIMD.v128Bitselect).simd(SIMD.store, [4, 0]);
  rowStep(b, false);
  b.end();
  b.bump(E.stats, 4);
  nextRow(b, [E.x]);
  b.end();
  return {
    name: "scaleRows",
    params: [I32, I32, I32, I32, I32],
    locals: [
      [4, I32],
      [1, F32],
      [9, V128],
    ],
    body: b,
  };
}

// softmax: parameters, then locals.
const S = { p: 0, mask: 1, heads: 2, t: 3, scale: 4 };
const SI = { row: 5, i: 6, q: 7, m: 8, left: 9, all: 10 };
const SF = { acc: 11 };
const SV = { scale: 12, tV: 13, iV: 14, jV: 15, acc: 16, old: 17, e: 18, x: 19, n: 20, r: 21 };

/** q = row, m = mask, jV = (0, 1, 2, 3), left = `chunks` (pushes nothing). */
function startRow(b: Body, chunks: () => void): void {
  b.get(SI.row).set(SI.q).get(S.mask).set(SI.m).i32x4(0, 1, 2, 3).set(SV.jV);
  chunks();
  b.set(SI.left);
}

/** Pushes the chunks that cover keys 0…i: (i >> 2) + 1. */
const seenChunks = (b: Body) => () => b.get(SI.i).i32(2).op(OP.i32ShrU).i32(1).add();

/** Pushes the lanes of this chunk that are seen keys: mask[j] ∧ j ≤ i. */
function seenLanes(b: Body): void {
  b.get(SI.m).simd(SIMD.load, [4, 0]).get(SV.jV).get(SV.iV).simd(SIMD.i32x4LeS);
  b.simd(SIMD.v128And);
}

/** Stores the v128 on the stack at q, keeping the lanes at j ≥ t (the next row's) as `old`. */
function storeInRow(b: Body, value: () => void): void {
  b.get(SI.q);
  value();
  b.get(SV.old).get(SV.jV).get(SV.tV).simd(SIMD.i32x4LtS).simd(SIMD.v128Bitselect);
  b.simd(SIMD.store, [4, 0]);
}

function nextChunk(b: Body): void {
  b.bump(SI.q, 16).bump(SI.m, 16);
  b.get(SV.jV).i32x4(4).simd(SIMD.i32x4Add).set(SV.jV);
  countDown(b, SI.left);
}

/** Pushes one f32 from the four lanes of v128 local `v`: (l0 ∘ l1) ∘ (l2 ∘ l3). */
function horizontal(b: Body, v: number, op: number): void {
  const lane = (k: number) => b.get(v).simd(SIMD.f32x4ExtractLane).op(k);
  lane(0);
  lane(1);
  b.op(op);
  lane(2);
  lane(3);
  b.op(op).op(op);
}

/** Pass 1: acc = the largest scaled seen score of the row, splatted. */
function rowMax(b: Body): void {
  startRow(b, seenChunks(b));
  b.f32x4(-Infinity).set(SV.acc);
  b.loop();
  b.get(SV.acc);
  b.get(SI.q).simd(SIMD.load, [4, 0]).get(SV.scale).simd(SIMD.f32x4Mul);
  b.f32x4(-Infinity);
  seenLanes(b);
  b.simd(SIMD.v128Bitselect).simd(SIMD.f32x4Max).set(SV.acc);
  nextChunk(b);
  b.end();
  horizontal(b, SV.acc, OP.f32Max);
  b.simd(SIMD.f32x4Splat).set(SV.acc);
}

/** Pass 2: every entry of the row ← seen ? exp(scaled − max) : 0; their sum into local acc (f32). */
function rowExp(b: Body): void {
  startRow(b, () => b.get(SI.all));
  b.get(SV.acc).set(SV.x);
  b.f32x4(0).set(SV.acc);
  b.loop();
  b.get(SI.q).simd(SIMD.load, [4, 0]).tee(SV.old);
  b.get(SV.scale).simd(SIMD.f32x4Mul).get(SV.x).simd(SIMD.f32x4Sub).set(SV.e);
  // emitExp clobbers x, so the max is kept in e's place: swap through `n`.
  b.get(SV.x).set(SV.n).get(SV.e).set(SV.x).get(SV.n).set(SV.e);
  emitExp(b, { x: SV.x, n: SV.n, r: SV.r, k: 22 });
  b.get(SV.e).set(SV.x);
  seenLanes(b);
  b.simd(SIMD.v128And).set(SV.e);
  storeInRow(b, () => b.get(SV.e));
  b.get(SV.acc).get(SV.e).simd(SIMD.f32x4Add).set(SV.acc);
  nextChunk(b);
  b.end();
  horizontal(b, SV.acc, OP.f32Add);
  b.set(SF.acc);
}

/** Pass 3: the seen part of the row × 1/sum (× 0 when nothing was seen). */
function rowScale(b: Body): void {
  b.f32(1).get(SF.acc).op(OP.f32Div).f32(0).get(SF.acc).f32(0).op(OP.f32Gt).select();
  b.simd(SIMD.f32x4Splat).set(SV.acc);
  startRow(b, seenChunks(b));
  b.loop();
  b.get(SI.q).simd(SIMD.load, [4, 0]).set(SV.old);
  storeInRow(b, () => b.get(SV.old).get(SV.acc).simd(SIMD.f32x4Mul));
  nextChunk(b);
  b.end();
}

function softmaxFunc(): Func {
  const b = new Body();
  emitExpConstants(b, 22);
  b.get(S.scale).simd(SIMD.f32x4Splat).set(SV.scale);
  b.get(S.t).simd(SIMD.i32x4Splat).set(SV.tV);
  b.get(S.t).i32(3).add().i32(2).op(OP.i32ShrU).set(SI.all);
  b.get(S.p).set(SI.row);
  b.loop(); // heads
  b.i32(0).set(SI.i);
  b.loop(); // rows
  b.get(SI.i).simd(SIMD.i32x4Splat).set(SV.iV);
  rowMax(b);
  rowExp(b);
  rowScale(b);
  b.get(SI.row).get(S.t).i32(4).mul().add().set(SI.row);
  b.bump(SI.i, 1).get(SI.i).get(S.t).op(0x48).brIf(0); // i32.lt_s
  b.end();
  countDown(b, S.heads);
  b.end();
  return {
    name: "softmax",
    params: [I32, I32, I32, I32, F32],
    locals: [
      [6, I32],
      [1, F32],
      [10 + EXP_CONST_LOCALS, V128],
    ],
    body: b,
  };
}

/** The module bytes (SIMD128 only, no relaxed SIMD: results do not depend on the CPU). */
export function elementwiseModule(): Uint8Array<ArrayBuffer> {
  return buildModule([
    expFunc(),
    swigluFunc(),
    swigluBackFunc(),
    expRowsFunc(),
    scaleRowsFunc(),
    softmaxFunc(),
  ]);
}
