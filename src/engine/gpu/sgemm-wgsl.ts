/**
 * The WGSL source of the tiled fp32 SGEMM: C = α·op(A)·op(B) + β·C, row-major, op = X or Xᵀ
 * fixed per shader. A workgroup owns a BM×BN block of C; per step of BK it stages op(A)'s BM×BK
 * and op(B)'s BK×BN slices in workgroup memory (loads coalesced along each operand's stored rows,
 * zero outside the matrix; as vec4 where the operand's offsets, strides and stored rows are multiples
 * of 4), then each thread accumulates TM×TN outputs (which ones, and how the loops are written
 * out, is the generator's choice: SgemmKernel below). Every output is one running sum over
 * k = 0…K−1 in order: no split-K, no atomics, so a result does not depend on the tile, the
 * generator or on scheduling, and repeat runs give the same bits.
 *
 * Batched launches (grid z) address operand X of batch z at
 * offX + ⌊z/zDiv⌋·outerX + ⌊(z mod zDiv)/groupX⌋·innerX — attention's (example, head) pairs with
 * grouped KV heads sharing one K/V slice (groupX = H/Hkv).
 */

export interface GemmTile {
  /** Block rows/columns of C per workgroup, K per step, outputs per thread (rows × columns). */
  bm: number;
  bn: number;
  bk: number;
  tm: number;
  tn: number;
}

/** 64×64 blocks, 4×4 per thread, 256 threads: small or thin products. */
export const TILE_64: GemmTile = { bm: 64, bn: 64, bk: 16, tm: 4, tn: 4 };
/** 128×128 blocks, 8×8 per thread, 256 threads: large products (half the barriers of BK 8). */
export const TILE_128: GemmTile = { bm: 128, bn: 128, bk: 16, tm: 8, tn: 8 };

/** The uniform block's fields, in order (sgemm.ts fills them). */
export const GEMM_FIELDS = `m: u32, n: u32, k: u32, lda: u32, ldb: u32, ldc: u32,
  offA: u32, offB: u32, offC: u32, zDiv: u32,
  outerA: u32, innerA: u32, groupA: u32, outerB: u32, innerB: u32, groupB: u32,
  outerC: u32, innerC: u32, groupC: u32, alpha: f32, beta: f32`;

/** The rolled kernel's staging of op(A)'s BM×BK slice: As[kk·BM + i]; `vec` reads 4 at once. */
function loadA(t: GemmTile, threads: number, transA: boolean, vec: boolean): string {
  if (vec) {
    const per = (t.bm * t.bk) / 4 / threads;
    // Stored A is [m, k] (4 consecutive k) or [k, m] (4 consecutive m).
    const body = transA
      ? `let kk = e / ${t.bm / 4}u; let i = (e % ${t.bm / 4}u) * 4u;
      let gi = row0 + i; let gk = k0 + kk;
      var v = vec4f(0.0);
      if (gi < p.m && gk < p.k) { v = A[(oA + gk * p.lda + gi) / 4u]; }
      for (var c = 0u; c < 4u; c++) { As[kk * ${t.bm}u + i + c] = v[c]; }`
      : `let i = e / ${t.bk / 4}u; let kk = (e % ${t.bk / 4}u) * 4u;
      let gi = row0 + i; let gk = k0 + kk;
      var v = vec4f(0.0);
      if (gi < p.m && gk < p.k) { v = A[(oA + gi * p.lda + gk) / 4u]; }
      for (var c = 0u; c < 4u; c++) { As[(kk + c) * ${t.bm}u + i] = v[c]; }`;
    return `for (var r = 0u; r < ${per}u; r++) {
      let e = li + r * ${threads}u;
      ${body}
    }`;
  }
  const per = (t.bm * t.bk) / threads;
  // Stored A is [m, k] (coalesce along k) or [k, m] (coalesce along m).
  const split = transA
    ? `let kk = e / ${t.bm}u; let i = e % ${t.bm}u;`
    : `let i = e / ${t.bk}u; let kk = e % ${t.bk}u;`;
  const addr = transA ? "gk * p.lda + gi" : "gi * p.lda + gk";
  return `for (var r = 0u; r < ${per}u; r++) {
      let e = li + r * ${threads}u;
      ${split}
      let gi = row0 + i; let gk = k0 + kk;
      var v = 0.0;
      if (gi < p.m && gk < p.k) { v = A[oA + ${addr}]; }
      As[kk * ${t.bm}u + i] = v;
    }`;
}

