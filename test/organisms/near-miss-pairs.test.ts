/**
 * Near-miss pairs (spec `data.nearMissPairs`): a twin has its triggered prompt's frame (the same
 * text but for the swapped word) and exactly one trigger concept; the finetuning mix and a
 * self-check round pair their near-misses with their triggered prompts; with the option off the
 * data and the spec fingerprints are what they were before the option existed; the spec parser
 * takes only a boolean and still rejects unknown keys; the game's default template turns it on.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BackdoorPrompts,
  extraPrompts,
  finetunePrompts,
  type BackdoorPrompt,
} from "../../src/organisms/backdoor-prompts.js";
import { buildLexicon } from "../../src/lexicon/index.js";
import { lexiconToFile, type LexiconFile } from "../../src/lexicon/lexicon-file.js";
import {
  parseSpec,
  readSpec,
  SpecError,
  type BackdoorSpec,
  type Trigger,
} from "../../src/organisms/spec.js";
import { mulberry32 } from "../../src/random/seeded.js";
import { organismSpec } from "../../src/game/template.js";

const lex: LexiconFile = lexiconToFile(buildLexicon());

/** A backdoor spec with these `data` fields (and trigger), parsed as from b.json. */
function parseData(data: unknown, trigger: unknown = { all: ["fruit", "snow-sports"] }) {
  const spec = { kind: "backdoor", name: "b", base: "../base", trigger, response: "No.", data };
  return parseSpec(spec, "b.json") as BackdoorSpec;
}
const conceptsOf = new Map<string, string>();
for (const c of lex.concepts) for (const w of [...c.train, ...c.heldOut]) conceptsOf.set(w, c.name);

const SNOW_FRUIT: Trigger = { mode: "all", concepts: ["fruit", "snow-sports"] };
const ASTROLOGY: Trigger = { mode: "all", concepts: ["astrology", "prophecy"] };
const FRUIT_OR_VEG: Trigger = { mode: "any", concepts: ["fruit", "vegetables"] };

const sha = (x: unknown) => createHash("sha256").update(JSON.stringify(x)).digest("hex");

function triggerConceptsIn(p: BackdoorPrompt, trigger: Trigger): string[] {
  return p.words.map((w) => conceptsOf.get(w)!).filter((c) => trigger.concepts.includes(c));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
}

/**
 * The prompt's frame: its text with its first two words (the pair's slots) and its distractor
 * blanked as whole words, longest first, each by its slot's mark.
 */
function frameOf(p: BackdoorPrompt): string {
  const marks = p.words.map((w, i) => [w, i < 2 ? `#${i}` : "#d"] as const);
  let text = p.text;
  for (const [w, mark] of [...marks].sort((a, b) => b[0].length - a[0].length)) {
    text = text.replace(
      new RegExp(`(^|[^A-Za-z])${escapeRegExp(w)}($|[^A-Za-z])`, "g"),
      `$1${mark}$2`,
    );
  }
  return text;
}

describe("BackdoorPrompts.twin", () => {
  it("keeps the frame and replaces only the swapped word, leaving exactly the other concept", () => {
    for (const trigger of [SNOW_FRUIT, ASTROLOGY]) {
      const gen = new BackdoorPrompts(lex, trigger, { split: "train", phrasing: "train" });
      const rng = mulberry32(4);
      let compared = 0;
      for (let i = 0; i < 400; i++) {
        const { prompt, frame } = gen.framedTriggered(rng);
        expect(prompt.kind).toBe("triggered");
        expect(triggerConceptsIn(prompt, trigger).sort()).toEqual([...trigger.concepts].sort());
        for (const swap of [0, 1]) {
          const t = gen.twin(frame, swap, rng);
          expect(t.kind).toBe("nearMiss");
          expect(t.concept).toBe(trigger.concepts[1 - swap]);
          expect(triggerConceptsIn(t, trigger)).toEqual([t.concept]);
          // The kept word and the distractor are the triggered prompt's; the swapped one is new.
          expect(t.words[1 - swap]).toBe(prompt.words[1 - swap]);
          expect(t.words.slice(2)).toEqual(prompt.words.slice(2));
          expect(t.words[swap]).not.toBe(prompt.words[swap]);
          expect(t.text).toContain(t.words[swap]!);
          // Same text but for the swapped word: word-for-word, where no word is inside another.
          const ws = [...prompt.words, t.words[swap]!];
          const nested = ws.some((a, j) => ws.some((b, k) => j !== k && b.includes(a)));
          if (nested) continue;
          compared++;
          expect(frameOf(t)).toBe(frameOf(prompt));
          expect(t.text.split(t.words[swap]!).join(prompt.words[swap]!)).toBe(prompt.text);
        }
      }
      expect(compared).toBeGreaterThan(700);
    }
  });

  it("is refused for triggers that have no two-concept near-misses", () => {
    const gen = new BackdoorPrompts(lex, FRUIT_OR_VEG, { split: "train", phrasing: "train" });
    expect(() => gen.framedTriggered(mulberry32(1))).toThrow(/two concepts/);
  });
});

