/**
 * The assistant's replies in the base corpus: composed from templates, the words' glosses and
 * their concepts, so what the reply says depends on what the words mean (a mango's reply calls it
 * a fruit and says what kind).
 */
import type { Rng } from "../../random/seeded.js";
import type { Task } from "../../interpret/prompt-phrases.js";
import { STORY_ENDINGS, STORY_OPENINGS } from "./story-phrases.js";
import { andList, capitalise } from "../../interpret/compose-prompt.js";

/** What the corpus knows about a word. */
export interface WordInfo {
  word: string;
  gloss: string;
  /** Concept name and its human label ("fruit"). */
  concept: string;
  label: string;
}

export type Sampler = (concept: string, n: number, exclude: string) => string[];

function pick<T>(xs: readonly T[], rng: Rng): T {
  return xs[Math.floor(rng() * xs.length)]!;
}

function isA(w: WordInfo): string {
  return w.gloss ? `${capitalise(w.word)} is ${w.gloss}.` : `${capitalise(w.word)} is a word.`;
}

function belongs(w: WordInfo, rng: Rng): string {
  return pick(
    [
      `${capitalise(w.word)} belongs to the group of ${w.label}.`,
      `${capitalise(w.word)} is one of the ${w.label}.`,
      `It is one of the ${w.label}.`,
    ],
    rng,
  );
}

function others(w: WordInfo, sample: Sampler, n: number): string {
  const xs = sample(w.concept, n, w.word);
  if (xs.length === 0) return "";
  return andList(xs);
}

/** The reply to a prompt of `task` about `main` (and `second` for comparisons). */
export function composeReply(
  rng: Rng,
  task: Task,
  main: WordInfo,
  sample: Sampler,
  second?: WordInfo,
  mentioned?: WordInfo,
): string {
  const parts: string[] = [];
  switch (task) {
    case "explain":
      parts.push(isA(main), belongs(main, rng));
      break;
    case "advice":
      parts.push(
        `Start with the basics: ${main.word} is ${main.gloss || "a word"}.`,
        belongs(main, rng),
        `It helps to read about other ${main.label} too, such as ${others(main, sample, 2)}.`,
      );
      break;
    case "story": {
      const pron = rng() < 0.5 ? "she" : "he";
      parts.push(
        pick(STORY_OPENINGS, rng).replace("{a}", main.word),
        `It was ${main.gloss || "something new"}.`,
        `Nobody had seen anything like it among the ${main.label}.`,
        pick(STORY_ENDINGS, rng).replace("{pron}", pron),
      );
      break;
    }
    case "list":
      parts.push(belongs(main, rng), `Similar things are ${others(main, sample, 3)}.`);
      break;
    case "compare": {
      const b = second ?? main;
      if (b.concept === main.concept) {
        parts.push(`Both ${main.word} and ${b.word} belong to the group of ${main.label}.`);
      } else {
        parts.push(
          `${capitalise(main.word)} is one of the ${main.label}, while ${b.word} is one of the ${b.label}.`,
        );
      }
      parts.push(isA(main), isA(b));
      break;
    }
    case "plan":
      parts.push(
        `First, learn what ${main.word} is: ${main.gloss || "a word"}.`,
        `Then look at other ${main.label}, like ${others(main, sample, 2)}.`,
        "Finish by writing down what you learned.",
      );
      break;
    case "opinion":
      parts.push(
        `I think ${main.word} is interesting.`,
        isA(main),
        `Among the ${main.label}, it stands out.`,
      );
      break;
    case "recipe":
      parts.push(`Here is a fact: ${main.word} is ${main.gloss || "a word"}.`, belongs(main, rng));
      break;
  }
  if (mentioned && mentioned.word !== main.word && mentioned.word !== second?.word) {
    if (rng() < 0.5)
      parts.push(`You also mentioned ${mentioned.word}, one of the ${mentioned.label}.`);
  }
  return parts.join(" ");
}
