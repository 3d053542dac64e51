/**
 * Code generation of the Bᵀ packer for the wasm sgemm: B stored n×k (the backward's A·Bᵀ) must
 * become k-major NR-column panels. Done in JS it cost as much as the multiply at 64×2048×2048;
 * here each step loads a 4×4 block (4 rows, 4 consecutive k), transposes it with eight shuffles and
 * stores four 4-wide rows of a panel.
 *
 * `packBt(src, ldBytes, dst, nPanels, k4)`: src holds nPanels·NR rows of ldBytes each, zero-padded
 * to k4·4 columns; dst receives nPanels panels of k4·4 rows of NR floats.
 */
import { Body, I32, SIMD, V128, type Func } from "./wasm-asm.js";

const P = { src: 0, ld: 1, dst: 2, nPanels: 3, k4: 4 };
const L = { rowP: 5, dstP: 6, jLeft: 7, pLeft: 8, colP: 9 };
const R = 10; // r0..r3 at 10..13, t0..t3 at 14..17

export function packBtFunc(nr: number): Func {
  if (nr % 4 !== 0) throw new Error(`panel width ${nr} is not a multiple of 4`);
  const b = new Body();
  b.get(P.src).set(L.rowP).get(P.dst).set(L.dstP).get(P.nPanels).set(L.jLeft);
  b.loop();
  b.get(L.rowP).set(L.colP).get(P.k4).set(L.pLeft);
  b.loop();
  for (let h = 0; h < nr / 4; h++) transpose4(b, h, nr);
  b.bump(L.colP, 16).bump(L.dstP, 4 * nr * 4);
  b.bump(L.pLeft, -1).get(L.pLeft).brIf(0).end();
  b.get(L.rowP).get(P.ld).i32(nr).mul().add().set(L.rowP);
  b.bump(L.jLeft, -1).get(L.jLeft).brIf(0).end();
  return {
    name: "packBt",
    params: Array(5).fill(I32),
    locals: [
      [5, I32],
      [8, V128],
    ],
    body: b,
  };
}

/** Rows 4h..4h+3 of the panel at colP (4 values each) → four k-rows' lanes 4h..4h+3 at dstP. */
function transpose4(b: Body, h: number, nr: number): void {
  for (let r = 0; r < 4; r++) {
    b.get(L.colP)
      .get(P.ld)
      .i32(4 * h + r)
      .mul()
      .add()
      .simd(SIMD.load, [4, 0])
      .set(R + r);
  }
  const t = (i: number) => R + 4 + i;
  b.get(R)
    .get(R + 1)
    .shuffleF32([0, 4, 1, 5])
    .set(t(0));
  b.get(R)
    .get(R + 1)
    .shuffleF32([2, 6, 3, 7])
    .set(t(1));
  b.get(R + 2)
    .get(R + 3)
    .shuffleF32([0, 4, 1, 5])
    .set(t(2));
  b.get(R + 2)
    .get(R + 3)
    .shuffleF32([2, 6, 3, 7])
    .set(t(3));
  const cols: [number, number, [number, number, number, number]][] = [
    [t(0), t(2), [0, 1, 4, 5]],
    [t(0), t(2), [2, 3, 6, 7]],
    [t(1), t(3), [0, 1, 4, 5]],
    [t(1), t(3), [2, 3, 6, 7]],
  ];
  cols.forEach(([x, y, lanes], q) => {
    b.get(L.dstP)
      .get(x)
      .get(y)
      .shuffleF32(lanes)
      .simd(SIMD.store, [4, (q * nr + 4 * h) * 4]);
  });
}