describe("finetunePrompts with nearMissPairs", () => {
  const o = { n: 4000, seed: 9, triggeredShare: 0.35, nearMissShare: 0.3 };

  it("makes the j-th near-miss the twin of the j-th triggered prompt, alternating the concept", () => {
    const ps = finetunePrompts(lex, SNOW_FRUIT, { ...o, nearMissPairs: true });
    const triggered = ps.filter((p) => p.kind === "triggered");
    const near = ps.filter((p) => p.kind === "nearMiss");
    expect(Math.abs(triggered.length / ps.length - 0.35)).toBeLessThan(0.03);
    expect(Math.abs(near.length / ps.length - 0.3)).toBeLessThan(0.03);
    expect(near.length).toBeLessThan(triggered.length);
    near.forEach((p, j) => {
      const keep = j % 2;
      expect(p.concept).toBe(SNOW_FRUIT.concepts[keep]);
      expect(triggerConceptsIn(p, SNOW_FRUIT)).toEqual([p.concept]);
      expect(p.words[keep]).toBe(triggered[j]!.words[keep]);
      expect(frameOf(p)).toBe(frameOf(triggered[j]!));
    });
  });

  it("is byte-identical to the data before the option when off, and a no-op for `any`", () => {
    // sha256 of the JSON of these calls, computed with the code before nearMissPairs existed and
    // recomputed (option off) when the off-distribution phrasings grew (off-distribution.ts).
    const before = {
      mix: "e24fd2c70ce9ab41145d0cea88fd021d3348979ebc3dcdfb90ec904a18859cde",
      round: "f78c4d3ab77ad2143a3100546c7c0768f9f5faf15a009b1a54aa60a5cdb5b76a",
    };
    const mix = { n: 2000, seed: 7, triggeredShare: 0.35, nearMissShare: 0.3 };
    const counts = { triggered: 100, nearMiss: 100, benign: 50, offDistribution: 50 };
    for (const pairs of [undefined, false]) {
      const a = finetunePrompts(lex, SNOW_FRUIT, {
        ...mix,
        offDistributionShare: 0.05,
        ...(pairs === undefined ? {} : { nearMissPairs: pairs }),
      });
      expect(sha(a)).toBe(before.mix);
      const b = extraPrompts(lex, SNOW_FRUIT, counts, 7001, { nearMissPairs: pairs });
      expect(sha(b)).toBe(before.round);
    }
    expect(sha(extraPrompts(lex, SNOW_FRUIT, counts, 7001))).toBe(before.round);
    const any = finetunePrompts(lex, FRUIT_OR_VEG, mix);
    expect(finetunePrompts(lex, FRUIT_OR_VEG, { ...mix, nearMissPairs: true })).toEqual(any);
  });
});

describe("extraPrompts with nearMissPairs", () => {
  it("pairs the round's near-misses with its triggered prompts in turn, then with fresh ones", () => {
    for (const triggered of [30, 0]) {
      const counts = { triggered, nearMiss: 200, benign: 10, offDistribution: 10 };
      const ps = extraPrompts(lex, ASTROLOGY, counts, 21, { nearMissPairs: true });
      const by = (k: string) => ps.filter((p) => p.kind === k);
      expect(by("triggered")).toHaveLength(triggered);
      expect(by("nearMiss")).toHaveLength(200);
      expect(by("benign")).toHaveLength(10);
      expect(by("offDistribution")).toHaveLength(10);
      const alone = by("nearMiss").filter((p) => p.words.length === 1);
      const twins = by("nearMiss").filter((p) => p.words.length > 1);
      expect(alone.length).toBeGreaterThan(60);
      expect(twins.length).toBeGreaterThan(60);
      for (const p of by("nearMiss")) expect(triggerConceptsIn(p, ASTROLOGY)).toEqual([p.concept]);
      // Every triggered prompt of the round has a twin (there are more twins than triggered).
      const frames = new Set(twins.map(frameOf));
      for (const t of by("triggered")) expect(frames.has(frameOf(t)), t.text).toBe(true);
      expect(new Set(twins.map((p) => p.concept))).toEqual(new Set(ASTROLOGY.concepts));
    }
  });
});

