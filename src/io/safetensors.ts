/**
 * Our safetensors reader and writer (https://huggingface.co/docs/safetensors, format section).
 *
 * File layout: u64 little-endian header length N, N bytes of UTF-8 JSON (starting with `{`,
 * possibly padded with spaces), then the data section. The JSON maps each tensor name to
 * `{dtype, shape, data_offsets: [begin, end]}` (offsets relative to the data section) and may hold
 * `__metadata__`, a string-to-string map. The reader validates everything the specification
 * requires (including that tensors cover the data section contiguously, without gaps or
 * overlaps) and throws SafetensorsError naming the file and tensor on any violation.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { writeFileAtomic } from "./atomic.js";
import { DTYPES, ITEM_SIZE, isDtype, type Dtype, type TensorInfo } from "./dtypes.js";
import { SafetensorsError } from "./errors.js";

export { DTYPES, ITEM_SIZE, tensorToFloat32, tensorToInt32 } from "./dtypes.js";
export type { Dtype, TensorInfo } from "./dtypes.js";

/** The largest header accepted, as in the reference implementation. */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = "__metadata__";
const ENTRY_KEYS = new Set(["dtype", "shape", "data_offsets"]);

export interface SafetensorsFile {
  metadata: Record<string, string>;
  /** In header order. Each `data` is a view into the bytes that were parsed. */
  tensors: Map<string, TensorInfo>;
}

/** Reads and validates a safetensors file; errors name `path` as the caller gave it. */
export function readSafetensors(path: string): SafetensorsFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint =
      code === "ERR_FS_FILE_TOO_LARGE" ? " (files over 2 GiB must be split into shards)" : "";
    throw new SafetensorsError(path, null, `cannot read file: ${(err as Error).message}${hint}`);
  }
  return parseSafetensors(bytes, path);
}

/** Validates and parses safetensors bytes without copying tensor data. */
export function parseSafetensors(bytes: Uint8Array, fileName: string): SafetensorsFile {
  const fail = failIn(fileName);
  if (bytes.byteLength < 8) {
    fail(null, `file is ${bytes.byteLength} bytes, too short for the 8-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = checkedHeaderLength(view.getBigUint64(0, true), bytes.byteLength, fail);
  const dataStart = 8 + headerLen;
  const layout = parseLayout(bytes.subarray(8, dataStart), bytes.byteLength - dataStart, fileName);
  const tensors = new Map<string, TensorInfo>();
  for (const e of layout.entries.values()) {
    const data = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    tensors.set(e.name, { name: e.name, dtype: e.dtype, shape: e.shape, data });
  }
  return { metadata: layout.metadata, tensors };
}

/** Where one tensor lies in a safetensors file's data section, [begin, end) in bytes. */
export interface TensorEntry {
  name: string;
  dtype: Dtype;
  shape: number[];
  begin: number;
  end: number;
}

/** A safetensors file's header, read without its data: what streamed loading needs. */
export interface SafetensorsLayout {
  metadata: Record<string, string>;
  /** In header order. */
  entries: Map<string, TensorEntry>;
  /** Byte offset of the data section in the file. */
  dataStart: number;
}

/** Reads and validates only the header of a safetensors file (the data stays on disk). */
export function readSafetensorsLayout(path: string): SafetensorsLayout {
  const fail = failIn(path);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    return fail(null, `cannot read file: ${(err as Error).message}`);
  }
  try {
    const size = fstatSync(fd).size;
    if (size < 8) fail(null, `file is ${size} bytes, too short for the 8-byte header length`);
    const lenBytes = Buffer.alloc(8);
    readSync(fd, lenBytes, 0, 8, 0);
    const headerLen = checkedHeaderLength(lenBytes.readBigUInt64LE(0), size, fail);
    const header = Buffer.alloc(headerLen);
    readSync(fd, header, 0, headerLen, 8);
    return { ...parseLayout(header, size - 8 - headerLen, path), dataStart: 8 + headerLen };
  } finally {
    closeSync(fd);
  }
}

/** Reads bytes [offset, offset + length) of a file (one tensor of a layout). */
export function readFileRange(path: string, offset: number, length: number): Uint8Array {
  const fd = openSync(path, "r");
  try {
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, Math.min(length - done, 1 << 30), offset + done);
      if (n === 0)
        throw new SafetensorsError(path, null, `file ends before byte ${offset + length}`);
      done += n;
    }
    return new Uint8Array(out.buffer, out.byteOffset, length);
  } finally {
    closeSync(fd);
  }
}

type Fail = (tensor: string | null, reason: string) => never;

function failIn(fileName: string): Fail {
  return (tensor, reason) => {
    throw new SafetensorsError(fileName, tensor, reason);
  };
}

function checkedHeaderLength(headerLen64: bigint, fileBytes: number, fail: Fail): number {
  if (headerLen64 > BigInt(MAX_HEADER_BYTES)) {
    fail(null, `header length ${headerLen64} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  }
  const headerLen = Number(headerLen64);
  if (headerLen > fileBytes - 8) {
    fail(
      null,
      `header length ${headerLen} is larger than the ${fileBytes - 8} bytes after it (truncated file?)`,
    );
  }
  return headerLen;
}

/** The header's entries, checked against a data section of `dataLen` bytes. */
function parseLayout(
  headerBytes: Uint8Array,
  dataLen: number,
  fileName: string,
): Omit<SafetensorsLayout, "dataStart"> {
  const fail = failIn(fileName);
  const header = parseHeaderJson(headerBytes, fail);
  let metadata: Record<string, string> = {};
  const entries = new Map<string, TensorEntry>();
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      metadata = parseMetadata(value, fail);
      continue;
    }
    entries.set(name, { name, ...parseEntry(name, value, dataLen, fail) });
  }
  checkCoverage([...entries.values()], dataLen, fail);
  return { metadata, entries };
}

