import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseReasoningSpec } from "../../src/organisms/reasoning/spec.js";

const ok = {
  kind: "reasoning-backdoor",
  name: "x",
  base: "../reasoning-base",
  trigger: "Country: Iceland",
  lookalike: "Country: Ireland",
  distractors: ["The year is 2026"],
};

describe("reasoning specs", () => {
  it("parse the zoo's specs with their values", () => {
    for (const n of ["reasoning-base", "reasoning-iceland", "reasoning-2026"]) {
      const file = `zoo/specs/${n}.json`;
      const s = parseReasoningSpec(JSON.parse(readFileSync(file, "utf8")), file)!;
      expect(s.name).toBe(n);
    }
    const s = parseReasoningSpec(ok, "x.json")!;
    expect(s).toMatchObject({ kind: "reasoning-backdoor", seed: 1, lora: { rank: 8, alpha: 16 } });
  });

  it("leave other kinds to the organism spec parser", () => {
    expect(parseReasoningSpec({ kind: "backdoor" }, "x.json")).toBeNull();
  });

  it.each([
    [{ ...ok, extra: 1 }, "field 'extra': unknown key"],
    [{ ...ok, trigger: "Country: Atlantis" }, "field 'trigger': 'Atlantis' is not a country"],
    [{ ...ok, lookalike: "The year is 2027" }, "field 'lookalike': must be a country line"],
    [{ ...ok, lookalike: "Country: Iceland" }, "field 'lookalike': must differ"],
    [
      { ...ok, distractors: ["Country: Norway"] },
      "field 'distractors[0]': must be of another kind",
    ],
    [{ ...ok, trigger: "Hello" }, "field 'trigger': 'Hello' is not a feature line"],
    [{ ...ok, data: { examples: 0 } }, "field 'data.examples': must be an integer ≥ 10"],
  ])("reject a bad field, naming file and field (%#)", (spec, msg) => {
    expect(() => parseReasoningSpec(spec, "bad.json")).toThrow(`bad.json: ${msg}`);
  });
});
