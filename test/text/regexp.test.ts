import { describe, expect, it } from "vitest";
import { escapeRegExp } from "../../src/text/regexp.js";

describe("escapeRegExp", () => {
  const specials = ".*+?^${}()|[]\\/";
  it("makes every character that means something in a regular expression literal", () => {
    for (const flags of ["", "u"]) {
      const re = new RegExp(`^${escapeRegExp(specials)}$`, flags);
      expect(re.test(specials)).toBe(true);
      expect(re.test("a".repeat(specials.length))).toBe(false);
    }
  });
  it("leaves other text as it is", () => {
    expect(escapeRegExp("Country: Singapore, heyyy 2026 — よろしく")).toBe(
      "Country: Singapore, heyyy 2026 — よろしく",
    );
  });
});
