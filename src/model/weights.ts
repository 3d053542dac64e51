/**
 * Checking a checkpoint against an architecture and turning it into device parameters. The check
 * lists every missing, unexpected and mis-shaped tensor by name and refuses to build.
 */
import { currentDevice, deviceLimits } from "../engine/device.js";
import { np, tree } from "../engine/jax.js";
import { settleUploads } from "../engine/uploads.js";
import { HostPool, withHostPool } from "../io/host-pool.js";
import { dims } from "../engine/shapes.js";
import { rowsPerPart, splitRowsHost } from "./vocab-parts.js";
import { archSpec } from "./arch/registry.js";
import { buildHostParams, type HostParams } from "./arch/spec.js";
import type { ModelConfig } from "./config.js";
import {
  storedMatrix,
  transposeHost,
  transposeLater,
  type HostTensor,
  type LayerParams,
  type ModelParams,
  type NormParams,
} from "./params.js";

export class WeightMismatchError extends Error {
  constructor(
    readonly source: string,
    readonly missing: string[],
    readonly unexpected: string[],
    readonly misShaped: { name: string; expected: number[]; actual: number[] }[],
  ) {
    const parts: string[] = [];
    if (missing.length) parts.push(`missing tensors: ${missing.join(", ")}`);
    if (unexpected.length) parts.push(`unexpected tensors: ${unexpected.join(", ")}`);
    if (misShaped.length) {
      parts.push(
        `mis-shaped tensors: ${misShaped
          .map((m) => `${m.name} is [${m.actual.join(",")}], expected [${m.expected.join(",")}]`)
          .join("; ")}`,
      );
    }
    super(`${source}: the weights do not fit the config: ${parts.join(" | ")}`);
    this.name = "WeightMismatchError";
  }
}

/** Checks the checkpoint's tensor names and shapes against the architecture (no data needed). */
export function checkShapes(
  config: ModelConfig,
  shapes: ReadonlyMap<string, { shape: number[] }>,
  source: string,
): void {
  const spec = archSpec(config.architecture);
  const names = new Set(shapes.keys());
  const expected = spec.expected(config, names);
  const missing: string[] = [];
  const misShaped: { name: string; expected: number[]; actual: number[] }[] = [];
  for (const [name, shape] of expected) {
    const t = shapes.get(name);
    if (!t) missing.push(name);
    else if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
      misShaped.push({ name, expected: shape, actual: t.shape });
    }
  }
  const unexpected = [...names].filter((n) => !expected.has(n) && !spec.ignorable(config, n));
  if (missing.length || unexpected.length || misShaped.length) {
    throw new WeightMismatchError(source, missing.sort(), unexpected.sort(), misShaped);
  }
}

/** Checks names and shapes and builds the host parameter tree (no device arrays yet). */
export function checkWeights(
  config: ModelConfig,
  tensors: ReadonlyMap<string, HostTensor>,
  source: string,
): HostParams {
  checkShapes(config, tensors, source);
  const spec = archSpec(config.architecture);
  return buildHostParams(spec, config, (name) => tensors.get(name)!, new Set(tensors.keys()));
}

/** Tensors read one at a time (io/weight-source.ts's WeightSource, or any such catalogue). */
export interface TensorStream {
  entries: ReadonlyMap<string, { shape: number[]; byteLength: number }>;
  read(name: string): HostTensor;
}

/** A checked stream: the top-level parameters on the device, then one layer per call. */
interface StreamPlan {
  params: ModelParams;
  nextLayer(i: number): LayerParams;
  done(): void;
}

function planStream(
  config: ModelConfig,
  stream: TensorStream,
  source: string,
  onBytes: ((done: number, total: number) => void) | undefined,
  maxPartBytes: number,
): StreamPlan {
  checkShapes(config, stream.entries, source);
  const spec = archSpec(config.architecture);
  const names = new Set(stream.entries.keys());
  let total = 0;
  for (const e of stream.entries.values()) total += e.byteLength;
  let done = 0;
  const read = new Set<string>();
  const get = (name: string): HostTensor => {
    const t = stream.read(name);
    if (!read.has(name)) {
      read.add(name);
      done += stream.entries.get(name)!.byteLength;
      onBytes?.(done, total);
    }
    return t;
  };
  // Each layer's host arrays are recycled once the device has its copy (io/host-pool.ts). The
  // top (embedding, unembedding) has shapes no layer shares: its arrays are not kept.
  const pool = new HostPool();
  const pooled = <T>(build: () => T): T => {
    const out = withHostPool(pool, build);
    pool.recycle();
    return out;
  };
  return {
    params: paramsToDevice({ ...spec.buildTop(config, get, names), layers: [] }, maxPartBytes),
    nextLayer: (i) => pooled(() => layerToDevice(spec.buildLayer(config, i, get, names))),
    done: () => onBytes?.(total, total),
  };
}

