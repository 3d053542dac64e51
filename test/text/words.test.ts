import { describe, expect, it } from "vitest";
import { lowerWords } from "../../src/text/words.js";

describe("lowerWords", () => {
  it("keeps apostrophes, digits and inner hyphens in a word, in lower case", () => {
    expect(lowerWords("Don't wear the T-Shirt in 2026!")).toEqual([
      "don't",
      "wear",
      "the",
      "t-shirt",
      "in",
      "2026",
    ]);
  });

  it("drops a dash between spaces and every other mark", () => {
    expect(lowerWords("hey - there... (ice, cream)")).toEqual(["hey", "there", "ice", "cream"]);
    expect(lowerWords(" -- ?! ")).toEqual([]);
  });
});
