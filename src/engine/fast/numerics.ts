/**
 * The arithmetic the fast path runs on: a matrix multiply, the elementwise hot loops (SwiGLU, the
 * attention softmax) and an allocator. Production uses float32 buffers, the process's CPU sgemm
 * (OpenBLAS, wasm SIMD or JS) and wasm SIMD elementwise kernels (JS loops where SIMD is missing);
 * the tests run the very same block code in float64 with plain loops, so each hand-written VJP can
 * be checked against central finite differences without float32 rounding drowning the comparison.
 */
import type { Sgemm } from "../kernels/sgemm.js";
import { type WasmElementwise, wasmElementwise } from "../kernels/wasm-elementwise.js";
import { expRowsScaledJs, softmaxRowsJs, swigluBackwardJs, swigluJs } from "./elementwise.js";

import type { Buf } from "./buf.js";

export type { Buf };

/** Row-major C = op(A)·op(B) + β·C (as SgemmArgs, α = 1). */
export interface MatArgs {
  m: number;
  n: number;
  k: number;
  a: Buf;
  b: Buf;
  c: Buf;
  transA?: boolean;
  transB?: boolean;
  beta?: number;
  offsetA?: number;
  offsetB?: number;
  offsetC?: number;
  lda?: number;
  ldb?: number;
  ldc?: number;
}

/** How a buffer will be used, for the allocator. */
export interface AllocOptions {
  /**
   * The caller writes every element before reading any (a β = 0 gemm's output, a norm's y): a
   * reused buffer is handed out as it is instead of zero-filled.
   */
  overwritten?: boolean;
}

/** The one AllocOptions value the producers pass (no object per call). */
export const OVERWRITTEN: AllocOptions = Object.freeze({ overwritten: true });

const ALLOC_KEYS = new Set(["overwritten"]);

/** Rejects keys AllocOptions does not have (a misspelt `overwritten` would silently zero-fill). */
export function checkAllocOptions(o: AllocOptions | undefined): void {
  if (o === undefined || o === OVERWRITTEN) return;
  for (const key of Object.keys(o)) {
    if (!ALLOC_KEYS.has(key)) throw new Error(`numerics.ts alloc: unknown option "${key}"`);
  }
}

/** A row's scale from its index, max and Σ exp(x − max). */
export type RowScale = (r: number, max: number, sum: number) => number;

export interface Numerics {
  /** "float32 (openblas)" etc., for reports. */
  readonly name: string;
  gemm(args: MatArgs): void;
  /** n elements, zero unless `opts.overwritten` (then their contents are unspecified). */
  alloc(n: number, opts?: AllocOptions): Buf;
  /** Rounds a JS number to the buffers' precision (for matching float32 step by step). */
  round(v: number): number;
  /** h[0…n) = silu(gate) ⊙ up. */
  swiglu(gate: Buf, up: Buf, h: Buf, n: number): void;
  /** σ = sigmoid(gate): dup = dh·gate·σ, dgate = dh·up·σ·(1 + gate·(1 − σ)) over [0, n). */
  swigluBackward(gate: Buf, up: Buf, dh: Buf, dgate: Buf, dup: Buf, n: number): void;
  /**
   * Per row r of x [rows, v]: y[r] = exp(x[r] − max)·scale(r, max, sum), sum = Σ exp(x[r] − max):
   * the cross-entropies' softmax rows, the loss computed by `scale` from max and sum.
   */
  expRowsScaled(x: Buf, y: Buf, rows: number, v: number, scale: RowScale): void;
  /**
   * Softmax in place of `heads` consecutive t×t score blocks from p[at]: row i scaled by `scale`,
   * key j counted iff j ≤ i and keyMask[maskAt + j] is 1, the rest 0 (a row with no key all 0).
   */
  softmaxRows(
    p: Buf,
    at: number,
    heads: number,
    t: number,
    keyMask: Uint8Array,
    maskAt: number,
    scale: number,
  ): void;
}

function f32(name: string, ...bufs: Buf[]): Float32Array[] {
  for (const b of bufs) {
    if (!(b instanceof Float32Array)) throw new Error(`float32Numerics.${name}: Float32Array only`);
  }
  return bufs as Float32Array[];
}

/**
 * float32 buffers, multiplies through `sgemm`; the elementwise loops on `ew` (by default the wasm
 * SIMD kernels where the runtime has SIMD; null runs the JS loops in float32).
 */
export function float32Numerics(
  sgemm: Sgemm,
  ew: WasmElementwise | null = wasmElementwise(),
): Numerics {
  return {
    name: `float32 (${sgemm.name}${ew ? ", simd elementwise" : ""})`,
    alloc: (n) => new Float32Array(n),
    round: Math.fround,
    swiglu(gate, up, h, n) {
      if (!ew) return swigluJs(Math.fround, gate, up, h, n);
      const [g, u, o] = f32("swiglu", gate, up, h);
      ew.swiglu(g!, u!, o!, n);
    },
    swigluBackward(gate, up, dh, dgate, dup, n) {
      if (!ew) return swigluBackwardJs(gate, up, dh, dgate, dup, n);
      const [g, u, d, dg, du] = f32("swigluBackward", gate, up, dh, dgate, dup);
      ew.swigluBackward(g!, u!, d!, dg!, du!, n);
    },
    expRowsScaled(x, y, rows, v, scale) {
      if (!ew) return expRowsScaledJs(x, y, rows, v, scale);
      const [xx, yy] = f32("expRowsScaled", x, y);
      ew.expRowsScaled(xx!, yy!, rows, v, scale);
    },
    softmaxRows(p, at, heads, t, keyMask, maskAt, scale) {
      if (!ew) return softmaxRowsJs(Math.fround, p, at, heads, t, keyMask, maskAt, scale);
      ew.softmaxRows(f32("softmaxRows", p)[0]!, at, heads, t, keyMask, maskAt, scale);
    },
    gemm(args) {
      const { a, b, c } = args;
      if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) {
        throw new Error("float32Numerics: every operand must be a Float32Array");
      }
      sgemm.sgemm({ ...args, a, b, c });
    },
  };
}

