/**
 * Candidate trigger concepts from the top latents of one or more methods (docs/methods.md "Reading and
 * testing the result", step 1), built without any knowledge of the trigger:
 *
 * - A latent whose label names a lexicon concept with AUROC ≥ `minAuroc` (default 0.7) gives the
 *   candidate {name: that concept, words: the concept's train + held-out words}.
 * - A latent without such a concept but with a free-text explanation (a public SAE's label, a
 *   sentence) gives, when `explain` is given and maps the explanation to WordNet
 *   (sentence-concepts.ts; its first concept is used), {name: the explanation's phrase, words: the
 *   synset closure's words, synsets}. Latents whose explanations map to the same synsets are one
 *   candidate (keyed by the synset ids, named after the phrase of the first latent listed;
 *   " (wordnet)" is added to a name another candidate already has).
 * - A latent without a concept or an explanation whose usable top words are mostly (more than
 *   half, and at least two) the words of one lexicon concept *is* that concept seen again: it
 *   merges into that concept's candidate (and makes it one if no labelled latent did), so the
 *   same concept is never probed twice under two names (`merged` says which latents merged).
 *   So does one whose first `nameWords` top words (those it is named after) spell a concept's
 *   name ("foods", "body"/"part": labelConcept).
 * - Any other latent gives {name: "latent 123: w1/w2/w3", words: its top words}, keeping only
 *   alphabetic words (letters, with inner hyphens, apostrophes or single spaces: "natal chart")
 *   of at least `minWordLength` letters (default 3), lower-cased, without duplicates. A latent left with no word gives no candidate
 *   (a warning says so).
 *
 * Merging and order (the rule): candidates with the same name are one candidate (a concept found
 * by several latents or several methods); its `bestRank` is the smallest 1-based position any of
 * its latents has in any method's list. Lexicon-concept and explanation candidates come first (a
 * latent whose activation a concept predicts, or that an explainer described, is a readable
 * hypothesis; a bag of top words is a weaker one), each group ordered by bestRank ascending, then
 * by the
 * number of methods that list them (more first), then by the best |score| among their latents
 * (larger first), then by name; the first `max` (default 4) are kept.
 *
 * A bag of top words tests what the kept readable candidates do not: its words that are members of
 * a kept concept or explanation candidate are dropped (that concept's own probes test them), and it is renamed
 * after the words left; a bag left empty is no candidate (a warning says so). Without this a bag
 * such as "shark, coco plum, plum" fires on its fruit words and reads as a second trigger beside
 * fruit.
 */
import type { LexiconFile } from "../lexicon/lexicon-file.js";
import { InterpretInputError, inRange, positiveInt, rejectUnknownKeys } from "./errors.js";
import type { RankedLatent } from "./latents.js";
import { probeWords } from "./probe-words.js";
import type { SentenceConcept } from "./sentence-concepts.js";

export interface MethodRanking {
  /** The method's name, e.g. "attribution", "supervised-sae-melbo/v0". */
  method: string;
  /** Its ranked latents, best first (with labels attached). */
  latents: RankedLatent[];
}

export interface CandidateSource {
  method: string;
  /** 1-based position in the method's list. */
  rank: number;
  latent: number;
  score: number;
}

export interface Candidate {
  name: string;
  /** Words to build probe prompts from. */
  words: string[];
  /** The lexicon concept, when the candidate is one. */
  concept?: string;
  /** WordNet synsets (data.noun offsets), when the candidate comes from explanations. */
  synsets?: number[];
  bestRank: number;
  /** Every (method, latent) that points at this candidate. */
  sources: CandidateSource[];
  /** Found by a behaviour screen rather than a method: its prompts acted on, of n. */
  screened?: { actions: number; n: number };
}

