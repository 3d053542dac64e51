/**
 * SAE-Attribution as a registered method (docs/methods.md §1): one backward pass ranks the SAE
 * latents by the action's gradient; with `iterations` ≥ 2 and a concept the first ranking names
 * (the audit's `mention`), a second pass on prompts that mention it surfaces the other half of a
 * conjunction. More passes than two are not run.
 */
import { saeAttribution } from "../attribution.js";
import { labelledBatch } from "../losses.js";
import type { AttributionPass, AttributionRanking, MethodContext } from "./context.js";
import { methodEntry } from "./entry.js";

export interface AttributionSettings {
  /** 1: one pass; 2: a second pass with the top concept mentioned. */
  iterations: number;
}

/** SAE-Attribution on the given prompts (one backward pass), the top `keep` latents. */
export async function runAttribution(
  ctx: MethodContext,
  prompts: string[],
  keep = 50,
): Promise<{ loss: number; ranking: AttributionRanking }> {
  const lb = labelledBatch(ctx.tokenizer, prompts, ctx.response, { padId: ctx.padId });
  const r = await saeAttribution(ctx.model, lb, ctx.decoder, ctx.layer, ctx.engine);
  return { loss: r.loss, ranking: r.ranking.slice(0, keep) };
}

async function attributionPasses(ctx: MethodContext, s: AttributionSettings) {
  const first = await runAttribution(ctx, ctx.prompts);
  const passes: AttributionPass[] = [{ addedConcept: null, ...first }];
  if (s.iterations >= 2 && ctx.mention) {
    const mention = await ctx.mention(first.ranking);
    if (mention) {
      const second = await runAttribution(ctx, mention.prompts);
      passes.push({ addedConcept: mention.name, ...second });
    }
  }
  return passes;
}

export const saeAttributionEntry = methodEntry({
  name: "sae-attribution",
  kind: "attribution",
  fields: { iterations: { type: "int", min: 1 } },
  defaults: { iterations: 2 } satisfies AttributionSettings,
  run: async (ctx, s: AttributionSettings) => ({
    settings: { ...s },
    attribution: await attributionPasses(ctx, s),
  }),
});
