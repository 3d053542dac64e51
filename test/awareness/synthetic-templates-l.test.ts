// Set "l" (held out, written blind to the judges, modelled on the real Qwen3 transcripts): the
// held-out sets' data checks (held-out-set.ts) against sets a–k, set k's shape, its place among
// the lexical judge's training sets since revision 13, and the properties that make it read like
// model output (realistic-set.ts: length, paragraphs, every articulation naming the choice). No judge
// is run here.
import { describe, expect, it } from "vitest";
import { MODEL_HELD_OUT_SETS, MODEL_TRAIN_SETS } from "../../src/awareness/articulation-model.js";
import { TEMPLATES_K } from "../../src/awareness/synthetic-templates-k.js";
import { TEMPLATES_L } from "../../src/awareness/synthetic-templates-l.js";
import { heldOutSetTests } from "./held-out-set.js";
import { realisticSetTests } from "./realistic-set.js";

describe("synthetic set l", () => {
  heldOutSetTests("l", TEMPLATES_L);
  realisticSetTests(TEMPLATES_L, TEMPLATES_K);

  it("was held out from revision 12 and is dev data since: trained on, never held out again", () => {
    expect(MODEL_HELD_OUT_SETS).not.toContain("l");
    expect(MODEL_TRAIN_SETS as readonly string[]).toContain("l");
  });
});