/** The rolled kernel's staging of op(B)'s BK×BN slice: Bs[kk·BN + j]; `vec` reads 4 at once. */
function loadB(t: GemmTile, threads: number, transB: boolean, vec: boolean): string {
  if (vec) {
    const per = (t.bk * t.bn) / 4 / threads;
    // Stored B is [k, n] (4 consecutive n) or [n, k] (4 consecutive k).
    const body = transB
      ? `let j = e / ${t.bk / 4}u; let kk = (e % ${t.bk / 4}u) * 4u;
      let gj = col0 + j; let gk = k0 + kk;
      var v = vec4f(0.0);
      if (gj < p.n && gk < p.k) { v = B[(oB + gj * p.ldb + gk) / 4u]; }
      for (var c = 0u; c < 4u; c++) { Bs[(kk + c) * ${t.bn}u + j] = v[c]; }`
      : `let kk = e / ${t.bn / 4}u; let j = (e % ${t.bn / 4}u) * 4u;
      let gj = col0 + j; let gk = k0 + kk;
      var v = vec4f(0.0);
      if (gj < p.n && gk < p.k) { v = B[(oB + gk * p.ldb + gj) / 4u]; }
      for (var c = 0u; c < 4u; c++) { Bs[kk * ${t.bn}u + j + c] = v[c]; }`;
    return `for (var r = 0u; r < ${per}u; r++) {
      let e = li + r * ${threads}u;
      ${body}
    }`;
  }
  const per = (t.bk * t.bn) / threads;
  // Stored B is [k, n] (coalesce along n) or [n, k] (coalesce along k).
  const split = transB
    ? `let j = e / ${t.bk}u; let kk = e % ${t.bk}u;`
    : `let kk = e / ${t.bn}u; let j = e % ${t.bn}u;`;
  const addr = transB ? "gj * p.ldb + gk" : "gk * p.ldb + gj";
  return `for (var r = 0u; r < ${per}u; r++) {
      let e = li + r * ${threads}u;
      ${split}
      let gj = col0 + j; let gk = k0 + kk;
      var v = 0.0;
      if (gj < p.n && gk < p.k) { v = B[oB + ${addr}]; }
      Bs[kk * ${t.bn}u + j] = v;
    }`;
}

/** Which operands are read as vec4 (every offset, stride and stored row length a multiple of 4). */
export interface GemmVec {
  a: boolean;
  b: boolean;
}

/**
 * How a shader holds and feeds each thread's TM×TN running sums. All three compute every output
 * as the same `fma` chain over k = 0…K−1 (past K both operands are staged as zeros, which adds
 * exact zeros), so they give the same bits (tested); they differ only in code shape:
 *
 * - `rolled`: the first kernel. Sums and register operands are private arrays indexed inside
 *   runtime loops; Tint does not unroll them, and a GPU compiler that cannot keep a dynamically
 *   indexed array in registers puts it in local (off-chip) memory: on an H100 every shape ran at
 *   1.3–1.9 TFLOP/s (NOTES.md). Kept as the baseline that `bench:gpu --sgemm` times.
 * - `unrolled`: the same thread layout, every loop over BK, TM, TN and the staging rounds emitted
 *   unrolled from TypeScript, sums and operands as named scalars: no private array is left.
 * - `blocked`: unrolled, and each thread owns rows (g·TY + y)·4 + c and columns (h·TX + x)·4 + c
 *   (c = 0…3), so its operands come from workgroup memory as vec4 reads (TM/4 + TN/4 per k
 *   instead of TM + TN) and its sums are vec4 registers.
 * - `prefetch`: blocked, and each thread reads its share of the next K slice from global memory
 *   into registers right after the barrier, before this slice's products, so the reads' latency
 *   overlaps the arithmetic (one workgroup buffer; the same elements, only read earlier).
 */
