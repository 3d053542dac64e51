/**
 * weight-diff as a registered method (src/methods/WEIGHT-DIFF.md): every singular direction of a
 * rank-8 adapter (directions ≥ rank keeps all), the input norm folded in, candidates from the read
 * side, the benign prompts of the top 4 read directions listed.
 */
import { methodEntry } from "./entry.js";
import { runWeightDiff, type WeightDiffSettings } from "./weight-diff-run.js";

export const weightDiffEntry = methodEntry({
  name: "weight-diff",
  kind: "weight-diff",
  fields: {
    directions: { type: "int", min: 1 },
    foldNorm: { type: "boolean" },
    candidateSide: { type: "word", words: ["read", "write"] },
    promptDirections: { type: "int", min: 0 },
  },
  defaults: {
    directions: 64,
    foldNorm: true,
    candidateSide: "read",
    promptDirections: 4,
  } satisfies WeightDiffSettings as WeightDiffSettings,
  run: async (ctx, s: WeightDiffSettings) => ({
    settings: { ...s },
    weightDiff: await runWeightDiff(ctx, s),
  }),
});
