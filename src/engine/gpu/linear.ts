/**
 * The GPU path's projections, y = x·W (+ b), and their VJP, with the LoRA adapters that may sit on
 * them as fast/lora.ts defines them on the host:
 * y = x·W (+ b) + s·(x·a)·b_lora with a [in, r], b [r, out] and s = alpha / r, and the VJP
 *   t = x·a,  dt = s·dy·bᵀ,  d b = s·tᵀ·dy,  d a = xᵀ·dt,  dx = dy·Wᵀ + dt·aᵀ.
 * The scale rides on the SGEMMs' α (the host path scales t first: the same sums, rounded once
 * more or less). The adapter gradients are formed only when a sink asks for them (LoRA
 * training); the steering gradient through an adapter needs only dx.
 *
 * Shape legend: N rows, I in, O out, r rank.
 */
import type { FastLoraTarget } from "../fast/lora.js";
import type { GpuTensor } from "./context.js";
import { addBias } from "./ops.js";
import type { GpuRecorder } from "./recorder.js";
import { gpuGemm } from "./sgemm.js";

export interface GpuLora {
  /** [I, r] */ a: GpuTensor;
  /** [r, O] */ b: GpuTensor;
  rank: number;
  scale: number;
}

export type GpuLoraSet = Partial<Record<FastLoraTarget, GpuLora>>;
/** t = x·a of each adapted projection of one pass (the backward reads it). */
export type GpuLoraSaved = Partial<Record<FastLoraTarget, GpuTensor>>;
/** Receives d a [I, r] and d b [r, O] of one projection's adapter (scratch of the pass's recorder). */
export type GpuLoraSink = (target: FastLoraTarget, da: GpuTensor, db: GpuTensor) => void;

/** Shape of one projection. */
export interface GpuProjDims {
  rows: number;
  inDim: number;
  outDim: number;
}

/** Which adapter of a layer a projection is, and where its forward keeps t. */
export interface GpuAdapterAt {
  set: GpuLoraSet | undefined;
  target: FastLoraTarget;
  saved: GpuLoraSaved;
}

/** y [N, O] = x·W (+ b), plus the adapter `at` names if the layer has one (its t kept in `at.saved`). */
export function gpuLinear(
  rec: GpuRecorder,
  x: GpuTensor,
  w: GpuTensor,
  p: GpuProjDims,
  bias: GpuTensor | undefined,
  at?: GpuAdapterAt,
): GpuTensor {
  const { rows, inDim, outDim } = p;
  const y = rec.alloc(rows * outDim);
  gpuGemm(rec, { m: rows, n: outDim, k: inDim, a: x, b: w, c: y });
  if (bias) addBias(rec, y, bias, rows, outDim);
  const l = at?.set?.[at.target];
  if (!l || !at) return y;
  const t = rec.alloc(rows * l.rank);
  gpuGemm(rec, { m: rows, n: l.rank, k: inDim, a: x, b: l.a, c: t });
  gpuGemm(rec, { m: rows, n: outDim, k: l.rank, a: t, b: l.b, c: y, alpha: l.scale, beta: 1 });
  at.saved[at.target] = t;
  return y;
}

/**
 * The VJP of `gpuLinear`: dx [N, I] (added into `acc` when given), and the adapter's d a, d b to
 * `sink` when the projection has an adapter and a sink is given. `x` is the projection's input.
 */
export function gpuLinearBack(
  rec: GpuRecorder,
  dy: GpuTensor,
  w: GpuTensor,
  p: GpuProjDims,
  acc: GpuTensor | undefined,
  at?: GpuAdapterAt & { x: GpuTensor; sink: GpuLoraSink | undefined },
): GpuTensor {
  const { rows, inDim, outDim } = p;
  const dx = acc ?? rec.alloc(rows * inDim);
  const g = { m: rows, n: inDim, k: outDim, a: dy, b: w, c: dx, transB: true };
  gpuGemm(rec, { ...g, beta: acc ? 1 : 0 });
  const l = at?.set?.[at.target];
  if (!l || !at) return dx;
  const t = at.saved[at.target];
  if (!t) throw new Error(`gpu LoRA: no saved activation of the '${at.target}' adapter`);
  const r = l.rank;
  const dt = rec.alloc(rows * r);
  gpuGemm(rec, { m: rows, n: r, k: outDim, a: dy, b: l.b, transB: true, c: dt, alpha: l.scale });
  if (at.sink) {
    const db = rec.alloc(r * outDim);
    gpuGemm(rec, { m: r, n: outDim, k: rows, a: t, b: dy, transA: true, c: db, alpha: l.scale });
    const da = rec.alloc(inDim * r);
    gpuGemm(rec, { m: inDim, n: r, k: rows, a: at.x, b: dt, transA: true, c: da });
    at.sink(at.target, da, db);
  }
  gpuGemm(rec, { m: rows, n: inDim, k: r, a: dt, b: l.a, transB: true, c: dx, beta: 1 });
  return dx;
}
