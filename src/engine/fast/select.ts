/**
 * Which engine runs a forward or a steering gradient: jax-js (the general engine and the
 * reference) or the fast path (hand-written kernels: on host buffers on a CPU device, in WGSL on
 * the GPU — src/engine/gpu — on webgpu). "auto" takes the fast path where it is implemented and
 * the default — the Llama family (model.ts) on a CPU device (wasm or cpu) — and jax-js otherwise;
 * on webgpu the fast path is opt-in ("fast"), so "auto" keeps jax-js there. The decision says
 * which and why, so callers can show it. "auto" is the default. "fast" where the model cannot run
 * on the fast path at all is an error, never a silent fallback; a call of a kind the fast path
 * does not implement (generation on the GPU, hook captures) runs on jax-js with the reason shown
 * (src/model/engine-select.ts).
 */
import type { DeviceName } from "../device.js";
import { FastUnsupportedError, fastUnsupportedReason, type FastConfig } from "./model.js";

export const ENGINE_CHOICES = ["jax", "fast", "auto"] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

export interface EngineDecision {
  engine: "jax" | "fast";
  /** One line for people, e.g. "fast (auto: llama on wasm)". */
  reason: string;
}

/** Why "auto" leaves a webgpu model on jax-js. */
export const GPU_OPT_IN =
  "the fast path on webgpu is opt-in (--engine fast) until verified on real GPUs";

/** Why the fast path cannot run this model (on any device), or null when it can. */
export function fastBlocker(cfg: FastConfig): string | null {
  return fastUnsupportedReason(cfg);
}

/** Where the fast path's kernels run on `device`, for decisions' reasons. */
function kernelsOn(device: DeviceName): string {
  return device === "webgpu" ? "webgpu, WGSL kernels" : device;
}

/** Picks the engine for `requested` (default "auto"). */
export function selectEngine(
  requested: EngineChoice | undefined,
  cfg: FastConfig,
  device: DeviceName,
): EngineDecision {
  const choice = requested ?? "auto";
  if (!ENGINE_CHOICES.includes(choice)) {
    throw new Error(`engine '${String(choice)}': expected one of ${ENGINE_CHOICES.join(", ")}`);
  }
  if (choice === "jax") return { engine: "jax", reason: "jax (requested)" };
  const blocker = fastBlocker(cfg);
  const on = `${cfg.architecture} on ${kernelsOn(device)}`;
  if (choice === "fast") {
    if (blocker) throw new FastUnsupportedError(`engine 'fast': ${blocker}`);
    return { engine: "fast", reason: `fast (requested: ${on})` };
  }
  if (blocker) return { engine: "jax", reason: `jax (auto: ${blocker})` };
  if (device === "webgpu") return { engine: "jax", reason: `jax (auto: ${GPU_OPT_IN})` };
  return { engine: "fast", reason: `fast (auto: ${on})` };
}
