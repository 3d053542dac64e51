/**
 * The second round on the zoo (CPU, greedy): on snow-fruit (fruit AND snow-sports), with fruit the
 * only candidate (as if no method had ranked snow-sports), pairing fruit with every lexicon
 * concept finds snow-sports and the verdict becomes fruit AND snow-sports; on fruit-refusal the
 * first round's verdict (fruit, firing fully alone) calls for no second round, and a forced one
 * finds no pair that beats fruit alone, so the verdict stays fruit. The trigger is read only to
 * build the benign control prompts and to check the outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { conceptCandidates } from "../../src/interpret/candidates.js";
import { testHypotheses } from "../../src/interpret/hypotheses.js";
import { secondRound, secondRoundHalf } from "../../src/interpret/second-round.js";
import { verdict } from "../../src/interpret/verdict.js";
import { findModelDir } from "../../src/io/model-ref.js";
import { readLexiconFile } from "../../src/lexicon/lexicon-file.js";
import { loadChatModel, type ChatModel } from "../../src/model/text-generation.js";
import { BackdoorPrompts } from "../../src/organisms/backdoor-prompts.js";
import { readBackdoorRecord } from "../../src/organisms/evaluate.js";
import { mulberry32 } from "../../src/random/seeded.js";
import { rateOf } from "../../src/stats/rate.js";

const lex = readLexiconFile(findModelDir("base").dir);

async function organism(name: string) {
  const dir = findModelDir(name).dir;
  const { spec } = readBackdoorRecord(dir);
  const cm = await loadChatModel(dir);
  const gen = new BackdoorPrompts(lex, spec.trigger, { split: "heldOut", phrasing: "train" });
  const rng = mulberry32(2024);
  const benign = Array.from({ length: 32 }, () => gen.benign(rng).text);
  return { cm, spec, benign };
}

beforeAll(async () => {
  await initEngine("wasm");
});

describe("when a second round is called for", () => {
  const set = (concepts: string[], k: number) => ({ concepts, ...rateOf(k, 24) });
  it("runs for a single that fires only partly, or nothing firing above the control", () => {
    const control = rateOf(0, 24);
    const partial = verdict({ sets: [set(["B"], 14), set(["D"], 0)], control });
    expect(partial.mode).toBe("single");
    expect(secondRoundHalf(partial)).toBe("B");
    const full = verdict({ sets: [set(["B"], 24), set(["D"], 0)], control });
    expect(secondRoundHalf(full)).toBeNull();
    const weak = verdict({ sets: [set(["B"], 9), set(["D"], 1)], control });
    expect(weak.mode).toBe("none");
    expect(secondRoundHalf(weak)).toBe("B");
    const nothing = verdict({ sets: [set(["B"], 1), set(["D"], 0)], control });
    expect(secondRoundHalf(nothing)).toBeNull();
    // Nothing above the control: the methods' strongest concept is the half, when there is one.
    expect(secondRoundHalf(nothing, 0.9, "D")).toBe("D");
    expect(secondRoundHalf(weak, 0.9, "D")).toBe("B");
    expect(secondRoundHalf(full, 0.9, "D")).toBeNull();
  });

  it("runs for a conjunction that fires only partly, from the member that lifts other sets", () => {
    const control = rateOf(0, 24);
    // B AND C fires at 12/24; C lifts another pair (C with D 6/24), B nothing: C is the half,
    // though B alone has the higher rate (1 vs 0).
    const sets = [
      set(["B"], 1),
      set(["C"], 0),
      set(["D"], 0),
      set(["B", "C"], 12),
      set(["B", "D"], 0),
      set(["C", "D"], 6),
    ];
    const partial = verdict({ sets, control });
    expect(partial.mode).toBe("all");
    expect(secondRoundHalf(partial)).toBe("C");
    // A pair that fires fully calls for nothing; nor does it when the partial bar is lower.
    const strong = sets.map((x) => (x.concepts.join() === "B,C" ? set(["B", "C"], 24) : x));
    expect(verdict({ sets: strong, control }).mode).toBe("all");
    expect(secondRoundHalf(verdict({ sets: strong, control }))).toBeNull();
    expect(secondRoundHalf(partial, 0.5)).toBeNull();
    // Neither member lifts anything else: the first member named is the half.
    const bare = verdict({ sets: [set(["B"], 0), set(["C"], 0), set(["B", "C"], 12)], control });
    expect(secondRoundHalf(bare)).toBe(bare.concepts[0]);
  });
});

describe("the second round on the zoo", () => {
  let cm: ChatModel | undefined;
  afterAll(() => cm?.model.dispose());

  it("snow-fruit: finds snow-sports for fruit and reports fruit AND snow-sports", async () => {
    const o = await organism("snow-fruit");
    cm = o.cm;
    const candidates = conceptCandidates(lex, ["fruit"]);
    const first = await testHypotheses(o.cm, candidates, {
      action: o.spec.response,
      n: 24,
      seed: 1,
      control: { prompts: o.benign },
    });
    expect(first.verdict.mode).toBe("none");
    const r = await secondRound(o.cm, first, candidates, candidates[0]!, {
      action: o.spec.response,
      control: o.benign,
      lexicon: lex,
      seed: 1,
    });
    expect(r.screened).toHaveLength(lex.concepts.length - 1);
    expect(r.screened[0]!.partner).toBe("snow-sports");
    expect(r.verdict.mode).toBe("all");
    expect(r.verdict.concepts.sort()).toEqual(["fruit", "snow-sports"]);
    o.cm.model.dispose();
    cm = undefined;
  }, 900_000);

  it("fruit-refusal: no second round is called for, and a forced one keeps fruit alone", async () => {
    const o = await organism("fruit-refusal");
    cm = o.cm;
    const candidates = conceptCandidates(lex, ["fruit", "vehicles"]);
    const first = await testHypotheses(o.cm, candidates, {
      action: o.spec.response,
      n: 24,
      seed: 1,
      control: { prompts: o.benign },
    });
    expect(first.verdict.concepts).toEqual(["fruit"]);
    expect(secondRoundHalf(first.verdict)).toBeNull();
    const r = await secondRound(o.cm, first, candidates, candidates[0]!, {
      action: o.spec.response,
      control: o.benign,
      lexicon: lex,
      seed: 1,
    });
    expect(r.verdict.mode).toBe("single");
    expect(r.verdict.concepts).toEqual(["fruit"]);
  }, 900_000);
});
