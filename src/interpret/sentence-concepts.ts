/**
 * Concepts from a latent's free-text explanation ("references to berries and tropical fruit", the
 * style of Neuronpedia's explainers), so an SAE whose labels are sentences rather than lexicon
 * concepts still gives the probe composer words to test. The rule, exactly:
 *
 * 1. Lower-case the explanation, split it into runs of letters (inner hyphens and apostrophes
 *    kept), and drop function words and the vocabulary explainers use to frame a label
 *    ("references", "mentions", "tokens", "related", "text", "words", …; `FRAME_WORDS`). What is
 *    left are content words; adjacent content words form phrases ("snow sports").
 * 2. Within each phrase, look up every two-word window, then every word, as a WordNet noun lemma:
 *    as written, else with a plural ending removed (-ies → -y, -es, -s). A word inside a matched
 *    window is not looked up again. The phrase's last match is its head (English noun phrases are
 *    head-final) and comes first; the matches before it (modifiers) follow.
 * 3. A matched lemma's sense is its first (most common) noun sense whose hyponym + instance-hyponym
 *    closure gives at least `minWords` usable words, else its first sense with any usable word.
 * 4. Usable words are the closure's lemmas written the way the lexicon writes its own
 *    (lexicon.ts: one or two words of letters and hyphens, 3–20 characters, lower-cased;
 *    capitalised lemmas only from instances, "Mars" of planet, not Latin binomials), most common
 *    first (index.sense tag count, then alphabetical), the first `maxWords`; the synset's own
 *    lemmas come first.
 * 5. The concepts, one per matched lemma, come in phrase order (heads before their modifiers),
 *    except that those with at least `minWords` words come before those with fewer (a class
 *    gives probe words; a tiny closure is more often a modifier). Two matches of the same synset
 *    are one concept.
 * 6. When nothing matches, the latent's top activating words (when given) are the fallback
 *    concept, kept as `probeWords` keeps them.
 *
 * A concept is named after the phrase of the explanation it came from ("snow sports" for the
 * phrase's last match, its head noun; a match before it by its own words), not after the synset, so a report reads as the explanation did; it carries the synset ids it stands for, so
 * two latents explained by the same synset can be merged by id. Nothing here knows any concept: the
 * lists are English function words and explanation framing only.
 */
import type { WordNet } from "../lexicon/wordnet.js";
import { InterpretInputError, positiveInt, rejectUnknownKeys } from "./errors.js";
import { probeWords } from "./probe-words.js";

export interface SentenceConcept {
  /** The explanation's phrase that named it, or the first top words joined by "/". */
  name: string;
  /** Probe words, most common first. */
  words: string[];
  source: "wordnet" | "top-words";
  /** data.noun offsets of the synsets the words come from ([] for top words). */
  synsets: number[];
  /** The lemma matched in WordNet ("sport" for "snow sports"); absent for top words. */
  lemma?: string;
}

export interface SentenceConceptOptions {
  /** A closure this size or larger is preferred (default 20, the lexicon's MIN_CONCEPT_WORDS). */
  minWords?: number;
  /**
   * Most words kept per concept (default 500: enough for the classes an explainer names, "fruit"
   * has 445 usable words, while bounding what focus-words.ts runs through the model).
   */
  maxWords?: number;
  /** The latent's top activating words, for the fallback. */
  topWords?: readonly string[];
  /** Latent fallback candidates are named after this many top words (default 3). */
  nameWords?: number;
}

const KEYS = ["minWords", "maxWords", "topWords", "nameWords"];

/** English function words. */
const FUNCTION_WORDS = new Set(
  (
    "a an the and or but nor of in on at to for from by with without about as like such than " +
    "this that these those it its it's their them they there here which who whom whose what " +
    "when where while is are was were be been being has have had do does did not no can could " +
    "may might will would should often usually mostly mainly mostly sometimes also either " +
    "both each every any some many much more most other others another all very especially " +
    "particularly primarily typically generally including include includes included e g eg " +
    "i e ie etc via within into onto upon over under between among across around after before " +
    "one ones two several various"
  ).split(" "),
);

/** The vocabulary explainers frame a label with; none of it names what the latent detects. */
const FRAME_WORDS = new Set(
  (
    "reference references referencing referring refers mention mentions mentioning mentioned " +
    "word words term terms token tokens phrase phrases text texts name names naming named " +
    "concept concepts context contexts topic topics theme themes subject subjects " +
    "related relating relation relations associated association associations connected " +
    "discussion discussions discussing description descriptions describing content contents " +
    "instance instances example examples kind kinds type types sort sorts form forms variety " +
    "varieties category categories thing things item items list lists set sets group groups " +
    "use uses usage usages used language languages expression expressions pattern patterns " +
    "specific different certain general common various particular part parts aspect aspects " +
    "activation activations activating fires firing detects detecting feature features " +
    "latent latents neuron neurons sentence sentences document documents passage passages"
  ).split(" "),
);

/** The lexicon's word shape (lexicon.ts WORD_SHAPE): one or two words, letters and hyphens. */
const WORD_SHAPE = /^[a-z][a-z-]*( [a-z][a-z-]*)?$/;

