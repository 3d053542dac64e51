/**
 * Engine setup: the Node polyfills jax-js needs, the Worker shim (2 threads), and the live-buffer
 * counter that the leak tests rely on.
 */
import { describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { np } from "../../src/engine/jax.js";
import { liveBufferCounter, liveByteCounter } from "../../src/engine/live-buffers.js";
import { floatToHalfBits, halfBitsToFloat } from "../../src/engine/polyfills.js";

describe("float16 conversion", () => {
  // Bit patterns from IEEE 754 binary16: 0x3c00 = 1, 0x7bff = 65504 (max), 0x0001 = 2^-24
  // (smallest subnormal), 0x7c00 = +inf, 0xc000 = −2.
  it.each([
    [1, 0x3c00],
    [65504, 0x7bff],
    [2 ** -24, 0x0001],
    [-2, 0xc000],
    [1e6, 0x7c00],
    [2 ** -26, 0x0000],
  ])("rounds %d to 0x%s and back", (value, bits) => {
    expect(floatToHalfBits(value)).toBe(bits);
    if (bits !== 0x7c00 && bits !== 0) expect(halfBitsToFloat(bits)).toBe(value);
  });

  it("rounds halfway cases to even (1 + 2^-11 → 1, 1 + 3·2^-11 → 1 + 2^-9)", () => {
    expect(floatToHalfBits(1 + 2 ** -11)).toBe(0x3c00);
    expect(floatToHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02);
  });

  it("keeps NaN a NaN", () => {
    expect(Number.isNaN(halfBitsToFloat(floatToHalfBits(NaN)))).toBe(true);
  });
});

describe("engine", () => {
  it("starts the wasm device with a worker per core and computes a matmul exactly", async () => {
    expect(await initEngine("wasm")).toBe("wasm");
    expect(typeof (globalThis as { Worker?: unknown }).Worker).toBe("function");
    const a = np.array(new Float32Array([1, 2, 3, 4])).reshape([2, 2]);
    const c = np.matmul(a.ref, a);
    expect(Array.from(await c.data())).toEqual([7, 10, 15, 22]);
  });

  it("counts live buffers up on allocation and back down on disposal", async () => {
    await initEngine("wasm");
    const live = await liveBufferCounter();
    const start = live();
    const x = np.array(new Float32Array([1, 2, 3]));
    const y = x.ref.add(1);
    await y.blockUntilReady();
    expect(live()).toBe(start + 2);
    x.dispose();
    y.dispose();
    expect(live()).toBe(start);
  });

  it("counts the bytes held now and the most held since the peak was reset", async () => {
    await initEngine("wasm");
    const c = await liveByteCounter();
    const start = c.bytes();
    c.resetPeak();
    const x = np.array(new Float32Array(1000));
    const y = x.ref.add(1);
    await y.blockUntilReady();
    expect(c.bytes()).toBe(start + 8000);
    x.dispose();
    expect(c.bytes()).toBe(start + 4000);
    y.dispose();
    expect(c.bytes()).toBe(start);
    expect(c.peak()).toBe(start + 8000);
    c.resetPeak();
    expect(c.peak()).toBe(start);
  });
});
