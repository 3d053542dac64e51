import { describe, expect, it } from "vitest";
import { tensorToFloat32, tensorToInt32, type TensorInfo } from "../../src/io/dtypes.js";
import { SafetensorsError } from "../../src/io/errors.js";

/** A TensorInfo over the little-endian bytes of `values` (optionally at an odd byte offset). */
function info(dtype: TensorInfo["dtype"], values: ArrayBufferView, misalign = false): TensorInfo {
  const raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let data: Uint8Array = raw;
  if (misalign) {
    const padded = new Uint8Array(raw.byteLength + 1);
    padded.set(raw, 1);
    data = padded.subarray(1);
  }
  return { name: "t", dtype, shape: [raw.byteLength], data };
}

// IEEE 754 binary16 (1 sign, 5 exponent bits biased by 15, 10 fraction bits), worked by hand.
const HALF_CASES: [number, number, string][] = [
  [0x3c00, 1.0, "exponent 15 → 2^0, fraction 0"],
  [0xc000, -2.0, "sign 1, exponent 16 → 2^1"],
  [0x3555, 0.333251953125, "2^-2 × (1 + 341/1024) = 1365/4096"],
  [0x7bff, 65504, "largest finite: 2^15 × (1 + 1023/1024)"],
  [0x0400, 2 ** -14, "smallest normal"],
  [0x03ff, 1023 * 2 ** -24, "largest subnormal: 1023 × 2^-24"],
  [0x0001, 2 ** -24, "smallest subnormal"],
  [0x8001, -(2 ** -24), "negative smallest subnormal"],
  [0x7c00, Infinity, "exponent all ones, fraction 0"],
  [0xfc00, -Infinity, "sign 1, exponent all ones, fraction 0"],
  [0x0000, 0, "zero"],
];

// bfloat16 is the high 16 bits of a float32: value = float32 with bits (h << 16).
const BF16_CASES: [number, number, string][] = [
  [0x3f80, 1.0, "float32 0x3f800000 is 1.0"],
  [0x4049, 3.140625, "float32 0x40490000 = 2 × (1 + 0x49/128) = 2 × 1.5703125"],
  [0xc2f7, -123.5, "float32 0xc2f70000 = -(2^6 × (1 + 0x77/128)) = -64 × 1.9296875"],
  [0x0001, 2 ** -133, "float32 0x00010000 is the subnormal 2^16 × 2^-149"],
  [0x7f80, Infinity, "float32 0x7f800000 is +inf"],
  [0xff80, -Infinity, "float32 0xff800000 is -inf"],
];

