import { describe, expect, it } from "vitest";
import { buildLexicon, LexiconError, readWordNet } from "../../src/lexicon/index.js";
import { defaultWordNetDir, resolveRoot } from "../../src/lexicon/lexicon.js";

const lexicon = buildLexicon();

describe("lexicon", () => {
  it("builds the same lexicon twice and a different split for another seed", () => {
    const again = buildLexicon();
    expect(again.concepts).toEqual(lexicon.concepts);
    const other = buildLexicon({ seed: 2 });
    expect(other.concept("fruit").words).toEqual(lexicon.concept("fruit").words);
    expect(other.concept("fruit").heldOut).not.toEqual(lexicon.concept("fruit").heldOut);
  });

  it("splits every concept into disjoint train and held-out words covering all its words", () => {
    for (const c of lexicon.concepts) {
      const held = new Set(c.heldOut);
      expect(c.train.filter((w) => held.has(w))).toEqual([]);
      expect([...c.train, ...c.heldOut].sort()).toEqual(c.words.map((w) => w.word).sort());
      expect(c.heldOut.length).toBe(Math.max(5, Math.round(c.words.length * 0.3)));
    }
  });

  it("has 40–60 concepts including the required ones with their minimum sizes", () => {
    expect(lexicon.concepts.length).toBeGreaterThanOrEqual(40);
    expect(lexicon.concepts.length).toBeLessThanOrEqual(60);
    const minimum: Record<string, number> = { "snow-sports": 25, astrology: 40, prophecy: 40 };
    for (const name of [
      "fruit",
      "vegetables",
      "snow-sports",
      "sports",
      "astrology",
      "prophecy",
      "planets-moons",
    ]) {
      expect(lexicon.concept(name).words.length).toBeGreaterThanOrEqual(minimum[name] ?? 20);
    }
    for (const c of lexicon.concepts) {
      expect(c.words.length).toBeGreaterThanOrEqual(20);
      expect(c.words.length).toBeLessThanOrEqual(150);
      for (const w of c.words) expect(w.word).toMatch(/^[a-z][a-z-]*( [a-z][a-z-]*)?$/);
    }
  });

  it("orders words by tag count, then alphabetically", () => {
    for (const c of lexicon.concepts) {
      for (let i = 1; i < c.words.length; i++) {
        const [a, b] = [c.words[i - 1]!, c.words[i]!];
        expect(a.count > b.count || (a.count === b.count && a.word < b.word)).toBe(true);
      }
    }
  });

  it("puts mango in fruit and phobos in planets-moons with their WordNet glosses", () => {
    const mango = lexicon.concept("fruit").words.find((w) => w.word === "mango");
    // data.noun 07780131: "large oval tropical fruit having smooth skin, ..."
    expect(mango?.gloss).toMatch(/fruit/);
    const phobos = lexicon.concept("planets-moons").words.find((w) => w.word === "phobos");
    // data.noun 09413766: "the larger of the two satellites of Mars"
    expect(phobos?.gloss).toMatch(/Mars/);
    expect(lexicon.conceptsOf("Mango")).toEqual(["fruit"]);
  });

  it("puts no word in two built-in concepts", () => {
    const seen = new Map<string, string>();
    for (const c of lexicon.concepts) {
      for (const w of c.words) {
        expect(seen.get(w.word), `${w.word} in ${c.name}`).toBeUndefined();
        seen.set(w.word, c.name);
      }
    }
  });

  it("adds a custom concept and replaces a built-in one of the same name", () => {
    const colors = "red, green, blue, yellow, orange, purple, pink, brown, black, white".split(
      ", ",
    );
    const lex = buildLexicon({
      custom: [
        { name: "basic-colors", label: "basic colors", words: colors },
        {
          name: "fruit",
          label: "fruit",
          words: ["apple", "pear", "plum", "kiwi", "lime", "fig", "date"],
        },
      ],
    });
    const basic = lex.concept("basic-colors");
    expect(basic.words.map((w) => w.word)).toEqual(colors);
    expect(basic.heldOut).toHaveLength(5);
    expect(lex.concept("fruit").words).toHaveLength(7);
    expect(lex.conceptsOf("pear")).toEqual(["fruit"]);
    expect(lex.concept("prophecy")).toEqual(lexicon.concept("prophecy"));
  });

  it("throws a LexiconError for an unknown concept, a root that is not one synset, or a bad option", () => {
    expect(() => lexicon.concept("nope")).toThrow(/"nope"/);
    const wn = readWordNet(defaultWordNetDir());
    expect(() => resolveRoot(wn, { lemma: "mango", gloss: "no such gloss" }, "x")).toThrow(
      LexiconError,
    );
    // "mango" has two noun senses, the fruit and the tree; "large" is in both glosses.
    expect(() => resolveRoot(wn, { lemma: "mango", gloss: "large" }, "x")).toThrow(/matches 2/);
    expect(() => buildLexicon({ seed: 1.5 })).toThrow(LexiconError);
    expect(() => buildLexicon({ colour: 1 } as never)).toThrow(/unknown lexicon options: colour/);
  });
});
