/**
 * Explanations (free-text latent labels) mapped to WordNet concepts with the installed WordNet
 * 3.1: framing words are ignored, plurals are lemmatised, two-word lemmas are found, the head of a
 * phrase comes first and names the concept, a sense with a usable closure is chosen, the words are
 * the closure's lemmas in the lexicon's shape, and the top words are the fallback.
 */
import { describe, expect, it } from "vitest";
import { InterpretInputError } from "../../src/interpret/errors.js";
import {
  contentPhrases,
  nounLemma,
  sentenceConcepts,
  synsetWords,
} from "../../src/interpret/sentence-concepts.js";
import { defaultWordNetDir } from "../../src/lexicon/lexicon.js";
import { readWordNet } from "../../src/lexicon/wordnet.js";

const wn = readWordNet(defaultWordNetDir());
/** data.noun offset of the first noun sense of `lemma` whose gloss contains `gloss`. */
function offsetOf(lemma: string, gloss: string): number {
  const s = wn.senses.get(lemma)!.find((x) => wn.synsets.get(x.offset)!.gloss.includes(gloss));
  return s!.offset;
}

describe("explanation → WordNet concepts", () => {
  it("drops framing and function words and splits phrases at them", () => {
    expect(contentPhrases("References to berries and tropical fruit, e.g. mango")).toEqual([
      ["berries"],
      ["tropical", "fruit"],
      ["mango"],
    ]);
    expect(contentPhrases("mentions of tokens related to text")).toEqual([]);
  });

  it("lemmatises plurals and finds nouns only", () => {
    expect(nounLemma(wn, "berries")).toBe("berry");
    expect(nounLemma(wn, "sports")).toBe("sport");
    expect(nounLemma(wn, "glass")).toBe("glass");
    expect(nounLemma(wn, "prophetic")).toBeNull();
  });

  it("maps 'mentions of fruit' to the fruit class with common fruits among its words", () => {
    const [c, ...rest] = sentenceConcepts(wn, "mentions of fruit");
    expect(rest).toEqual([]);
    expect(c!.source).toBe("wordnet");
    expect(c!.name).toBe("fruit");
    expect(c!.synsets).toEqual([offsetOf("fruit", "ripened reproductive body")]);
    expect(c!.words[0]).toBe("fruit");
    for (const w of ["apple", "banana", "pear", "strawberry"]) expect(c!.words).toContain(w);
    for (const w of c!.words) expect(w).toMatch(/^[a-z][a-z-]*( [a-z][a-z-]*)?$/);
  });

  it("puts a phrase's head first and names it after the whole phrase", () => {
    const cs = sentenceConcepts(wn, "words related to snow sports");
    expect(cs.map((c) => [c.name, c.lemma])).toEqual([
      ["snow sports", "sport"],
      ["snow", "snow"],
    ]);
    expect(cs[0]!.words).toContain("skiing");
  });

  it("prefers a sense whose closure gives enough words, and keeps instances' names", () => {
    // "sport" sense 1 (athletics) has a large closure; the person senses have none.
    expect(sentenceConcepts(wn, "sports")[0]!.synsets).toEqual([
      offsetOf("sport", "active diversion"),
    ]);
    // Planets are instances in WordNet: their capitalised names are kept, lower-cased.
    const planets = sentenceConcepts(wn, "references to planets")[0]!;
    expect(planets.words).toEqual(expect.arrayContaining(["mars", "jupiter", "venus"]));
    // Capitalised lemmas that are not instances (cultivars such as Granny Smith) are dropped.
    const fruit = sentenceConcepts(wn, "fruit")[0]!.words;
    expect(fruit).toContain("apple");
    expect(fruit).not.toContain("granny smith");
    expect(fruit).not.toContain("mcintosh");
  });

  it("finds two-word lemmas before single words", () => {
    const [c] = sentenceConcepts(wn, "text about edible fruit");
    expect(c!.lemma).toBe("edible fruit");
    expect(c!.synsets).toEqual([offsetOf("edible fruit", "edible reproductive body")]);
  });

  it("gives one concept for two matches of one synset, and caps the words", () => {
    const cs = sentenceConcepts(wn, "fruit, fruits and more fruit", { maxWords: 10 });
    expect(cs).toHaveLength(1);
    expect(cs[0]!.words).toHaveLength(10);
    expect(synsetWords(wn, cs[0]!.synsets[0]!, 10)).toEqual(cs[0]!.words);
  });

  it("falls back to the latent's top words when nothing matches", () => {
    const cs = sentenceConcepts(wn, "prophetic language", { topWords: ["Omen", "seer", "42"] });
    expect(cs).toEqual([
      { name: "omen/seer", words: ["omen", "seer"], source: "top-words", synsets: [] },
    ]);
    expect(sentenceConcepts(wn, "the of and")).toEqual([]);
  });

  it("rejects unknown options and a non-string explanation", () => {
    expect(() => sentenceConcepts(wn, "fruit", { maxWord: 3 } as never)).toThrow(
      InterpretInputError,
    );
    expect(() => sentenceConcepts(wn, 3 as never)).toThrow(/explanation/);
  });
});