describe("tensorToFloat32", () => {
  it("converts F16 exactly, including subnormals and infinities", () => {
    const bits = new Uint16Array(HALF_CASES.map(([h]) => h));
    const out = tensorToFloat32(info("F16", bits), "f");
    HALF_CASES.forEach(([h, want, why], i) => {
      expect(out[i], `0x${h.toString(16)}: ${why}`).toBe(want);
    });
  });

  it("agrees with a bit-level re-encoding for every normal F16 value", () => {
    // A normal half (exponent e in 1..30) is the float32 with the same sign, exponent e - 15 + 127
    // and the 10 fraction bits shifted into the top of float32's 23.
    const bits = new Uint16Array(65536).map((_, i) => i);
    const out = new Uint32Array(tensorToFloat32(info("F16", bits), "f").buffer);
    let checked = 0;
    for (let h = 0; h < 65536; h++) {
      const exp = (h >>> 10) & 0x1f;
      if (exp === 0 || exp === 0x1f) continue;
      const want = (((h & 0x8000) << 16) | ((exp - 15 + 127) << 23) | ((h & 0x3ff) << 13)) >>> 0;
      if (out[h] !== want) expect(out[h], `half 0x${h.toString(16)}`).toBe(want);
      checked++;
    }
    expect(checked).toBe(2 * 30 * 1024);
  });

  it("keeps the sign of F16 negative zero and maps F16 NaN patterns to NaN", () => {
    // 0x8000: sign bit only; 0x7e00 quiet NaN; 0x7c01 signalling NaN (fraction ≠ 0).
    const out = tensorToFloat32(info("F16", new Uint16Array([0x8000, 0x7e00, 0x7c01])), "f");
    expect(Object.is(out[0], -0)).toBe(true);
    expect(Number.isNaN(out[1])).toBe(true);
    expect(Number.isNaN(out[2])).toBe(true);
  });

  it("converts BF16 as the high 16 bits of float32", () => {
    const bits = new Uint16Array(BF16_CASES.map(([h]) => h));
    const out = tensorToFloat32(info("BF16", bits), "f");
    BF16_CASES.forEach(([h, want, why], i) =>
      expect(out[i], `0x${h.toString(16)}: ${why}`).toBe(want),
    );
    // 0x7fc0 → float32 0x7fc00000, the canonical quiet NaN.
    expect(Number.isNaN(tensorToFloat32(info("BF16", new Uint16Array([0x7fc0])), "f")[0])).toBe(
      true,
    );
  });

  it("converts misaligned F16, BF16, F32 and F64 data the same as aligned data", () => {
    for (const [dtype, values] of [
      ["F16", new Uint16Array([0x3c00, 0x3555])],
      ["BF16", new Uint16Array([0x3f80, 0xc2f7])],
      ["F32", new Float32Array([1.5, -7])],
      ["F64", new Float64Array([0.25, 3])],
    ] as const) {
      const a = tensorToFloat32(info(dtype, values), "f");
      const b = tensorToFloat32(info(dtype, values, true), "f");
      expect(Array.from(b)).toEqual(Array.from(a));
    }
  });

  it("rounds F64 to the nearest float32 and upcasts integer dtypes", () => {
    const f64 = tensorToFloat32(info("F64", new Float64Array([0.1, 1e300])), "f");
    expect(f64[0]).toBe(Math.fround(0.1));
    expect(f64[1]).toBe(Infinity); // 1e300 is beyond float32's ~3.4e38 range
    // 2^40 is exactly representable in float32 (a power of two).
    expect(
      Array.from(tensorToFloat32(info("I64", new BigInt64Array([-(2n ** 40n), 3n])), "f")),
    ).toEqual([-(2 ** 40), 3]);
    expect(Array.from(tensorToFloat32(info("I8", new Int8Array([-128, 127])), "f"))).toEqual([
      -128, 127,
    ]);
    expect(Array.from(tensorToFloat32(info("U8", new Uint8Array([0, 255])), "f"))).toEqual([
      0, 255,
    ]);
    expect(Array.from(tensorToFloat32(info("I16", new Int16Array([-32768])), "f"))).toEqual([
      -32768,
    ]);
    expect(Array.from(tensorToFloat32(info("I32", new Int32Array([-5, 1 << 24])), "f"))).toEqual([
      -5,
      1 << 24,
    ]);
  });
});

describe("tensorToInt32", () => {
  it("converts integer and BOOL dtypes into a new array", () => {
    const src = new Int32Array([1, -2]);
    const out = tensorToInt32(info("I32", src), "f");
    expect(Array.from(out)).toEqual([1, -2]);
    out[0] = 99;
    expect(src[0]).toBe(1);
    expect(Array.from(tensorToInt32(info("BOOL", new Uint8Array([1, 0])), "f"))).toEqual([1, 0]);
    expect(
      Array.from(tensorToInt32(info("I64", new BigInt64Array([-7n, 2n ** 31n - 1n])), "f")),
    ).toEqual([-7, 2 ** 31 - 1]);
  });

  it("rejects I64 values outside int32 and floating-point dtypes, naming the tensor", () => {
    expect(() =>
      tensorToInt32(info("I64", new BigInt64Array([2n ** 31n])), "w.safetensors"),
    ).toThrow(/w\.safetensors: tensor 't': I64 value 2147483648 at index 0/);
    expect(() => tensorToInt32(info("F32", new Float32Array([1])), "f")).toThrow(SafetensorsError);
  });
});
