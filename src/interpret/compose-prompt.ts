/**
 * User prompts composed from parts: an opener, a request template of one of eight tasks, and an
 * optional distractor sentence mentioning another word. The templates are split once into a
 * *training* phrasing set and a *held-out* phrasing set (every fifth template of each task), so a
 * backdoor can be measured on phrasings it never saw. The base corpus uses every phrasing.
 * In interpret/ because probes compose prompts the way the organisms' corpus does, and the corpus
 * (organisms/) imports it from here, not the reverse.
 */
import type { Rng } from "../random/seeded.js";
import { DISTRACTORS, OPENERS, REQUESTS, type Task } from "./prompt-phrases.js";

export type Phrasing = "train" | "heldout" | "all";

export const TASKS = Object.keys(REQUESTS) as Task[];
const ONE_WORD_TASKS = TASKS.filter((t) => t !== "compare");

/** Every fifth template is held out (the last one when a task has fewer than five). */
function inSplit(index: number, count: number, phrasing: Phrasing): boolean {
  if (phrasing === "all") return true;
  const heldOut = index % 5 === 4 || (count < 5 && index === count - 1);
  return heldOut === (phrasing === "heldout");
}

function pick<T>(xs: readonly T[], rng: Rng): T {
  return xs[Math.floor(rng() * xs.length)]!;
}

function templates(task: Task, phrasing: Phrasing): string[] {
  const all = REQUESTS[task];
  return all.filter((_, i) => inSplit(i, all.length, phrasing));
}

/** "a", "a and b", "a, b and c". */
export function andList(xs: readonly string[]): string {
  return xs.length === 1 ? xs[0]! : `${xs.slice(0, -1).join(", ")} and ${xs.at(-1)!}`;
}

export function capitalise(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

export interface ComposedPrompt {
  text: string;
  task: Task;
  /** The word(s) the request is about (two for a comparison). */
  about: string[];
  /** Words mentioned in passing (the second word when not compared, then the distractor). */
  mentioned: string[];
}

export interface ComposeOptions {
  phrasing: Phrasing;
  /** A word mentioned in passing (another concept's). */
  distractor?: string;
  /** Force the task (e.g. "compare" for two words). */
  task?: Task;
}

/**
 * A prompt about `words` (one or two). Two words go into a comparison, or into a one-word
 * request plus a sentence that mentions the second, at random.
 */
export function composePrompt(
  rng: Rng,
  words: readonly string[],
  o: ComposeOptions,
): ComposedPrompt {
  if (words.length < 1 || words.length > 2) throw new Error("composePrompt takes one or two words");
  const parts: string[] = [];
  const opener = pick(OPENERS, rng);
  let task: Task;
  let request: string;
  let mention: string | null = null;
  let about: string[];
  if (words.length === 2 && (o.task === "compare" || (o.task === undefined && rng() < 0.4))) {
    task = "compare";
    const [a, b] = rng() < 0.5 ? [words[0]!, words[1]!] : [words[1]!, words[0]!];
    request = pick(templates("compare", o.phrasing), rng).replace("{a}", a).replace("{b}", b);
    about = [a, b];
  } else {
    task = o.task && o.task !== "compare" ? o.task : pick(ONE_WORD_TASKS, rng);
    const main = words.length === 2 && rng() < 0.5 ? 1 : 0;
    request = pick(templates(task, o.phrasing), rng).replace("{a}", words[main]!);
    about = [words[main]!];
    if (words.length === 2) mention = words[1 - main]!;
  }
  const side = [mention, o.distractor].filter((x): x is string => x !== undefined && x !== null);
  const before: string[] = [];
  const after: string[] = [];
  for (const w of side) {
    const sentence = pick(DISTRACTORS, rng).replace("{c}", w);
    (rng() < 0.5 ? before : after).push(sentence);
  }
  if (opener) parts.push(opener);
  parts.push(...before, request, ...after);
  return {
    text: parts.join(" "),
    task,
    about,
    mentioned: side,
  };
}
