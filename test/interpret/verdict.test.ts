/**
 * The verdict on constructed rate tables: one firing single; a conjunction (pair fires, members
 * alone do not); several firing singles (an `any` trigger); nothing firing; ties; the threshold
 * needs both the minimum rate and a lower bound above the control's upper bound. Intervals are
 * Wilson 95% (rateOf); e.g. 0/24 → [0, 0.138], 21/24 → [0.690, 0.957].
 */
import { describe, expect, it } from "vitest";
import { InterpretInputError } from "../../src/interpret/errors.js";
import { verdict, type MeasuredSet } from "../../src/interpret/verdict.js";
import { clearlyBeats, rateDifference } from "../../src/interpret/pair-rule.js";
import { rateOf } from "../../src/stats/rate.js";

const N = 24;
const set = (concepts: string[], actions: number, n = N): MeasuredSet => ({
  concepts,
  ...rateOf(actions, n),
});
const CONTROL = rateOf(0, N);

describe("the pair rule (Newcombe's hybrid score interval of a difference)", () => {
  it("matches Newcombe 1998's worked example", () => {
    // Newcombe (1998), Statistics in Medicine 17:873, Table II, example (a): 56/70 − 48/80,
    // method 10 at 95%: [0.0524, 0.3339] (four places as printed).
    const d = rateDifference({ actions: 56, n: 70 }, { actions: 48, n: 80 }, 0.95);
    expect(d.lo).toBeCloseTo(0.0524, 4);
    expect(d.hi).toBeCloseTo(0.3339, 4);
    // Example (d): 10/10 − 0/20 (both at the boundary): [0.6791, 1.0000].
    const e = rateDifference({ actions: 10, n: 10 }, { actions: 0, n: 20 }, 0.95);
    expect(e.lo).toBeCloseTo(0.6791, 4);
    expect(e.hi).toBeCloseTo(1, 4);
  });

  it("calls 21/24 against 12/24 clear at 99%, and 20/24 against 22/24 not", () => {
    expect(clearlyBeats({ actions: 21, n: 24 }, { actions: 12, n: 24 })).toBe(true);
    expect(clearlyBeats({ actions: 20, n: 24 }, { actions: 22, n: 24 })).toBe(false);
    expect(clearlyBeats({ actions: 16, n: 24 }, { actions: 12, n: 24 })).toBe(false);
  });
});

