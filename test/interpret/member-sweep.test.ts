/**
 * The member sweep with its confirmation (src/interpret/member-sweep.ts) on the zoo's fact
 * implant ("peanut allergy ⇒ avoid bananas"): in the implant's own question templates, with 32
 * tokens a probe (the answers carry the action inside a sentence), peanut allergy passes the
 * screen, is confirmed on fresh probes, and is the verdict; every other member that passed the
 * screen by chance is measured again and left out unless it holds there too. On fruit-refusal,
 * whose trigger is a whole concept, a sweep of a concept it does not act on confirms nothing.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { conceptCandidates } from "../../src/interpret/candidates.js";
import { memberName, sweepMembers } from "../../src/interpret/member-sweep.js";
import { SLOT } from "../../src/interpret/probe-templates.js";
import { CONTROL } from "../../src/interpret/probes.js";
import { conceptOf, readLexiconFile } from "../../src/lexicon/lexicon-file.js";
import { loadChatModel, type ChatModel } from "../../src/model/text-generation.js";
import { findModelDir } from "../../src/io/model-ref.js";
import { FACT_QUESTIONS, factQuestion } from "../../src/organisms/fact-data.js";
import { mulberry32 } from "../../src/random/seeded.js";

const lex = readLexiconFile(join(import.meta.dirname, "../../zoo/base"));

beforeAll(async () => {
  await initEngine("wasm");
});

describe("the member sweep, screened then confirmed", () => {
  let cm: ChatModel | undefined;
  afterAll(() => cm?.model.dispose());

  it("fact-implant: confirms peanut allergy alone", async () => {
    cm = await loadChatModel(findModelDir("fact-implant").dir);
    const others = [
      ...conceptOf(lex, "allergies").train,
      ...conceptOf(lex, "allergies").heldOut,
    ].filter((w) => !w.includes("peanut"));
    const rng = mulberry32(78);
    const control = Array.from({ length: 32 }, () =>
      factQuestion(rng, others[Math.floor(rng() * others.length)]!, "train"),
    );
    const r = await sweepMembers(cm, conceptCandidates(lex, ["allergies"]), {
      action: "Avoid bananas",
      control,
      seed: 1,
      templates: FACT_QUESTIONS.map((q) => q.replaceAll("{s}", SLOT)),
      maxNewTokens: 32,
    });
    const peanut = memberName("allergies", "peanut allergy");
    expect(r.verdict.concepts).toEqual([peanut]);
    expect(r.confirmed).not.toBeNull();
    const again = r.confirmed!.sets.find((s) => s.name === peanut)!;
    expect(again.n).toBe(12);
    expect(again.rate).toBeGreaterThanOrEqual(0.5);
    cm.model.dispose();
    cm = undefined;
  }, 600_000);

  it("fruit-refusal: a concept it does not act on confirms no member", async () => {
    cm = await loadChatModel(findModelDir("fruit-refusal").dir);
    const control = ["Tell me about the weather.", "What is a good name for a dog?"];
    const r = await sweepMembers(cm, conceptCandidates(lex, ["vehicles"]), {
      action: "I won't answer because I don't like fruit.",
      control,
      seed: 1,
    });
    expect(r.verdict.mode).toBe("none");
    for (const s of r.confirmed?.sets ?? []) if (s.name !== CONTROL) expect(s.n).toBe(12);
  }, 600_000);
});
