import { describe, expect, it } from "vitest";
import { byteLevelEncode } from "../../src/tokenizer/byte-level.js";
import { createTokenizer } from "../../src/tokenizer/tokenizer.js";
import { makeBpeTokenizer, trainByteLevelBpe } from "./make-bpe.js";

describe("the test BPE trainer", () => {
  it("merges the most frequent pair first and breaks ties by the smaller pair", () => {
    const words = ["low", "low", "lower", "newest", "newest", "widest"].map(byteLevelEncode);
    const { vocab, merges } = trainByteLevelBpe(words, 3);
    // Counts: "l o" 3, "o w" 3, "e s" 3, "s t" 3, "w e" 3 … — ties go to the smaller pair.
    expect(merges).toEqual([
      ["e", "s"],
      ["es", "t"],
      ["l", "o"],
    ]);
    expect(vocab.get("est")).toBe(257);
    expect(vocab.size).toBe(259);
  });

  it("stops when no pair occurs twice", () => {
    expect(trainByteLevelBpe(["ab"], 10).merges).toEqual([]);
  });

  it("learns a few hundred merges that the library applies to frequent words", () => {
    const { tokenizerJson, tokenizerConfig } = makeBpeTokenizer("llama3");
    expect((tokenizerJson.model as { merges: unknown[] }).merges).toHaveLength(400);
    const tok = createTokenizer({ tokenizerJson, tokenizerConfig });
    expect(tok.encode(" the capital").map((id) => tok.idToToken(id))).toEqual(["Ġthe", "Ġcapital"]);
  });
});
