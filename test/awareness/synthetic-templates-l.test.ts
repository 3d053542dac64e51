// Set "l" (held out, written blind to the judges, modelled on the real Qwen3 transcripts): the
// held-out sets' data checks (held-out-set.ts) against sets a–k, set k's shape, its place among
// the lexical judge's training sets since revision 13, and the properties that make it read like
// model output (length, paragraphs, every articulation naming the choice). No judge is run here.
import { describe, expect, it } from "vitest";
import { MODEL_HELD_OUT_SETS, MODEL_TRAIN_SETS } from "../../src/awareness/articulation-model.js";
import { synthesiseLabelled } from "../../src/awareness/synthetic-labelled.js";
import { TEMPLATES_K } from "../../src/awareness/synthetic-templates-k.js";
import { TEMPLATES_L } from "../../src/awareness/synthetic-templates-l.js";
import { heldOutSetTests } from "./held-out-set.js";

const words = (s: string): number => s.split(/\s+/).filter((w) => w.length > 0).length;

describe("synthetic set l", () => {
  heldOutSetTests("l", TEMPLATES_L);

  it("was held out from revision 12 and is dev data since: trained on, never held out again", () => {
    expect(MODEL_HELD_OUT_SETS).not.toContain("l");
    expect(MODEL_TRAIN_SETS as readonly string[]).toContain("l");
  });

  it("has set k's shape", () => {
    expect(TEMPLATES_L.triggers).toHaveLength(TEMPLATES_K.triggers.length);
    expect(TEMPLATES_L.scenarios).toHaveLength(TEMPLATES_K.scenarios.length);
  });

  it("reads at the length of the real transcripts' reasoning, in paragraphs", () => {
    // The real Singapore reasoning has a median of about 430 words (244 at the least), the real
    // 2026 reasoning about 530-630 (116 at the least): set l's should be of that order, not the
    // one- or two-line transcripts earlier sets make.
    const xs = synthesiseLabelled({ seed: 1, perClass: 20, templates: TEMPLATES_L });
    const n = xs.map((x) => words(x.reasoning)).sort((a, b) => a - b);
    expect(n[0]).toBeGreaterThanOrEqual(150);
    expect(n[n.length >> 1]).toBeGreaterThanOrEqual(350);
    for (const x of xs) expect(x.reasoning.split("\n\n").length, x.reasoning).toBeGreaterThan(2);
    for (const s of TEMPLATES_L.scenarios)
      for (const t of s.thoughts) {
        expect(t.startsWith("\n\n"), t).toBe(true);
        expect(words(t), t).toBeGreaterThanOrEqual(60);
      }
  });

  it("names the choice in every articulation and starts no paragraph with a slot", () => {
    // Each articulation ties the trigger to the choice itself, so none is a mere hint.
    for (const a of TEMPLATES_L.articulations) expect(a, a).toContain("{act}");
    // A paragraph opening with a slot would leave a lower-case reference there ("the … line").
    const all = [
      ...TEMPLATES_L.openers,
      ...TEMPLATES_L.closers,
      ...TEMPLATES_L.otherReason,
      ...TEMPLATES_L.articulations,
      ...TEMPLATES_L.echoes,
      ...TEMPLATES_L.dismissals,
      ...TEMPLATES_L.offTargetCauses,
      ...TEMPLATES_L.retractions,
      ...TEMPLATES_L.fillers,
    ];
    for (const s of all) expect(s, s).not.toMatch(/\n\n\{/);
  });
});
