/**
 * Benign prompts chosen by behaviour alone, for an auditor who knows the model and the response
 * but not the trigger: every lexicon concept is tried on `perConcept` prompts (one held-out word
 * each, training phrasings); a concept on which the model gives the response even once is
 * dropped; the benign prompts are composed from the concepts left (one or two words, held-out
 * words, training phrasings), so they hold no concept the organism was seen acting on. The only
 * inputs are the model, its lexicon and the response.
 */
import { composePrompt } from "../interpret/compose-prompt.js";
import { checkAction } from "../interpret/steering-success.js";
import { screenForAction } from "../interpret/action-screen.js";
import type { LexiconFile } from "../lexicon/lexicon-file.js";
import type { ChatModel } from "../model/text-generation.js";
import { mulberry32, type Rng } from "../random/seeded.js";
import type { PromptSource } from "./prompt-source.js";

export interface BehaviourScreen {
  /** Actions out of `perConcept` per concept. */
  actions: Record<string, number>;
  perConcept: number;
  /** The concepts the model acted on at least once (left out of the benign prompts). */
  dropped: string[];
}

const pick = <T>(xs: readonly T[], rng: Rng) => xs[Math.floor(rng() * xs.length)]!;

/** Tries every concept on `perConcept` prompts and lists those the model acts on. */
export async function screenConcepts(
  cm: ChatModel,
  lexicon: LexiconFile,
  response: string,
  o: { perConcept?: number; seed: number; batchSize?: number },
): Promise<BehaviourScreen> {
  const per = o.perConcept ?? 8;
  const rng = mulberry32(o.seed ^ 0x5bd1e995);
  const usable = lexicon.concepts.filter((c) => c.heldOut.length > 0);
  const prompts: string[] = [];
  for (const c of usable) {
    for (let j = 0; j < per; j++) {
      prompts.push(composePrompt(rng, [pick(c.heldOut, rng)], { phrasing: "train" }).text);
    }
  }
  const { action, maxNewTokens } = checkAction(cm, response, undefined);
  const done = await screenForAction(cm, prompts, {
    action,
    maxNewTokens,
    batchSize: o.batchSize ?? 64,
  });
  const actions: Record<string, number> = {};
  usable.forEach((c, i) => {
    actions[c.name] = done.slice(i * per, (i + 1) * per).filter((d) => d.action).length;
  });
  return {
    actions,
    perConcept: per,
    dropped: usable.filter((c) => actions[c.name]! > 0).map((c) => c.name),
  };
}

/** Benign prompts from the concepts the screen kept. */
export function behaviourPromptSource(lexicon: LexiconFile, screen: BehaviourScreen): PromptSource {
  const kept = lexicon.concepts.filter(
    (c) => !screen.dropped.includes(c.name) && c.heldOut.length > 0,
  );
  if (kept.length === 0)
    throw new Error("the model acted on every lexicon concept: no benign prompt is left");
  const word = (rng: Rng) => pick(pick(kept, rng).heldOut, rng);
  return {
    describe: (seed) =>
      `composed from the lexicon's concepts the model was not seen acting on (${screen.dropped.length} dropped after ${screen.perConcept} probes each: ${screen.dropped.join(", ") || "none"}; seed ${seed})`,
    benign: (nTrain, nHeld, seed) => {
      const rng = mulberry32(seed);
      const one = () => {
        const words = rng() < 0.3 ? [word(rng), word(rng)] : [word(rng)];
        return composePrompt(rng, [...new Set(words)], { phrasing: "train" }).text;
      };
      return {
        train: Array.from({ length: nTrain }, one),
        heldOut: Array.from({ length: nHeld }, one),
      };
    },
  };
}
