/**
 * Candidate concepts from ranked latents: a latent with a confident lexicon concept gives that
 * concept and all its words; any other latent gives its usable top words; duplicates merge
 * across latents and methods; candidates are ordered by best rank (then by how many methods list
 * them) and cut to `max`.
 */
import { describe, expect, it } from "vitest";
import { buildCandidates, conceptCandidates } from "../../src/interpret/candidates.js";
import { probeWords } from "../../src/interpret/probe-words.js";
import { InterpretInputError } from "../../src/interpret/errors.js";
import { attachLabels, type RankedLatent } from "../../src/interpret/latents.js";
import type { LexiconFile } from "../../src/lexicon/lexicon-file.js";
import type { LabelFile, LatentRecord } from "../../src/sae/labels.js";

const LEX: LexiconFile = {
  seed: 0,
  concepts: [
    { name: "fruit", label: "fruit", train: ["mango", "pear"], heldOut: ["plum"], glosses: {} },
    {
      name: "snow-sports",
      label: "snow sports",
      train: ["skiing"],
      heldOut: ["luge"],
      glosses: {},
    },
    { name: "tools", label: "tools", train: ["hammer"], heldOut: ["saw"], glosses: {} },
  ],
};

function rec(index: number, words: string[], concept?: string, auroc?: number): LatentRecord {
  return {
    index,
    label: concept ? `${concept} (AUROC ${auroc})` : words.join(", "),
    ...(concept ? { concept, auroc } : {}),
    topWords: words.map((word, i) => ({ word, activation: 10 - i })),
    topContexts: [],
    frequency: 0.01,
    maxActivation: 10,
  };
}

const LABELS: LabelFile = {
  version: 1,
  sae: { hookName: "blocks.2.hook_resid_post", dSae: 100 },
  latents: [
    rec(10, ["mango", "pear"], "fruit", 0.93),
    rec(11, ["plum", "kiwi"], "fruit", 0.81),
    rec(20, ["skiing", "luge"], "snow-sports", 0.9),
    rec(30, ["hammer"], "tools", 0.55), // below the AUROC threshold: a word candidate
    rec(40, ["Oracle", "of", "seer's", "omen", "oracle", "prophet"]), // top 5 kept
    rec(50, ["<s>", ".", "42"]), // nothing usable
    rec(60, ["nebula"], "astronomy", 0.95), // a concept the lexicon lacks
    rec(70, ["shark", "Plum", "pear"]), // two fruit words among its top words
    rec(80, ["Mango", "plum"]), // only fruit words
    rec(90, ["shark", "whale", "plum"]), // one fruit word of three
    rec(95, ["plum", "skiing"]), // one fruit and one snow-sports word
    rec(96, ["jump", "sports", "Snow"]), // spells snow-sports' name, no lexicon word
    rec(97, ["jump", "sports car"]), // half of snow-sports' name
    rec(98, ["tools", "wrench"]), // a plural name
    rec(99, ["shark", "whale", "seal", "fruit"]), // the name, but after the words it is named by
  ],
};

function ranked(...indices: number[]): RankedLatent[] {
  return attachLabels(
    indices.map((index, i) => ({ index, score: 1 - i / 10, topWords: [] })),
    LABELS,
  );
}