export type SgemmKernel = "rolled" | "unrolled" | "blocked" | "prefetch";

export const SGEMM_KERNELS: readonly SgemmKernel[] = ["rolled", "unrolled", "blocked", "prefetch"];

/** The 128×128 tile the rolled kernel was timed with (BK 8). */
export const TILE_128_BK8: GemmTile = { ...TILE_128, bk: 8 };

function header(t: GemmTile, vec: GemmVec, wgVec4: boolean): string {
  const w = wgVec4 ? "vec4f" : "f32";
  const d = wgVec4 ? 4 : 1;
  return `
struct P { ${GEMM_FIELDS} }
@group(0) @binding(0) var<storage, read> A: array<${vec.a ? "vec4f" : "f32"}>;
@group(0) @binding(1) var<storage, read> B: array<${vec.b ? "vec4f" : "f32"}>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> p: P;
var<workgroup> As: array<${w}, ${(t.bm * t.bk) / d}>;
var<workgroup> Bs: array<${w}, ${(t.bk * t.bn) / d}>;

fn at(off: u32, outer: u32, inner: u32, group: u32, z: u32) -> u32 {
  return off + (z / p.zDiv) * outer + ((z % p.zDiv) / group) * inner;
}`;
}

const MAIN_SIGNATURE = `fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(local_invocation_index) li: u32) {
  let z = wg.z;
  let oA = at(p.offA, p.outerA, p.innerA, p.groupA, z);
  let oB = at(p.offB, p.outerB, p.innerB, p.groupB, z);
  let oC = at(p.offC, p.outerC, p.innerC, p.groupC, z);`;

/** C[row, col] = α·sum (+ β·C): the rolled kernel's expression, so the rounding is the same. */
function storeOne(sum: string): string {
  return `let c = oC + row * p.ldc + col;
        var v = p.alpha * ${sum};
        if (p.beta != 0.0) { v = v + p.beta * C[c]; }
        C[c] = v;`;
}

const LANES = ["x", "y", "z", "w"];

/** One operand's staging code: direct (load and store), or split for the prefetch kernel. */
interface Staging {
  /** Loads at k0 and stores into workgroup memory. */
  direct: string;
  /** Register declarations, loads at `k1` into them, and their stores into workgroup memory. */
  regs: string;
  fetch: string;
  store: string;
}

/**
 * Unrolled staging of one operand's slice into workgroup memory `dst` (X[kk·W + i], W = BM for A,
 * BN for B), the same elements and zeros as the rolled loaders: `cont` says whether the stored
 * operand's rows run along the slice's W axis (Aᵀ, B) or along k (A, Bᵀ).
 */
