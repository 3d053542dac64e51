/**
 * The fast path's float32 elementwise kernels on wasm SIMD (wasm-elementwise-module.ts): SwiGLU's
 * h = silu(gate) ⊙ up and the attention's scaled, causal, key-masked softmax. Operands are copied
 * into the module's own (unshared) memory and the results back out with TypedArray.set, in blocks
 * of BLOCK floats: the copies cost ~0.3 ns a float against ~10 ns of scalar JS exp per element.
 * The memory grows on demand and its views are rebuilt after a growth (which detaches the old
 * ones).
 */
import { realValidate } from "./relaxed-gate.js";
import { MAX_PAGES } from "./wasm-asm.js";
import { elementwiseModule } from "./wasm-elementwise-module.js";

const PAGE = 65536;

export interface WasmElementwise {
  /** y[0…n) = exp(x), x clamped to [EXP_MIN, EXP_MAX] (wasm-elementwise-module.ts). */
  exp(x: Float32Array, y: Float32Array, n: number): void;
  /** h[0…n) = silu(gate) ⊙ up, in float32 arithmetic. */
  swiglu(gate: Float32Array, up: Float32Array, h: Float32Array, n: number): void;
  /** σ = sigmoid(gate): dup = dh·gate·σ, dgate = dh·up·σ·(1 + gate·(1 − σ)) over [0, n). */
  swigluBackward(
    gate: Float32Array,
    up: Float32Array,
    dh: Float32Array,
    dgate: Float32Array,
    dup: Float32Array,
    n: number,
  ): void;
  /**
   * Per row r of x [rows, v]: y[r] = exp(x[r] − max)·scale(r, max, sum), sum = Σ exp(x[r] − max)
   * (in float64), scale computed once per row in JS (the caller's loss reads max and sum there).
   */
  expRowsScaled(
    x: Float32Array,
    y: Float32Array,
    rows: number,
    v: number,
    scale: (r: number, max: number, sum: number) => number,
  ): void;
  /**
   * Softmax in place of `heads` consecutive t×t score blocks from p[at]: row i of each block is
   * scaled by `scale`; key j counts iff j ≤ i and keyMask[maskAt + j] is 1; the other entries
   * become 0, and a row with no key all 0.
   */
  softmaxRows(
    p: Float32Array,
    at: number,
    heads: number,
    t: number,
    keyMask: Uint8Array,
    maskAt: number,
    scale: number,
  ): void;
}

interface Exports {
  exp(x: number, y: number, chunks: number): void;
  swiglu(gate: number, up: number, h: number, chunks: number): void;
  swigluBack(gate: number, up: number, dh: number, dg: number, du: number, chunks: number): void;
  expRows(x: number, y: number, rows: number, v: number, stats: number): void;
  scaleRows(y: number, unused: number, rows: number, v: number, scales: number): void;
  softmax(p: number, mask: number, heads: number, t: number, scale: number): void;
}

/**
 * Floats per operand per kernel call: long operands go through in blocks, so that each block's
 * copy-in, kernel and copy-out stay in cache and the module's memory stays small (~1 MB) whatever
 * the model (a 150k vocabulary's logits would otherwise be copied whole).
 */
const BLOCK = 1 << 15;

/** f(start, count) over [0, total) in pieces of at most `size` (size ≥ 1). */
function inBlocks(total: number, size: number, f: (start: number, count: number) => void): void {
  for (let s = 0; s < total; s += size) f(s, Math.min(size, total - s));
}

/** Bytes for `floats` float32s rounded up to 16, plus 16 spare for a last partial vector. */
const region = (floats: number) => Math.ceil(floats / 4) * 16 + 16;

let cached: WasmElementwise | null | undefined;

/** The kernels, built once per process; null where the runtime has no 128-bit wasm SIMD. */
export function wasmElementwise(): WasmElementwise | null {
  if (cached === undefined) {
    const bytes = elementwiseModule();
    cached = realValidate(bytes) ? createWasmElementwise(bytes) : null;
  }
  return cached;
}

