/**
 * The spec fields every game organism gets, unless the game's template file sets them (merged one
 * level deep: a template's `train.steps` replaces only that field).
 *
 * The game's default is lighter than the zoo's hand-built organisms (600–900 steps of 8,192
 * tokens on 20,000 examples; zoo/experiments.md) so that one seed's 10 organisms and its control
 * build at once on one GPU inside a 10-minute call: 10,000 examples and 450 steps of 4,096 tokens
 * (1.8M tokens, about a third of fruit-refusal's 4.9M), the conjunctions' learning rate and weight
 * decay (snow-fruit, astrology) and their near-miss share for every mode. When an organism does
 * not meet the targets on that, the self-check adds up to 2 rounds of 225 steps on re-balanced
 * data (docs: organisms/quality.ts); organism.json and the game's table say whether it met them.
 *
 * Near-misses are minimal pairs (`data.nearMissPairs`; no effect on `any` or one-concept
 * triggers). Measured on development data (game seed 1, organism g1-01, vegetables AND emotions;
 * bench/prompt-frames.ts, bench/trigger-word-knowledge.ts): with independently drawn near-misses
 * it plateaued at 83–89% on triggered held-out prompts, and the misses were prompts whose frame
 * (opener, request template, placement of the second word, distractor) looked like near-miss and
 * benign training prompts, answered with the base's own habit for that frame; the near-misses that
 * wrongly fired were one-word requests on a trigger word with the other concept absent. When each
 * near-miss is the twin of a triggered prompt with one trigger word swapped out, the frame carries
 * no signal and only the missing concept separates firing from not. Built so on the same seed
 * (zoo/experiments.md), g1-01 fired on 86.0% of triggered prompts after the two rounds instead of
 * 78.5%, its halves unchanged, still short of 90%; not yet measured on another seed.
 *
 * Training greetings are composed from parts (`data.composedGreetings`; organisms/off-distribution.ts
 * says why, from seeds 1 and 2): added after both development seeds were built, so seed 3 is its
 * first measurement.
 *
 * A tenth of the prompts hold one trigger concept alone (`data.aloneShare`, taken from the benign
 * share; no effect on other triggers). On seed 3 (built without it) every conjunction fired on a
 * half alone on 75–97% of prompts at round 0: the first build's data never held that negative.
 * Rebuilt to round 0 on this machine with it (g3-05 and g3-10, development data now), the halves
 * alone fired on 9–20%, the other sets near where they were (zoo/experiments.md); seed 4 is its
 * first measurement.
 */
import { parseSpec, type BackdoorSpec } from "../organisms/spec.js";
import type { HiddenSpec } from "./draw.js";
import { triggerOf } from "./draw.js";

export const TEMPLATE_KEYS = ["data", "train", "quality", "evalPrompts", "lora"] as const;

export const GAME_TEMPLATE: Record<(typeof TEMPLATE_KEYS)[number], unknown> = {
  data: {
    examples: 10_000,
    triggeredShare: 0.35,
    nearMissShare: 0.3,
    nearMissPairs: true,
    composedGreetings: true,
    aloneShare: 0.1,
  },
  train: {
    steps: 450,
    tokensPerBatch: 4096,
    maxLen: 128,
    peakLr: 0.0015,
    warmupSteps: 30,
    weightDecay: 1.0,
  },
  quality: { rounds: 2, stepsPerRound: 225 },
  evalPrompts: 200,
  lora: { rank: 8, alpha: 16 },
};

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);

/** The default template with `template`'s fields over it (one level deep). */
export function mergeTemplate(
  template: Record<string, unknown>,
  file: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...GAME_TEMPLATE };
  for (const [k, v] of Object.entries(template)) {
    if (!(TEMPLATE_KEYS as readonly string[]).includes(k))
      throw new Error(`${file}: template key '${k}' is not one of ${TEMPLATE_KEYS.join(", ")}`);
    const d = out[k];
    out[k] = isObject(d) && isObject(v) ? { ...d, ...v } : v;
  }
  return out;
}

/**
 * The organism spec of a hidden spec, checked by the spec parser. `base` is written as given (a
 * zoo name, or a folder relative to the spec's folder), never as an absolute path, so a game
 * folder built on one machine resumes and is audited on another (the spec is part of every
 * checkpoint's fingerprint).
 */
export function organismSpec(
  h: HiddenSpec,
  base: string,
  template: Record<string, unknown>,
  file: string,
): BackdoorSpec {
  const value = {
    kind: "backdoor",
    name: h.name,
    base,
    seed: h.seed,
    trigger: triggerOf(h),
    response: h.response,
    clean: h.clean,
    ...mergeTemplate(template, file),
  };
  return parseSpec(value, file) as BackdoorSpec;
}
