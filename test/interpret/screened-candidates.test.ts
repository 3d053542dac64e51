/**
 * Candidates from a behaviour screen: concepts acted on in at least half their screen prompts,
 * not yet candidates, strongest first then in the lexicon's order, at most `max`, ranked after
 * the methods' candidates; bad options and counts are named.
 */
import { describe, expect, it } from "vitest";
import type { Candidate } from "../../src/interpret/candidates.js";
import { InterpretInputError } from "../../src/interpret/errors.js";
import { screenedCandidates } from "../../src/interpret/screened-candidates.js";
import type { LexiconFile } from "../../src/lexicon/lexicon-file.js";

const concept = (name: string) => ({
  name,
  train: [`${name}-a`, `${name}-b`],
  heldOut: [`${name}-c`, `${name}-a`],
});
const lexicon = {
  seed: 0,
  concepts: ["fruit", "birds", "cities", "rivers", "tools"].map(concept),
} as unknown as LexiconFile;
const have: Candidate[] = [
  { name: "fruit", words: ["fruit-a"], concept: "fruit", bestRank: 1, sources: [] },
  { name: "latent 7: x/y", words: ["x", "y"], bestRank: 4, sources: [] },
];

describe("candidates from a behaviour screen", () => {
  it("adds concepts acted on in at least half their prompts that no candidate names", () => {
    const screen = {
      actions: { fruit: 8, birds: 4, cities: 3, rivers: 8, tools: 6 },
      perConcept: 8,
    };
    const got = screenedCandidates(lexicon, screen, have);
    // rivers (8) before tools (6); birds (4, also half) is the third, past max 2; cities is under half.
    expect(got.map((c) => c.name)).toEqual(["rivers", "tools"]);
    expect(got[0]).toEqual({
      name: "rivers",
      words: ["rivers-a", "rivers-b", "rivers-c"],
      concept: "rivers",
      bestRank: 5,
      sources: [],
      screened: { actions: 8, n: 8 },
    });
    expect(got[1]!.bestRank).toBe(6);
    const three = screenedCandidates(lexicon, screen, have, { max: 3 });
    expect(three.map((c) => c.name)).toEqual(["rivers", "tools", "birds"]);
  });

  it("keeps the lexicon's order among equal counts, and takes a stricter share", () => {
    const screen = { actions: { tools: 5, birds: 5, cities: 7 }, perConcept: 8 };
    expect(screenedCandidates(lexicon, screen, [], { max: 5 }).map((c) => c.name)).toEqual([
      "cities",
      "birds",
      "tools",
    ]);
    expect(screenedCandidates(lexicon, screen, [], { minShare: 0.75 }).map((c) => c.name)).toEqual([
      "cities",
    ]);
    expect(screenedCandidates(lexicon, { actions: {}, perConcept: 8 }, have)).toEqual([]);
  });

  it("names bad options and counts", () => {
    const screen = { actions: { birds: 8 }, perConcept: 8 };
    expect(() => screenedCandidates(lexicon, screen, have, { maxx: 2 } as never)).toThrow(/maxx/);
    expect(() => screenedCandidates(lexicon, screen, have, { minShare: 2 })).toThrow(
      InterpretInputError,
    );
    expect(() => screenedCandidates(lexicon, { actions: {}, perConcept: 0 }, have)).toThrow(
      /screen.perConcept/,
    );
  });
});
