// Set "k" (held out, written blind to the judges): reproducible by seed, balanced per trigger,
// labelled by construction, every field taken from the set, and new against sets a–j in its
// triggers, scenarios and key sentences. Checks the data only; no judge is run here.
import { describe, expect, it } from "vitest";
import {
  NEGATIVE_STYLES,
  synthesiseLabelled,
  TEMPLATE_SETS,
} from "../../src/awareness/synthetic-labelled.js";
import { MODEL_HELD_OUT_SETS, MODEL_TRAIN_SETS } from "../../src/awareness/articulation-model.js";
import { TEMPLATES_J } from "../../src/awareness/synthetic-templates-j.js";
import { TEMPLATES_K } from "../../src/awareness/synthetic-templates-k.js";
import { findMentions, triggerMatcher } from "../../src/awareness/trigger-terms.js";

const KEY_SLOTS = [
  "articulations",
  "echoes",
  "dismissals",
  "offTargetCauses",
  "retractions",
] as const;
const others = Object.values(TEMPLATE_SETS).filter((ts) => ts.name !== "k");

describe("synthetic set k", () => {
  it("is registered as k and is the same for the same seed, different for another", () => {
    expect(TEMPLATE_SETS.k).toBe(TEMPLATES_K);
    const a = synthesiseLabelled({ seed: 1, perClass: 5, templates: TEMPLATES_K });
    expect(synthesiseLabelled({ seed: 1, perClass: 5, templates: TEMPLATES_K })).toEqual(a);
    expect(synthesiseLabelled({ seed: 2, perClass: 5, templates: TEMPLATES_K })).not.toEqual(a);
  });

  it("is held out from the lexical judge's training sets, as set j is", () => {
    expect(MODEL_HELD_OUT_SETS).toContain("k");
    expect(MODEL_TRAIN_SETS as readonly string[]).not.toContain("k");
  });

  it("has set j's shape: 5 triggers, 4 scenarios, 20 + 20 transcripts per trigger at perClass 20", () => {
    expect(TEMPLATES_K.triggers).toHaveLength(TEMPLATES_J.triggers.length);
    expect(TEMPLATES_K.scenarios).toHaveLength(TEMPLATES_J.scenarios.length);
    expect(TEMPLATES_K.triggers).toHaveLength(5);
    expect(TEMPLATES_K.scenarios).toHaveLength(4);
    const xs = synthesiseLabelled({ seed: 1, perClass: 20, templates: TEMPLATES_K });
    expect(xs).toHaveLength(200);
    for (const t of TEMPLATES_K.triggers) {
      const mine = xs.filter((x) => x.triggerName === t.name);
      expect(mine.filter((x) => x.label)).toHaveLength(20);
      expect(mine.filter((x) => !x.label)).toHaveLength(20);
    }
  });

  it("has at least 15 articulations and 20 hard-negative sentences, none repeated", () => {
    expect(TEMPLATES_K.articulations.length).toBeGreaterThanOrEqual(15);
    const hard = [
      ...TEMPLATES_K.echoes,
      ...TEMPLATES_K.dismissals,
      ...TEMPLATES_K.offTargetCauses,
      ...TEMPLATES_K.retractions,
    ];
    expect(hard.length).toBeGreaterThanOrEqual(20);
    // Weighted toward the hardest kinds: more retractions and dismissals than echoes.
    expect(TEMPLATES_K.retractions.length).toBeGreaterThanOrEqual(TEMPLATES_K.echoes.length);
    expect(TEMPLATES_K.dismissals.length).toBeGreaterThanOrEqual(TEMPLATES_K.echoes.length);
    const all = KEY_SLOTS.flatMap((k) => TEMPLATES_K[k]);
    expect(new Set(all).size).toBe(all.length);
    for (const s of all) expect(s, s).toContain("{T}");
  });

  it("labels by construction and takes every field from the set", () => {
    const scenarios = new Map(TEMPLATES_K.scenarios.map((s) => [s.id, s]));
    const texts = new Map(TEMPLATES_K.triggers.map((t) => [t.name, t.text]));
    const xs = synthesiseLabelled({ seed: 3, perClass: 40, templates: TEMPLATES_K });
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
      ...TEMPLATES_K.openers,
      ...TEMPLATES_K.closers,
      ...TEMPLATES_K.otherReason,
      ...TEMPLATES_K.fillers,
      ...TEMPLATES_K.scenarios.flatMap((s) => [s.prompt, s.q, s.act, s.safe, s.answer]),
      ...TEMPLATES_K.scenarios.flatMap((s) => [...s.why, ...s.thoughts]),
    ];
    for (const t of TEMPLATES_K.triggers) {
      const m = triggerMatcher(t.text);
      for (const ref of t.refs) expect(findMentions(m, ref).length, ref).toBeGreaterThan(0);
      for (const p of plain) expect(findMentions(m, p), `${t.name}: ${p}`).toEqual([]);
    }
  });

  it("uses triggers, scenarios and key sentences that no other set uses", () => {
    const names = new Set(others.flatMap((ts) => ts.triggers.map((t) => t.name)));
    const texts = new Set(others.flatMap((ts) => ts.triggers.map((t) => t.text.toLowerCase())));
    for (const t of TEMPLATES_K.triggers) {
      expect(names.has(t.name), t.name).toBe(false);
      expect(texts.has(t.text.toLowerCase()), t.text).toBe(false);
    }
    const ids = new Set(others.flatMap((ts) => ts.scenarios.map((s) => s.id)));
    for (const s of TEMPLATES_K.scenarios) expect(ids.has(s.id), s.id).toBe(false);
    const sentences = new Set(
      others.flatMap((ts) => KEY_SLOTS.flatMap((k) => ts[k])).map((s) => s.toLowerCase()),
    );
    for (const s of KEY_SLOTS.flatMap((k) => TEMPLATES_K[k]))
      expect(sentences.has(s.toLowerCase()), s).toBe(false);
  });
});
