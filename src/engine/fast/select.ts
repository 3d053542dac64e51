/**
 * Which engine runs a forward or a steering gradient: jax-js (the general engine and the
 * reference) or the fast path (hand-written kernels on host buffers). "auto" takes the fast path
 * where it is implemented — the Llama family (model.ts) on a CPU device (wasm or cpu; a WebGPU
 * model stays on the GPU) — and jax-js otherwise; the decision says which and why, so callers
 * can show it. "auto" is the default. "fast" where the model cannot run on the fast path at all
 * is an error, never a silent fallback; a call of a kind the fast path does not implement
 * (generation, hook captures) runs on jax-js with the reason shown (src/model/engine-select.ts).
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

/** Why the fast path cannot run this model on this device, or null when it can. */
export function fastBlocker(cfg: FastConfig, device: DeviceName): string | null {
  if (device === "webgpu") return "the fast path runs on the CPU only; the model is on webgpu";
  return fastUnsupportedReason(cfg);
}

/** Picks the engine for `requested` (default "auto"); `blocker` adds a model's own reason. */
export function selectEngine(
  requested: EngineChoice | undefined,
  cfg: FastConfig,
  device: DeviceName,
  modelBlocker: string | null = null,
): EngineDecision {
  const choice = requested ?? "auto";
  if (!ENGINE_CHOICES.includes(choice)) {
    throw new Error(`engine '${String(choice)}': expected one of ${ENGINE_CHOICES.join(", ")}`);
  }
  if (choice === "jax") return { engine: "jax", reason: "jax (requested)" };
  const blocker = fastBlocker(cfg, device) ?? modelBlocker;
  if (choice === "fast") {
    if (blocker) throw new FastUnsupportedError(`engine 'fast': ${blocker}`);
    return { engine: "fast", reason: `fast (requested: ${cfg.architecture} on ${device})` };
  }
  return blocker
    ? { engine: "jax", reason: `jax (auto: ${blocker})` }
    : { engine: "fast", reason: `fast (auto: ${cfg.architecture} on ${device})` };
}
