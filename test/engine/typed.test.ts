/**
 * The typed engine layer: jit / grad / valueAndGrad keep the caller's signature (checked at
 * compile time with expectTypeOf) and compute jax-js's values; the tree helpers keep a tree's
 * type; the shape assertions fail with jax-js-style messages naming both shapes.
 */
import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { np } from "../../src/engine/jax.js";
import {
  assertLastAxis,
  assertSameShape,
  assertShape,
  attentionDims,
  dims,
  ShapeError,
} from "../../src/engine/shapes.js";
import { attend, mlp } from "../../src/model/components.js";
import {
  grad,
  gradWithAux,
  jit,
  valueAndGrad,
  valueAndGradWithAux,
} from "../../src/engine/transforms.js";
import {
  disposeTree,
  flattenTree,
  leavesOf,
  mapTree,
  refTree,
  unflattenAs,
} from "../../src/engine/tree.js";

interface Params {
  w: np.Array;
  b: np.Array;
}

const values = async (x: np.Array) => Array.from(await x.data(), Number);

/** Σ (w·x + b)² over x = [1, 2]: d/dw = Σ 2(w·x + b)·x, d/db = Σ 2(w·x + b). */
const loss = (p: Params, x: np.Array) => np.square(x.mul(p.w).add(p.b)).sum();

const params = (): Params => ({ w: np.array(3), b: np.array(1) });
const xs = () => np.array(new Float32Array([1, 2]));

beforeAll(async () => {
  await initEngine("wasm");
});

describe("typed transforms", () => {
  it("jit keeps the signature and the value", async () => {
    const f = jit((p: Params, x: np.Array) => loss(p, x));
    expectTypeOf(f).parameters.toEqualTypeOf<[Params, np.Array]>();
    expectTypeOf(f).returns.toEqualTypeOf<np.Array>();
    expect(await values(f(params(), xs()))).toEqual([16 + 49]);
    f.dispose();
  });

  it("grad's gradient has the type of its argument, a tuple for a list of argnums", async () => {
    const g = grad(loss);
    expectTypeOf(g).returns.toEqualTypeOf<Params>();
    const d = g(params(), xs());
    // w·x + b = 4, 7: d/dw = 2·4·1 + 2·7·2 = 36, d/db = 2·4 + 2·7 = 22.
    expect(await values(d.w)).toEqual([36]);
    expect(await values(d.b)).toEqual([22]);
    const both = grad(loss, { argnums: [0, 1] });
    expectTypeOf(both).returns.toEqualTypeOf<[Params, np.Array]>();
    const [dp, dx] = both(params(), xs());
    // d/dx_i = 2(w·x_i + b)·w = 24, 42.
    expect(await values(dx)).toEqual([24, 42]);
    disposeTree(dp);
  });

  it("valueAndGrad returns the value with the gradient", async () => {
    const [value, d] = valueAndGrad(loss)(params(), xs());
    expectTypeOf(d).toEqualTypeOf<Params>();
    expect(await values(value)).toEqual([65]);
    expect(await values(d.w)).toEqual([36]);
    disposeTree(d.b);
  });

  it("the aux variants pass the auxiliary output through with its type", async () => {
    const withAux = (p: Params, x: np.Array): [np.Array, { n: np.Array }] => [
      loss(p, x.ref),
      { n: x.sum() },
    ];
    const [[value, aux], d] = valueAndGradWithAux(withAux, { argnums: 1 })(params(), xs());
    expectTypeOf(aux).toEqualTypeOf<{ n: np.Array }>();
    expectTypeOf(d).toEqualTypeOf<np.Array>();
    expect(await values(value)).toEqual([65]);
    expect(await values(aux.n)).toEqual([3]);
    expect(await values(d)).toEqual([24, 42]);
    const [g, aux2] = gradWithAux(withAux)(params(), xs());
    expectTypeOf(g).toEqualTypeOf<Params>();
    expect(await values(g.b)).toEqual([22]);
    disposeTree([g.w, aux2]);
  });
});

describe("typed tree helpers", () => {
  it("map, flatten and unflatten keep an interface's type", async () => {
    const p = params();
    const doubled = mapTree((a) => a.mul(2), refTree(p));
    expectTypeOf(doubled).toEqualTypeOf<Params>();
    expect(await values(doubled.w)).toEqual([6]);
    const [leaves, def] = flattenTree(doubled);
    expect(leaves).toHaveLength(2);
    const rebuilt = unflattenAs<Params>(def, leaves);
    expect(await values(rebuilt.b)).toEqual([2]);
    expect(leavesOf(p)).toHaveLength(2);
    disposeTree(p);
  });
});

describe("shape assertions", () => {
  const shaped = (...shape: number[]) => ({ shape });

  it("accepts matching shapes and free axes", () => {
    expect(() => assertShape(shaped(2, 5, 64), [null, 5, 64], "resid")).not.toThrow();
    expect(dims(shaped(2, 5, 64), 3, "resid")).toEqual([2, 5, 64]);
  });

  it("names the array and both shapes", () => {
    expect(() => assertShape(shaped(2, 5, 32), [null, 5, 64], "resid")).toThrow(
      new ShapeError("resid shape must be [*,5,64], got [2,5,32]"),
    );
    expect(() =>
      assertSameShape(shaped(1, 4, 2, 8), shaped(1, 4, 2, 16), ["key", "value"]),
    ).toThrow("key and value shapes must match, got [1,4,2,8] and [1,4,2,16]");
    expect(() => dims(shaped(5, 64), 3, "resid")).toThrow("resid must have rank 3, got [5,64]");
    expect(() => assertLastAxis(shaped(2, 5, 32), 64, "mlp input")).toThrow(
      "mlp input last axis must be 64, got [2,5,32]",
    );
  });

  it("checks grouped-query attention inputs", () => {
    const q = shaped(2, 5, 4, 8);
    const kv = shaped(2, 7, 2, 8);
    expect(attentionDims(q, kv, kv, shaped(2, 1, 1, 5, 7))).toEqual([2, 5, 4, 8, 7, 2]);
    expect(() =>
      attentionDims(q, shaped(2, 7, 3, 8), shaped(2, 7, 3, 8), shaped(1, 1, 1, 5, 7)),
    ).toThrow("query heads must be a multiple of key heads, got 4 and 3");
    expect(() => attentionDims(q, kv, kv, shaped(2, 1, 1, 5, 6))).toThrow(
      "attention bias shape must be [*,1,1,5,7], got [2,1,1,5,6]",
    );
    expect(() => attentionDims(q, kv, shaped(2, 6, 2, 8), shaped(2, 1, 1, 5, 7))).toThrow(
      ShapeError,
    );
  });
});

describe("shape assertions at model components", () => {
  it("attention refuses keys and values of different shapes before computing", () => {
    const q = np.zeros([1, 3, 2, 4]);
    const k = np.zeros([1, 3, 1, 4]);
    const v = np.zeros([1, 3, 1, 8]);
    const bias = np.zeros([1, 1, 1, 3, 3]);
    expect(() => attend(q, k, v, bias)).toThrow(
      new ShapeError("key and value shapes must match, got [1,3,1,4] and [1,3,1,8]"),
    );
    disposeTree([q, k, v, bias]);
  });

  it("the MLP refuses an input whose last axis is not its width", () => {
    const x = np.zeros([1, 2, 3]);
    const w = { wUp: np.zeros([4, 8]), wDown: np.zeros([8, 4]) };
    expect(() => mlp(x, w, "silu")).toThrow("mlp input last axis must be 4, got [1,2,3]");
    disposeTree([x, w]);
  });
});