export interface CandidateOptions {
  /** The base model's lexicon (lexicon.json), for concept words. */
  lexicon: LexiconFile;
  /** Default 0.7. */
  minAuroc?: number;
  /** Keep this many candidates (default 4). */
  max?: number;
  /** Default 3. */
  minWordLength?: number;
  /** Latent candidates are named after this many of their words (default 3). */
  nameWords?: number;
  /** Maps a latent's explanation (and its top words) to concepts: sentence-concepts.ts. */
  explain?: (explanation: string, topWords: readonly string[]) => readonly SentenceConcept[];
}

const KEYS = ["lexicon", "minAuroc", "max", "minWordLength", "nameWords", "explain"];

export interface CandidateList {
  candidates: Candidate[];
  /** Things that were skipped, in words (a latent without usable words, an unknown concept). */
  warnings: string[];
  /** Latents merged into a lexicon concept by their top words, in words. */
  merged: string[];
}

interface Draft extends Candidate {
  methods: Set<string>;
  bestScore: number;
}

/** A lexicon concept or an explanation's WordNet concept (not a bag of top words). */
const readable = (c: Candidate) => c.concept !== undefined || c.synsets !== undefined;

/** What one latent points at: the draft key, its name and words, and concept or synsets. */
interface Target {
  key: string;
  name: string;
  words: string[];
  concept?: string;
  synsets?: number[];
}

/** The resolved options a latent is read with. */
interface ReadOptions {
  concepts: Map<string, LexiconFile["concepts"][number]>;
  /** Every lexicon word (lower-cased) and the concepts it belongs to. */
  wordConcepts: Map<string, string[]>;
  merged: string[];
  minAuroc: number;
  minWordLength: number;
  nameWords: number;
  explain?: CandidateOptions["explain"];
}

export function buildCandidates(
  lists: readonly MethodRanking[],
  o: CandidateOptions,
): CandidateList {
  rejectUnknownKeys("buildCandidates", o, KEYS);
  if (!Array.isArray(o.lexicon?.concepts)) {
    throw new InterpretInputError("lexicon", "must be a lexicon file ({concepts: [...]})");
  }
  const minAuroc = inRange("minAuroc", o.minAuroc, 0, 1, 0.7);
  const max = positiveInt("max", o.max, 4);
  const minWordLength = positiveInt("minWordLength", o.minWordLength, 3);
  const nameWords = positiveInt("nameWords", o.nameWords, 3);
  if (!Array.isArray(lists) || lists.length === 0) {
    throw new InterpretInputError("lists", "must be a non-empty list of method rankings");
  }
  const concepts = new Map(o.lexicon.concepts.map((c) => [c.name, c]));
  const wordConcepts = new Map<string, string[]>();
  for (const c of o.lexicon.concepts) {
    for (const w of new Set([...c.train, ...c.heldOut].map((x) => x.toLowerCase()))) {
      wordConcepts.set(w, [...(wordConcepts.get(w) ?? []), c.name]);
    }
  }
  const merged: string[] = [];
  const ro: ReadOptions = {
    concepts,
    wordConcepts,
    merged,
    minAuroc,
    minWordLength,
    nameWords,
    explain: o.explain,
  };
  const drafts = new Map<string, Draft>();
  const warnings: string[] = [];
  lists.forEach((l, li) => {
    if (typeof l?.method !== "string" || !Array.isArray(l.latents)) {
      throw new InterpretInputError(`lists[${li}]`, "needs a string 'method' and a 'latents' list");
    }
    l.latents.forEach((r: RankedLatent, ri: number) => {
      if (!Number.isInteger(r?.index) || r.index < 0 || !Number.isFinite(r.score)) {
        throw new InterpretInputError(
          `lists[${li}].latents[${ri}]`,
          "needs an integer 'index' ≥ 0 and a finite 'score'",
        );
      }
      const source = { method: l.method, rank: ri + 1, latent: r.index, score: r.score };
      const target = latentTarget(r, l.method, ri, ro, warnings);
      if (target) addSource(drafts, target, source);
    });
  });
  uniqueNames(drafts);
  const kept = keepCandidates(orderDrafts(drafts), max, nameWords, warnings);
  return {
    candidates: kept.map((d) => ({
      name: d.name,
      words: d.words,
      ...(d.concept !== undefined ? { concept: d.concept } : {}),
      ...(d.synsets !== undefined ? { synsets: d.synsets } : {}),
      bestRank: d.bestRank,
      sources: d.sources,
    })),
    warnings,
    merged: [...new Set(merged)],
  };
}

