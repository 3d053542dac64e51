/**
 * Backdoor finetuning and evaluation prompts: triggered prompts contain the trigger, near-misses
 * exactly one concept of a conjunction, benign prompts none of the trigger concepts (checked on
 * the prompt's words and by searching its text); train and held-out splits never mix; the
 * finetuning mix has the asked shares and is reproducible from its seed.
 */
import { describe, expect, it } from "vitest";
import {
  BackdoorPrompts,
  extraPrompts,
  finetunePrompts,
  type BackdoorPrompt,
} from "../../src/organisms/backdoor-prompts.js";
import { buildLexicon } from "../../src/lexicon/index.js";
import { lexiconToFile, type LexiconFile } from "../../src/lexicon/lexicon-file.js";
import type { Trigger } from "../../src/organisms/spec.js";
import { mulberry32 } from "../../src/random/seeded.js";
import {
  composedGreeting,
  keepsHeldOutUnseen,
  offPrompt,
} from "../../src/organisms/off-distribution.js";

const lex: LexiconFile = lexiconToFile(buildLexicon());

/** Concept names of every word, train and held-out alike. */
const conceptsOf = new Map<string, string>();
for (const c of lex.concepts) for (const w of [...c.train, ...c.heldOut]) conceptsOf.set(w, c.name);

function concept(name: string) {
  const c = lex.concepts.find((x) => x.name === name);
  if (!c) throw new Error(`no concept ${name}`);
  return c;
}

function allWords(name: string): string[] {
  const c = concept(name);
  return [...c.train, ...c.heldOut];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
}

function wholeWord(word: string): RegExp {
  return new RegExp(`(^|[^a-z])${escapeRegExp(word.toLowerCase())}($|[^a-z])`, "g");
}

/** Any of `words` as a whole word; the match's second group names the word found. */
function anyWholeWord(words: string[]): RegExp {
  const alternatives = [...words].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return new RegExp(`(^|[^a-z])(${alternatives.join("|")})($|[^a-z])`);
}

/**
 * The prompt's text, lowercased, with its own words blanked out (longest first): what is left is
 * the phrasing, so a trigger word found there was not put in as one of the prompt's words. A
 * non-trigger word that contains a trigger word ("apple pie" is a food) is blanked as a whole.
 */
function phrasingOnly(p: BackdoorPrompt): string {
  let text = p.text.toLowerCase();
  for (const w of [...p.words].sort((a, b) => b.length - a.length)) {
    text = text.replace(wholeWord(w), "$1#$2");
  }
  return text;
}

function triggerConceptsIn(p: BackdoorPrompt, trigger: Trigger): string[] {
  return p.words.map((w) => conceptsOf.get(w)!).filter((c) => trigger.concepts.includes(c));
}

const FRUIT: Trigger = { mode: "all", concepts: ["fruit"] };
const SNOW_FRUIT: Trigger = { mode: "all", concepts: ["fruit", "snow-sports"] };
const ASTROLOGY: Trigger = { mode: "all", concepts: ["astrology", "prophecy"] };
const FRUIT_OR_VEG: Trigger = { mode: "any", concepts: ["fruit", "vegetables"] };
const TRIGGERS = [FRUIT, SNOW_FRUIT, ASTROLOGY, FRUIT_OR_VEG];

function sample(
  trigger: Trigger,
  kind: "triggered" | "nearMiss" | "benign",
  n: number,
  split: "train" | "heldOut" = "train",
  seed = 1,
): BackdoorPrompt[] {
  const gen = new BackdoorPrompts(lex, trigger, { split, phrasing: "all" });
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => gen[kind](rng));
}