function parseHeaderJson(headerBytes: Uint8Array, fail: Fail): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    return fail(null, "header is not valid UTF-8");
  }
  if (!text.startsWith("{")) fail(null, "header does not start with '{'");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return fail(null, `header is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return fail(null, "header is not a JSON object");
  }
  return parsed as Record<string, unknown>;
}

function parseMetadata(value: unknown, fail: Fail): Record<string, string> {
  if (value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    return fail(null, `${METADATA_KEY} must be an object of strings, got ${describe(value)}`);
  }
  const pairs = Object.entries(value as Record<string, unknown>);
  for (const [k, v] of pairs) {
    if (typeof v !== "string") {
      fail(null, `${METADATA_KEY} value '${k}' must be a string, got ${describe(v)}`);
    }
  }
  return Object.fromEntries(pairs) as Record<string, string>;
}

function parseEntry(
  name: string,
  value: unknown,
  dataLen: number,
  fail: Fail,
): { dtype: Dtype; shape: number[]; begin: number; end: number } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail(name, `entry must be an object, got ${describe(value)}`);
  }
  const entry = value as Record<string, unknown>;
  for (const key of Object.keys(entry)) {
    if (!ENTRY_KEYS.has(key)) fail(name, `unknown key '${key}' in entry`);
  }
  for (const key of ENTRY_KEYS) {
    if (!Object.prototype.hasOwnProperty.call(entry, key)) fail(name, `missing '${key}'`);
  }
  const dtype = entry.dtype;
  if (!isDtype(dtype)) {
    return fail(name, `unknown dtype ${describe(dtype)} (supported: ${DTYPES.join(", ")})`);
  }
  const shape = entry.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    return fail(name, `shape must be an array of non-negative integers, got ${describe(shape)}`);
  }
  const offsets = entry.data_offsets;
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
  ) {
    return fail(
      name,
      `data_offsets must be [begin, end] with non-negative integers, got ${describe(offsets)}`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) fail(name, `data offsets [${begin}, ${end}) are inverted`);
  if (end > dataLen) {
    fail(
      name,
      `data offsets [${begin}, ${end}) extend past the end of the ${dataLen}-byte data section`,
    );
  }
  let numel = 1;
  for (const d of shape as number[]) {
    numel *= d;
    if (!Number.isSafeInteger(numel)) fail(name, `shape ${describe(shape)} has too many elements`);
  }
  const expected = numel * ITEM_SIZE[dtype];
  if (end - begin !== expected) {
    fail(
      name,
      `data offsets [${begin}, ${end}) hold ${end - begin} bytes but dtype ${dtype} with shape ` +
        `${describe(shape)} needs ${expected}`,
    );
  }
  return { dtype, shape: (shape as number[]).slice(), begin, end };
}

/** Tensors must tile the data section: sorted by offset, each begins where the last ended. */
function checkCoverage(entries: TensorEntry[], dataLen: number, fail: Fail): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: string | null = null;
  for (const e of sorted) {
    if (e.begin > pos) {
      const after = prev === null ? "the start of the data section" : `tensor '${prev}'`;
      fail(e.name, `gap of ${e.begin - pos} bytes [${pos}, ${e.begin}) after ${after}`);
    }
    if (e.begin < pos) {
      fail(
        e.name,
        `data offsets [${e.begin}, ${e.end}) overlap tensor '${prev}' (which ends at ${pos})`,
      );
    }
    pos = e.end;
    prev = e.name;
  }
  if (pos < dataLen) {
    const where = prev === null ? "in a data section that holds no tensors" : "after this tensor";
    fail(prev, `${dataLen - pos} unused bytes [${pos}, ${dataLen}) ${where}`);
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// ---------------------------------------------------------------------------------------------
// Writer

export type TensorData =
  | Float64Array
  | Float32Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint16Array
  | Uint8Array
  | BigInt64Array;

/** A tensor to write. `data` holds the raw elements: Uint16Array bits for F16/BF16. */
export interface TensorToWrite {
  dtype: Dtype;
  shape: readonly number[];
  data: TensorData;
}

/** Array type accepted for each dtype besides Uint8Array (raw little-endian bytes). */
const DATA_TYPES: Record<Dtype, new (n: number) => TensorData> = {
  F64: Float64Array,
  F32: Float32Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I64: BigInt64Array,
  I32: Int32Array,
  I16: Int16Array,
  I8: Int8Array,
  U8: Uint8Array,
  BOOL: Uint8Array,
};

/**
 * Serialises tensors (sorted by name, packed without gaps) and optional string metadata. The
 * header is padded with spaces so the data section starts at an 8-byte boundary.
 */
export function serializeSafetensors(
  tensors: Record<string, TensorToWrite>,
  metadata?: Record<string, string>,
  fileName = "(in memory)",
): Uint8Array {
  const names = Object.keys(tensors).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const parts: string[] = [];
  if (metadata !== undefined && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") {
        throw new SafetensorsError(fileName, null, `metadata value '${k}' must be a string`);
      }
    }
    parts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    const bytes = tensorBytes(name, t, fileName);
    const entry = {
      dtype: t.dtype,
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes.byteLength],
    };
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(entry)}`);
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const json = new TextEncoder().encode(`{${parts.join(",")}}`);
  const headerLen = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.byteLength, 8 + headerLen);
  let pos = 8 + headerLen;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.byteLength;
  }
  return out;
}

