/**
 * Reading a SAE's JSON config and safetensors weights with errors that name the file and the
 * field or tensor (SaeError). Shared by the SAELens and Llama Scope readers.
 */
import { readSafetensors, tensorToFloat32, type SafetensorsFile } from "../io/safetensors.js";
import { SafetensorsError } from "../io/errors.js";
import { readJsonObject as readJsonFileObject } from "../io/json-file.js";
import { JsonFields } from "../io/json-fields.js";
import { HookNameError, parseHookName } from "../model/hooks.js";
import { SaeError, type HostTensor } from "./types.js";

export function readJsonObject(file: string): Record<string, unknown> {
  return readJsonFileObject(file, SaeError);
}

export { show } from "../io/json-fields.js";
export type SaeFields = JsonFields;

/** Typed access to a SAE config object's keys, failing with SaeError. */
export function saeFields(obj: Record<string, unknown>, file: string): SaeFields {
  return new JsonFields(obj, file, SaeError);
}

/** The hook name under `key`, required and one the model knows how to hook (SaeError otherwise). */
export function hookNameField(r: SaeFields, key: string): string {
  const hookName = r.string(key) ?? r.fail(key, "missing");
  try {
    parseHookName(hookName);
  } catch (err) {
    if (err instanceof HookNameError) r.fail(key, err.message);
    throw err;
  }
  return hookName;
}

/** Opens a safetensors file, turning its errors into SaeError naming the same file and tensor. */
export function openWeights(file: string): SafetensorsFile {
  try {
    return readSafetensors(file);
  } catch (err) {
    if (err instanceof SafetensorsError) throw new SaeError(file, err.tensor, err.reason);
    throw err;
  }
}

const FLOAT_DTYPES = new Set(["F32", "F16", "BF16", "F64"]);

/** A float tensor of the expected shape, upcast to float32 (a copy); SaeError otherwise. */
export function takeTensor(
  st: SafetensorsFile,
  file: string,
  name: string,
  shape: readonly number[],
): HostTensor {
  const info = st.tensors.get(name);
  if (!info) {
    const have = [...st.tensors.keys()].join(", ") || "none";
    throw new SaeError(file, name, `missing tensor (file has: ${have})`);
  }
  if (!FLOAT_DTYPES.has(info.dtype)) {
    throw new SaeError(file, name, `dtype ${info.dtype} is not a float type (F32, F16, BF16)`);
  }
  if (info.shape.length !== shape.length || info.shape.some((d, i) => d !== shape[i])) {
    throw new SaeError(file, name, `shape [${info.shape}] but expected [${shape}]`);
  }
  return { shape: [...shape], data: Float32Array.from(tensorToFloat32(info, file)) };
}

/** Rejects tensors the reader does not know (a different architecture or a transcoder). */
export function rejectUnexpected(
  st: SafetensorsFile,
  file: string,
  known: readonly string[],
): void {
  for (const name of st.tensors.keys()) {
    if (!known.includes(name)) {
      throw new SaeError(file, name, `unexpected tensor (expected only ${known.join(", ")})`);
    }
  }
}

/** Common float32 storage dtype of a file's tensors, for the record. */
export function storedDtype(st: SafetensorsFile): string | undefined {
  const dtypes = new Set([...st.tensors.values()].map((t) => t.dtype));
  return dtypes.size === 1 ? [...dtypes][0] : undefined;
}
