/**
 * A tiny WebAssembly binary writer: just what trigscope's code-generated kernels need (one imported
 * memory, i32/v128 locals, loops, SIMD loads/stores/arithmetic). Writing the bytes from TS keeps
 * the kernels free of a toolchain and lets the micro-tile and the FMA choice be picked at run time.
 */

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (for i32.const). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

/** SIMD opcodes (after the 0xfd prefix) that the kernels use. */
export const SIMD = {
  load: 0x00,
  load32Splat: 0x09,
  store: 0x0b,
  shuffle: 0x0d,
  v128Const: 0x0c,
  i32x4Splat: 0x11,
  f32x4Splat: 0x13,
  f32x4ExtractLane: 0x1f,
  f64x2ExtractLane: 0x21,
  f64x2PromoteLowF32x4: 0x5f,
  f64x2Add: 0xf0,
  i32x4LtS: 0x39,
  i32x4LeS: 0x3d,
  v128And: 0x4e,
  v128Bitselect: 0x52,
  f32x4Nearest: 0x6a,
  i32x4Shl: 0xab,
  i32x4Add: 0xae,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
  f32x4Min: 0xe8,
  f32x4Max: 0xe9,
  f32x4Pmin: 0xea,
  f32x4Pmax: 0xeb,
  i32x4TruncSatF32x4S: 0xf8,
  f32x4RelaxedMadd: 0x105,
} as const;

/** Scalar opcodes beyond the Body helpers' own. */
export const OP = {
  i32Eqz: 0x45,
  i32ShrU: 0x76,
  i32Sub: 0x6b,
  f32Gt: 0x5e,
  f32Add: 0x92,
  f32Div: 0x95,
  f32Max: 0x97,
  f64Add: 0xa0,
  f64PromoteF32: 0xbb,
  /** Memory ops: follow with (log2 alignment, byte offset). */
  f32Load: 0x2a,
  f64Store: 0x39,
} as const;

/** Appends instructions to one function body. Locals are numbered params first, then declared. */
export class Body {
  readonly bytes: number[] = [];
  get(i: number): this {
    return this.op(0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.op(0x21, ...uleb(i));
  }
  i32(v: number): this {
    return this.op(0x41, ...sleb(v));
  }
  add(): this {
    return this.op(0x6a);
  }
  /** `local.tee`: sets the local and leaves the value on the stack. */
  tee(i: number): this {
    return this.op(0x22, ...uleb(i));
  }
  /** f32.const (little-endian IEEE bits of fround(v)). */
  f32(v: number): this {
    return this.op(0x43, ...new Uint8Array(Float32Array.of(v).buffer));
  }
  /** v128.const of four float32 lanes (one value splatted when given one). */
  f32x4(...v: number[]): this {
    const lanes = v.length === 1 ? [v[0]!, v[0]!, v[0]!, v[0]!] : v;
    return this.simd(SIMD.v128Const).op(...new Uint8Array(Float32Array.from(lanes).buffer));
  }
  /** v128.const of four int32 lanes (one value splatted when given one). */
  i32x4(...v: number[]): this {
    const lanes = v.length === 1 ? [v[0]!, v[0]!, v[0]!, v[0]!] : v;
    return this.simd(SIMD.v128Const).op(...new Uint8Array(Int32Array.from(lanes).buffer));
  }
  /** A `block` with no result, closed by `end()` (a `br` to it jumps past the end). */
  block(): this {
    return this.op(0x02, 0x40);
  }
  mul(): this {
    return this.op(0x6c);
  }
  /** A `loop` with no result, closed by `end()`. */
  loop(): this {
    return this.op(0x03, 0x40);
  }
  end(): this {
    return this.op(0x0b);
  }
  brIf(depth: number): this {
    return this.op(0x0d, ...uleb(depth));
  }
  gtS(): this {
    return this.op(0x4a);
  }
  /** `select`: the first of two values when the i32 on top is non-zero, else the second. */
  select(): this {
    return this.op(0x1b);
  }
  /** A SIMD instruction; memory ones take (log2 alignment, byte offset). */
  simd(code: number, mem?: [align: number, offset: number]): this {
    this.op(0xfd, ...uleb(code));
    if (mem) this.op(...uleb(mem[0]), ...uleb(mem[1]));
    return this;
  }
  /** i8x16.shuffle of the two v128s on the stack, picking whole f32 lanes (0–3 first, 4–7 second). */
  shuffleF32(lanes: [number, number, number, number]): this {
    return this.simd(SIMD.shuffle).op(
      ...lanes.flatMap((f) => [4 * f, 4 * f + 1, 4 * f + 2, 4 * f + 3]),
    );
  }
  /** `local += delta` for an i32 local. */
  bump(local: number, delta: number): this {
    return this.get(local).i32(delta).add().set(local);
  }
  /** `local += other` for two i32 locals. */
  bumpBy(local: number, other: number): this {
    return this.get(local).get(other).add().set(local);
  }
  op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
}

export interface Func {
  name: string;
  params: number[];
  /** Extra locals as [count, type] runs. */
  locals: [number, number][];
  body: Body;
}

/** The largest memory32 (4 GiB). */
export const MAX_PAGES = 65536;

/**
 * A module importing `env.mem` (at least one page; a `shared` one, as threads need, declares
 * MAX_PAGES as its maximum) and exporting each function by name.
 */
export function buildModule(funcs: Func[], shared = false): Uint8Array<ArrayBuffer> {
  const types = section(1, vec(funcs.map((f) => [0x60, ...vec(f.params.map((p) => [p])), 0])));
  const limits = shared ? [0x03, ...uleb(1), ...uleb(MAX_PAGES)] : [0x00, ...uleb(1)];
  const imports = section(2, vec([[...str("env"), ...str("mem"), 0x02, ...limits]]));
  const fnSec = section(3, vec(funcs.map((_, i) => uleb(i))));
  const exports = section(7, vec(funcs.map((f, i) => [...str(f.name), 0x00, ...uleb(i)])));
  const code = section(10, vec(funcs.map(codeEntry)));
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  return Uint8Array.from([...header, ...types, ...imports, ...fnSec, ...exports, ...code]);
}

function codeEntry(f: Func): number[] {
  const locals = vec(f.locals.map(([n, t]) => [...uleb(n), t]));
  const body = [...locals, ...f.body.bytes, 0x0b];
  return [...uleb(body.length), ...body];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function str(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}
