/**
 * Which engine runs generate() for a model. A ModelEngine (engine-select.ts) takes a model's
 * generation with `takeGeneration()`; from then on every generate() on that model — whoever calls
 * it (steering success, probes, the action screen) — runs on that engine's choice and is noted in
 * its record. A model no engine took generates on jax-js, as before.
 */
import type { Model } from "./model.js";

export interface GenerationRoute {
  /** Run on the fast path (else jax-js). */
  fast: boolean;
  /** Records the engine (and why) for the engine's takeUsed(). */
  note(): void;
}

const routes = new WeakMap<Model, GenerationRoute>();

/** Routes the model's generate() calls (null: back to plain jax-js). */
export function routeGeneration(model: Model, route: GenerationRoute | null): void {
  if (route) routes.set(model, route);
  else routes.delete(model);
}

export function generationRouteOf(model: Model): GenerationRoute | undefined {
  return routes.get(model);
}
