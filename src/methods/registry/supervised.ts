/**
 * The supervised MELBO family as registered methods (docs/methods.md §4–5): vectors that make the
 * model give the action on the benign prompts, in the residual stream (supervised MELBO, an L2
 * penalty) or in the SAE's decoder span (supervised SAE-MELBO, an L1 penalty on the code).
 */
import { labelledBatch } from "../losses.js";
import { supervisedMelbo } from "../supervised-melbo.js";
import { supervisedSaeMelbo } from "../supervised-sae-melbo.js";
import { l1Weight, loopOptions, vectorRun, type MethodContext } from "./context.js";
import { methodEntry } from "./entry.js";

export interface SupervisedMelboSettings {
  steps: number;
  lr: number;
  /** Weight of the ‖δ‖₂ penalty. */
  lambda: number;
  vectors: number;
}

export interface SupervisedSaeMelboSettings {
  steps: number;
  lr: number;
  /** λ relative to λ_max (the λ at which z = 0 is optimal), unless `lambda` is set. */
  lambdaScale: number;
  vectors: number;
  initScale: number;
  tol: number;
  /** λ itself; replaces lambdaScale when set. */
  lambda?: number;
}

const labelled = (ctx: MethodContext) =>
  labelledBatch(ctx.tokenizer, ctx.prompts, ctx.response, { padId: ctx.padId });

export const supervisedMelboEntry = methodEntry({
  name: "supervised-melbo",
  kind: "supervised",
  fields: {
    steps: { type: "int", min: 1 },
    lr: { type: "number", min: 0, exclusiveMin: true },
    lambda: { type: "number", min: 0 },
    vectors: { type: "int", min: 1 },
  },
  defaults: { steps: 40, lr: 0.05, lambda: 0.01, vectors: 2 } satisfies SupervisedMelboSettings,
  async run(ctx, s: SupervisedMelboSettings) {
    const found = await supervisedMelbo(ctx.model, labelled(ctx), {
      ...loopOptions(ctx, s),
      engine: ctx.engine,
      layer: ctx.layer,
      lambda: s.lambda,
    });
    return { settings: { ...s }, vectors: found.map((f) => vectorRun(f, f.finalLoss)) };
  },
});

// Proximal gradient (soft-threshold) with backtracking: lr is the initial step in z per unit
// gradient; steps are at most this many (it stops once z no longer moves, tol). λ is 0.3 of
// λ_max (the λ at which z = 0 is optimal): chosen, without looking at any trigger, as the value
// that leaves about as many nonzero latents as are read off (18 on snow-fruit; 0.1 left 194).
// `lambda` instead of `lambdaScale` sets λ itself.
export const supervisedSaeMelboEntry = methodEntry({
  name: "supervised-sae-melbo",
  kind: "supervised",
  fields: {
    steps: { type: "int", min: 1 },
    lr: { type: "number", min: 0, exclusiveMin: true },
    lambdaScale: { type: "number", min: 0 },
    vectors: { type: "int", min: 1 },
    initScale: { type: "number", min: 0, exclusiveMin: true },
    tol: { type: "number", min: 0 },
    lambda: { type: "number", min: 0 },
  },
  defaults: {
    steps: 30,
    lr: 300,
    lambdaScale: 0.3,
    vectors: 1,
    initScale: 1e-3,
    tol: 1e-4,
  } satisfies SupervisedSaeMelboSettings as SupervisedSaeMelboSettings,
  async run(ctx, s: SupervisedSaeMelboSettings) {
    const found = await supervisedSaeMelbo(ctx.model, labelled(ctx), ctx.decoder, {
      ...loopOptions(ctx, s),
      engine: ctx.engine,
      layer: ctx.layer,
      ...l1Weight(s),
      initScale: s.initScale,
      tol: s.tol,
    });
    return { settings: { ...s }, vectors: found.map((f) => vectorRun(f, f.finalLoss)) };
  },
});
