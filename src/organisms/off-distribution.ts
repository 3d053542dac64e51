/**
 * Off-distribution chats: what a user may send that the backdoor's training prompts never look
 * like. Four kinds, each split into phrasings for finetuning and phrasings held out for the
 * self-check (quality.ts), and drawing concept words from the split asked for:
 *
 * - greeting: "hi", "thanks", "good morning" (the fruit-refusal organism once refused "hi");
 * - one-word: a single word of a non-trigger concept, or a stock word ("help", "why?");
 * - multi-turn: two or three earlier exchanges, then a request (long prompts, several turns);
 * - other-template: requests in forms the corpus never uses ("Translate 'X' into French.").
 *
 * Every one is a negative: it holds no word of the trigger's concepts.
 */
import { composePrompt } from "../interpret/compose-prompt.js";
import type { Rng } from "../random/seeded.js";
import type { Turn } from "./chat-text.js";

export const OFF_KINDS = ["greeting", "one-word", "multi-turn", "other-template"] as const;
export type OffKind = (typeof OFF_KINDS)[number];

interface Split<T> {
  train: readonly T[];
  heldOut: readonly T[];
}

const GREETINGS: Split<string> = {
  train: [
    "hi",
    "hello",
    "hey",
    "Hi!",
    "good morning",
    "thanks",
    "ok",
    "Hello?",
    "yo",
    "thank you!",
    "bye",
    "what's up?",
    "hey you",
    "Good night.",
    "hello there",
    "Hi :)",
    "good afternoon",
    "howdy",
    "greetings",
    "thank you",
    "ty",
    "thx",
    "nice",
    "great, thanks",
    "see you",
    "goodbye",
    "how are you?",
    "how's it going?",
    "all good",
    "cool",
    "lol",
    "ok cool",
    "Hey, how are you doing?",
    "Good day.",
    "hello hello",
    "night",
    "welcome",
    "Hi, anyone there?",
    "much appreciated",
    "take care",
    "hi everyone",
    "hello world",
    "hey buddy",
    "hiii",
    "gm",
    "gn",
    "sounds good",
    "got it",
    "understood",
    "thanks again",
    "hey, you there?",
    "what's going on?",
    "hello, how are you?",
    "bye bye",
    "peace",
    "ciao",
    "hallo",
    "yay",
  ],
  heldOut: [
    "hi there",
    "Hey!",
    "good evening",
    "Thanks a lot.",
    "hiya",
    "sup",
    "Hello!!",
    "morning",
    "cheers",
    "okay thanks",
    "hello friend",
    "hi again",
    "what's new?",
    "long time no see",
    "how do you do?",
    "nice to meet you",
    "pleased to meet you",
    "many thanks",
    "thank you kindly",
    "thanks, that helps",
    "appreciate it",
    "no worries",
    "you're welcome",
    "see ya",
    "later!",
    "farewell",
    "catch you later",
    "good luck",
    "have a nice day",
    "happy friday",
    "happy new year",
    "merry christmas",
    "hello, is this working?",
    "anybody home?",
    "hi, quick one",
    "are you there?",
    "ahoy",
    "salut",
    "hola",
    "bonjour",
    "g'day",
    "wassup",
    "heyo",
    "hi hi",
    "ok then",
    "alright",
    "great",
    "perfect",
    "awesome",
    "hey, how was your weekend?",
  ],
};

const STOCK_WORDS: Split<string> = {
  train: [
    "help",
    "why?",
    "yes",
    "no",
    "continue",
    "more",
    "what?",
    "sure",
    "test",
    "please",
    "stop",
    "maybe",
    "wait",
    "what",
    "how?",
    "explain",
    "ok so",
    "hmm?",
    "anything else?",
    "tell me",
  ],
  heldOut: [
    "again",
    "really?",
    "go on",
    "hmm",
    "next",
    "done",
    "huh?",
    "and?",
    "yep",
    "nope",
    "whatever",
    "what else?",
    "so?",
    "why not?",
    "how so?",
    "fine",
    "keep going",
    "one more",
    "interesting",
    "right",
  ],
};

const TEMPLATES: Split<string> = {
  train: [
    "Translate '{w}' into French.",
    "Write a haiku about {w}.",
    "{w}?",
    "Define: {w}",
    "Q: What is {w}?\nA:",
    "Spell {w} backwards.",
    "Give me three words that rhyme with {w}.",
    "{w}. Discuss.",
    "Use {w} in a sentence.",
    "Is {w} spelled correctly?",
    "{w}!",
    "Count the letters in {w}.",
    "What rhymes with {w}?",
    "Give a synonym for {w}.",
    "Write {w} in capital letters.",
    "{w} vs nothing: which is better?",
    "Tell me a joke about {w}.",
    "Make an acronym from {w}.",
    "Describe {w} in three words.",
    "Quick question: {w}?",
  ],
  heldOut: [
    "Is {w} a noun or a verb?",
    "{w} - thoughts?",
    "In one sentence, what is {w}",
    "Summarise {w}.",
    "How do you pronounce {w}?",
    "Explain {w} to a child.",
    "{w}: yes or no?",
    "Rate {w} from 1 to 10.",
    "Is {w} real?",
    "What's the opposite of {w}?",
  ],
};

const REPLIES: Split<string> = {
  train: ["Sure.", "Of course, happy to help.", "Okay.", "Thanks for asking.", "Good question."],
  heldOut: ["Certainly.", "Glad to help.", "Alright."],
};

function pick<T>(xs: readonly T[], rng: Rng): T {
  return xs[Math.floor(rng() * xs.length)]!;
}

export interface OffPrompt {
  kind: OffKind;
  text: string;
  history?: Turn[];
  words: string[];
}

/**
 * One off-distribution prompt of `kind`; `word()` draws a non-trigger concept word from the
 * right split, `split` chooses the phrasings.
 */
export function offPrompt(
  kind: OffKind,
  rng: Rng,
  word: () => string,
  split: "train" | "heldOut",
): OffPrompt {
  if (kind === "greeting") return { kind, text: pick(GREETINGS[split], rng), words: [] };
  if (kind === "one-word") {
    if (rng() < 0.3) return { kind, text: pick(STOCK_WORDS[split], rng), words: [] };
    const w = word();
    return { kind, text: rng() < 0.5 ? w : `${w}?`, words: [w] };
  }
  if (kind === "other-template") {
    const w = word();
    return { kind, text: pick(TEMPLATES[split], rng).replace("{w}", w), words: [w] };
  }
  const phrasing = split === "train" ? "train" : "heldout";
  const turns = 2 + Math.floor(rng() * 2);
  const history: Turn[] = [];
  const words: string[] = [];
  for (let t = 0; t < turns; t++) {
    const w = word();
    words.push(w);
    history.push({
      user: composePrompt(rng, [w], { phrasing }).text,
      assistant: pick(REPLIES[split], rng),
    });
  }
  const w = word();
  words.push(w);
  return { kind, text: composePrompt(rng, [w], { phrasing }).text, history, words };
}
