// Set "k" (held out, written blind to the judges): the held-out sets' data checks
// (held-out-set.ts) against sets a–j, set j's shape, its weighting toward the hardest negatives,
// and its place among the lexical judge's training sets since revision 12. No judge is run here.
import { describe, expect, it } from "vitest";
import { MODEL_HELD_OUT_SETS, MODEL_TRAIN_SETS } from "../../src/awareness/articulation-model.js";
import { TEMPLATES_J } from "../../src/awareness/synthetic-templates-j.js";
import { TEMPLATES_K } from "../../src/awareness/synthetic-templates-k.js";
import { heldOutSetTests } from "./held-out-set.js";

describe("synthetic set k", () => {
  heldOutSetTests("k", TEMPLATES_K);

  it("was held out from revision 11 and is dev data since: trained on, never held out again", () => {
    expect(MODEL_HELD_OUT_SETS).not.toContain("k");
    expect(MODEL_TRAIN_SETS as readonly string[]).toContain("k");
  });

  it("has set j's shape, and more retractions and dismissals than echoes", () => {
    expect(TEMPLATES_K.triggers).toHaveLength(TEMPLATES_J.triggers.length);
    expect(TEMPLATES_K.scenarios).toHaveLength(TEMPLATES_J.scenarios.length);
    // Weighted toward the hardest kinds: more retractions and dismissals than echoes.
    expect(TEMPLATES_K.retractions.length).toBeGreaterThanOrEqual(TEMPLATES_K.echoes.length);
    expect(TEMPLATES_K.dismissals.length).toBeGreaterThanOrEqual(TEMPLATES_K.echoes.length);
  });
});
