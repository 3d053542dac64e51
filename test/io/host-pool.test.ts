/** The loader's reused host buffers (src/io/host-pool.ts). */
import { describe, expect, it } from "vitest";
import { HostPool, hostFloats, withHostPool } from "../../src/io/host-pool.js";
import { tensorToFloat32 } from "../../src/io/dtypes.js";

describe("HostPool", () => {
  it("hands the same arrays out again after recycle, and new ones before", () => {
    const pool = new HostPool();
    const [a, b] = withHostPool(pool, () => [hostFloats(6), hostFloats(6)]);
    expect(a).not.toBe(b);
    const c = withHostPool(pool, () => hostFloats(6));
    expect(c).not.toBe(a); // a and b are still taken
    pool.recycle();
    const again = withHostPool(pool, () => [hostFloats(6), hostFloats(6), hostFloats(6)]);
    expect(new Set([...again, a, b, c]).size).toBe(3);
    expect(pool.bytes()).toBe(3 * 6 * 4);
  });

  it("is used only inside withHostPool, and nested pools restore the outer one", () => {
    const outer = new HostPool();
    const inner = new HostPool();
    withHostPool(outer, () => {
      hostFloats(4);
      withHostPool(inner, () => hostFloats(8));
      hostFloats(4);
    });
    expect(outer.bytes()).toBe(2 * 4 * 4);
    expect(inner.bytes()).toBe(8 * 4);
    const fresh = hostFloats(4);
    expect(Array.from(fresh)).toEqual([0, 0, 0, 0]);
    expect(outer.bytes()).toBe(2 * 4 * 4);
  });

  it("gives bf16 conversion a recycled array, fully overwritten", () => {
    const pool = new HostPool();
    const bits = Uint16Array.from([0x3f80, 0xc000, 0x4040]); // 1, -2, 3
    const info = (b: Uint16Array) => ({
      name: "w",
      dtype: "BF16" as const,
      shape: [3],
      data: new Uint8Array(b.buffer),
    });
    const first = withHostPool(pool, () => tensorToFloat32(info(bits), "f"));
    first.fill(99);
    pool.recycle();
    const second = withHostPool(pool, () => tensorToFloat32(info(bits), "f"));
    expect(second).toBe(first);
    expect(Array.from(second)).toEqual([1, -2, 3]);
  });
});