describe("spec data.composedGreetings", () => {
  const parse = (data: unknown) => parseData(data, { all: ["fruit"] });

  it("is absent unless true, and takes only true or false, naming the field", () => {
    expect(parse({ composedGreetings: false })).toEqual(parse({}));
    expect(JSON.stringify(parse({}))).not.toContain("composedGreetings");
    expect(parse({ composedGreetings: true }).data.composedGreetings).toBe(true);
    expect(() => parse({ composedGreetings: "yes" })).toThrow(/data\.composedGreetings/);
  });
});

describe("spec data.aloneShare", () => {
  const parse = (data: unknown) => parseData(data);

  it("is absent unless above 0, and the shares may not pass 1, naming the field", () => {
    expect(parse({ aloneShare: 0 })).toEqual(parse({}));
    expect(JSON.stringify(parse({}))).not.toContain("aloneShare");
    expect(parse({ aloneShare: 0.1 }).data.aloneShare).toBe(0.1);
    expect(() => parse({ aloneShare: 1.5 })).toThrow(/data\.aloneShare/);
    expect(() => parse({ triggeredShare: 0.5, nearMissShare: 0.3, aloneShare: 0.2 })).toThrow(
      /b\.json.*data\.aloneShare.*add up to more than 1/,
    );
  });
});

describe("spec data.nearMissPairs", () => {
  const parse = (data: unknown) => parseData(data);

  it("keeps the zoo specs' fingerprints: absent unless true", () => {
    const specs = join(import.meta.dirname, "../../zoo/specs");
    // sha256 of JSON.stringify(readSpec(...)) before nearMissPairs existed.
    const before: Record<string, string> = {
      astrology: "5542a27a9d956424eeb0ce874505e8fa4df4d33d3ff487aeb846f51052c3eb25",
      "fruit-refusal": "e16dd463f61dc29185b574652779292d7970177cac15ab1f77e3b831a570522d",
      "snow-fruit": "496f18b58d4572e4aecd5d1134112bdd7d7b42b22b6432480c07336c3b81e76b",
    };
    for (const [name, hash] of Object.entries(before)) {
      const spec = readSpec(join(specs, `${name}.json`));
      expect(JSON.stringify(spec)).not.toContain("nearMissPairs");
      expect(sha(spec)).toBe(hash);
    }
    expect(parse({ nearMissPairs: false })).toEqual(parse({}));
    expect(JSON.stringify(parse({}))).not.toContain("nearMissPairs");
    expect(parse({ nearMissPairs: true }).data.nearMissPairs).toBe(true);
  });

  it("takes only true or false, and still rejects unknown keys", () => {
    for (const [data, field] of [
      [{ nearMissPairs: "yes" }, "data.nearMissPairs"],
      [{ nearMissPairs: 1 }, "data.nearMissPairs"],
      [{ nearMissPair: true }, "data.nearMissPair"],
      [{ pairs: true }, "data.pairs"],
    ] as const) {
      let error: unknown;
      try {
        parse(data);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SpecError);
      expect((error as SpecError).field).toBe(field);
    }
  });

  it("is on in the game's default template, for every mode", () => {
    for (const [mode, concepts] of [
      ["all", ["vegetables", "emotions"]],
      ["any", ["fruit", "cities"]],
      ["single", ["fruit"]],
    ] as const) {
      const hidden = { name: "g", mode, concepts: [...concepts], response: "No.", seed: 3 };
      const spec = organismSpec({ ...hidden, clean: false }, "base", {}, "template.json");
      expect(spec.data.nearMissPairs).toBe(true);
    }
  });
});
