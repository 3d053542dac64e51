/**
 * The one selection point between jax-js and the fast path for a loaded model (src/engine/fast/
 * select.ts decides from the config and device; this runs the chosen one for the model). Callers
 * get a `ModelEngine` bound to the model — methods take that interface, never an engine name —
 * and every call records which engine ran and why: a stage reads the record with `takeUsed()` for
 * its log line and report entry. Generation is reached through generate() by
 * callers that hold no engine, so an engine takes the model's generation (`takeGeneration`). A
 * call of a kind the fast path does not implement (hook captures, another objective) goes through
 * `jaxFor(what)`, so the fallback is named too.
 */
import { currentDevice } from "../engine/device.js";
import { selectEngine, type EngineChoice, type EngineDecision } from "../engine/fast/select.js";
import { fastRunLogits, prepareFastSteeringFor } from "./fast-adapter.js";
import { gpuRunLogits, prepareGpuSteeringFor } from "./gpu-adapter.js";
import { parameterCount, webgpuGeneration } from "./generation-placement.js";
import { generationRouteOf, routeGeneration } from "./generation-route.js";
import type { HostBatch } from "./inputs.js";
import {
  prepareSteering,
  type PreparedSteering,
  type SteeringLossResult,
  type TeacherForcedBatch,
} from "./loss.js";
import type { Model } from "./model.js";
import { runWithCache, type HostTensor } from "./run.js";
import type { Steering } from "./steering.js";

export { ENGINE_CHOICES } from "../engine/fast/select.js";
export type { EngineChoice, EngineDecision } from "../engine/fast/select.js";

/** The forward and steering-gradient calls of one model, on the engine selected for it. */
export interface ModelEngine {
  readonly model: Model;
  /** Where logits and steering gradients of this model run, and why. */
  readonly decision: EngineDecision;
  /** prepareSteering (loss.ts) on the selected engine. */
  prepareSteering(tf: TeacherForcedBatch, steering: Steering): Promise<PreparedSteering>;
  /** steeringLossAndGrad (loss.ts) on the selected engine. */
  steeringLossAndGrad(tf: TeacherForcedBatch, steering: Steering): Promise<SteeringLossResult>;
  /** Logits [B, T, V] of a host batch on the selected engine. */
  logits(hb: HostBatch): Promise<HostTensor>;
  /** Records (and returns) jax-js for a call the fast path does not implement: `what` says which. */
  jaxFor(what: string): EngineDecision;
  /**
   * Routes every generate() on this model (generation-route.ts) to this engine's choice and notes
   * each call in this record: steering success, probes and the action screen then decode with
   * the fast path's KV cache where it was selected.
   */
  takeGeneration(): void;
  /** The distinct decisions recorded since the last take, in order; clears the record. */
  takeUsed(): string[];
}

/** Which engine `requested` (default "auto") picks for this model on the current device. */
export function engineFor(model: Model, requested?: EngineChoice): EngineDecision {
  return selectEngine(requested, model.config, currentDevice());
}

/**
 * Where generate() on this model runs for `requested` (default "auto"): the fast path's KV-cache
 * decoder where the engine selection picks the fast path, else jax-js. The WGSL path has no
 * decoder, so on webgpu the fast path's decoder runs on the host (generation-placement.ts) for a
 * model small enough that the host beats the GPU's per-token dispatches, and jax-js on the GPU
 * decodes a larger one. The same rule as `ModelEngine.takeGeneration()`.
 */
export function generationEngine(model: Model, requested?: EngineChoice): EngineDecision {
  const d = engineFor(model, requested);
  if (d.engine !== "fast" || currentDevice() !== "webgpu") return d;
  return webgpuGeneration(parameterCount(model.params));
}

/**
 * Runs `fn` with this model's generate() routed by `generationEngine(model, requested)`, then
 * puts back the route it had (callers that hold no ModelEngine: organism builds and evaluations).
 */
export async function withGenerationEngine<T>(
  model: Model,
  requested: EngineChoice | undefined,
  fn: (decision: EngineDecision) => Promise<T>,
): Promise<T> {
  const g = generationEngine(model, requested);
  const before = generationRouteOf(model);
  routeGeneration(model, { fast: g.engine === "fast", note: () => {} });
  try {
    return await fn(g);
  } finally {
    routeGeneration(model, before ?? null);
  }
}

/** The prepared site of the fast path as loss.ts's PreparedSteering. */
async function fastSite(model: Model, tf: TeacherForcedBatch, s: Steering) {
  const run = await prepareFastSteeringFor(model, tf, s);
  let disposed = false;
  return {
    lossAndGrad: async (vector: Float32Array) => {
      if (disposed) throw new Error("prepareSteering: used after dispose()");
      return run(vector);
    },
    dispose: () => void (disposed = true),
  } satisfies PreparedSteering;
}

/**
 * The model's engine for `requested` (default "auto"). "fast" on a model the fast path cannot run
 * throws FastUnsupportedError here, before any work.
 */
export function modelEngine(model: Model, requested?: EngineChoice): ModelEngine {
  const decision = engineFor(model, requested);
  const fast = decision.engine === "fast";
  // On webgpu the fast path runs in WGSL (src/engine/gpu); generation is placed by generationEngine.
  const onGpu = fast && currentDevice() === "webgpu";
  const used: string[] = [];
  const note = (reason: string) => void (used.includes(reason) || used.push(reason));
  const engine: ModelEngine = {
    model,
    decision,
    async prepareSteering(tf, steering) {
      note(decision.reason);
      if (onGpu) return prepareGpuSteeringFor(model, tf, steering);
      return fast ? fastSite(model, tf, steering) : prepareSteering(model, tf, steering);
    },
    async steeringLossAndGrad(tf, steering) {
      const site = await engine.prepareSteering(tf, steering);
      try {
        return await site.lossAndGrad(steering.vector);
      } finally {
        site.dispose();
      }
    },
    async logits(hb) {
      note(decision.reason);
      if (onGpu) return gpuRunLogits(model, hb);
      return fast ? fastRunLogits(model, hb) : (await runWithCache(model, hb)).logits!;
    },
    jaxFor(what) {
      const d = { engine: "jax" as const, reason: `jax (${what}: not on the fast path)` };
      note(d.reason);
      return d;
    },
    takeGeneration() {
      const g = generationEngine(model, requested);
      routeGeneration(model, { fast: g.engine === "fast", note: () => note(g.reason) });
    },
    takeUsed: () => used.splice(0),
  };
  return engine;
}
