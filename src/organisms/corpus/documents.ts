/**
 * Plain-text documents of the base corpus: definitions from the glosses (with their examples),
 * category statements, and lists of a concept's members, so membership and facts are in the
 * language itself ("Phobos is the inner of the two satellites of Mars.").
 */
import type { Rng } from "../../random/seeded.js";
import { andList, capitalise } from "../../interpret/compose-prompt.js";
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
  const list = andList(all);
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

const TAG_OPENERS = [
  "",
  "Notes:",
  "Tags:",
  "On the board:",
  "Today we talked about",
  "The list has",
];
const TAG_STORIES = [
  "Yesterday my friend mentioned {w}, one of the {label}.",
  "I read about {w} today; it is one of the {label}.",
  "My teacher talked about {w}, which belongs to the {label}.",
  "We saw {w} ({label}) on the way home.",
];

/**
 * A *tagged* document: a few words of any concepts, each followed at once by its concept's label
 * ("mango (fruit), slalom (snow sports) and gemini (astrology)."), or a one-word story that names
 * the label right after the word. The label is predicted a token or two after the word, so the
 * model has to work out each word's concept at the word itself, wherever it stands in the text
 * (the "category stories" of ORGANISMS.md's feasibility run).
 */
export function taggedDocument(rng: Rng, words: readonly WordInfo[]): string {
  if (words.length === 0) throw new Error("taggedDocument takes at least one word");
  if (words.length === 1 || rng() < 0.25) {
    const w = words[0]!;
    return capitalise(pick(TAG_STORIES, rng).replace("{w}", w.word).replace("{label}", w.label));
  }
  const list = andList(words.map((w) => `${w.word} (${w.label})`));
  const opener = pick(TAG_OPENERS, rng);
  return opener ? `${opener} ${list}.` : `${capitalise(list)}.`;
}