/** The lexicon concept that holds more than half (and at least two) of `words`, if one does. */
function bagConcept(words: readonly string[], wordConcepts: Map<string, string[]>): string | null {
  const counts = new Map<string, number>();
  for (const w of words)
    for (const c of wordConcepts.get(w) ?? []) counts.set(c, (counts.get(c) ?? 0) + 1);
  let best: [string, number] | null = null;
  for (const [c, k] of counts)
    if (!best || k > best[1] || (k === best[1] && c < best[0])) best = [c, k];
  return best && best[1] >= 2 && 2 * best[1] > words.length ? best[0] : null;
}

/** A word's stem for label matching: lower case, a plural's final "s" dropped ("foods"). */
const stem = (w: string) => {
  const x = w.toLowerCase();
  return x.length > 3 && x.endsWith("s") && !x.endsWith("ss") ? x.slice(0, -1) : x;
};

/**
 * The lexicon concept whose name `words` spell out: every part of the name ("body-parts": body,
 * part) among the words' parts, up to a plural "s"; the longest name wins, then the first by name.
 * A latent that reads a concept's label ("latent 1699: foods/prepared/rich") is that concept
 * seen again: the base corpus names a word's concept right after it ("mango (fruit)").
 */
function labelConcept(
  words: readonly string[],
  concepts: Map<string, LexiconFile["concepts"][number]>,
): string | null {
  const parts = new Set(words.flatMap((w) => w.split(/[\s-]+/)).map(stem));
  let best: string | null = null;
  for (const name of [...concepts.keys()].sort()) {
    const label = name.split("-").map(stem);
    if (!label.every((t) => parts.has(t))) continue;
    if (best === null || label.length > best.split("-").length) best = name;
  }
  return best;
}

/** The candidate latent r (at 0-based position ri of `method`'s list) points at: its lexicon
 *  concept, else its explanation's WordNet concept, else its usable top words (null: none). */
function latentTarget(
  r: RankedLatent,
  method: string,
  ri: number,
  o: ReadOptions,
  warnings: string[],
): Target | null {
  const lexConcept = r.concept !== undefined ? o.concepts.get(r.concept) : undefined;
  const explained =
    r.explanation !== undefined && o.explain
      ? o.explain(r.explanation, r.topWords ?? [])[0]
      : undefined;
  if (r.concept !== undefined && (r.auroc ?? 0) >= o.minAuroc && lexConcept) {
    const name = lexConcept.name;
    const words = [...new Set([...lexConcept.train, ...lexConcept.heldOut])];
    return { key: name, name, words, concept: name };
  }
  if (explained?.source === "wordnet" && explained.words.length > 0) {
    const synsets = [...explained.synsets];
    const key = `wordnet:${synsets.join(",")}`;
    return { key, name: explained.name, words: [...explained.words], synsets };
  }
  if (r.concept !== undefined && (r.auroc ?? 0) >= o.minAuroc) {
    warnings.push(`latent ${r.index}: concept '${r.concept}' is not in the lexicon`);
  }
  const words = probeWords(r.topWords ?? [], o.minWordLength);
  if (words.length === 0) {
    warnings.push(`latent ${r.index} (${method} #${ri + 1}): no usable top words`);
    return null;
  }
  const same = bagConcept(words, o.wordConcepts);
  const named = same === null ? labelConcept(words.slice(0, o.nameWords), o.concepts) : null;
  if (same !== null || named !== null) {
    const c = o.concepts.get((same ?? named)!)!;
    const lexWords = () => words.filter((w) => o.wordConcepts.get(w)?.includes(c.name)).length;
    o.merged.push(
      `latent ${r.index} (${words.slice(0, o.nameWords).join("/")}) merged into ${c.name}: ` +
        (same !== null
          ? `${lexWords()} of its ${words.length} top words are ${c.name} words`
          : `its top words name ${c.name}`),
    );
    return {
      key: c.name,
      name: c.name,
      words: [...new Set([...c.train, ...c.heldOut])],
      concept: c.name,
    };
  }
  const name = `latent ${r.index}: ${words.slice(0, o.nameWords).join("/")}`;
  return { key: name, name, words };
}

