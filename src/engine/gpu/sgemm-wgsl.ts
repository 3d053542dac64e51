/**
 * The WGSL source of the tiled fp32 SGEMM: C = α·op(A)·op(B) + β·C, row-major, op = X or Xᵀ
 * fixed per shader. A workgroup owns a BM×BN block of C; per step of BK it stages op(A)'s BM×BK
 * and op(B)'s BK×BN slices in workgroup memory (loads coalesced along each operand's stored rows,
 * zero outside the matrix; as vec4 where the operand's offsets, strides and stored rows are multiples
 * of 4), then each thread accumulates TM×TN outputs strided by the thread
 * grid (so global stores are coalesced and workgroup reads conflict-free). Every output is one
 * running sum over k = 0…K−1 in order: no split-K, no atomics, so a result does not depend on the
 * tile or on scheduling, and repeat runs give the same bits.
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
/** 128×128 blocks, 8×8 per thread, 256 threads: large products. */
export const TILE_128: GemmTile = { bm: 128, bn: 128, bk: 8, tm: 8, tn: 8 };

/** The uniform block's fields, in order (sgemm.ts fills them). */
export const GEMM_FIELDS = `m: u32, n: u32, k: u32, lda: u32, ldb: u32, ldc: u32,
  offA: u32, offB: u32, offC: u32, zDiv: u32,
  outerA: u32, innerA: u32, groupA: u32, outerB: u32, innerB: u32, groupB: u32,
  outerC: u32, innerC: u32, groupC: u32, alpha: f32, beta: f32`;

/** Stages op(A)'s BM×BK slice: As[kk·BM + i]; `vec` reads 4 stored-contiguous values at once. */
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

/** Stages op(B)'s BK×BN slice: Bs[kk·BN + j]; `vec` reads 4 stored-contiguous values at once. */
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

/** The complete shader for one (transA, transB, tile, vec4 reads). */
export function sgemmShader(
  transA: boolean,
  transB: boolean,
  t: GemmTile,
  vec: GemmVec = { a: false, b: false },
): string {
  const tx = t.bn / t.tn;
  const ty = t.bm / t.tm;
  const threads = tx * ty;
  if ((t.bm * t.bk) % threads || (t.bk * t.bn) % threads) {
    throw new Error(`sgemm tile ${JSON.stringify(t)}: slices do not split evenly over threads`);
  }
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