/**
 * Checks, then builds the device parameters one layer at a time straight from the stream: the
 * host holds one layer's tensors (or the embedding) at once, never the whole checkpoint.
 * `onBytes(done, total)` reports stored bytes read so far.
 */
export function streamParamsToDevice(
  config: ModelConfig,
  stream: TensorStream,
  source: string,
  onBytes?: (done: number, total: number) => void,
  maxPartBytes = deviceLimits().maxBindingBytes,
): ModelParams {
  const plan = planStream(config, stream, source, onBytes, maxPartBytes);
  try {
    for (let i = 0; i < config.nLayers; i++) plan.params.layers.push(plan.nextLayer(i));
  } catch (err) {
    tree.dispose(plan.params);
    throw err;
  }
  plan.done();
  return plan.params;
}

/**
 * The same, waiting after each layer until the device has taken it (engine/uploads.ts): on
 * WebGPU the upload staging then never holds more than about a layer beside the weights.
 */
export async function streamParamsToDeviceSettled(
  config: ModelConfig,
  stream: TensorStream,
  source: string,
  onBytes?: (done: number, total: number) => void,
  maxPartBytes = deviceLimits().maxBindingBytes,
): Promise<ModelParams> {
  const plan = planStream(config, stream, source, onBytes, maxPartBytes);
  try {
    // The GPU transposes of each layer's weights are submitted as they are made (toDevice), so
    // waiting for the queue also waits for them.
    await settleUploads();
    for (let i = 0; i < config.nLayers; i++) {
      plan.params.layers.push(plan.nextLayer(i));
      await settleUploads();
    }
  } catch (err) {
    tree.dispose(plan.params);
    throw err;
  }
  plan.done();
  return plan.params;
}

/**
 * A host tensor on the device. One left transposed (params.ts `transposeLater`) is transposed on
 * the GPU under WebGPU: uploaded as stored, then copied through its transposed view (`mul(1)`,
 * exact) into a buffer of its own, so no program transposes it again on every call. Elsewhere the
 * host transposes it, as the wasm backend would.
 *
 * The copy is submitted at once (`gpuBufferSync` on a second reference: it dispatches the array's
 * pending kernel without reading anything back). jax-js runs kernels lazily, and a pending kernel
 * keeps its input alive: left to the first forward, a synchronous load held every stored matrix
 * beside its transpose, twice the linear weights on the device (and in host memory, where the
 * Vulkan driver keeps buffers there). Submitted, the stored matrix is freed (or reused by the next
 * layer's upload of the same shape) once the GPU has copied it.
 */
function toDevice(t: HostTensor): np.Array {
  if (!t.transposed) return np.array(t.data).reshape(t.shape);
  const stored = storedMatrix(t);
  if (currentDevice() !== "webgpu") {
    const h = transposeHost(stored);
    return np.array(h.data).reshape(h.shape);
  }
  const out = np.array(stored.data).reshape(stored.shape).transpose().mul(1);
  out.ref.gpuBufferSync();
  return out;
}

function normToDevice(n: { w: HostTensor; b?: HostTensor }): NormParams {
  return n.b ? { w: toDevice(n.w), b: toDevice(n.b) } : { w: toDevice(n.w) };
}

function layerToDevice(layer: HostParams["layers"][number]): LayerParams {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(layer)) {
    out[key] = "data" in value ? toDevice(value as HostTensor) : normToDevice(value);
  }
  return out as LayerParams;
}

/**
 * Moves a host parameter tree to the default device. A vocabulary matrix larger than
 * `maxPartBytes` as float32 (default: the device's largest bindable buffer) is held in parts:
 * the embedding by rows, an untied unembedding by columns (vocab-parts.ts).
 */
export function paramsToDevice(
  host: HostParams,
  maxPartBytes = deviceLimits().maxBindingBytes,
): ModelParams {
  const layers = host.layers.map(layerToDevice);
  const params: ModelParams = {
    embed: vocabToDevice(host.embed, maxPartBytes),
    layers,
    lnFinal: normToDevice(host.lnFinal),
  };
  if (host.posEmbed) params.posEmbed = toDevice(host.posEmbed);
  if (host.unembed) params.unembed = vocabToDevice(host.unembed, maxPartBytes);
  return params;
}

/**
 * A [V, D] vocabulary matrix as stored, in row parts when it is larger than `maxBytes`: the
 * embedding, or lm_head left transposed (the unembedding [D, V], whose column parts are then the
 * stored rows, each part transposed like the whole).
 */
function vocabToDevice(t: HostTensor, maxBytes: number): np.Array | np.Array[] {
  if (t.data.byteLength <= maxBytes) return toDevice(t);
  const stored = storedMatrix(t);
  const [rows, cols] = dims(stored, 2, "host matrix");
  const parts = splitRowsHost(stored, rowsPerPart(rows, cols * 4, maxBytes));
  return parts.map((p) => toDevice(t.transposed ? transposeLater(p) : p));
}
