import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SafetensorsError } from "../../src/io/errors.js";
import {
  parseSafetensors,
  readSafetensors,
  serializeSafetensors,
  writeSafetensors,
  type TensorToWrite,
} from "../../src/io/safetensors.js";

const dir = mkdtempSync(join(tmpdir(), "trigscope-st-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One tensor of every dtype, with shapes of rank 0 to 3 and one empty tensor. */
function everyDtype(): Record<string, TensorToWrite> {
  return {
    f64: { dtype: "F64", shape: [3], data: new Float64Array([0.1, -2.5, 1e300]) },
    f32: { dtype: "F32", shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, -0, 1e-30]) },
    f16: { dtype: "F16", shape: [2], data: new Uint16Array([0x3c00, 0xc000]) },
    bf16: { dtype: "BF16", shape: [1, 1, 2], data: new Uint16Array([0x3f80, 0x4049]) },
    i64: { dtype: "I64", shape: [2], data: new BigInt64Array([-(2n ** 40n), 7n]) },
    i32: { dtype: "I32", shape: [], data: new Int32Array([-123456]) },
    i16: { dtype: "I16", shape: [3], data: new Int16Array([-32768, 0, 32767]) },
    i8: { dtype: "I8", shape: [3], data: new Int8Array([-128, 5, 127]) },
    u8: { dtype: "U8", shape: [2], data: new Uint8Array([0, 255]) },
    bool: { dtype: "BOOL", shape: [3], data: new Uint8Array([1, 0, 1]) },
    empty: { dtype: "F32", shape: [0, 4], data: new Float32Array(0) },
  };
}

function bytesOf(d: TensorToWrite["data"]): Uint8Array {
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

describe("safetensors round trip", () => {
  it("reads back every dtype with identical dtype, shape and bytes", () => {
    const tensors = everyDtype();
    const path = join(dir, "all.safetensors");
    writeSafetensors(path, tensors, { format: "pt", note: "round trip" });
    const file = readSafetensors(path);
    expect(file.metadata).toEqual({ format: "pt", note: "round trip" });
    expect([...file.tensors.keys()].sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      const info = file.tensors.get(name)!;
      expect(info.name).toBe(name);
      expect(info.dtype).toBe(t.dtype);
      expect(info.shape).toEqual(t.shape);
      expect(Array.from(info.data)).toEqual(Array.from(bytesOf(t.data)));
    }
  });

  it("pads the header with spaces to an 8-byte boundary and packs tensors by name", () => {
    const bytes = serializeSafetensors({
      zeta: { dtype: "U8", shape: [1], data: new Uint8Array([9]) },
      alpha: { dtype: "U8", shape: [2], data: new Uint8Array([1, 2]) },
    });
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLen % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLen));
    expect(header.trimEnd().endsWith("}")).toBe(true);
    expect(/^ *$/.test(header.slice(header.lastIndexOf("}") + 1))).toBe(true);
    // alpha sorts first, so it takes data bytes [0, 2) and zeta [2, 3).
    expect(Array.from(bytes.subarray(8 + headerLen))).toEqual([1, 2, 9]);
    const parsed = parseSafetensors(bytes, "mem");
    expect([...parsed.tensors.keys()]).toEqual(["alpha", "zeta"]);
  });

  it("keeps tensor names that look like array indices in name order", () => {
    const u8 = (v: number): TensorToWrite => ({
      dtype: "U8",
      shape: [1],
      data: new Uint8Array([v]),
    });
    const bytes = serializeSafetensors({ b: u8(2), "10": u8(1), a: u8(3) });
    const parsed = parseSafetensors(bytes, "mem");
    // Code-unit order: "10" < "a" < "b"; data follows the same order.
    expect(Array.from(parsed.tensors.get("10")!.data)).toEqual([1]);
    expect(parsed.tensors.get("10")!.data.byteOffset).toBeLessThan(
      parsed.tensors.get("a")!.data.byteOffset,
    );
  });

  it("returns tensor data as views of the parsed bytes, not copies", () => {
    const bytes = serializeSafetensors({
      x: { dtype: "U8", shape: [2], data: new Uint8Array([4, 5]) },
    });
    const info = parseSafetensors(bytes, "mem").tensors.get("x")!;
    expect(info.data.buffer).toBe(bytes.buffer);
  });

  it("omits __metadata__ when there is none and writes an empty file for no tensors", () => {
    const bytes = serializeSafetensors({});
    const parsed = parseSafetensors(bytes, "mem");
    expect(parsed.metadata).toEqual({});
    expect(parsed.tensors.size).toBe(0);
  });

  it("leaves no temporary files behind after an atomic write", () => {
    const sub = mkdtempSync(join(dir, "atomic-"));
    writeSafetensors(join(sub, "x.safetensors"), everyDtype());
    writeSafetensors(join(sub, "x.safetensors"), everyDtype(), { second: "yes" });
    expect(readdirSync(sub)).toEqual(["x.safetensors"]);
    expect(readSafetensors(join(sub, "x.safetensors")).metadata).toEqual({ second: "yes" });
  });
});

describe("safetensors writer validation", () => {
  const attempt = (tensors: Record<string, TensorToWrite>) => {
    try {
      serializeSafetensors(tensors, undefined, "out.safetensors");
    } catch (err) {
      return err;
    }
    throw new Error("expected the writer to throw");
  };

  it("rejects data whose byte length does not match the shape, naming the tensor", () => {
    const err = attempt({ w: { dtype: "F32", shape: [3], data: new Float32Array(2) } });
    expect(err).toBeInstanceOf(SafetensorsError);
    expect((err as SafetensorsError).tensor).toBe("w");
    expect((err as SafetensorsError).message).toContain("out.safetensors: tensor 'w'");
  });

  it("rejects an array type that does not match the dtype", () => {
    const err = attempt({ w: { dtype: "F16", shape: [2], data: new Int32Array(1) } });
    expect((err as SafetensorsError).reason).toContain("Uint16Array");
  });

  it("rejects a tensor named __metadata__", () => {
    const err = attempt({ __metadata__: { dtype: "U8", shape: [0], data: new Uint8Array(0) } });
    expect((err as SafetensorsError).tensor).toBe("__metadata__");
  });

  it("reports a missing file as SafetensorsError naming the path", () => {
    const path = join(dir, "absent.safetensors");
    expect(() => readSafetensors(path)).toThrow(SafetensorsError);
    expect(() => readSafetensors(path)).toThrow(path);
  });
});