/** The module's memory and float/int views of it, rebuilt when it grows. */
class Heap {
  readonly memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES });
  f32 = new Float32Array(this.memory.buffer);
  i32 = new Int32Array(this.memory.buffer);

  /** At least `bytes` of memory. */
  ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = Math.ceil(bytes / PAGE);
    if (pages > MAX_PAGES) throw new Error(`wasm elementwise: ${bytes} bytes exceed wasm's 4 GiB`);
    this.memory.grow(pages - have / PAGE);
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
  }
}

/** Builds the kernels (throws where the module does not validate). */
export function createWasmElementwise(bytes = elementwiseModule()): WasmElementwise {
  const heap = new Heap();
  const fns = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: heap.memory } })
    .exports as unknown as Exports;
  const ensure = (bytes: number) => heap.ensure(bytes);
  return {
    exp(x, y, n) {
      inBlocks(n, BLOCK, (at, len) => {
        const r = region(len);
        ensure(2 * r);
        heap.f32.set(x.subarray(at, at + len), 0);
        fns.exp(0, r, Math.ceil(len / 4));
        y.set(heap.f32.subarray(r / 4, r / 4 + len), at);
      });
    },
    swiglu(gate, up, h, n) {
      inBlocks(n, BLOCK, (at, len) => {
        const r = region(len);
        ensure(3 * r);
        heap.f32.set(gate.subarray(at, at + len), 0);
        heap.f32.set(up.subarray(at, at + len), r / 4);
        fns.swiglu(0, r, 2 * r, Math.ceil(len / 4));
        h.set(heap.f32.subarray((2 * r) / 4, (2 * r) / 4 + len), at);
      });
    },
    swigluBackward(gate, up, dh, dgate, dup, n) {
      inBlocks(n, BLOCK, (at, len) => {
        const r = region(len);
        ensure(5 * r);
        const w = r / 4;
        heap.f32.set(gate.subarray(at, at + len), 0);
        heap.f32.set(up.subarray(at, at + len), w);
        heap.f32.set(dh.subarray(at, at + len), 2 * w);
        fns.swigluBack(0, r, 2 * r, 3 * r, 4 * r, Math.ceil(len / 4));
        dgate.set(heap.f32.subarray(3 * w, 3 * w + len), at);
        dup.set(heap.f32.subarray(4 * w, 4 * w + len), at);
      });
    },
    expRowsScaled(x, y, rows, v, scale) {
      if (v === 0) return;
      inBlocks(rows, Math.max(1, Math.floor(BLOCK / v)), (row0, count) => {
        const r = region(count * v);
        const statsAt = 2 * r;
        const scalesAt = statsAt + count * 16;
        ensure(scalesAt + region(count));
        heap.f32.set(x.subarray(row0 * v, (row0 + count) * v), 0);
        fns.expRows(0, r, count, v, statsAt);
        const stats = new Float64Array(heap.memory.buffer, statsAt, 2 * count);
        for (let i = 0; i < count; i++) {
          heap.f32[scalesAt / 4 + i] = scale(row0 + i, stats[2 * i]!, stats[2 * i + 1]!);
        }
        fns.scaleRows(r, 0, count, v, scalesAt);
        y.set(heap.f32.subarray(r / 4, r / 4 + count * v), row0 * v);
      });
    },
    softmaxRows(p, at, heads, t, keyMask, maskAt, scale) {
      if (t === 0) return;
      const lanes = Math.ceil(t / 4) * 4;
      inBlocks(heads, Math.max(1, Math.floor(BLOCK / (t * t))), (h0, count) => {
        const floats = count * t * t;
        const from = at + h0 * t * t;
        const r = region(floats);
        ensure(r + lanes * 4);
        heap.f32.set(p.subarray(from, from + floats), 0);
        const m = r / 4;
        for (let j = 0; j < lanes; j++)
          heap.i32[m + j] = j < t && keyMask[maskAt + j] === 1 ? -1 : 0;
        fns.softmax(0, r, count, t, scale);
        p.set(heap.f32.subarray(0, floats), from);
      });
    },
  };
}