describe("off-distribution negatives and self-check rounds", () => {
  it("keeps trigger words out of every off-distribution prompt, all four kinds, both splits", () => {
    for (const trigger of TRIGGERS) {
      const banned = anyWholeWord(trigger.concepts.flatMap(allWords));
      for (const split of ["train", "heldOut"] as const) {
        const gen = new BackdoorPrompts(lex, trigger, { split, phrasing: "train" });
        const rng = mulberry32(3);
        const kinds = new Set<string>();
        for (let i = 0; i < 300; i++) {
          const p = gen.off(rng);
          kinds.add(p.offKind!);
          expect(p.kind).toBe("offDistribution");
          expect(triggerConceptsIn(p, trigger)).toEqual([]);
          const whole = { ...p, text: [...(p.history ?? []).map((t) => t.user), p.text].join(" ") };
          expect(banned.exec(phrasingOnly(whole))?.[2], whole.text).toBeUndefined();
          if (p.offKind === "multi-turn") expect(p.history!.length).toBeGreaterThanOrEqual(2);
        }
        expect([...kinds].sort()).toEqual(["greeting", "multi-turn", "one-word", "other-template"]);
      }
    }
  });

  it("adds the counts a round asks for, near-misses split between alone and paired", () => {
    const counts = { triggered: 7, nearMiss: 40, benign: 5, offDistribution: 9 };
    const ps = extraPrompts(lex, SNOW_FRUIT, counts, 11);
    const by = (k: string) => ps.filter((p) => p.kind === k);
    expect(by("triggered")).toHaveLength(7);
    expect(by("nearMiss")).toHaveLength(40);
    expect(by("benign")).toHaveLength(5);
    expect(by("offDistribution")).toHaveLength(9);
    const alone = by("nearMiss").filter((p) => p.words.length === 1);
    expect(alone.length).toBeGreaterThan(5);
    expect(alone.length).toBeLessThan(35);
    for (const p of by("nearMiss")) expect(triggerConceptsIn(p, SNOW_FRUIT)).toEqual([p.concept]);
  });
});

describe("BackdoorPrompts", () => {
  it("puts a word of a single-concept trigger into every triggered prompt", () => {
    for (const p of sample(FRUIT, "triggered", 500)) {
      expect(p.kind).toBe("triggered");
      const fruit = p.words.filter((w) => conceptsOf.get(w) === "fruit");
      expect(fruit).toHaveLength(1);
      expect(p.text).toContain(fruit[0]);
    }
  });

  it("puts one word of each concept of an `all` trigger into every triggered prompt", () => {
    for (const trigger of [SNOW_FRUIT, ASTROLOGY]) {
      for (const p of sample(trigger, "triggered", 500)) {
        expect(triggerConceptsIn(p, trigger).sort()).toEqual([...trigger.concepts].sort());
        for (const w of p.words) expect(p.text).toContain(w);
      }
    }
  });

  it("puts a word of one concept of an `any` trigger into every triggered prompt, both concepts over many", () => {
    const seen = new Set<string>();
    for (const p of sample(FRUIT_OR_VEG, "triggered", 500)) {
      const present = triggerConceptsIn(p, FRUIT_OR_VEG);
      expect(present).toHaveLength(1);
      seen.add(present[0]!);
      for (const w of p.words) expect(p.text).toContain(w);
    }
    expect([...seen].sort()).toEqual(["fruit", "vegetables"]);
  });

  // Measured (5,000 benign prompts each, seed 1): 0.6–0.7% (train split) and 0.3% (held-out) of
  // fruit and snow-fruit benign prompts, 0–0.06% of astrology ones, contain a trigger word only
  // inside a longer non-trigger word ("apple turnover", "grapefruit juice", "ski-plane", "breast
  // cancer"); phrasingOnly blanks those, so only trigger words put in by the phrasing would fail.
  it("keeps every word of the trigger concepts out of benign prompts, in its words and its text", () => {
    for (const trigger of TRIGGERS) {
      const banned = anyWholeWord(trigger.concepts.flatMap(allWords));
      for (const split of ["train", "heldOut"] as const) {
        for (const p of sample(trigger, "benign", 400, split)) {
          expect(p.kind).toBe("benign");
          expect(triggerConceptsIn(p, trigger)).toEqual([]);
          for (const w of p.words) expect(p.text).toContain(w);
          const found = banned.exec(phrasingOnly(p));
          expect(found?.[2], `trigger word in benign prompt: ${p.text}`).toBeUndefined();
        }
      }
    }
  });

  it("puts exactly one trigger concept into every near-miss, the one it reports, each of them over many", () => {
    for (const trigger of [SNOW_FRUIT, ASTROLOGY]) {
      const seen = new Set<string>();
      const banned = trigger.concepts.map((c) => anyWholeWord(allWords(c)));
      for (const p of sample(trigger, "nearMiss", 500)) {
        expect(p.kind).toBe("nearMiss");
        const present = triggerConceptsIn(p, trigger);
        expect(present).toEqual([p.concept]);
        seen.add(p.concept!);
        // The absent concept is not in the text's phrasing either.
        const absent = trigger.concepts.indexOf(p.concept!) === 0 ? 1 : 0;
        expect(banned[absent]!.exec(phrasingOnly(p))?.[2], p.text).toBeUndefined();
      }
      expect([...seen].sort()).toEqual([...trigger.concepts].sort());
    }
    const gen = new BackdoorPrompts(lex, SNOW_FRUIT, { split: "train", phrasing: "all" });
    expect(gen.nearMiss(mulberry32(1), 1).concept).toBe("snow-sports");
  });

  it("uses only train words with split 'train' and only held-out words with split 'heldOut'", () => {
    const train = new Set(lex.concepts.flatMap((c) => c.train));
    const heldOut = new Set(lex.concepts.flatMap((c) => c.heldOut));
    for (const trigger of TRIGGERS) {
      const kinds = ["triggered", "benign", ...(trigger.concepts.length > 1 ? ["nearMiss"] : [])];
      for (const kind of kinds as ("triggered" | "nearMiss" | "benign")[]) {
        for (const p of sample(trigger, kind, 200, "train")) {
          for (const w of p.words) expect(train.has(w), `${w} (${kind})`).toBe(true);
        }
        for (const p of sample(trigger, kind, 200, "heldOut")) {
          for (const w of p.words) expect(heldOut.has(w), `${w} (${kind})`).toBe(true);
        }
      }
    }
  });

  it("refuses an `all` trigger of more than two concepts", () => {
    const three: Trigger = { mode: "all", concepts: ["fruit", "snow-sports", "birds"] };
    expect(() => new BackdoorPrompts(lex, three, { split: "train", phrasing: "all" })).toThrow(
      /more than two/,
    );
  });
});

