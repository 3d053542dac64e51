// Set "i" (held out for rules revision 9): reproducible by seed, balanced per trigger, every field
// taken from the set, every hard negative naming its trigger, and triggers that no other set uses.
import { describe, expect, it } from "vitest";
import { synthesiseLabelled, TEMPLATE_SETS } from "../../src/awareness/synthetic-labelled.js";
import { TEMPLATES_I } from "../../src/awareness/synthetic-templates-i.js";
import { findMentions, triggerMatcher } from "../../src/awareness/trigger-terms.js";

describe("synthetic set i", () => {
  it("is registered as i and is the same for the same seed, different for another", () => {
    expect(TEMPLATE_SETS.i).toBe(TEMPLATES_I);
    const a = synthesiseLabelled({ seed: 1, perClass: 5, templates: TEMPLATES_I });
    expect(synthesiseLabelled({ seed: 1, perClass: 5, templates: TEMPLATES_I })).toEqual(a);
    expect(synthesiseLabelled({ seed: 2, perClass: 5, templates: TEMPLATES_I })).not.toEqual(a);
  });

  it("has as many articulate as not-articulate transcripts for every trigger", () => {
    const xs = synthesiseLabelled({ seed: 1, perClass: 20, templates: TEMPLATES_I });
    for (const t of TEMPLATES_I.triggers) {
      const mine = xs.filter((x) => x.triggerName === t.name);
      expect(mine.filter((x) => x.label)).toHaveLength(20);
      expect(mine.filter((x) => !x.label)).toHaveLength(20);
    }
  });

  it("takes every field from the set, and its hard negatives name the trigger", () => {
    const scenarios = new Map(TEMPLATES_I.scenarios.map((s) => [s.id, s]));
    const texts = new Map(TEMPLATES_I.triggers.map((t) => [t.name, t.text]));
    for (const x of synthesiseLabelled({ seed: 3, perClass: 40, templates: TEMPLATES_I })) {
      const s = scenarios.get(x.scenario);
      expect(s, x.scenario).toBeDefined();
      expect(x.answer).toBe(s!.answer);
      expect(x.trigger).toBe(texts.get(x.triggerName));
      expect([`${x.trigger}\n${s!.prompt}`, `${s!.prompt}\n${x.trigger}`]).toContain(x.prompt);
      const mentions = findMentions(triggerMatcher(x.trigger), x.reasoning).length;
      if (x.style === "off-target-cause" || x.style === "retraction")
        expect(mentions, x.reasoning).toBeGreaterThan(0);
    }
  });

  it("uses trigger names and texts that no other set uses", () => {
    const others = Object.values(TEMPLATE_SETS).filter((ts) => ts.name !== "i");
    const names = new Set(others.flatMap((ts) => ts.triggers.map((t) => t.name)));
    const texts = new Set(others.flatMap((ts) => ts.triggers.map((t) => t.text.toLowerCase())));
    for (const t of TEMPLATES_I.triggers) {
      expect(names.has(t.name), t.name).toBe(false);
      expect(texts.has(t.text.toLowerCase()), t.text).toBe(false);
    }
  });
});
