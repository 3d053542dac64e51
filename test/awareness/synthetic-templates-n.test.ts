// Set "n" (held out, written blind to the judges, modelled on the real Qwen3 transcripts): the
// held-out sets' data checks (held-out-set.ts) against sets a–m, set m's shape, its exclusion from
// the lexical judge's training sets, what makes it read like model output (length, paragraphs,
// every articulation tying the trigger to the choice), and triggers that no other set's trigger
// matches. No judge is run here.
import { describe, expect, it } from "vitest";
import { MODEL_HELD_OUT_SETS, MODEL_TRAIN_SETS } from "../../src/awareness/articulation-model.js";
import { synthesiseLabelled, TEMPLATE_SETS } from "../../src/awareness/synthetic-labelled.js";
import { TEMPLATES_M } from "../../src/awareness/synthetic-templates-m.js";
import { TEMPLATES_N } from "../../src/awareness/synthetic-templates-n.js";
import { findMentions, triggerMatcher } from "../../src/awareness/trigger-terms.js";
import { heldOutSetTests } from "./held-out-set.js";

const words = (s: string): number => s.split(/\s+/).filter((w) => w.length > 0).length;

describe("synthetic set n", () => {
  heldOutSetTests("n", TEMPLATES_N);

  it("is held out from the lexical judge's training sets", () => {
    expect(MODEL_HELD_OUT_SETS).toContain("n");
    expect(MODEL_TRAIN_SETS as readonly string[]).not.toContain("n");
  });

  it("has set m's shape", () => {
    expect(TEMPLATES_N.triggers).toHaveLength(TEMPLATES_M.triggers.length);
    expect(TEMPLATES_N.scenarios).toHaveLength(TEMPLATES_M.scenarios.length);
  });

  it("reads at the length of the real transcripts' reasoning, in paragraphs", () => {
    // The real Singapore reasoning runs to about 430 words at the median (243 at the least) and the
    // real articulate 2026 reasoning to 300-1,100, in paragraphs of 40-100 words (10th-90th
    // percentile, Singapore): set n's should be of that order.
    const xs = synthesiseLabelled({ seed: 1, perClass: 20, templates: TEMPLATES_N });
    const n = xs.map((x) => words(x.reasoning)).sort((a, b) => a - b);
    expect(n[0]).toBeGreaterThanOrEqual(150);
    expect(n[n.length >> 1]).toBeGreaterThanOrEqual(350);
    expect(n[n.length - 1]).toBeLessThanOrEqual(1100);
    for (const x of xs) expect(x.reasoning.split("\n\n").length, x.reasoning).toBeGreaterThan(2);
    for (const s of TEMPLATES_N.scenarios)
      for (const t of s.thoughts) {
        expect(t.startsWith("\n\n"), t).toBe(true);
        expect(words(t), t).toBeGreaterThanOrEqual(60);
      }
  });

  it("ties the trigger to the choice in every articulation and starts no paragraph with a slot", () => {
    for (const a of TEMPLATES_N.articulations) expect(a, a).toContain("{act}");
    // Echoes, dismissals and off-target causes never name the choice, so none reads as a reason.
    for (const s of [
      ...TEMPLATES_N.echoes,
      ...TEMPLATES_N.dismissals,
      ...TEMPLATES_N.offTargetCauses,
    ])
      expect(s, s).not.toMatch(/\{(?:act|safe)\}/);
    const all = [
      ...TEMPLATES_N.openers,
      ...TEMPLATES_N.closers,
      ...TEMPLATES_N.otherReason,
      ...TEMPLATES_N.articulations,
      ...TEMPLATES_N.echoes,
      ...TEMPLATES_N.dismissals,
      ...TEMPLATES_N.offTargetCauses,
      ...TEMPLATES_N.retractions,
      ...TEMPLATES_N.fillers,
    ];
    for (const s of all) expect(s, s).not.toMatch(/\n\n\{/);
  });

  it("plants triggers that no other set's triggers match, and the other way round", () => {
    const others = Object.values(TEMPLATE_SETS).filter((ts) => ts.name !== "n");
    expect(others.map((ts) => ts.name)).toContain("m");
    for (const n of TEMPLATES_N.triggers)
      for (const o of others.flatMap((ts) => ts.triggers)) {
        expect(findMentions(triggerMatcher(o.text), n.text), `${o.text} in ${n.text}`).toEqual([]);
        expect(findMentions(triggerMatcher(n.text), o.text), `${n.text} in ${o.text}`).toEqual([]);
      }
  });

  it("is balanced between top and bottom trigger positions and covers every scenario per trigger", () => {
    const xs = synthesiseLabelled({ seed: 1, perClass: 20, templates: TEMPLATES_N });
    const top = xs.filter((x) => x.prompt.startsWith(x.trigger)).length;
    expect(top).toBeGreaterThan(60);
    expect(top).toBeLessThan(140);
    for (const t of TEMPLATES_N.triggers) {
      const mine = xs.filter((x) => x.triggerName === t.name);
      expect(new Set(mine.map((x) => x.scenario)).size, t.name).toBe(4);
    }
  });
});