/** Content-word phrases of an explanation (runs of words that are not function/frame words). */
export function contentPhrases(explanation: string): string[][] {
  const phrases: string[][] = [];
  let run: string[] = [];
  for (const m of explanation.toLowerCase().matchAll(/[a-z]+(?:['-][a-z]+)*|[^a-z\s]+/g)) {
    const w = m[0];
    const content = /^[a-z]/.test(w) && !FUNCTION_WORDS.has(w) && !FRAME_WORDS.has(w);
    if (content && w.length >= 2) run.push(w);
    else if (run.length > 0) {
      phrases.push(run);
      run = [];
    }
  }
  if (run.length > 0) phrases.push(run);
  return phrases;
}

/** The WordNet noun lemma for a (possibly plural) word or two-word window, or null. */
export function nounLemma(wn: WordNet, text: string): string | null {
  const forms = [text];
  if (text.endsWith("ies")) forms.push(`${text.slice(0, -3)}y`);
  if (text.endsWith("es")) forms.push(text.slice(0, -2));
  if (text.endsWith("s") && !text.endsWith("ss")) forms.push(text.slice(0, -1));
  return forms.find((f) => (wn.senses.get(f)?.length ?? 0) > 0) ?? null;
}

/** The hyponym + instance-hyponym closure of `root`; `instance` marks synsets reached as instances. */
function closure(wn: WordNet, root: number): { offset: number; instance: boolean }[] {
  const seen = new Set<number>();
  const order: { offset: number; instance: boolean }[] = [];
  const queue = [{ offset: root, instance: false }];
  for (let i = 0; i < queue.length; i++) {
    const q = queue[i]!;
    if (seen.has(q.offset)) continue;
    seen.add(q.offset);
    order.push(q);
    const s = wn.synsets.get(q.offset);
    if (!s) continue;
    for (const h of s.hyponyms) queue.push({ offset: h, instance: false });
    for (const h of s.instanceHyponyms) queue.push({ offset: h, instance: true });
  }
  return order;
}

/** A synset's closure as probe words: the lexicon's word shape, most common first. */
export function synsetWords(wn: WordNet, root: number, maxWords: number): string[] {
  const count = new Map<string, number>();
  for (const { offset: o, instance } of closure(wn, root)) {
    for (const lemma of wn.synsets.get(o)?.words ?? []) {
      if (!instance && lemma[0] !== lemma[0]?.toLowerCase()) continue;
      const w = lemma.toLowerCase();
      if (!WORD_SHAPE.test(w) || w.length < 3 || w.length > 20) continue;
      count.set(w, Math.max(count.get(w) ?? 0, wn.tagCount(w, o)));
    }
  }
  const own = (wn.synsets.get(root)?.words ?? []).map((w) => w.toLowerCase());
  const ranked = [...count.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([w]) => w);
  const first = ranked.filter((w) => own.includes(w));
  return [...first, ...ranked.filter((w) => !own.includes(w))].slice(0, maxWords);
}

interface Match {
  name: string;
  lemma: string;
}

/** Lemmas named by a phrase: two-word windows first, then the words no window used. */
function phraseMatches(wn: WordNet, phrase: string[]): Match[] {
  const used = new Set<number>();
  const found: { at: number; text: string; lemma: string }[] = [];
  for (let i = 0; i + 1 < phrase.length; i++) {
    const lemma = nounLemma(wn, `${phrase[i]} ${phrase[i + 1]}`);
    if (lemma === null || used.has(i)) continue;
    found.push({ at: i, text: `${phrase[i]} ${phrase[i + 1]}`, lemma });
    used.add(i).add(i + 1);
  }
  phrase.forEach((w, i) => {
    if (used.has(i)) return;
    const lemma = nounLemma(wn, w);
    if (lemma !== null) found.push({ at: i, text: w, lemma });
  });
  // English noun phrases are head-final: the last match is the head, listed first and named
  // after the whole phrase; the modifiers follow, each named by its own words.
  found.sort((a, b) => b.at - a.at);
  return found.map((f, k) => ({ name: k === 0 ? phrase.join(" ") : f.text, lemma: f.lemma }));
}

/** The sense of `lemma` to use and its words (rule 3). */
function bestSense(wn: WordNet, lemma: string, minWords: number, maxWords: number) {
  let first: { offset: number; words: string[] } | null = null;
  for (const s of wn.senses.get(lemma) ?? []) {
    const words = synsetWords(wn, s.offset, maxWords);
    if (words.length >= minWords) return { offset: s.offset, words };
    if (first === null && words.length > 0) first = { offset: s.offset, words };
  }
  return first;
}

/** The concepts an explanation names (see the header for the rule). */
export function sentenceConcepts(
  wn: WordNet,
  explanation: string,
  o: SentenceConceptOptions = {},
): SentenceConcept[] {
  rejectUnknownKeys("sentenceConcepts", o, KEYS);
  if (typeof explanation !== "string") {
    throw new InterpretInputError("explanation", "must be a string");
  }
  const minWords = positiveInt("minWords", o.minWords, 20);
  const maxWords = positiveInt("maxWords", o.maxWords, 500);
  const nameWords = positiveInt("nameWords", o.nameWords, 3);
  const out: SentenceConcept[] = [];
  for (const phrase of contentPhrases(explanation)) {
    for (const m of phraseMatches(wn, phrase)) {
      const sense = bestSense(wn, m.lemma, minWords, maxWords);
      if (!sense || sense.words.length === 0) continue;
      if (out.some((c) => c.synsets.includes(sense.offset))) continue;
      out.push({
        name: m.name,
        words: sense.words,
        source: "wordnet",
        synsets: [sense.offset],
        lemma: m.lemma,
      });
    }
  }
  if (out.length > 0) {
    const big = out.filter((c) => c.words.length >= minWords);
    return [...big, ...out.filter((c) => c.words.length < minWords)];
  }
  const top = probeWords(o.topWords ?? []);
  if (top.length === 0) return [];
  return [
    { name: top.slice(0, nameWords).join("/"), words: top, source: "top-words", synsets: [] },
  ];
}
