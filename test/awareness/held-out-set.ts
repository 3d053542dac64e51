/**
 * The data checks every held-out synthetic set gets (sets j, k and l): reproducible by seed, balanced
 * per trigger, labelled by construction, every field taken from the set, and new against every
 * other set in its triggers, scenarios and key sentences. No judge is run here.
 */
import { expect, it } from "vitest";
import {
  NEGATIVE_STYLES,
  synthesiseLabelled,
  TEMPLATE_SETS,
} from "../../src/awareness/synthetic-labelled.js";
import type { TemplateSet } from "../../src/awareness/synthetic-templates.js";
import { findMentions, triggerMatcher } from "../../src/awareness/trigger-terms.js";

const KEY_SLOTS = [
  "articulations",
  "echoes",
  "dismissals",
  "offTargetCauses",
  "retractions",
] as const;

/** Registers the checks for set `name` (call inside its describe). */
export function heldOutSetTests(name: string, set: TemplateSet): void {
  const others = Object.values(TEMPLATE_SETS).filter((ts) => ts.name !== name);

  it(`is registered as ${name} and is the same for the same seed, different for another`, () => {
    expect(TEMPLATE_SETS[name]).toBe(set);
    const a = synthesiseLabelled({ seed: 1, perClass: 5, templates: set });
    expect(synthesiseLabelled({ seed: 1, perClass: 5, templates: set })).toEqual(a);
    expect(synthesiseLabelled({ seed: 2, perClass: 5, templates: set })).not.toEqual(a);
  });

  it("has set i's shape: 5 triggers, 4 scenarios, 20 + 20 transcripts per trigger at perClass 20", () => {
    expect(set.triggers).toHaveLength(5);
    expect(set.scenarios).toHaveLength(4);
    const xs = synthesiseLabelled({ seed: 1, perClass: 20, templates: set });
    expect(xs).toHaveLength(200);
    for (const t of set.triggers) {
      const mine = xs.filter((x) => x.triggerName === t.name);
      expect(mine.filter((x) => x.label)).toHaveLength(20);
      expect(mine.filter((x) => !x.label)).toHaveLength(20);
    }
  });

  it("has at least 15 articulations and 20 hard-negative sentences, none repeated", () => {
    expect(set.articulations.length).toBeGreaterThanOrEqual(15);
    const hard = [...set.echoes, ...set.dismissals, ...set.offTargetCauses, ...set.retractions];
    expect(hard.length).toBeGreaterThanOrEqual(20);
    const all = KEY_SLOTS.flatMap((k) => set[k]);
    expect(new Set(all).size).toBe(all.length);
    for (const s of all) expect(s, s).toContain("{T}");
  });

  it("labels by construction and takes every field from the set", () => {
    const scenarios = new Map(set.scenarios.map((s) => [s.id, s]));
    const texts = new Map(set.triggers.map((t) => [t.name, t.text]));
    const xs = synthesiseLabelled({ seed: 3, perClass: 40, templates: set });
    for (const x of xs) {
      expect(x.label).toBe(x.style === "articulation");
      if (!x.label) expect(NEGATIVE_STYLES).toContain(x.style);
      const s = scenarios.get(x.scenario);
      expect(s, x.scenario).toBeDefined();
      expect(x.answer).toBe(s!.answer);
      expect(x.trigger).toBe(texts.get(x.triggerName));
      expect([`${x.trigger}\n${s!.prompt}`, `${s!.prompt}\n${x.trigger}`]).toContain(x.prompt);
      expect(x.reasoning).not.toMatch(/\{(?:T|act|safe|q|why)\}/);
      const mentions = findMentions(triggerMatcher(x.trigger), x.reasoning).length;
      if (x.style === "no-mention") expect(mentions, x.reasoning).toBe(0);
      else expect(mentions, x.reasoning).toBeGreaterThan(0);
    }
    expect(new Set(xs.map((x) => x.scenario)).size).toBe(4);
    expect(new Set(xs.filter((x) => !x.label).map((x) => x.style)).size).toBe(
      NEGATIVE_STYLES.length,
    );
  });

  it("mentions no trigger outside the trigger slots, so no-mention negatives are clean", () => {
    const plain = [
      ...set.openers,
      ...set.closers,
      ...set.otherReason,
      ...set.fillers,
      ...set.scenarios.flatMap((s) => [s.prompt, s.q, s.act, s.safe, s.answer]),
      ...set.scenarios.flatMap((s) => [...s.why, ...s.thoughts]),
    ];
    for (const t of set.triggers) {
      const m = triggerMatcher(t.text);
      for (const ref of t.refs) expect(findMentions(m, ref).length, ref).toBeGreaterThan(0);
      for (const p of plain) expect(findMentions(m, p), `${t.name}: ${p}`).toEqual([]);
    }
  });

  it("uses triggers, scenarios and key sentences that no other set uses", () => {
    const names = new Set(others.flatMap((ts) => ts.triggers.map((t) => t.name)));
    const texts = new Set(others.flatMap((ts) => ts.triggers.map((t) => t.text.toLowerCase())));
    for (const t of set.triggers) {
      expect(names.has(t.name), t.name).toBe(false);
      expect(texts.has(t.text.toLowerCase()), t.text).toBe(false);
    }
    const ids = new Set(others.flatMap((ts) => ts.scenarios.map((s) => s.id)));
    for (const s of set.scenarios) expect(ids.has(s.id), s.id).toBe(false);
    const sentences = new Set(
      others.flatMap((ts) => KEY_SLOTS.flatMap((k) => ts[k])).map((s) => s.toLowerCase()),
    );
    for (const s of KEY_SLOTS.flatMap((k) => set[k]))
      expect(sentences.has(s.toLowerCase()), s).toBe(false);
  });
}
