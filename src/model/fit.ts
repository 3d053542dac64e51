/**
 * Will a checkpoint fit the device? Decided before any tensor is read, from the checkpoint's
 * catalogue (every tensor's shape; float32 on the device) and the device's limits: the whole
 * model against the memory the device reports (wasm: 4 GiB, less room for activations), and every
 * tensor but the vocabulary matrices (held in parts when too large: vocab-parts.ts) against the
 * largest buffer a kernel can bind (WebGPU's maxStorageBufferBindingSize). The error says what to
 * do instead.
 */
import type { DeviceLimits } from "../engine/device.js";
import type { ModelConfig } from "./config.js";

/** Room kept for activations, gradients and compiled programs beside the weights. */
export const ACTIVATION_HEADROOM_BYTES = 512 * 2 ** 20;

export class ModelTooLargeError extends Error {
  constructor(
    readonly source: string,
    readonly device: string,
    readonly reason: string,
  ) {
    super(`${source}: the model does not fit the ${device} device: ${reason}`);
    this.name = "ModelTooLargeError";
  }
}

export interface CatalogueEntry {
  shape: readonly number[];
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

function float32Bytes(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1) * 4;
}

/** Throws ModelTooLargeError when the model cannot be held by the device; returns the bytes needed. */
export function checkModelFits(
  config: ModelConfig,
  entries: ReadonlyMap<string, CatalogueEntry>,
  limits: DeviceLimits,
  source: string,
): number {
  let total = 0;
  let largest: { name: string; bytes: number } | null = null;
  for (const [name, e] of entries) {
    const bytes = float32Bytes(e.shape);
    total += bytes;
    // Vocabulary matrices ([V, D]: embedding, lm_head) are held in parts when too large.
    const splittable = e.shape.length === 2 && e.shape[0] === config.vocabSize;
    if (!splittable && (!largest || bytes > largest.bytes)) largest = { name, bytes };
  }
  const params = `${config.architecture}, ${config.nLayers} layers, d_model ${config.dModel}`;
  if (limits.memoryBytes !== null && total + ACTIVATION_HEADROOM_BYTES > limits.memoryBytes) {
    const hint = limits.device === "webgpu" ? "" : "; run it with --device webgpu on a GPU";
    throw new ModelTooLargeError(
      source,
      limits.device,
      `its weights take ${gib(total)} as float32 (${params}), and with ${gib(ACTIVATION_HEADROOM_BYTES)} for activations that exceeds the device's ${gib(limits.memoryBytes)}${hint}`,
    );
  }
  const cap = Math.min(limits.maxBindingBytes, limits.maxBufferBytes);
  if (largest && largest.bytes > cap) {
    throw new ModelTooLargeError(
      source,
      limits.device,
      `tensor '${largest.name}' takes ${gib(largest.bytes)} as float32, above the largest buffer a kernel can bind (${gib(cap)})`,
    );
  }
  return total;
}
