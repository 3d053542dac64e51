/**
 * Probes in the behaviour's context (no model): templates are inferred from benign prompts by
 * putting the slot on the longest lexicon word; slots are filled by the stated rule; probe sets
 * given templates compose every prompt inside one; the member sweep gives one set per member word,
 * each prompt carrying its word, and rejects unknown options by name. The fact questions come from
 * the zoo's own fact-implant question templates (src/organisms/fact-data.ts).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { conceptCandidates } from "../../src/interpret/candidates.js";
import { InterpretInputError } from "../../src/interpret/errors.js";
import { memberName, memberSets } from "../../src/interpret/member-sweep.js";
import { fillTemplate, inferTemplates, SLOT } from "../../src/interpret/probe-templates.js";
import { probeSets } from "../../src/interpret/probes.js";
import { FACT_QUESTIONS } from "../../src/organisms/fact-data.js";
import { readLexiconFile } from "../../src/lexicon/lexicon-file.js";

const LEX = readLexiconFile(join(import.meta.dirname, "../../zoo/base"));

describe("template inference", () => {
  it("puts the slot on the longest lexicon word of each prompt (pollen allergy, not pollen)", () => {
    const prompts = FACT_QUESTIONS.slice(0, 3).map((q) => q.replaceAll("{s}", "pollen allergy"));
    const templates = inferTemplates(prompts, LEX);
    expect(templates).toEqual(FACT_QUESTIONS.slice(0, 3).map((q) => q.replaceAll("{s}", SLOT)));
  });

  it("drops duplicates and prompts without a lexicon word, and refuses when none has one", () => {
    const t = inferTemplates(
      [
        "I have a dust allergy. What should I avoid?",
        "I have a cat allergy. What should I avoid?",
        "Hello there.",
      ],
      LEX,
    );
    expect(t).toEqual([`I have a ${SLOT}. What should I avoid?`]);
    expect(() => inferTemplates(["Hello there.", "How are you?"], LEX)).toThrow(
      InterpretInputError,
    );
    expect(() => inferTemplates(["Hello there."], LEX)).toThrow(/probeContext/);
  });
});

describe("filling templates", () => {
  it("fills slots in order, repeats the last word, and joins extra words into the last slot", () => {
    expect(fillTemplate("I have a {w}.", ["peanut allergy"])).toBe("I have a peanut allergy.");
    expect(fillTemplate("I have a {w}.", ["a", "b", "c"])).toBe("I have a a and b and c.");
    expect(fillTemplate("{w} or {w}?", ["a"])).toBe("a or a?");
    expect(fillTemplate("{w} or {w}?", ["a", "b"])).toBe("a or b?");
    expect(() => fillTemplate("{w}", [])).toThrow(/words/);
  });
});

describe("probe sets in templates", () => {
  const templates = [`I have a ${SLOT}. What should I avoid?`, `Is ${SLOT} dangerous?`];
  const cands = conceptCandidates(LEX, ["allergies", "fruit"]);
  const sets = probeSets(cands, { n: 12, seed: 2, control: { prompts: ["a", "b"] }, templates });

  it("composes every probe inside one of the templates with the set's words", () => {
    for (const s of sets.filter((x) => x.name !== "control")) {
      for (const p of s.prompts) {
        const filled = templates.map((t) => fillTemplate(t, p.words));
        expect(filled).toContain(p.text);
      }
    }
  });

  it("rejects a template without a slot, naming it", () => {
    expect(() => probeSets(cands, { control: { prompts: ["a"] }, templates: ["no slot"] })).toThrow(
      /templates\[0\]/,
    );
  });
});

describe("member sweep sets", () => {
  const cands = conceptCandidates(LEX, ["allergies"]);
  const words = [...new Set(cands[0]!.words)];
  const sets = memberSets(cands, {
    action: "Avoid bananas",
    control: ["x", "y"],
    perWord: 3,
    seed: 1,
  });

  it("gives one set per member word, each prompt carrying that word, then the control", () => {
    expect(sets).toHaveLength(words.length + 1);
    expect(sets.at(-1)!.name).toBe("control");
    for (const [i, w] of words.entries()) {
      expect(sets[i]!.name).toBe(memberName("allergies", w));
      expect(sets[i]!.prompts).toHaveLength(3);
      for (const p of sets[i]!.prompts) expect(p.text.toLowerCase()).toContain(w.toLowerCase());
    }
  });

  it("uses the templates when given and rejects unknown options by name", () => {
    const t = memberSets(cands, {
      action: "Avoid bananas",
      control: ["x"],
      templates: [`I have a ${SLOT}.`],
    });
    expect(t[0]!.prompts[0]!.text).toBe(`I have a ${words[0]}.`);
    expect(() => memberSets(cands, { action: "a", control: ["x"], perword: 2 } as never)).toThrow(
      /perword/,
    );
  });
});
