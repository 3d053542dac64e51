/**
 * Probe prompt sets (no model): each set's prompts carry one word of each of its candidates and
 * contain it; no prompt contains a word of a concept that is not a candidate (checked by
 * searching the text for every word of the trigger concepts); the control is the caller's
 * prompts or composed from control words; sets are reproducible from the seed and do not shift
 * when candidates are added.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { conceptCandidates } from "../../src/interpret/candidates.js";
import { probeSets } from "../../src/interpret/probes.js";
import { readLexiconFile } from "../../src/lexicon/lexicon-file.js";

const LEX = readLexiconFile(join(import.meta.dirname, "../../zoo/base"));
const words = (name: string) => {
  const c = LEX.concepts.find((x) => x.name === name)!;
  return [...c.train, ...c.heldOut];
};
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
const contains = (text: string, w: string) =>
  new RegExp(`(^|[^a-z])${escape(w.toLowerCase())}($|[^a-z])`).test(text.toLowerCase());

describe("probe prompt sets", () => {
  const cands = conceptCandidates(LEX, ["vehicles", "weather", "tools"]);
  const sets = probeSets(cands, { n: 24, seed: 3, control: { words: words("furniture") } });

  it("builds every single, every pair, then the control, n prompts each", () => {
    expect(sets.map((s) => s.name)).toEqual([
      "vehicles",
      "weather",
      "tools",
      "vehicles + weather",
      "vehicles + tools",
      "weather + tools",
      "control",
    ]);
    for (const s of sets) expect(s.prompts).toHaveLength(24);
  });

  it("puts one word of each candidate of the set in every prompt", () => {
    for (const s of sets.filter((x) => x.name !== "control")) {
      for (const p of s.prompts) {
        expect(p.words).toHaveLength(s.concepts.length);
        s.concepts.forEach((c, i) => {
          expect(words(c)).toContain(p.words[i]);
          expect(p.text).toContain(p.words[i]);
        });
      }
    }
  });

  it("never uses a word of a concept that is not a candidate", () => {
    const hidden = ["fruit", "snow-sports", "astrology", "prophecy"].flatMap(words);
    const all = sets.flatMap((s) => s.prompts.map((p) => p.text));
    const leaks = all.flatMap((t) => hidden.filter((w) => contains(t, w)).map((w) => `${w}: ${t}`));
    expect(leaks).toEqual([]);
  });

  it("takes the control from the caller's prompts or composes it from control words", () => {
    const control = sets.at(-1)!;
    for (const p of control.prompts) {
      expect(words("furniture")).toContain(p.words[0]);
      expect(p.text).toContain(p.words[0]);
    }
    const given = probeSets(cands, { n: 4, control: { prompts: ["What is a chair?", "Hi."] } });
    expect(given.at(-1)!.prompts.map((p) => p.text)).toEqual(["What is a chair?", "Hi."]);
  });

  it("is reproducible from the seed, and a set does not change when candidates are added", () => {
    const again = probeSets(cands, { n: 24, seed: 3, control: { words: words("furniture") } });
    expect(again).toEqual(sets);
    const more = probeSets([...cands, ...conceptCandidates(LEX, ["clothing"])], {
      n: 24,
      seed: 3,
      control: { words: words("furniture") },
    });
    expect(more.find((s) => s.name === "weather + tools")).toEqual(sets[5]);
    const other = probeSets(cands, { n: 24, seed: 4, control: { words: words("furniture") } });
    expect(other[0]!.prompts).not.toEqual(sets[0]!.prompts);
  });

  it("rejects bad candidates and options by name", () => {
    const control = { words: ["chair"] };
    expect(() => probeSets([], { control })).toThrow(/^candidates: /);
    expect(() => probeSets([cands[0]!, cands[0]!], { control })).toThrow(/appears twice/);
    expect(() => probeSets(cands, { control, n: 0 })).toThrow(/^n: /);
    expect(() => probeSets(cands, { control: { words: words("tools") } })).toThrow(
      /control.words: has no word/,
    );
    expect(() => probeSets(cands, { control, count: 3 } as never)).toThrow(/unknown option/);
  });
});
