/**
 * Safetensors dtypes: their item sizes and the conversions of raw little-endian tensor bytes to
 * Float32Array (F16 exact through a 65536-entry table, BF16 as the high half of a float32) and
 * Int32Array.
 */
import { SafetensorsError } from "./errors.js";
import { hostFloats } from "./host-pool.js";

export const DTYPES = [
  "F64",
  "F32",
  "F16",
  "BF16",
  "I64",
  "I32",
  "I16",
  "I8",
  "U8",
  "BOOL",
] as const;
export type Dtype = (typeof DTYPES)[number];

/** Bytes per element of each dtype. */
export const ITEM_SIZE: Readonly<Record<Dtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

export function isDtype(x: unknown): x is Dtype {
  return typeof x === "string" && Object.prototype.hasOwnProperty.call(ITEM_SIZE, x);
}

/** One tensor of a safetensors file; `data` is a view into the file's bytes (not a copy). */
export interface TensorInfo {
  name: string;
  dtype: Dtype;
  shape: number[];
  data: Uint8Array;
}

/** IEEE half bits → float32 value for every bit pattern (exact: every half is a float32). */
let halfTable: Float32Array | null = null;

function getHalfTable(): Float32Array {
  if (halfTable !== null) return halfTable;
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) table[h] = sign * mant * 2 ** -24;
    else if (exp === 0x1f) table[h] = mant ? NaN : sign * Infinity;
    else table[h] = sign * (1 + mant / 1024) * 2 ** (exp - 15);
  }
  halfTable = table;
  return table;
}

/** The data's bytes at an offset aligned to `align` (the view itself, or an aligned copy). */
function aligned(data: Uint8Array, align: number): Uint8Array {
  return data.byteOffset % align === 0 ? data : data.slice();
}

function elementCount(info: TensorInfo, fileName: string): number {
  const size = ITEM_SIZE[info.dtype];
  if (info.data.byteLength % size !== 0) {
    throw new SafetensorsError(
      fileName,
      info.name,
      `${info.data.byteLength} bytes is not a whole number of ${info.dtype} elements`,
    );
  }
  return info.data.byteLength / size;
}

/**
 * The tensor's values as float32. F32 data that is 4-byte aligned is returned as a view that
 * shares memory with the file's bytes; every other dtype is converted into a new array. F64 and
 * I64 round to the nearest float32; integers above 2^24 lose precision.
 */
export function tensorToFloat32(info: TensorInfo, fileName: string): Float32Array {
  const n = elementCount(info, fileName);
  switch (info.dtype) {
    case "F32": {
      const d = aligned(info.data, 4);
      return new Float32Array(d.buffer, d.byteOffset, n);
    }
    case "F64": {
      const d = aligned(info.data, 8);
      return Float32Array.from(new Float64Array(d.buffer, d.byteOffset, n));
    }
    case "F16": {
      const d = aligned(info.data, 2);
      const bits = new Uint16Array(d.buffer, d.byteOffset, n);
      const table = getHalfTable();
      const out = hostFloats(n);
      for (let i = 0; i < n; i++) out[i] = table[bits[i]!]!;
      return out;
    }
    case "BF16": {
      const d = aligned(info.data, 2);
      const bits = new Uint16Array(d.buffer, d.byteOffset, n);
      const out = hostFloats(n);
      const outBits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) outBits[i] = bits[i]! << 16;
      return out;
    }
    case "I64": {
      const d = aligned(info.data, 8);
      const ints = new BigInt64Array(d.buffer, d.byteOffset, n);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = Number(ints[i]!);
      return out;
    }
    default:
      return Float32Array.from(intView(info, n));
  }
}

/** Views of the 32-bit-or-smaller integer dtypes. */
function intView(info: TensorInfo, n: number): Int32Array | Int16Array | Int8Array | Uint8Array {
  switch (info.dtype) {
    case "I32": {
      const d = aligned(info.data, 4);
      return new Int32Array(d.buffer, d.byteOffset, n);
    }
    case "I16": {
      const d = aligned(info.data, 2);
      return new Int16Array(d.buffer, d.byteOffset, n);
    }
    case "I8":
      return new Int8Array(info.data.buffer, info.data.byteOffset, n);
    default:
      return info.data;
  }
}

/**
 * The tensor's values as a new Int32Array, for integer and BOOL dtypes. I64 values outside the
 * int32 range and floating-point dtypes throw SafetensorsError naming the tensor.
 */
export function tensorToInt32(info: TensorInfo, fileName: string): Int32Array {
  const n = elementCount(info, fileName);
  switch (info.dtype) {
    case "F64":
    case "F32":
    case "F16":
    case "BF16":
      throw new SafetensorsError(fileName, info.name, `dtype ${info.dtype} is not an integer type`);
    case "I64": {
      const d = aligned(info.data, 8);
      const ints = new BigInt64Array(d.buffer, d.byteOffset, n);
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = ints[i]!;
        if (v > 2147483647n || v < -2147483648n) {
          throw new SafetensorsError(
            fileName,
            info.name,
            `I64 value ${v} at index ${i} does not fit in int32`,
          );
        }
        out[i] = Number(v);
      }
      return out;
    }
    default:
      return Int32Array.from(intView(info, n));
  }
}
