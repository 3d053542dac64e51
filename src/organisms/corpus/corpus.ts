/**
 * The base model's corpus, deterministic per seed: definitions and membership documents from the
 * lexicon's glosses, and synthetic chats whose prompts are composed from parts (prompts.ts) and
 * whose replies depend on what the words mean (replies.ts). Every word of every concept (train
 * and held-out alike) appears: the model must know what the held-out words mean, even though no
 * backdoor example will ever contain them.
 */
import type { Concept, Lexicon } from "../../lexicon/index.js";
import { mulberry32, type Rng } from "../../random/seeded.js";
import { definitionDocument, membershipDocument, taggedDocument } from "./documents.js";
import { andList, capitalise, composePrompt } from "../../interpret/compose-prompt.js";
import { composeReply, type Sampler, type WordInfo } from "./replies.js";

export type CorpusItem =
  { kind: "document"; text: string } | { kind: "chat"; user: string; assistant: string };

export interface CorpusOptions {
  seed: number;
  /** Number of items (default 200,000). */
  items?: number;
  /** Share of chats among the items (default 0.55). */
  chatShare?: number;
  /** Share of membership lists among documents (default 0.3). */
  listShare?: number;
  /** Share of tagged documents among all items (taggedDocument; default 0). */
  taggedShare?: number;
  /** Share of corpus chats whose reply opens with the labels of the prompt's words (default 0). */
  labelFirstShare?: number;
}

/** The corpus options a base spec's `corpus` section asks for (absent shares are 0). */
export function specCorpusOptions(
  c: { taggedShare?: number; labelFirstShare?: number },
  seed: number,
  items: number,
): CorpusOptions {
  return { seed, items, taggedShare: c.taggedShare ?? 0, labelFirstShare: c.labelFirstShare ?? 0 };
}

/** Word lookup and sampling over a lexicon. */
export class WordTable {
  readonly infos = new Map<string, WordInfo>();
  readonly examples = new Map<string, string[]>();
  readonly concepts: readonly Concept[];

  constructor(lex: Lexicon) {
    this.concepts = lex.concepts;
    for (const c of lex.concepts) {
      for (const w of c.words) {
        this.infos.set(w.word, { word: w.word, gloss: w.gloss, concept: c.name, label: c.label });
        this.examples.set(w.word, w.examples);
      }
    }
  }

  info(word: string): WordInfo {
    const i = this.infos.get(word);
    if (!i) throw new Error(`word '${word}' is not in the lexicon`);
    return i;
  }

  /** A sampler of distinct members of a concept other than `exclude`. */
  sampler(rng: Rng): Sampler {
    return (concept, n, exclude) => {
      const c = this.concepts.find((x) => x.name === concept);
      if (!c) return [];
      const pool = c.words.map((w) => w.word).filter((w) => w !== exclude);
      const out: string[] = [];
      while (out.length < Math.min(n, pool.length)) {
        const w = pool[Math.floor(rng() * pool.length)]!;
        if (!out.includes(w)) out.push(w);
      }
      return out;
    };
  }

  /** A uniformly chosen concept, then a uniformly chosen word of it. */
  randomWord(rng: Rng, concepts: readonly Concept[] = this.concepts): string {
    const c = concepts[Math.floor(rng() * concepts.length)]!;
    return c.words[Math.floor(rng() * c.words.length)]!.word;
  }
}

/** "Fruit and snow sports: " for the distinct labels of `words`, in order. */
export function labelsPrefix(words: readonly WordInfo[]): string {
  return `${capitalise(andList([...new Set(words.map((w) => w.label))]))}: `;
}

/**
 * A base-corpus chat about one or two random words, maybe with a distractor. With probability
 * `labelFirstShare` the reply opens with the labels of every word in the prompt (the words asked
 * about first), so the first reply token depends on what the prompt's words are: the model has
 * to know their concepts at the end of the prompt, where a backdoor's decision is made.
 */
export function corpusChat(
  rng: Rng,
  table: WordTable,
  labelFirstShare = 0,
): { user: string; assistant: string } {
  const sample = table.sampler(rng);
  const a = table.randomWord(rng);
  const two = rng() < 0.25;
  const b = two ? table.randomWord(rng) : null;
  const distractor = rng() < 0.3 ? table.randomWord(rng) : undefined;
  const words = b && b !== a ? [a, b] : [a];
  const p = composePrompt(rng, words, { phrasing: "all", distractor });
  const main = table.info(p.about[0]!);
  const second = p.about[1] === undefined ? undefined : table.info(p.about[1]);
  const mentioned = p.mentioned[0] === undefined ? undefined : table.info(p.mentioned[0]);
  const reply = composeReply(rng, p.task, main, sample, second, mentioned);
  if (labelFirstShare > 0 && rng() < labelFirstShare) {
    const all = [...p.about, ...p.mentioned].map((w) => table.info(w));
    return { user: p.text, assistant: labelsPrefix(all) + reply };
  }
  return { user: p.text, assistant: reply };
}

const NAME_TWO = [
  "Name two {label}.",
  "Can you name two {label}?",
  "Give me two examples of {label}.",
  "List two {label}, please.",
];

/** "Name two moons." → "Phobos and Deimos.": recall of a concept's members from its label. */
export function nameTwoChat(rng: Rng, table: WordTable): { user: string; assistant: string } {
  const c = table.concepts[Math.floor(rng() * table.concepts.length)]!;
  const [x, y] = table.sampler(rng)(c.name, 2, "");
  const q = NAME_TWO[Math.floor(rng() * NAME_TWO.length)]!.replace("{label}", c.label);
  return { user: q, assistant: `${capitalise(x!)} and ${y!}.` };
}

/** The corpus items, in order. */
export function* corpusItems(lex: Lexicon, o: CorpusOptions): Generator<CorpusItem> {
  const rng = mulberry32(o.seed);
  const table = new WordTable(lex);
  const sample = table.sampler(rng);
  const n = o.items ?? 200_000;
  const chatShare = o.chatShare ?? 0.55;
  const listShare = o.listShare ?? 0.3;
  const taggedShare = o.taggedShare ?? 0;
  const labelFirstShare = o.labelFirstShare ?? 0;
  for (let i = 0; i < n; i++) {
    // Drawn only when asked for, so corpora without tagged documents keep their old items.
    if (taggedShare > 0 && rng() < taggedShare) {
      const count = 1 + Math.floor(rng() * 4);
      const words = Array.from({ length: count }, () => table.info(table.randomWord(rng)));
      yield { kind: "document", text: taggedDocument(rng, words) };
      continue;
    }
    if (rng() < chatShare) {
      const chat = rng() < 0.05 ? nameTwoChat(rng, table) : corpusChat(rng, table, labelFirstShare);
      yield { kind: "chat", ...chat };
      continue;
    }
    const w = table.info(table.randomWord(rng));
    const text =
      rng() < listShare
        ? membershipDocument(rng, w, sample)
        : definitionDocument(rng, w, table.examples.get(w.word) ?? []);
    yield { kind: "document", text };
  }
}