function stage(
  dst: "As" | "Bs",
  w: number,
  bk: number,
  threads: number,
  cont: boolean,
  vec: boolean,
  wgVec4: boolean,
): Staging {
  const [src, bound, lim, ld, off] =
    dst === "As" ? ["A", "row0", "p.m", "p.lda", "oA"] : ["B", "col0", "p.n", "p.ldb", "oB"];
  const put = (idx: string, val: string) =>
    wgVec4 ? `{ let x = ${idx}; ${dst}[x / 4u][x % 4u] = ${val}; }` : `${dst}[${idx}] = ${val};`;
  const per = (w * bk) / (vec ? 4 : 1) / threads;
  if (!Number.isInteger(per) || per < 1) {
    throw new Error(`sgemm: a ${w}×${bk} slice does not split evenly over ${threads} threads`);
  }
  // Per round: which (kk, i) the thread stages, the read at k base `kb` into v, v's store.
  let split: string;
  let read: (kb: string) => string;
  let store: string;
  if (vec && cont) {
    // 4 consecutive i at one kk: one vec4 of the slice.
    split = `let kk = e / ${w / 4}u; let i = (e % ${w / 4}u) * 4u;`;
    read = (kb) => `let g = ${bound} + i; let gk = ${kb} + kk;
      var v = vec4f(0.0);
      if (g < ${lim} && gk < p.k) { v = ${src}[(${off} + gk * ${ld} + g) / 4u]; }`;
    store = wgVec4
      ? `${dst}[(kk * ${w}u + i) / 4u] = v;`
      : LANES.map((l, c) => `${dst}[kk * ${w}u + i + ${c}u] = v.${l};`).join(" ");
  } else if (vec) {
    // 4 consecutive kk at one i.
    split = `let i = e / ${bk / 4}u; let kk = (e % ${bk / 4}u) * 4u;`;
    read = (kb) => `let g = ${bound} + i; let gk = ${kb} + kk;
      var v = vec4f(0.0);
      if (g < ${lim} && gk < p.k) { v = ${src}[(${off} + g * ${ld} + gk) / 4u]; }`;
    store = LANES.map((l, c) => put(`(kk + ${c}u) * ${w}u + i`, `v.${l}`)).join(" ");
  } else {
    split = cont
      ? `let kk = e / ${w}u; let i = e % ${w}u;`
      : `let i = e / ${bk}u; let kk = e % ${bk}u;`;
    const addr = cont ? `gk * ${ld} + g` : `g * ${ld} + gk`;
    read = (kb) => `let g = ${bound} + i; let gk = ${kb} + kk;
      var v = 0.0;
      if (g < ${lim} && gk < p.k) { v = ${src}[${off} + ${addr}]; }`;
    store = put(`kk * ${w}u + i`, "v");
  }
  const R = [...Array(per).keys()];
  const head = (r: number) => `let e = li + ${r * threads}u;
      ${split}`;
  const reg = (r: number) => `${dst === "As" ? "pa" : "pb"}${r}`;
  const join = (parts: string[]) => parts.map((x) => `{\n      ${x}\n    }`).join("\n    ");
  return {
    direct: join(R.map((r) => `${head(r)}\n      ${read("k0")}\n      ${store}`)),
    regs: R.map((r) => `var ${reg(r)}: ${vec ? "vec4f" : "f32"};`).join(" "),
    fetch: join(R.map((r) => `${head(r)}\n      ${read("k1")}\n      ${reg(r)} = v;`)),
    store: join(R.map((r) => `${head(r)}\n      let v = ${reg(r)};\n      ${store}`)),
  };
}

/** The unrolled kernel: the rolled one's thread layout, every loop emitted flat, scalar sums. */
function unrolledShader(transA: boolean, transB: boolean, t: GemmTile, vec: GemmVec): string {
  const tx = t.bn / t.tn;
  const ty = t.bm / t.tm;
  const threads = tx * ty;
  const I = [...Array(t.tm).keys()];
  const J = [...Array(t.tn).keys()];
  const acc = (i: number, j: number) => `acc${i}_${j}`;
  const steps: string[] = [];
  for (let kk = 0; kk < t.bk; kk++) {
    const lines = [
      ...I.map((i) => `let a${i} = As[${kk * t.bm + i * ty}u + lid.y];`),
      ...J.map((j) => `let b${j} = Bs[${kk * t.bn + j * tx}u + lid.x];`),
      ...I.flatMap((i) => J.map((j) => `${acc(i, j)} = fma(a${i}, b${j}, ${acc(i, j)});`)),
    ];
    steps.push(`{ // kk = ${kk}
      ${lines.join("\n      ")}
    }`);
  }
  const stores = I.map(
    (i) => `{
    let row = row0 + lid.y + ${i * ty}u;
    if (row < p.m) {${J.map(
      (j) => `
      {
        let col = col0 + lid.x + ${j * tx}u;
        if (col < p.n) {
        ${storeOne(acc(i, j))}
        }
      }`,
    ).join("")}
    }
  }`,
  );
  const sa = stage("As", t.bm, t.bk, threads, transA, vec.a, false);
  const sb = stage("Bs", t.bn, t.bk, threads, !transB, vec.b, false);
  const loop = kLoop(t.bk, sa, sb, steps.join("\n    "), false);
  return `${header(t, vec, false)}

@compute @workgroup_size(${tx}, ${ty})
${MAIN_SIGNATURE}
  let row0 = wg.y * ${t.bm}u;
  let col0 = wg.x * ${t.bn}u;
  ${I.flatMap((i) => J.map((j) => `var ${acc(i, j)} = 0.0;`)).join(" ")}
  ${loop}
  ${stores.join("\n  ")}
}`;
}