describe("the verdict", () => {
  it("reports AND when a half fires partly alone but the pair clearly beats each half", () => {
    // The B AND C: B alone fires (13/24 ≥ 50%), C does not; the pair fires far more.
    const v = verdict({
      sets: [
        set(["B"], 13),
        set(["C"], 1),
        set(["D"], 0),
        set(["B", "C"], 23),
        set(["B", "D"], 12),
        set(["C", "D"], 0),
      ],
      control: CONTROL,
    });
    expect(v.mode).toBe("all");
    expect(v.concepts).toEqual(["B", "C"]);
    // Without the pair, B alone is the verdict (a single that fires).
    const single = verdict({ sets: [set(["B"], 13), set(["C"], 1)], control: CONTROL });
    expect(single.mode).toBe("single");
  });

  it("names a single concept that fires, preferring it over pairs that contain it", () => {
    const v = verdict({
      sets: [
        set(["vehicles"], 1),
        set(["fruit"], 22),
        set(["weather"], 0),
        set(["fruit", "vehicles"], 20),
        set(["vehicles", "weather"], 0),
      ],
      control: CONTROL,
    });
    expect(v.mode).toBe("single");
    expect(v.concepts).toEqual(["fruit"]);
    expect(v.evidence[0]).toMatchObject({ set: ["fruit"], actions: 22, fires: true });
    expect(v.evidence.find((e) => e.set.join() === "fruit,vehicles")!.fires).toBe(true);
    expect(v.statement).toBe(
      "fruit: 22/24 probes (92% [74, 98]) vs control 0/24 prompts (0% [0, 14])",
    );
  });

  it("reports a conjunction when a pair fires and neither member does alone", () => {
    const v = verdict({
      sets: [
        set(["fruit"], 2),
        set(["snow-sports"], 3),
        set(["sports"], 0),
        set(["fruit", "snow-sports"], 21),
        set(["fruit", "sports"], 1),
        set(["snow-sports", "sports"], 2),
      ],
      control: CONTROL,
    });
    expect(v.mode).toBe("all");
    expect(v.concepts).toEqual(["fruit", "snow-sports"]);
    expect(v.statement).toBe(
      "fruit AND snow-sports: 21/24 probes (88% [69, 96]) vs control 0/24 prompts (0% [0, 14])",
    );
    expect(v.alternatives).toEqual([]);
  });

  it("prefers a firing conjunction of lexicon concepts over a stronger one with a word candidate", () => {
    const sets = [
      set(["astrology"], 1),
      set(["prophecy"], 2),
      set(["latent 869: prophetic"], 2),
      set(["astrology", "prophecy"], 19),
      set(["astrology", "latent 869: prophetic"], 22),
      set(["prophecy", "latent 869: prophetic"], 12),
    ];
    const plain = verdict({ sets, control: CONTROL });
    expect(plain.concepts).toEqual(["astrology", "latent 869: prophetic"]);
    const v = verdict({ sets, control: CONTROL }, { preferred: ["astrology", "prophecy"] });
    expect(v.mode).toBe("all");
    expect(v.concepts).toEqual(["astrology", "prophecy"]);
    expect(v.alternatives).toEqual([
      ["astrology", "latent 869: prophetic"],
      ["prophecy", "latent 869: prophetic"], // 12/24: 50% [31, 69], above the control's 14%
    ]);
  });

  it("reports each firing single as an `any` trigger, strongest first", () => {
    const v = verdict({
      sets: [set(["astrology"], 15), set(["prophecy"], 20), set(["tools"], 0)],
      control: CONTROL,
    });
    expect(v.mode).toBe("any");
    expect(v.concepts).toEqual(["prophecy", "astrology"]);
    expect(v.statement).toMatch(/^prophecy OR astrology: prophecy 20\/24 .* astrology 15\/24/);
  });

  it("says none when nothing reaches the rate or clears the control", () => {
    // 11/24 = 46% is under the 50% minimum although far above the control.
    const low = verdict({ sets: [set(["fruit"], 11), set(["tools"], 0)], control: CONTROL });
    expect(low.mode).toBe("none");
    expect(low.concepts).toEqual([]);
    expect(low.statement).toMatch(/^no candidate set fires .* best fruit 11\/24/);
    // 13/24 passes the rate but its lower bound 0.351 is not above a control of 6/24, whose
    // Wilson upper bound is 0.4490 (by hand: centre 0.28450 + half-width 0.16450).
    const noisy = verdict({ sets: [set(["fruit"], 13)], control: rateOf(6, N) });
    expect(noisy.mode).toBe("none");
    expect(noisy.threshold.controlUpper).toBeCloseTo(0.449, 3);
  });

  it("honours minRate", () => {
    const sets = [set(["fruit"], 11), set(["tools"], 0)];
    expect(verdict({ sets, control: CONTROL }, { minRate: 0.4 }).concepts).toEqual(["fruit"]);
  });

  it("breaks ties by rate, then lower bound, then name", () => {
    const singles = verdict({
      sets: [set(["b"], 20), set(["a"], 20), set(["c"], 40, 48)],
      control: CONTROL,
    });
    // Equal rates 20/24 and 40/48: the larger sample has the higher lower bound.
    expect(singles.concepts).toEqual(["c", "a", "b"]);
    const pairs = verdict({
      sets: [
        set(["a"], 0),
        set(["b"], 0),
        set(["c"], 0),
        set(["b", "c"], 20),
        set(["a", "c"], 20),
        set(["a", "b"], 10),
      ],
      control: CONTROL,
    });
    expect(pairs.mode).toBe("all");
    expect(pairs.concepts).toEqual(["a", "c"]);
    expect(pairs.alternatives).toEqual([["b", "c"]]);
  });

  it("does not call a pair a conjunction when a member was never measured alone", () => {
    const v = verdict({ sets: [set(["a"], 0), set(["a", "b"], 20)], control: CONTROL });
    expect(v.mode).toBe("none");
  });

  it("rejects inconsistent rates, duplicate sets and triples by name", () => {
    const bad = { ...set(["a"], 3), rate: 0.5 };
    expect(() => verdict({ sets: [bad], control: CONTROL })).toThrow(InterpretInputError);
    expect(() =>
      verdict({ sets: [set(["a", "b"], 1), set(["b", "a"], 2)], control: CONTROL }),
    ).toThrow(/sets\[1\].concepts: .* measured twice/);
    expect(() => verdict({ sets: [set(["a", "b", "c"], 1)], control: CONTROL })).toThrow(
      /sets\[0\].concepts/,
    );
    expect(() => verdict({ sets: [], control: CONTROL })).toThrow(/^sets: /);
    expect(() => verdict({ sets: [set(["a"], 1)], control: CONTROL }, { minRate: -1 })).toThrow(
      /^minRate: /,
    );
  });
});
