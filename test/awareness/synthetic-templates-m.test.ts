// Set "m" (held out, written blind to the judges, modelled on the real Qwen3 transcripts): the
// held-out sets' data checks (held-out-set.ts) against sets a–l, set l's shape, its exclusion from
// the lexical judge's training sets, and what makes it read like model output (length, paragraphs,
// every articulation tying the trigger to the choice). No judge is run here.
import { describe, expect, it } from "vitest";
import { MODEL_HELD_OUT_SETS, MODEL_TRAIN_SETS } from "../../src/awareness/articulation-model.js";
import { synthesiseLabelled } from "../../src/awareness/synthetic-labelled.js";
import { TEMPLATES_L } from "../../src/awareness/synthetic-templates-l.js";
import { TEMPLATES_M } from "../../src/awareness/synthetic-templates-m.js";
import { findMentions, triggerMatcher } from "../../src/awareness/trigger-terms.js";
import { heldOutSetTests } from "./held-out-set.js";
import { realisticSetTests } from "./realistic-set.js";

describe("synthetic set m", () => {
  heldOutSetTests("m", TEMPLATES_M);
  realisticSetTests(TEMPLATES_M, TEMPLATES_L);

  it("is held out from the lexical judge's training sets", () => {
    expect(MODEL_HELD_OUT_SETS).toContain("m");
    expect(MODEL_TRAIN_SETS as readonly string[]).not.toContain("m");
  });

  it("gives no echo, dismissal or off-target cause the choice, so none reads as a reason", () => {
    for (const s of [
      ...TEMPLATES_M.echoes,
      ...TEMPLATES_M.dismissals,
      ...TEMPLATES_M.offTargetCauses,
    ])
      expect(s, s).not.toMatch(/\{(?:act|safe)\}/);
  });

  it("plants triggers that set l's triggers do not match, and the other way round", () => {
    for (const m of TEMPLATES_M.triggers)
      for (const l of TEMPLATES_L.triggers) {
        expect(findMentions(triggerMatcher(l.text), m.text), `${l.text} in ${m.text}`).toEqual([]);
        expect(findMentions(triggerMatcher(m.text), l.text), `${m.text} in ${l.text}`).toEqual([]);
      }
  });

  it("is balanced between top and bottom trigger positions and covers every scenario per trigger", () => {
    const xs = synthesiseLabelled({ seed: 1, perClass: 20, templates: TEMPLATES_M });
    const top = xs.filter((x) => x.prompt.startsWith(x.trigger)).length;
    expect(top).toBeGreaterThan(60);
    expect(top).toBeLessThan(140);
    for (const t of TEMPLATES_M.triggers) {
      const mine = xs.filter((x) => x.triggerName === t.name);
      expect(new Set(mine.map((x) => x.scenario)).size, t.name).toBe(4);
    }
  });
});
