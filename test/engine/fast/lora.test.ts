/**
 * A LoRA projection on the fast path (src/engine/fast/lora.ts): its VJP with respect to the input
 * and both adapter matrices against central differences in float64 (≤ 1e-7 relative), and in
 * float32 on the process's CPU sgemm against jax-js's gradient of the same projection written with
 * jax-js arrays (forward atol 1e-5, gradients rtol ≤ 1e-3 with atol 1e-5 · max |grad|).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../../src/engine/device.js";
import { np } from "../../../src/engine/jax.js";
import { loraLinear, loraLinearBackward, type FastLora } from "../../../src/engine/fast/lora.js";
import { float32Numerics, float64Numerics } from "../../../src/engine/fast/numerics.js";
import { cpuSgemm } from "../../../src/engine/kernels/index.js";
import { grad } from "../../../src/engine/transforms.js";
import { expectClose } from "../../model/compare.js";
import { expectGradClose, numericVjp, randomArray } from "./gradcheck.js";

const [rows, inDim, outDim, rank, scale] = [5, 6, 7, 3, 1.75];

function setup(seed: number) {
  return {
    x: randomArray(rows * inDim, seed),
    w: randomArray(inDim * outDim, seed + 1),
    bias: randomArray(outDim, seed + 2),
    a: randomArray(inDim * rank, seed + 3),
    b: randomArray(rank * outDim, seed + 4),
    c: randomArray(rows * outDim, seed + 5),
  };
}

describe("LoRA projection VJP", () => {
  it("equals central differences in float64 for x, a and b", () => {
    const nm = float64Numerics;
    const s = setup(1);
    const lora = (a: Float64Array, b: Float64Array): FastLora => ({ a, b, rank, scale });
    const y = (x: Float64Array, l: FastLora) =>
      loraLinear(nm, x, s.w, l, rows, inDim, outDim, s.bias).y;
    const { t } = loraLinear(nm, s.x, s.w, lora(s.a, s.b), rows, inDim, outDim, s.bias);
    const g = loraLinearBackward(nm, s.c, s.x, t, s.w, lora(s.a, s.b), rows, inDim, outDim);
    expectGradClose(
      "dx",
      g.dx,
      numericVjp((x) => y(x, lora(s.a, s.b)), s.x, s.c),
    );
    expectGradClose(
      "da",
      g.da,
      numericVjp((a) => y(s.x, lora(a, s.b)), s.a, s.c),
    );
    expectGradClose(
      "db",
      g.db,
      numericVjp((b) => y(s.x, lora(s.a, b)), s.b, s.c),
    );
  });
});

describe("LoRA projection against jax-js (float32)", () => {
  beforeAll(async () => {
    await initEngine("wasm");
  });

  it("gives jax-js's output and gradients", async () => {
    const nm = float32Numerics(cpuSgemm());
    const s = setup(7);
    const f32 = (v: Float64Array) => Float32Array.from(v);
    const [x, w, bias, a, b, c] = [s.x, s.w, s.bias, s.a, s.b, s.c].map(f32) as Float32Array[];
    const l: FastLora = { a: a!, b: b!, rank, scale };
    const fwd = loraLinear(nm, x!, w!, l, rows, inDim, outDim, bias);
    const got = loraLinearBackward(nm, c!, x!, fwd.t, w!, l, rows, inDim, outDim);
    const arr = (v: Float32Array, shape: number[]) => np.array(v).reshape(shape);
    const proj = (xx: np.Array, aa: np.Array, bb: np.Array) =>
      np
        .matmul(xx.ref, arr(w!, [inDim, outDim]))
        .add(arr(bias!, [outDim]))
        .add(np.matmul(np.matmul(xx, aa), bb).mul(scale));
    const inputs = () =>
      [arr(x!, [rows, inDim]), arr(a!, [inDim, rank]), arr(b!, [rank, outDim])] as const;
    const yJax = await proj(...inputs()).data();
    expectClose("forward", fwd.y, yJax, { atol: 1e-5 });
    const loss = (xx: np.Array, aa: np.Array, bb: np.Array) =>
      proj(xx, aa, bb)
        .mul(arr(c!, [rows, outDim]))
        .sum();
    const [dx, da, db] = grad(loss, { argnums: [0, 1, 2] })(...inputs());
    for (const [name, mine, ref] of [
      ["dx", got.dx, await dx.data()],
      ["da", got.da, await da.data()],
      ["db", got.db, await db.data()],
    ] as const) {
      const gmax = Math.max(...Array.from(ref, Math.abs));
      expect(gmax).toBeGreaterThan(0);
      expectClose(name, mine, ref, { atol: 1e-5 * gmax, rtol: 1e-3 });
    }
  });
});