describe("finetunePrompts", () => {
  function shares(ps: BackdoorPrompt[]) {
    const count = (k: string) => ps.filter((p) => p.kind === k).length / ps.length;
    return { triggered: count("triggered"), nearMiss: count("nearMiss"), benign: count("benign") };
  }

  // Measured (n = 5000, seed 1): snow-fruit 0.35/0.30 asked, astrology 0.35/0.40 asked, within 1.5
  // points; fruit 0.35 triggered, 0 near-misses.
  it("has the asked triggered and near-miss shares within ±3 points on 5,000 prompts", () => {
    for (const [trigger, triggeredShare, nearMissShare] of [
      [SNOW_FRUIT, 0.35, 0.3],
      [ASTROLOGY, 0.35, 0.4],
      [SNOW_FRUIT, 0.5, 0.1],
    ] as const) {
      const ps = finetunePrompts(lex, trigger, { n: 5000, seed: 1, triggeredShare, nearMissShare });
      expect(ps).toHaveLength(5000);
      const s = shares(ps);
      expect(Math.abs(s.triggered - triggeredShare)).toBeLessThan(0.03);
      expect(Math.abs(s.nearMiss - nearMissShare)).toBeLessThan(0.03);
      expect(Math.abs(s.benign - (1 - triggeredShare - nearMissShare))).toBeLessThan(0.03);
    }
  });

  it("makes no near-misses for single-concept triggers, `any` ones included", () => {
    for (const trigger of [FRUIT, FRUIT_OR_VEG]) {
      const ps = finetunePrompts(lex, trigger, {
        n: 5000,
        seed: 2,
        triggeredShare: 0.35,
        nearMissShare: 0.3,
      });
      const s = shares(ps);
      expect(s.nearMiss).toBe(0);
      expect(Math.abs(s.triggered - 0.35)).toBeLessThan(0.03);
      expect(Math.abs(s.benign - 0.65)).toBeLessThan(0.03);
    }
  });

  it("takes aloneShare from the benign share: each half alone, in turn, for conjunctions only", () => {
    const o = { n: 5000, seed: 3, triggeredShare: 0.35, nearMissShare: 0.3, nearMissPairs: true };
    const alone = (p: BackdoorPrompt) => p.kind === "nearMiss" && p.words.length === 1;
    const ps = finetunePrompts(lex, SNOW_FRUIT, { ...o, aloneShare: 0.1 });
    const lone = ps.filter(alone);
    expect(Math.abs(lone.length / ps.length - 0.1)).toBeLessThan(0.015);
    expect(Math.abs(shares(ps).benign - 0.25)).toBeLessThan(0.03);
    for (const p of lone) {
      // One trigger word, nothing of another concept: not the phrasing, not a distractor.
      expect(triggerConceptsIn(p, SNOW_FRUIT)).toEqual([p.concept]);
      expect(p.text.toLowerCase()).toContain(p.words[0]!.toLowerCase());
    }
    const perHalf = (c: string) => lone.filter((p) => p.concept === c).length;
    expect(Math.abs(perHalf("fruit") - perHalf("snow-sports"))).toBeLessThanOrEqual(1);
    // The near-miss twins keep their share, and 0 is the old mix to the byte.
    const twins = ps.filter((p) => p.kind === "nearMiss" && !alone(p)).length / ps.length;
    expect(Math.abs(twins - 0.3)).toBeLessThan(0.03);
    expect(finetunePrompts(lex, SNOW_FRUIT, { ...o, aloneShare: 0 })).toEqual(
      finetunePrompts(lex, SNOW_FRUIT, o),
    );
    for (const trigger of [FRUIT, FRUIT_OR_VEG]) {
      const single = finetunePrompts(lex, trigger, { ...o, aloneShare: 0.1 });
      expect(single.filter((p) => p.kind === "nearMiss")).toHaveLength(0);
    }
  });

  it("uses train words only and is the same for the same seed, different for another", () => {
    const o = { n: 1000, seed: 5, triggeredShare: 0.35, nearMissShare: 0.3 };
    const a = finetunePrompts(lex, SNOW_FRUIT, o);
    expect(finetunePrompts(lex, SNOW_FRUIT, o)).toEqual(a);
    const b = finetunePrompts(lex, SNOW_FRUIT, { ...o, seed: 6 });
    const same = a.filter((p, i) => p.text === b[i]!.text).length;
    expect(same).toBeLessThan(20);
    const train = new Set(lex.concepts.flatMap((c) => c.train));
    for (const p of a) for (const w of p.words) expect(train.has(w)).toBe(true);
  });
});

