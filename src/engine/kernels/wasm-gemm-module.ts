/**
 * Code generation of trigscope's wasm SIMD sgemm micro-kernel (see wasm-sgemm.ts for packing).
 *
 * The module exports `block(aPack, b, c, mPanels, nPanels, aPanelBytes, bPanelBytes, kc, ldcBytes,
 * bStepBytes)`: for every MR-row panel of packed A and NR-column panel of B it adds the kc-long
 * product into an MR×NR tile of C. B's NR values for one k are contiguous and the next k's lie
 * bStepBytes further: NR·4 for packed panels, the padded row length for B copied as it is stored. The tile lives in MR·NR/4 v128 locals for the whole k loop, which with
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
  kc: 7,
  ldc: 8,
  bStep: 9,
};
const L = { bCur: 10, cCol: 11, aCur: 12, cP: 13, iLeft: 14, jLeft: 15, aP: 16, bP: 17, p: 18 };
const FIRST_V128 = 19;

/** The module bytes for one micro-tile shape (with the Bᵀ packer for that panel width). */
export function gemmModule(tile: MicroTile): Uint8Array<ArrayBuffer> {
  if (tile.nr % 4 !== 0) throw new Error(`micro-tile width ${tile.nr} is not a multiple of 4`);
  const nv = tile.nr / 4;
  const acc = (r: number, h: number) => FIRST_V128 + r * nv + h;
  const bv = (h: number) => FIRST_V128 + tile.mr * nv + h;
  const av = FIRST_V128 + tile.mr * nv + nv;
  const body = new Body();
  panelLoops(body, tile, () => microKernel(body, tile, acc, bv, av));
  return buildModule([
    {
      name: "block",
      params: Array(10).fill(I32),
      locals: [
        [9, I32],
        [tile.mr * nv + nv + 1, V128],
      ],
      body,
    },
    packBtFunc(tile.nr),
  ]);
}

/** for each B panel (columns of C) { for each A panel (rows of C) { tile } }, as do-while loops. */
function panelLoops(b: Body, t: MicroTile, tile: () => void): void {
  b.get(P.bPack).set(L.bCur).get(P.c).set(L.cCol).get(P.nPanels).set(L.jLeft);
  b.loop();
  b.get(P.aPack).set(L.aCur).get(L.cCol).set(L.cP).get(P.mPanels).set(L.iLeft);
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
  b.get(L.aCur).set(L.aP).get(L.bCur).set(L.bP).get(P.kc).set(L.p);
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