/** Adds a source to the draft under the target's key, starting the draft on first sight. */
function addSource(drafts: Map<string, Draft>, t: Target, source: CandidateSource): void {
  const d = drafts.get(t.key);
  if (!d) {
    drafts.set(t.key, {
      name: t.name,
      words: t.words,
      ...(t.concept !== undefined ? { concept: t.concept } : {}),
      ...(t.synsets !== undefined ? { synsets: t.synsets } : {}),
      bestRank: source.rank,
      sources: [source],
      methods: new Set([source.method]),
      bestScore: Math.abs(source.score),
    });
    return;
  }
  d.sources.push(source);
  d.methods.add(source.method);
  d.bestRank = Math.min(d.bestRank, source.rank);
  d.bestScore = Math.max(d.bestScore, Math.abs(source.score));
}

/** Names must be unique: an explanation concept named like another candidate gets "(wordnet)". */
function uniqueNames(drafts: Map<string, Draft>): void {
  const names = new Set(
    [...drafts.values()].filter((d) => d.synsets === undefined).map((d) => d.name),
  );
  for (const d of drafts.values()) {
    if (d.synsets === undefined) continue;
    while (names.has(d.name)) d.name = `${d.name} (wordnet)`;
    names.add(d.name);
  }
}

/** Drafts in the rule's order: readable first, then bestRank, methods, best |score|, name. */
function orderDrafts(drafts: Map<string, Draft>): Draft[] {
  return [...drafts.values()].sort(
    (a, b) =>
      Number(readable(b)) - Number(readable(a)) ||
      a.bestRank - b.bestRank ||
      b.methods.size - a.methods.size ||
      b.bestScore - a.bestScore ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

/** The first `max` candidates, bags of top words stripped of (and renamed without) the words of
 *  the kept readable candidates; a bag left empty is dropped with a warning. */
function keepCandidates(
  ordered: Draft[],
  max: number,
  nameWords: number,
  warnings: string[],
): Draft[] {
  const covered = new Set(
    ordered
      .filter(readable)
      .slice(0, max)
      .flatMap((d) => d.words),
  );
  const kept: Draft[] = [];
  for (const d of ordered) {
    if (kept.length === max) break;
    if (!readable(d)) {
      const words = d.words.filter((w) => !covered.has(w));
      const latents = [...new Set(d.sources.map((x) => x.latent))].join(", ");
      if (words.length === 0) {
        warnings.push(`latent ${latents}: every top word belongs to a kept concept candidate`);
        continue;
      }
      if (words.length < d.words.length) {
        d.name = `latent ${latents}: ${words.slice(0, nameWords).join("/")}`;
        d.words = words;
      }
    }
    kept.push(d);
  }
  return kept;
}

/** Candidates for named lexicon concepts (for hand-made hypotheses and tests). */
export function conceptCandidates(lexicon: LexiconFile, names: readonly string[]): Candidate[] {
  return names.map((name, i) => {
    const c = lexicon.concepts.find((x) => x.name === name);
    if (!c) {
      throw new InterpretInputError(`names[${i}]`, `no lexicon concept '${name}'`);
    }
    return {
      name,
      words: [...new Set([...c.train, ...c.heldOut])],
      concept: name,
      bestRank: i + 1,
      sources: [],
    };
  });
}