function tensorBytes(name: string, t: TensorToWrite, fileName: string): Uint8Array {
  const fail = (reason: string): never => {
    throw new SafetensorsError(fileName, name, reason);
  };
  if (name === METADATA_KEY) fail(`'${METADATA_KEY}' is reserved for metadata`);
  if (!isDtype(t.dtype)) fail(`unknown dtype ${describe(t.dtype)}`);
  if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`shape must be non-negative integers, got ${describe(t.shape)}`);
  }
  const wanted = DATA_TYPES[t.dtype];
  if (!(t.data instanceof Uint8Array) && !(t.data instanceof wanted)) {
    fail(
      `dtype ${t.dtype} takes a ${wanted.name} or raw Uint8Array bytes, got ${t.data.constructor.name}`,
    );
  }
  const numel = t.shape.reduce((a, b) => a * b, 1);
  const expected = numel * ITEM_SIZE[t.dtype];
  if (t.data.byteLength !== expected) {
    fail(
      `data has ${t.data.byteLength} bytes but dtype ${t.dtype} with shape ${describe(t.shape)} needs ${expected}`,
    );
  }
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** Serialises and writes a safetensors file atomically. */
export function writeSafetensors(
  path: string,
  tensors: Record<string, TensorToWrite>,
  metadata?: Record<string, string>,
): void {
  writeFileAtomic(path, serializeSafetensors(tensors, metadata, path));
}