/** The loop over K slices: stage, barrier, products, barrier; `prefetch` reads slice k+1 early. */
function kLoop(bk: number, sa: Staging, sb: Staging, compute: string, prefetch: boolean): string {
  return prefetch
    ? `${sa.regs} ${sb.regs}
  {
    let k1 = 0u;
    ${sa.fetch}
    ${sb.fetch}
  }
  for (var k0 = 0u; k0 < p.k; k0 += ${bk}u) {
    ${sa.store}
    ${sb.store}
    workgroupBarrier();
    {
      let k1 = k0 + ${bk}u;
      ${sa.fetch}
      ${sb.fetch}
    }
    ${compute}
    workgroupBarrier();
  }`
    : `for (var k0 = 0u; k0 < p.k; k0 += ${bk}u) {
    ${sa.direct}
    ${sb.direct}
    workgroupBarrier();
    ${compute}
    workgroupBarrier();
  }`;
}

/**
 * The blocked kernel: unrolled, 4-wide row and column groups per thread, vec4 operand reads;
 * `prefetch` issues the next slice's global reads into registers before this slice's products.
 */
function blockedShader(
  transA: boolean,
  transB: boolean,
  t: GemmTile,
  vec: GemmVec,
  prefetch: boolean,
): string {
  if (t.tm % 4 || t.tn % 4) {
    throw new Error(`sgemm tile ${JSON.stringify(t)}: the blocked kernel needs TM, TN ÷ 4`);
  }
  const tx = t.bn / t.tn;
  const ty = t.bm / t.tm;
  const threads = tx * ty;
  const I = [...Array(t.tm).keys()];
  const G = [...Array(t.tm / 4).keys()];
  const H = [...Array(t.tn / 4).keys()];
  const acc = (i: number, h: number) => `acc${i}_${h}`;
  const steps: string[] = [];
  for (let kk = 0; kk < t.bk; kk++) {
    const lines = [
      ...G.map((g) => `let a${g} = As[${(kk * t.bm) / 4 + g * ty}u + lid.y];`),
      ...H.map((h) => `let b${h} = Bs[${(kk * t.bn) / 4 + h * tx}u + lid.x];`),
      ...I.flatMap((i) =>
        H.map((h) => `${acc(i, h)} = fma(vec4f(a${i >> 2}.${LANES[i & 3]}), b${h}, ${acc(i, h)});`),
      ),
    ];
    steps.push(`{ // kk = ${kk}
      ${lines.join("\n      ")}
    }`);
  }
  const sa = stage("As", t.bm, t.bk, threads, transA, vec.a, true);
  const sb = stage("Bs", t.bn, t.bk, threads, !transB, vec.b, true);
  const loop = kLoop(t.bk, sa, sb, steps.join("\n    "), prefetch);
  const stores = I.map(
    (i) => `{
    let row = row0 + (lid.y + ${(i >> 2) * ty}u) * 4u + ${i & 3}u;
    if (row < p.m) {${H.flatMap((h) =>
      LANES.map(
        (l, c) => `
      {
        let col = col0 + (lid.x + ${h * tx}u) * 4u + ${c}u;
        if (col < p.n) {
        ${storeOne(`${acc(i, h)}.${l}`)}
        }
      }`,
      ),
    ).join("")}
    }
  }`,
  );
  return `${header(t, vec, true)}

@compute @workgroup_size(${tx}, ${ty})
${MAIN_SIGNATURE}
  let row0 = wg.y * ${t.bm}u;
  let col0 = wg.x * ${t.bn}u;
  ${I.flatMap((i) => H.map((h) => `var ${acc(i, h)} = vec4f(0.0);`)).join(" ")}
  ${loop}
  ${stores.join("\n  ")}
}`;
}

