/**
 * Float arrays from a numpy `.npz` archive (what `np.savez` / `np.savez_compressed` write: a zip
 * of `<name>.npy` files, stored or deflated, zip64 headers included), upcast to float32, with
 * errors (SaeError) that name the file and the array. The zip is read by fflate and each `.npy` by
 * npyjs; this file only checks what they return: a float dtype (<f4, <f8, <f2), C order (npyjs
 * reports Fortran order but does not reorder, so it is refused here), the expected shape, and a
 * data length that matches the shape.
 *
 * Not read: bfloat16 (numpy has no such dtype; arrays saved through ml_dtypes come out as raw
 * 2-byte void data), big-endian data and archives over 2 GiB (the whole archive is read into
 * memory; Node reads at most 2 GiB from a file at once).
 */
import { readFileSync, statSync } from "node:fs";
import { unzipSync } from "fflate";
import { parse as parseNpy, type NpyArray } from "npyjs";
import { SaeError, type HostTensor } from "./types.js";

/** Node's limit for reading a file into one buffer. */
const MAX_ARCHIVE_BYTES = 2 ** 31 - 1;
const FLOAT_DTYPES = new Set(["f4", "f8", "f2"]);

export interface NpzArchive {
  file: string;
  /** Array names (entry names without `.npy`), in archive order. */
  names: string[];
  /** The `.npy` bytes of each array that was asked for. */
  entries: Map<string, Uint8Array>;
}

/**
 * Opens an archive, decompressing only the arrays `wanted` keeps (every name is listed in
 * `names` either way). SaeError naming the file when it is missing, too large or not a zip.
 */
export function openNpz(file: string, wanted: (name: string) => boolean): NpzArchive {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new SaeError(file, null, `cannot read (${(e as Error).message})`);
  }
  if (size > MAX_ARCHIVE_BYTES) {
    throw new SaeError(file, null, `${size} bytes: archives over 2 GiB are not read`);
  }
  const bytes = readFileSync(file);
  const names: string[] = [];
  let unzipped: Record<string, Uint8Array>;
  try {
    unzipped = unzipSync(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      filter: (f) => {
        const name = f.name.replace(/\.npy$/, "");
        names.push(name);
        return wanted(name);
      },
    });
  } catch (e) {
    throw new SaeError(file, null, `not a readable .npz (zip) archive: ${(e as Error).message}`);
  }
  const entries = new Map<string, Uint8Array>();
  for (const [path, data] of Object.entries(unzipped))
    entries.set(path.replace(/\.npy$/, ""), data);
  return { file, names, entries };
}

/**
 * Array `name` of an open archive as float32 of the expected shape (a null dimension takes any
 * size); SaeError otherwise.
 */
export function takeNpzArray(
  npz: NpzArchive,
  name: string,
  expected: readonly (number | null)[],
): { tensor: HostTensor; dtype: string } {
  const bytes = npz.entries.get(name);
  if (!bytes) {
    throw new SaeError(
      npz.file,
      name,
      `missing array (archive has: ${npz.names.join(", ") || "none"})`,
    );
  }
  const arr = parseArray(npz.file, name, bytes);
  if (arr.fortranOrder) {
    throw new SaeError(
      npz.file,
      name,
      "stored in Fortran (column-major) order; save it C-ordered (np.ascontiguousarray)",
    );
  }
  const fits = (d: number, i: number) => expected[i] === null || d === expected[i];
  if (arr.shape.length !== expected.length || !arr.shape.every(fits)) {
    const want = expected.map((d) => d ?? "any").join(",");
    throw new SaeError(npz.file, name, `shape [${arr.shape}] but expected [${want}]`);
  }
  const shape = arr.shape;
  const count = shape.reduce((a, b) => a * b, 1);
  const data = arr.data as Float32Array | Float64Array;
  if (data.length !== count) {
    throw new SaeError(
      npz.file,
      name,
      `holds ${data.length} values but its shape [${arr.shape}] needs ${count}`,
    );
  }
  return { tensor: { shape: [...shape], data: Float32Array.from(data) }, dtype: arr.dtype };
}

function parseArray(file: string, name: string, bytes: Uint8Array): NpyArray {
  // npyjs views the data in place, so the buffer must start at the array's first byte.
  const own =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? (bytes.buffer as ArrayBuffer)
      : (bytes.slice().buffer as ArrayBuffer);
  let arr: NpyArray;
  try {
    arr = parseNpy(own);
  } catch (e) {
    throw new SaeError(file, name, `not a readable .npy array: ${(e as Error).message}`);
  }
  if (!FLOAT_DTYPES.has(arr.dtype)) {
    throw new SaeError(file, name, `dtype ${arr.dtype} is not a float type (<f4, <f8, <f2)`);
  }
  return arr;
}
