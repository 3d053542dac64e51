/**
 * SAE-Attribution's second pass, as the audit supplies it (conjunctive triggers): the top
 * labelled latent of the first ranking names a concept (a lexicon concept; else the concept of the
 * top latents with an explanation), and every benign prompt gets a sentence mentioning one of its
 * words (seeded).
 */
import type { AttributionRanking, Mention } from "../methods/registry/index.js";
import type { ChatModel } from "../model/text-generation.js";
import { DISTRACTORS } from "../interpret/prompt-phrases.js";
import { mulberry32 } from "../random/seeded.js";
import { explainedConcept } from "./explanations.js";
import type { AuditInputs } from "./inputs.js";
import { CANDIDATE_DEPTH } from "./stage.js";

/** Latent AUROC from which a latent names a lexicon concept for the next attribution pass. */
const ITERATE_AUROC = 0.7;

/** The prompts with a sentence mentioning one of `words` (seeded), for the next attribution pass. */
function withMention(prompts: string[], words: string[], seed: number): string[] {
  const rng = mulberry32(seed);
  return prompts.map((p) => {
    const w = words[Math.floor(rng() * words.length)]!;
    const sentence = DISTRACTORS[Math.floor(rng() * DISTRACTORS.length)]!.replace("{c}", w);
    return `${sentence} ${p}`;
  });
}

/** The concept the ranking's top labelled latents name, with its words, or null. */
async function mentionedConcept(
  cm: ChatModel,
  inputs: AuditInputs,
  labels: NonNullable<AuditInputs["labels"]>,
  ranking: AttributionRanking,
): Promise<{ name: string; words: string[] } | null> {
  const byIndex = new Map(labels.latents.map((l) => [l.index, l]));
  const depth = ranking.slice(0, CANDIDATE_DEPTH);
  const top = depth
    .map((r) => byIndex.get(r.index))
    .find((l) => l?.concept && (l.auroc ?? 0) >= ITERATE_AUROC);
  const concept = inputs.lexicon?.concepts.find((c) => c.name === top?.concept);
  if (concept) return { name: concept.name, words: [...concept.train, ...concept.heldOut] };
  return explainedConcept(
    cm,
    inputs.sae,
    labels,
    depth.map((r) => r.index),
    inputs.seed,
  );
}

/** The `mention` hook of SAE-Attribution's context; none without latent labels. */
export function attributionMention(
  cm: ChatModel,
  inputs: AuditInputs,
): ((ranking: AttributionRanking) => Promise<Mention | null>) | undefined {
  const labels = inputs.labels;
  if (!labels) return undefined;
  return async (ranking) => {
    const c = await mentionedConcept(cm, inputs, labels, ranking);
    return c && { name: c.name, prompts: withMention(inputs.trainPrompts, c.words, inputs.seed) };
  };
}
