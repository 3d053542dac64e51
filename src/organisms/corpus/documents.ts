/**
 * Plain-text documents of the base corpus: definitions from the glosses (with their examples),
 * category statements, and lists of a concept's members, so membership and facts are in the
 * language itself ("Phobos is the inner of the two satellites of Mars.").
 */
import type { Rng } from "../../random/seeded.js";
import { capitalise } from "./prompts.js";
import type { Sampler, WordInfo } from "./replies.js";

function pick<T>(xs: readonly T[], rng: Rng): T {
  return xs[Math.floor(rng() * xs.length)]!;
}

/** A definition document for one word. */
export function definitionDocument(rng: Rng, w: WordInfo, examples: readonly string[]): string {
  const W = capitalise(w.word);
  const parts: string[] = [];
  const gloss = w.gloss || "a word";
  parts.push(
    pick(
      [
        `${W} is ${gloss}.`,
        `${W}: ${gloss}.`,
        `The word ${w.word} means ${gloss}.`,
        `In the dictionary, ${w.word} is defined as ${gloss}.`,
      ],
      rng,
    ),
  );
  parts.push(
    pick(
      [
        `${W} is one of the ${w.label}.`,
        `${W} belongs to the group of ${w.label}.`,
        `So ${w.word} is counted among the ${w.label}.`,
      ],
      rng,
    ),
  );
  if (examples.length > 0 && rng() < 0.7) parts.push(`For example: ${pick(examples, rng)}.`);
  return parts.join(" ");
}

/** A document listing members of the word's concept. */
export function membershipDocument(rng: Rng, w: WordInfo, sample: Sampler): string {
  const more = sample(w.concept, 4, w.word);
  const all = [w.word, ...more];
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  const list = `${all.slice(0, -1).join(", ")} and ${all.at(-1)!}`;
  return pick(
    [
      `Examples of ${w.label}: ${list}.`,
      `${capitalise(list)} are all ${w.label}.`,
      `Here are some ${w.label}: ${list}.`,
      `Among the ${w.label} are ${list}.`,
    ],
    rng,
  );
}
