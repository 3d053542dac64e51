/**
 * Candidates from latents whose labels are sentences: an explanation mapped to WordNet gives a
 * readable candidate (ordered with lexicon concepts, before bags of top words, and preferred by
 * the verdict); latents explained by the same synsets merge; a name another candidate has gets
 * "(wordnet)"; an explanation that maps to nothing falls back to the latent's top words; a lexicon
 * concept above the AUROC threshold wins over the latent's explanation.
 */
import { describe, expect, it } from "vitest";
import { buildCandidates } from "../../src/interpret/candidates.js";
import { attachLabels, type RankedLatent } from "../../src/interpret/latents.js";
import { sentenceConcepts, type SentenceConcept } from "../../src/interpret/sentence-concepts.js";
import type { LexiconFile } from "../../src/lexicon/lexicon-file.js";
import { defaultWordNetDir } from "../../src/lexicon/lexicon.js";
import { readWordNet } from "../../src/lexicon/wordnet.js";
import type { LabelFile, LatentRecord } from "../../src/sae/labels.js";

const LEX: LexiconFile = {
  seed: 0,
  concepts: [{ name: "fruit", label: "fruit", train: ["mango"], heldOut: ["plum"], glosses: {} }],
};

function rec(index: number, explanation: string, words: string[] = []): LatentRecord {
  return {
    index,
    label: explanation,
    explanation,
    topWords: words.map((word, i) => ({ word, activation: 10 - i })),
    topContexts: [],
  };
}

const LABELS: LabelFile = {
  version: 1,
  sae: { hookName: "blocks.2.hook_resid_post", dSae: 100 },
  latents: [
    rec(1, "mentions of fruit"),
    rec(2, "References to fruits"),
    rec(3, "words related to snow sports"),
    rec(4, "the of and", ["shark", "Plum"]), // nothing to map: its top words
    rec(5, "prophetic language"), // nothing to map and no top words: no candidate
    {
      ...rec(6, "mentions of fruit", ["mango"]),
      concept: "fruit",
      auroc: 0.9,
    },
  ],
};

const wn = readWordNet(defaultWordNetDir());
const explain = (e: string, top: readonly string[]): SentenceConcept[] =>
  sentenceConcepts(wn, e, { topWords: top });

function ranked(...indices: number[]): RankedLatent[] {
  return attachLabels(
    indices.map((index, i) => ({ index, score: 1 - i / 10, topWords: [] })),
    LABELS,
  );
}

describe("candidates from sentence labels", () => {
  it("turns an explanation into a WordNet candidate named after its phrase", () => {
    const { candidates } = buildCandidates([{ method: "a", latents: ranked(3) }], {
      lexicon: LEX,
      explain,
    });
    expect(candidates).toHaveLength(1);
    const c = candidates[0]!;
    expect(c.name).toBe("snow sports");
    expect(c.concept).toBeUndefined();
    expect(c.synsets).toEqual(explain("snow sports", [])[0]!.synsets);
    expect(c.words).toContain("skiing");
  });

  it("merges latents explained by the same synset, named after the first one listed", () => {
    const { candidates } = buildCandidates(
      [
        { method: "a", latents: ranked(2, 3) },
        { method: "b", latents: ranked(1) },
      ],
      { lexicon: LEX, explain },
    );
    expect(candidates.map((c) => [c.name, c.bestRank, c.sources.map((s) => s.latent)])).toEqual([
      ["fruits", 1, [2, 1]],
      ["snow sports", 2, [3]],
    ]);
  });

  it("orders explanation candidates before bags of top words, and falls back to top words", () => {
    const { candidates, warnings } = buildCandidates([{ method: "a", latents: ranked(4, 5, 3) }], {
      lexicon: LEX,
      explain,
    });
    expect(candidates.map((c) => c.name)).toEqual(["snow sports", "latent 4: shark/plum"]);
    expect(warnings).toEqual(["latent 5 (a #2): no usable top words"]);
  });

  it("lets a confident lexicon concept win, and renames an explanation that shares its name", () => {
    const { candidates } = buildCandidates([{ method: "a", latents: ranked(1, 6) }], {
      lexicon: LEX,
      explain,
    });
    // Both are readable: ordered by rank.
    expect(candidates.map((c) => [c.name, c.concept])).toEqual([
      ["fruit (wordnet)", undefined],
      ["fruit", "fruit"],
    ]);
    expect(candidates[1]!.sources.map((s) => s.latent)).toEqual([6]);
  });

  it("ignores explanations without a mapper (top words only)", () => {
    const { candidates } = buildCandidates([{ method: "a", latents: ranked(1, 4) }], {
      lexicon: LEX,
    });
    expect(candidates.map((c) => c.name)).toEqual(["latent 4: shark/plum"]);
  });
});