/** float64 buffers and a plain triple loop: the reference arithmetic of the gradient checks. */
export const float64Numerics: Numerics = {
  name: "float64 (js)",
  alloc: (n) => new Float64Array(n),
  round: (v) => v,
  swiglu: (gate, up, h, n) => swigluJs((v) => v, gate, up, h, n),
  swigluBackward: swigluBackwardJs,
  expRowsScaled: expRowsScaledJs,
  softmaxRows: (p, at, heads, t, keyMask, maskAt, scale) =>
    softmaxRowsJs((v) => v, p, at, heads, t, keyMask, maskAt, scale),
  gemm(g) {
    const { m, n, k, a, b, c } = g;
    const ta = g.transA ?? false;
    const tb = g.transB ?? false;
    const lda = g.lda ?? (ta ? m : k);
    const ldb = g.ldb ?? (tb ? k : n);
    const ldc = g.ldc ?? n;
    const oa = g.offsetA ?? 0;
    const ob = g.offsetB ?? 0;
    const oc = g.offsetC ?? 0;
    const beta = g.beta ?? 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const av = ta ? a[oa + p * lda + i]! : a[oa + i * lda + p]!;
          const bv = tb ? b[ob + j * ldb + p]! : b[ob + p * ldb + j]!;
          s += av * bv;
        }
        const at = oc + i * ldc + j;
        c[at] = beta === 0 ? s : s + beta * c[at]!;
      }
    }
  },
};

/** Numerics whose buffers are reused from one pass to the next (see withArena). */
export interface ArenaNumerics extends Numerics {
  /** Marks every buffer handed out so far free again: call before a pass, never during one. */
  reset(): void;
  /** Elements of the buffers held: handed out since the last reset() and kept for reuse. */
  heldElements(): number;
  /** A mark for `releaseFrom`: the buffers handed out since the last reset() so far. */
  mark(): number;
  /**
   * Takes back, within a pass, every buffer handed out after `mark` for reuse by later alloc()s:
   * nothing handed out after the mark may be read or written again (copy out what is kept).
   */
  releaseFrom(mark: number): void;
}

/** The arena's mark/releaseFrom where `nm` has them (ArenaNumerics), else null. */
export function arenaScope(nm: Numerics): Pick<ArenaNumerics, "mark" | "releaseFrom"> | null {
  const a = nm as Partial<ArenaNumerics>;
  return a.mark && a.releaseFrom ? { mark: a.mark, releaseFrom: a.releaseFrom } : null;
}

/**
 * Numerics that hand out the buffers of the previous pass again (zeroed, unless the caller says it
 * overwrites them) instead of allocating:
 * on the fruit-refusal batch, allocating and collecting a pass's ~100 activation buffers took about
 * a quarter of the fast forward. A buffer is valid until the next reset(); anything kept across
 * passes must be copied out (the callers copy their results). Only the last pass's buffers are kept:
 * keeping every size ever asked for (as before) grew a LoRA finetune on the CPU, whose batches
 * each have their own rows × tokens, by ~110 MB a step until it filled the machine (2026-12-07).
 */
export function withArena(nm: Numerics): ArenaNumerics {
  const free = new Map<number, Buf[]>();
  const used: Buf[] = [];
  const keep = (bufs: Buf[]) => {
    for (const b of bufs) {
      const list = free.get(b.length);
      if (list) list.push(b);
      else free.set(b.length, [b]);
    }
  };
  return {
    name: nm.name,
    gemm: (args) => nm.gemm(args),
    round: nm.round,
    swiglu: (gate, up, h, n) => nm.swiglu(gate, up, h, n),
    swigluBackward: (gate, up, dh, dgate, dup, n) => nm.swigluBackward(gate, up, dh, dgate, dup, n),
    expRowsScaled: (x, y, rows, v, scale) => nm.expRowsScaled(x, y, rows, v, scale),
    softmaxRows: (p, at, heads, t, keyMask, maskAt, scale) =>
      nm.softmaxRows(p, at, heads, t, keyMask, maskAt, scale),
    alloc(n, opts) {
      checkAllocOptions(opts);
      const reused = free.get(n)?.pop();
      const buf = reused ? (opts?.overwritten ? reused : reused.fill(0)) : nm.alloc(n);
      used.push(buf);
      return buf;
    },
    reset() {
      // What the last pass did not ask for again goes to the garbage collector.
      free.clear();
      keep(used.splice(0));
    },
    mark: () => used.length,
    releaseFrom(mark) {
      if (!Number.isInteger(mark) || mark < 0 || mark > used.length)
        throw new RangeError(`releaseFrom(${mark}): not a mark of this pass`);
      keep(used.splice(mark));
    },
    heldElements() {
      let n = used.reduce((sum, b) => sum + b.length, 0);
      for (const list of free.values()) for (const b of list) n += b.length;
      return n;
    },
  };
}
