/**
 * The selection point between jax-js and the fast path for a loaded model (src/engine/fast/
 * select.ts decides; this runs the chosen one). Opt-in: without an engine, or with "jax", the
 * jax-js path runs exactly as before. Each result says which engine ran and why, for callers to
 * show (`--engine`). Nothing in the audit or the methods calls this yet.
 */
import { currentDevice } from "../engine/device.js";
import { selectEngine, type EngineChoice, type EngineDecision } from "../engine/fast/select.js";
import { fastRunLogits, fastSteeringLossAndGrad } from "./fast-adapter.js";
import type { HostBatch } from "./inputs.js";
import { steeringLossAndGrad, type SteeringLossResult, type TeacherForcedBatch } from "./loss.js";
import type { Model } from "./model.js";
import { runWithCache, type HostTensor } from "./run.js";
import type { Steering } from "./steering.js";

export type { EngineChoice, EngineDecision } from "../engine/fast/select.js";

/** Which engine `requested` (default "jax") picks for this model on the current device. */
export function engineFor(model: Model, requested?: EngineChoice): EngineDecision {
  return selectEngine(requested, model.config, currentDevice());
}

/** Logits [B, T, V] of a batch on the selected engine. */
export async function logitsOn(
  model: Model,
  hb: HostBatch,
  requested?: EngineChoice,
): Promise<{ logits: HostTensor; engine: EngineDecision }> {
  const engine = engineFor(model, requested);
  if (engine.engine === "fast") return { logits: await fastRunLogits(model, hb), engine };
  return { logits: (await runWithCache(model, hb)).logits!, engine };
}

/** steeringLossAndGrad (loss.ts) on the selected engine. */
export async function steeringLossAndGradOn(
  model: Model,
  tf: TeacherForcedBatch,
  steering: Steering,
  requested?: EngineChoice,
): Promise<SteeringLossResult & { engine: EngineDecision }> {
  const engine = engineFor(model, requested);
  const r =
    engine.engine === "fast"
      ? await fastSteeringLossAndGrad(model, tf, steering)
      : await steeringLossAndGrad(model, tf, steering);
  return { ...r, engine };
}
