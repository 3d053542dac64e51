/**
 * Saving a model folder in bf16: float32 weights rounded to nearest-even bfloat16 (half the bytes
 * of the zoo's float32 base). The loader upcasts bf16 to float32, so what is evaluated after the
 * build — loaded back from this file — is exactly what ships.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../io/atomic.js";
import { writeSafetensors, type TensorToWrite } from "../../io/safetensors.js";
import type { ModelConfig } from "../../model/config.js";
import { writeModelDir } from "../../model/export.js";
import type { HostTensor } from "../../model/params.js";

/** bfloat16 bits of each float32, rounded to nearest, ties to even (NaN kept quiet). */
export function toBf16Bits(x: Float32Array): Uint16Array {
  const u = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const out = new Uint16Array(x.length);
  for (let i = 0; i < u.length; i++) {
    const v = u[i]!;
    if ((v & 0x7f800000) === 0x7f800000 && (v & 0x7fffff) !== 0) {
      out[i] = (v >>> 16) | 0x40;
      continue;
    }
    out[i] = (v + 0x7fff + ((v >>> 16) & 1)) >>> 16;
  }
  return out;
}

/** Writes config.json and model.safetensors (BF16) for `tensors`; torch_dtype says bfloat16. */
export function writeBf16ModelDir(
  dir: string,
  cfg: ModelConfig,
  tensors: ReadonlyMap<string, HostTensor>,
  metadata: Record<string, string>,
): void {
  writeModelDir(dir, cfg, new Map(), metadata);
  const record: Record<string, TensorToWrite> = {};
  for (const [name, t] of tensors)
    record[name] = { dtype: "BF16", shape: t.shape, data: toBf16Bits(t.data) };
  writeSafetensors(join(dir, "model.safetensors"), record, { format: "pt", ...metadata });
  const cfgPath = join(dir, "config.json");
  const json = JSON.parse(readFileSync(cfgPath, "utf8")) as Record<string, unknown>;
  writeFileAtomic(cfgPath, JSON.stringify({ ...json, torch_dtype: "bfloat16" }, null, 2) + "\n");
}
