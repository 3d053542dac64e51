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
import { realisticSetTests, words } from "./realistic-set.js";

describe("synthetic set n", () => {
  heldOutSetTests("n", TEMPLATES_N);
  realisticSetTests(TEMPLATES_N, TEMPLATES_M);

  it("is held out from the lexical judge's training sets", () => {
    expect(MODEL_HELD_OUT_SETS).toContain("n");
    expect(MODEL_TRAIN_SETS as readonly string[]).not.toContain("n");
  });

  it("gives no echo, dismissal or off-target cause the choice, so none reads as a reason", () => {
    for (const s of [
      ...TEMPLATES_N.echoes,
      ...TEMPLATES_N.dismissals,
      ...TEMPLATES_N.offTargetCauses,
    ])
      expect(s, s).not.toMatch(/\{(?:act|safe)\}/);
  });

  it("reads at most at the length of the longest real 2026 reasoning (1,100 words)", () => {
    const xs = synthesiseLabelled({ seed: 1, perClass: 20, templates: TEMPLATES_N });
    expect(Math.max(...xs.map((x) => words(x.reasoning)))).toBeLessThanOrEqual(1100);
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