/** The rolled kernel (see SgemmKernel). */
function rolledShader(transA: boolean, transB: boolean, t: GemmTile, vec: GemmVec): string {
  const tx = t.bn / t.tn;
  const ty = t.bm / t.tm;
  const threads = tx * ty;
  return `
struct P { ${GEMM_FIELDS} }
@group(0) @binding(0) var<storage, read> A: array<${vec.a ? "vec4f" : "f32"}>;
@group(0) @binding(1) var<storage, read> B: array<${vec.b ? "vec4f" : "f32"}>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> p: P;
var<workgroup> As: array<f32, ${t.bm * t.bk}>;
var<workgroup> Bs: array<f32, ${t.bk * t.bn}>;

fn at(off: u32, outer: u32, inner: u32, group: u32, z: u32) -> u32 {
  return off + (z / p.zDiv) * outer + ((z % p.zDiv) / group) * inner;
}

@compute @workgroup_size(${tx}, ${ty})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(local_invocation_index) li: u32) {
  let z = wg.z;
  let oA = at(p.offA, p.outerA, p.innerA, p.groupA, z);
  let oB = at(p.offB, p.outerB, p.innerB, p.groupB, z);
  let oC = at(p.offC, p.outerC, p.innerC, p.groupC, z);
  let row0 = wg.y * ${t.bm}u;
  let col0 = wg.x * ${t.bn}u;
  var acc: array<f32, ${t.tm * t.tn}>;
  var a: array<f32, ${t.tm}>;
  var b: array<f32, ${t.tn}>;
  for (var k0 = 0u; k0 < p.k; k0 += ${t.bk}u) {
    ${loadA(t, threads, transA, vec.a)}
    ${loadB(t, threads, transB, vec.b)}
    workgroupBarrier();
    for (var kk = 0u; kk < ${t.bk}u; kk++) {
      for (var i = 0u; i < ${t.tm}u; i++) { a[i] = As[kk * ${t.bm}u + lid.y + i * ${ty}u]; }
      for (var j = 0u; j < ${t.tn}u; j++) { b[j] = Bs[kk * ${t.bn}u + lid.x + j * ${tx}u]; }
      for (var i = 0u; i < ${t.tm}u; i++) {
        for (var j = 0u; j < ${t.tn}u; j++) {
          acc[i * ${t.tn}u + j] = fma(a[i], b[j], acc[i * ${t.tn}u + j]);
        }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < ${t.tm}u; i++) {
    let row = row0 + lid.y + i * ${ty}u;
    if (row >= p.m) { continue; }
    for (var j = 0u; j < ${t.tn}u; j++) {
      let col = col0 + lid.x + j * ${tx}u;
      if (col >= p.n) { continue; }
      let c = oC + row * p.ldc + col;
      var v = p.alpha * acc[i * ${t.tn}u + j];
      if (p.beta != 0.0) { v = v + p.beta * C[c]; }
      C[c] = v;
    }
  }
}`;
}

/** The complete shader for one (transA, transB, tile, vec4 reads, kernel). */
export function sgemmShader(
  transA: boolean,
  transB: boolean,
  t: GemmTile,
  vec: GemmVec = { a: false, b: false },
  kernel: SgemmKernel = "blocked",
): string {
  const threads = (t.bn / t.tn) * (t.bm / t.tm);
  if ((t.bm * t.bk) % threads || (t.bk * t.bn) % threads) {
    throw new Error(`sgemm tile ${JSON.stringify(t)}: slices do not split evenly over threads`);
  }
  if (kernel === "rolled") return rolledShader(transA, transB, t, vec);
  if (kernel === "unrolled") return unrolledShader(transA, transB, t, vec);
  return blockedShader(transA, transB, t, vec, kernel === "prefetch");
}