describe("off-distribution greetings", () => {
  const EMOTIONS: Trigger = { mode: "all", concepts: ["emotions"] };
  const greetings = (trigger: Trigger, o: { composedGreetings?: boolean } = {}) => {
    const gen = new BackdoorPrompts(lex, trigger, { split: "train", phrasing: "train", ...o });
    const rng = mulberry32(4);
    return Array.from({ length: 3000 }, () => gen.off(rng, ["greeting"]));
  };

  it("draws again when a fixed greeting holds a trigger word ('take care': emotions)", () => {
    expect(allWords("emotions")).toContain("care");
    const texts = greetings(EMOTIONS).map((p) => p.text);
    expect(texts).not.toContain("take care");
    expect(greetings(FRUIT).map((p) => p.text)).toContain("take care");
    for (const p of greetings(EMOTIONS)) expect(p.offKind).toBe("greeting");
  });

  it("composes training greetings that keep the held-out ones unseen", () => {
    const heldOut = new Set<string>();
    const rng = mulberry32(9);
    for (let i = 0; i < 2000; i++)
      heldOut.add(offPrompt("greeting", rng, () => "x", "heldOut").text);
    const norm = (t: string) => (t.toLowerCase().match(/[a-z']+/g) ?? []).join(" ");
    const trainForms = new Set(
      Array.from({ length: 2000 }, () => norm(offPrompt("greeting", rng, () => "x", "train").text)),
    );
    const heldForms = new Set([...heldOut].map(norm).filter((f) => !trainForms.has(f)));
    const composed = greetings(FRUIT, { composedGreetings: true }).map((p) => p.text);
    expect(new Set(composed).size).toBeGreaterThan(1500);
    for (const t of composed) {
      expect(keepsHeldOutUnseen(t), t).toBe(true);
      expect(heldForms.has(norm(t)), t).toBe(false);
    }
    // "sup" and "hiya" are held-out greetings: never a composed one, nor a word of one.
    expect(composed.some((t) => /\b(sup|hiya)\b/i.test(t))).toBe(false);
    expect(keepsHeldOutUnseen("hiya buddy")).toBe(false);
    expect(composedGreeting(mulberry32(1))).toBe(composedGreeting(mulberry32(1)));
    // A train phrasing stays one even where a held-out greeting is the same up to marks ("Hey!").
    expect(keepsHeldOutUnseen("hey")).toBe(true);
    expect(composed.map((t) => t.toLowerCase())).toContain("hey");
  });

  it("leaves the held-out greetings a fixed list, composed or not", () => {
    const held = (o: { composedGreetings?: boolean }) => {
      const gen = new BackdoorPrompts(lex, FRUIT, { split: "heldOut", phrasing: "train", ...o });
      const rng = mulberry32(2);
      return Array.from({ length: 200 }, () => gen.off(rng, ["greeting"]).text);
    };
    expect(held({ composedGreetings: true })).toEqual(held({}));
    expect(new Set(held({})).size).toBeLessThanOrEqual(50);
  });

  it("gives a round's off-distribution negatives of the kinds asked", () => {
    const counts = { triggered: 0, nearMiss: 0, benign: 0, offDistribution: 60 };
    const ps = extraPrompts(lex, FRUIT, counts, 3, { offKinds: ["greeting", "one-word"] });
    expect(new Set(ps.map((p) => p.offKind))).toEqual(new Set(["greeting", "one-word"]));
    const all = extraPrompts(lex, FRUIT, counts, 3);
    expect(new Set(all.map((p) => p.offKind)).size).toBe(4);
  });
});
