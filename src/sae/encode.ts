/**
 * Encoding and decoding on device (jax-js arrays), for every architecture:
 *   x' = s·x (− b_dec when applyBDecToInput); pre = x'·W_enc + b_enc
 *   standard: f = relu(pre); jumprelu: f = relu(pre)·[pre > θ] (strict, as SAELens);
 *   topk: f = relu(pre)·[relu(pre) ≥ v_k], v_k the k-th largest relu(pre) of the row (a threshold
 *   mask, differentiable in pre; v_k itself carries no gradient)
 *   x̂ = (f·W_dec + b_dec)/s
 * Every function consumes its array arguments (jax-js ownership); the SAE's arrays are borrowed.
 *
 * Shape legend: N rows (tokens), D d_in, M d_sae.
 */
import { lax, nn, np } from "../engine/jax.js";
import { assertShape } from "../engine/shapes.js";
import type { HostTensor, Sae, SaeConfig } from "./types.js";

export interface DeviceSae {
  config: SaeConfig;
  /** [D, M] */ wEnc: np.Array;
  /** [M, D] */ wDec: np.Array;
  /** [M] */ bEnc: np.Array;
  /** [D] */ bDec: np.Array;
  /** [M] (jumprelu) */ threshold?: np.Array;
  /** Frees the device arrays. */
  dispose(): void;
}

const toDevice = (t: HostTensor): np.Array => np.array(t.data).reshape(t.shape);

/** Puts a SAE's weights on the device. */
export function saeToDevice(sae: Sae): DeviceSae {
  const w = sae.weights;
  const threshold = w.threshold ? toDevice(w.threshold) : undefined;
  const arrays = [toDevice(w.wEnc), toDevice(w.wDec), toDevice(w.bEnc), toDevice(w.bDec)] as const;
  let disposed = false;
  const d: DeviceSae = {
    config: sae.config,
    wEnc: arrays[0],
    wDec: arrays[1],
    bEnc: arrays[2],
    bDec: arrays[3],
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const a of arrays) a.dispose();
      threshold?.dispose();
    },
  };
  if (threshold) d.threshold = threshold;
  return d;
}

/** Throws a ShapeError (disposing x) unless x is [N, width]. */
function checkInput(d: DeviceSae, x: np.Array, what: string, width: number): void {
  try {
    assertShape(x, [null, width], `${what} input of the SAE at ${d.config.hookName}`);
  } catch (e) {
    x.dispose();
    throw e;
  }
}

/** Pre-activations [N, M] of inputs [N, D]. */
export function encodePre(d: DeviceSae, x: np.Array): np.Array {
  checkInput(d, x, "encode", d.config.dIn);
  const s = d.config.activationScale;
  let xin = s === 1 ? x : x.mul(s);
  if (d.config.applyBDecToInput) xin = xin.sub(d.bDec.ref);
  return np.matmul(xin, d.wEnc.ref).add(d.bEnc.ref);
}

/** The activation function applied to pre-activations [N, M]. */
export function activate(d: DeviceSae, pre: np.Array): np.Array {
  const c = d.config;
  switch (c.architecture) {
    case "standard":
      return nn.relu(pre);
    case "jumprelu": {
      if (!d.threshold) throw new Error(`jumprelu SAE at ${c.hookName} has no threshold`);
      const gate = np.greater(pre.ref, d.threshold.ref).astype(np.float32);
      return nn.relu(pre).mul(gate);
    }
    case "topk": {
      const k = c.k!;
      const acts = nn.relu(pre);
      const [values, indices] = lax.topK(lax.stopGradient(acts.ref), k, -1);
      indices.dispose();
      const kth = values.slice([], [k - 1, k]);
      const mask = np.greaterEqual(acts.ref, kth).astype(np.float32);
      return acts.mul(mask);
    }
  }
}

/** Feature activations f [N, M] of inputs x [N, D]. */
export function encode(d: DeviceSae, x: np.Array): np.Array {
  return activate(d, encodePre(d, x));
}

/** Reconstruction x̂ [N, D] of feature activations f [N, M]. */
export function decode(d: DeviceSae, f: np.Array): np.Array {
  checkInput(d, f, "decode", d.config.dSae);
  const out = np.matmul(f, d.wDec.ref).add(d.bDec.ref);
  const s = d.config.activationScale;
  return s === 1 ? out : out.div(s);
}

/** Encodes and decodes: f and x̂ (both owned by the caller). */
export function reconstruct(
  d: DeviceSae,
  x: np.Array,
): { features: np.Array; reconstruction: np.Array } {
  const features = encode(d, x);
  return { features, reconstruction: decode(d, features.ref) };
}

async function readBack(x: np.Array): Promise<HostTensor> {
  const shape = x.shape.slice();
  const data = (await x.data()) as Float32Array;
  return { shape, data: data instanceof Float32Array ? data : Float32Array.from(data) };
}

/** Rows are padded up to a multiple of this inside encodeHost. */
const ROW_BUCKET = 512;

/**
 * Host in, host out: features [N, M] and reconstruction [N, D] of x [N, D]. Rows are padded
 * (zeros) to a multiple of 512 on the device and cut off again: every distinct shape compiles
 * kernels that stay cached and grow wasm memory, so varying N (tokens per batch) would exhaust
 * it over a long labelling run (src/engine/NOTES.md).
 */
export async function encodeHost(
  d: DeviceSae,
  x: HostTensor,
): Promise<{ features: HostTensor; reconstruction: HostTensor }> {
  const [n, width] = x.shape as [number, number];
  const padded = Math.max(ROW_BUCKET, Math.ceil(n / ROW_BUCKET) * ROW_BUCKET);
  let data = x.data;
  if (x.shape.length === 2 && padded !== n) {
    data = new Float32Array(padded * width);
    data.set(x.data);
  }
  const shape = x.shape.length === 2 ? [padded, width] : x.shape;
  const r = reconstruct(d, np.array(data).reshape(shape));
  const features = await readBack(r.features);
  const reconstruction = await readBack(r.reconstruction);
  if (padded === n || x.shape.length !== 2) return { features, reconstruction };
  const m = features.shape[1]!;
  return {
    features: { shape: [n, m], data: features.data.slice(0, n * m) },
    reconstruction: { shape: [n, width], data: reconstruction.data.slice(0, n * width) },
  };
}
