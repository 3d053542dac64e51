/**
 * Code generation of trigscope's wasm SIMD sgemm micro-kernel (see wasm-sgemm.ts for packing).
 *
 * The module exports `gemm(aPack, b, c, mPanels, nPanels, aPanelBytes, bPanelBytes, k, ldcBytes,
 * bStepBytes)`: for each KC-long block of k, for every NR-column panel of B and MR-row panel of
 * packed A, it adds that block's product into an MR×NR tile of C (so a B micro-panel stays in L1
 * while every A panel passes over it). B's NR values for one k are contiguous and the next k's lie
 * bStepBytes further: NR·4 for packed panels, the padded row length for B copied as it is stored.
 * Threads split the B panels between them (wasm-threads.ts). The tile lives in MR·NR/4 v128
 * locals for the whole k loop, which with
 * NR/4 B vectors and one broadcast A value must fit x86's 16 vector registers (4×8: 8 + 2 + 1),
 * or V8 spills accumulators to the stack every iteration. With relaxed SIMD the update is one
 * `f32x4.relaxed_madd` (an FMA on x86 with FMA3); without it a multiply then an add.
 */
import { Body, I32, SIMD, V128, buildModule } from "./wasm-asm.js";
import { packBtFunc } from "./wasm-pack-module.js";

export interface MicroTile {
  /** Rows of the C tile (A panel height). */
  mr: number;
  /** Columns of the C tile (B panel width), a multiple of 4. */
  nr: number;
  /** Use `f32x4.relaxed_madd` for the update. */
  fma: boolean;
}

// Parameter and local numbering of `block`.
const P = {
  aPack: 0,
  bPack: 1,
  c: 2,
  mPanels: 3,
  nPanels: 4,
  aPanel: 5,
  bPanel: 6,
  k: 7,
  ldc: 8,
  bStep: 9,
};
const L = {
  bCur: 10,
  cCol: 11,
  aCur: 12,
  cP: 13,
  iLeft: 14,
  jLeft: 15,
  aP: 16,
  bP: 17,
  p: 18,
  kLeft: 19,
  kc: 20,
  aBase: 21,
  bBase: 22,
};
const N_I32_LOCALS = 13;
const FIRST_V128 = 23;
/** The k block length. */
export const KC = 256;

/** The module bytes for one micro-tile shape (with the Bᵀ packer for that panel width). */
export function gemmModule(tile: MicroTile, shared = false): Uint8Array<ArrayBuffer> {
  if (tile.nr % 4 !== 0) throw new Error(`micro-tile width ${tile.nr} is not a multiple of 4`);
  const nv = tile.nr / 4;
  const acc = (r: number, h: number) => FIRST_V128 + r * nv + h;
  const bv = (h: number) => FIRST_V128 + tile.mr * nv + h;
  const av = FIRST_V128 + tile.mr * nv + nv;
  const body = new Body();
  kBlocks(body, tile, () => panelLoops(body, tile, () => microKernel(body, tile, acc, bv, av)));
  return buildModule(
    [
      {
        name: "gemm",
        params: Array(10).fill(I32),
        locals: [
          [N_I32_LOCALS, I32],
          [tile.mr * nv + nv + 1, V128],
        ],
        body,
      },
      packBtFunc(tile.nr),
    ],
    shared,
  );
}

/** for each KC block of k (kc = min(KC, what is left)) { panels }, aBase/bBase at its start. */
function kBlocks(b: Body, t: MicroTile, panels: () => void): void {
  b.get(P.aPack).set(L.aBase).get(P.bPack).set(L.bBase).get(P.k).set(L.kLeft);
  b.loop();
  b.i32(KC).get(L.kLeft).get(L.kLeft).i32(KC).gtS().select().set(L.kc);
  panels();
  b.bump(L.aBase, KC * t.mr * 4);
  b.get(L.bBase).get(P.bStep).i32(KC).mul().add().set(L.bBase);
  b.bump(L.kLeft, -KC).get(L.kLeft).i32(0).gtS().brIf(0).end();
}

/** for each B panel (columns of C) { for each A panel (rows of C) { tile } }, as do-while loops. */
function panelLoops(b: Body, t: MicroTile, tile: () => void): void {
  b.get(L.bBase).set(L.bCur).get(P.c).set(L.cCol).get(P.nPanels).set(L.jLeft);
  b.loop();
  b.get(L.aBase).set(L.aCur).get(L.cCol).set(L.cP).get(P.mPanels).set(L.iLeft);
  b.loop();
  tile();
  b.bumpBy(L.aCur, P.aPanel);
  b.get(L.cP).get(P.ldc).i32(t.mr).mul().add().set(L.cP);
  b.bump(L.iLeft, -1).get(L.iLeft).brIf(0).end();
  b.bumpBy(L.bCur, P.bPanel).bump(L.cCol, t.nr * 4);
  b.bump(L.jLeft, -1).get(L.jLeft).brIf(0).end();
}

/** Load the C tile, run the k loop of rank-1 updates, store the tile. */
function microKernel(
  b: Body,
  t: MicroTile,
  acc: (r: number, h: number) => number,
  bv: (h: number) => number,
  av: number,
): void {
  const nv = t.nr / 4;
  const rowAddr = (r: number) => b.get(L.cP).get(P.ldc).i32(r).mul().add();
  for (let r = 0; r < t.mr; r++) {
    for (let h = 0; h < nv; h++)
      rowAddr(r)
        .simd(SIMD.load, [4, h * 16])
        .set(acc(r, h));
  }
  b.get(L.aCur).set(L.aP).get(L.bCur).set(L.bP).get(L.kc).set(L.p);
  b.loop();
  for (let h = 0; h < nv; h++)
    b.get(L.bP)
      .simd(SIMD.load, [4, h * 16])
      .set(bv(h));
  for (let r = 0; r < t.mr; r++) {
    b.get(L.aP)
      .simd(SIMD.load32Splat, [2, r * 4])
      .set(av);
    for (let h = 0; h < nv; h++) update(b, t.fma, av, bv(h), acc(r, h));
  }
  b.bump(L.aP, t.mr * 4).bumpBy(L.bP, P.bStep);
  b.bump(L.p, -1).get(L.p).brIf(0).end();
  for (let r = 0; r < t.mr; r++) {
    for (let h = 0; h < nv; h++)
      rowAddr(r)
        .get(acc(r, h))
        .simd(SIMD.store, [4, h * 16]);
  }
}

/** acc += a·b, fused when `fma`. */
function update(b: Body, fma: boolean, a: number, bvec: number, acc: number): void {
  if (fma) b.get(a).get(bvec).get(acc).simd(SIMD.f32x4RelaxedMadd);
  else b.get(acc).get(a).get(bvec).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add);
  b.set(acc);
}
