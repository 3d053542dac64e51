/**
 * A steering gradient over a batch too large for one pass, in chunks of rows.
 *
 * A gradient pass keeps every later layer's activations for its backward: about 4·(20·D + 20·F +
 * 4·H·T) bytes per token per layer after the steered one (bench:grad-memory measured 0.198 MiB at
 * D 512, F 2048 on the wasm backend, which this formula gives within 2%). SAE-Attribution on a
 * Llama-3.1-8B-sized model at 16 prompts × ~55 tokens steers at layer 16: 16 layers × 1.5 MiB × 880
 * tokens ≈ 21 GiB of activations beside the 30 GiB of weights, and an H200 ran out of memory. Above
 * a budget the batch is split into chunks of rows run one after the other: the response loss is a
 * token mean, so the whole batch's loss is the chunks' losses weighted by their response-token
 * counts, and so is its gradient (per-row vectors' gradients are each chunk's rows). A batch under
 * the budget runs in one pass, exactly as before.
 *
 * Shape legend: B rows, T tokens, D d_model, F d_mlp, H heads.
 */
import type { ModelConfig } from "./config.js";
import type { HostBatch } from "./inputs.js";

/** Default activation budget of one pass: WebGPU devices hold more than wasm's 4 GiB memory. */
export function defaultActivationBudget(device: string): number {
  return device === "webgpu" ? 8 * 2 ** 30 : 1 * 2 ** 30;
}

/** Estimated bytes a gradient pass keeps per token per layer after the steered one. */
export function activationBytesPerToken(cfg: ModelConfig, seqLen: number): number {
  return 4 * (20 * cfg.dModel + 20 * cfg.dMlp + 4 * cfg.nHeads * seqLen);
}

/** Rows per chunk so one pass stays under `budget` bytes (at least one row; all rows if it fits). */
export function rowsPerChunk(
  cfg: ModelConfig,
  layer: number,
  b: number,
  t: number,
  budget: number,
) {
  const layersAfter = Math.max(1, cfg.nLayers - 1 - layer);
  const perRow = activationBytesPerToken(cfg, t) * t * layersAfter;
  return Math.max(1, Math.min(b, Math.floor(budget / perRow)));
}

/** Rows [start, end) of a batch (same T, same left padding). */
export function sliceBatch(hb: HostBatch, start: number, end: number): HostBatch {
  const t = hb.seqLen;
  return {
    batch: end - start,
    seqLen: t,
    ids: hb.ids.slice(start * t, end * t),
    mask: hb.mask.slice(start * t, end * t),
    positions: hb.positions.slice(start * t, end * t),
    pads: hb.pads.slice(start, end),
  };
}

/** Rows [start, end) of a per-position array [B*T] (or of per-row vectors [B*D] with width D). */
export function sliceRows<A extends Uint8Array | Float32Array>(
  a: A,
  width: number,
  start: number,
  end: number,
): A {
  return a.slice(start * width, end * width) as A;
}

/**
 * The chunks' row ranges: as few chunks as `rows` allows, as even as they can be (16 rows at 5
 * a chunk run as 4, 4, 4, 4, not 5, 5, 5, 1). jax-js's WebGPU backend keeps freed buffers by size
 * and never returns them, so every distinct chunk shape adds its activations to the device's
 * memory for good (bench/results/real-size-audit/README.md); even chunks share one or two shapes.
 */
export function chunkRanges(b: number, rows: number): [number, number][] {
  const chunks = Math.ceil(b / Math.max(1, rows));
  const out: [number, number][] = [];
  let start = 0;
  for (let c = 0; c < chunks; c++) {
    const end = start + Math.ceil((b - start) / (chunks - c));
    out.push([start, end]);
    start = end;
  }
  return out;
}

/** Response tokens in a response mask (each is one term of the token mean). */
export function responseCount(responseMask: Uint8Array): number {
  let n = 0;
  for (const x of responseMask) n += x ? 1 : 0;
  return n;
}