describe("candidate concepts", () => {
  it("turns concept latents into lexicon concepts with their train and held-out words", () => {
    const { candidates } = buildCandidates([{ method: "a", latents: ranked(10, 20) }], {
      lexicon: LEX,
    });
    expect(candidates.map((c) => [c.name, c.words, c.concept])).toEqual([
      ["fruit", ["mango", "pear", "plum"], "fruit"],
      ["snow-sports", ["skiing", "luge"], "snow-sports"],
    ]);
  });

  it("names other latents by their usable top words", () => {
    const { candidates, warnings } = buildCandidates(
      [{ method: "a", latents: ranked(40, 30, 50, 60) }],
      { lexicon: LEX },
    );
    expect(candidates.map((c) => [c.name, c.words])).toEqual([
      ["latent 40: oracle/seer's/omen", ["oracle", "seer's", "omen"]],
      ["latent 30: hammer", ["hammer"]],
      ["latent 60: nebula", ["nebula"]],
    ]);
    expect(candidates[0]!.concept).toBeUndefined();
    expect(warnings).toEqual([
      "latent 50 (a #3): no usable top words",
      "latent 60: concept 'astronomy' is not in the lexicon",
    ]);
  });

  it("merges a concept found by several latents and methods, keeping its best rank", () => {
    const { candidates } = buildCandidates(
      [
        { method: "attribution", latents: ranked(40, 20, 11) },
        { method: "sae-melbo", latents: ranked(10, 40) },
        { method: "melbo", latents: ranked(40) },
      ],
      { lexicon: LEX },
    );
    expect(candidates.map((c) => [c.name, c.bestRank])).toEqual([
      ["fruit", 1], // a lexicon concept, rank 1, listed by two methods
      ["snow-sports", 2],
      ["latent 40: oracle/seer's/omen", 1], // words only: after the concepts
    ]);
    expect(candidates[0]!.sources).toEqual([
      { method: "attribution", rank: 3, latent: 11, score: 0.8 },
      { method: "sae-melbo", rank: 1, latent: 10, score: 1 },
    ]);
  });

  it("keeps the top max candidates, lexicon concepts first, and honours the AUROC threshold", () => {
    const lists = [{ method: "a", latents: ranked(30, 10, 20, 40) }];
    expect(buildCandidates(lists, { lexicon: LEX, max: 2 }).candidates.map((c) => c.name)).toEqual([
      "fruit",
      "snow-sports",
    ]);
    expect(buildCandidates(lists, { lexicon: LEX, max: 3 }).candidates[2]!.name).toBe(
      "latent 30: hammer",
    );
    const low = buildCandidates(lists, { lexicon: LEX, minAuroc: 0.5 });
    expect(low.candidates[0]!.name).toBe("tools");
  });

  it("merges a bag whose top words are mostly one concept's words into that concept", () => {
    // 70: two of three words are fruit words; 80: both are. Neither is probed under its own name.
    const lists = [{ method: "a", latents: ranked(70, 10, 80, 30) }];
    const { candidates, warnings, merged } = buildCandidates(lists, { lexicon: LEX });
    expect(candidates.map((c) => [c.name, c.bestRank])).toEqual([
      ["fruit", 1],
      ["latent 30: hammer", 4], // one word, a single tools word: not a majority of two or more
    ]);
    expect(candidates[0]!.sources.map((x) => x.latent)).toEqual([70, 10, 80]);
    expect(warnings).toEqual([]);
    expect(merged).toEqual([
      "latent 70 (shark/plum/pear) merged into fruit: 2 of its 3 top words are fruit words",
      "latent 80 (mango/plum) merged into fruit: 2 of its 2 top words are fruit words",
    ]);
    // With no labelled fruit latent, the bag alone makes the fruit candidate.
    const alone = buildCandidates([{ method: "a", latents: ranked(70) }], { lexicon: LEX });
    expect(alone.candidates.map((c) => [c.name, c.concept])).toEqual([["fruit", "fruit"]]);
  });

  it("merges a bag whose top words spell every part of a concept's name into that concept", () => {
    const lists = [{ method: "a", latents: ranked(96, 97, 98) }];
    const late = buildCandidates([{ method: "a", latents: ranked(99) }], { lexicon: LEX });
    expect(late.candidates.map((c) => c.name)).toEqual(["latent 99: shark/whale/seal"]);
    const { candidates, merged } = buildCandidates(lists, { lexicon: LEX });
    expect(candidates.map((c) => [c.name, c.bestRank])).toEqual([
      ["snow-sports", 1],
      ["tools", 3],
      ["latent 97: jump/sports car", 2], // "sports" alone is half the name: still a bag
    ]);
    expect(merged).toEqual([
      "latent 96 (jump/sports/snow) merged into snow-sports: its top words name snow-sports",
      "latent 98 (tools/wrench) merged into tools: its top words name tools",
    ]);
  });

  it("drops from bags of top words the words of kept concepts, and a bag left empty", () => {
    const lists = [{ method: "a", latents: ranked(90, 10, 30) }];
    const { candidates } = buildCandidates(lists, { lexicon: LEX });
    expect(candidates.map((c) => [c.name, c.words])).toEqual([
      ["fruit", ["mango", "pear", "plum"]],
      ["latent 90: shark/whale", ["shark", "whale"]],
      ["latent 30: hammer", ["hammer"]],
    ]);
    // Only kept concepts count: with fruit cut by max, the bag keeps its fruit words.
    const cut = buildCandidates([{ method: "a", latents: ranked(20, 10, 90) }], {
      lexicon: LEX,
      max: 1,
    });
    expect(cut.candidates.map((c) => c.name)).toEqual(["snow-sports"]);
    const noConcept = buildCandidates([{ method: "a", latents: ranked(90) }], { lexicon: LEX });
    expect(noConcept.candidates[0]!.words).toEqual(["shark", "whale", "plum"]);
    // Words of two kept concepts, neither a majority: stripped to nothing, dropped with a warning.
    const mixed = buildCandidates([{ method: "a", latents: ranked(10, 20, 95) }], { lexicon: LEX });
    expect(mixed.candidates.map((c) => c.name)).toEqual(["fruit", "snow-sports"]);
    expect(mixed.warnings).toEqual([
      "latent 95: every top word belongs to a kept concept candidate",
    ]);
  });

  it("filters top words: alphabetic words or phrases, at least three letters, lower-cased, unique", () => {
    expect(
      probeWords(["Apple", "of", "3d", "apple", "t-shirt", "-x", "ok", "Natal  chart", "<|a|>"]),
    ).toEqual(["apple", "t-shirt", "natal chart"]);
  });

  it("rejects bad input by name", () => {
    const latents = ranked(10);
    expect(() => buildCandidates([], { lexicon: LEX })).toThrow(InterpretInputError);
    expect(() => buildCandidates([{ method: "a", latents }], { lexicon: LEX, max: 0 })).toThrow(
      /^max: /,
    );
    expect(() =>
      buildCandidates([{ method: "a", latents }], { lexicon: LEX, minAuroc: 2 }),
    ).toThrow(/^minAuroc: /);
    expect(() =>
      buildCandidates([{ method: "a", latents: [{ index: -1, score: 0, topWords: [] }] }], {
        lexicon: LEX,
      }),
    ).toThrow(/lists\[0\].latents\[0\]/);
    expect(() => conceptCandidates(LEX, ["fruit", "music"])).toThrow(/names\[1\]/);
  });
});
