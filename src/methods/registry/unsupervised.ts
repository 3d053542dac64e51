/**
 * The unsupervised MELBO family as registered methods (docs/methods.md §2–3): vectors of norm R
 * that move the activations `targetLayerOffset` layers later most, never seeing the action; in the
 * residual stream (MELBO) or the SAE's decoder span (SAE-MELBO, an L1 penalty on the code). R is
 * calibrated on the prompts unless set; the target layer and R used are recorded with the settings.
 */
import { calibrateR } from "../calibrate.js";
import { unsupervisedMelbo } from "../melbo.js";
import { promptBatch, type PromptBatch } from "../prompt-batch.js";
import { unsupervisedSaeMelbo } from "../sae-melbo.js";
import { l1Weight, loopOptions, vectorRun, type MethodContext } from "./context.js";
import { methodEntry } from "./entry.js";
import type { RecordedSettings, SettingFields } from "./settings.js";

export interface MelboSettings {
  steps: number;
  lr: number;
  vectors: number;
  /** The layer compared at, this many after the steering layer (clamped to the last layer). */
  targetLayerOffset: number;
  /** The norm of δ, or "calibrate" to choose it from the prompts (calibrate.ts). */
  R: number | "calibrate";
}

export interface SaeMelboSettings extends MelboSettings {
  /** λ relative to ‖∂objective/∂z‖∞ at the start, unless `lambda` is set. */
  lambdaScale: number;
  /** λ itself; replaces lambdaScale when set. */
  lambda?: number;
}

const MELBO_FIELDS: SettingFields<MelboSettings> = {
  steps: { type: "int", min: 1 },
  lr: { type: "number", min: 0, exclusiveMin: true },
  vectors: { type: "int", min: 1 },
  targetLayerOffset: { type: "int", min: 1 },
  R: { type: "number-or-word", word: "calibrate", exclusiveMin: 0 },
};

/** What both methods run with: the prompts, the target layer, R, and the settings to record. */
async function unsupervisedSetup(
  method: string,
  ctx: MethodContext,
  s: MelboSettings,
): Promise<{ pb: PromptBatch; targetLayer: number; R: number; recorded: RecordedSettings }> {
  ctx.engine.jaxFor(`${method}'s objective (activations at a later layer)`);
  const nLayers = ctx.model.config.nLayers;
  const targetLayer = Math.min(nLayers - 1, ctx.layer + s.targetLayerOffset);
  if (targetLayer <= ctx.layer)
    throw new Error(
      `${method}: no layer after the source layer ${ctx.layer} to compare at (the model has ${nLayers})`,
    );
  const pb = promptBatch(ctx.tokenizer, ctx.prompts, { padId: ctx.padId });
  const recorded: RecordedSettings = { ...s, targetLayer };
  if (s.R !== "calibrate") return { pb, targetLayer, R: s.R, recorded };
  const cal = await calibrateR(ctx.model, pb, {
    sourceLayer: ctx.layer,
    targetLayer,
    seed: ctx.seed,
  });
  recorded.R = cal.R;
  recorded.calibratedRatio = cal.ratioAtR;
  return { pb, targetLayer, R: cal.R, recorded };
}

export const melboEntry = methodEntry({
  name: "melbo",
  kind: "unsupervised",
  fields: MELBO_FIELDS,
  defaults: {
    steps: 60,
    lr: 0.01,
    vectors: 2,
    targetLayerOffset: 2,
    R: "calibrate",
  } satisfies MelboSettings as MelboSettings,
  async run(ctx, s: MelboSettings) {
    const { pb, targetLayer, R, recorded } = await unsupervisedSetup("melbo", ctx, s);
    const found = await unsupervisedMelbo(ctx.model, pb, {
      ...loopOptions(ctx, s),
      sourceLayer: ctx.layer,
      targetLayer,
      R,
    });
    return { settings: recorded, vectors: found.map((f) => vectorRun(f, f.finalObjective)) };
  },
});

// Projected proximal ascent (sae-melbo.ts): lr is the first step relative to ‖z‖₂; λ is 2 of
// ‖∂objective/∂z‖∞ at the start. On snow-fruit (not looking at which latents came up): 0.3 left
// 1,814 of 2,048 latents nonzero, 1 left 988, 2 left 171 (and 1 on vector 1), 3 left one.
export const saeMelboEntry = methodEntry({
  name: "sae-melbo",
  kind: "unsupervised",
  fields: {
    steps: MELBO_FIELDS.steps,
    lr: MELBO_FIELDS.lr,
    lambdaScale: { type: "number", min: 0 },
    vectors: MELBO_FIELDS.vectors,
    targetLayerOffset: MELBO_FIELDS.targetLayerOffset,
    R: MELBO_FIELDS.R,
    lambda: { type: "number", min: 0 },
  },
  defaults: {
    steps: 60,
    lr: 0.1,
    lambdaScale: 2,
    vectors: 2,
    targetLayerOffset: 2,
    R: "calibrate",
  } satisfies SaeMelboSettings as SaeMelboSettings,
  async run(ctx, s: SaeMelboSettings) {
    const { pb, targetLayer, R, recorded } = await unsupervisedSetup("sae-melbo", ctx, s);
    const found = await unsupervisedSaeMelbo(ctx.model, pb, ctx.decoder, {
      ...loopOptions(ctx, s),
      sourceLayer: ctx.layer,
      targetLayer,
      R,
      ...l1Weight(s),
    });
    return { settings: recorded, vectors: found.map((f) => vectorRun(f, f.finalObjective)) };
  },
});
