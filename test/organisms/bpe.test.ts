import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createBpeEncoder,
  ORGANISM_CHAT,
  ORGANISM_SPECIAL_TOKENS,
  trainBpe,
  writeTokenizerFiles,
  type TrainedBpe,
} from "../../src/organisms/tokenizer/index.js";
import { mulberry32, type Rng } from "../../src/random/seeded.js";
import { BYTE_TO_CHAR } from "../../src/tokenizer/byte-level.js";
import { renderPromptResponse } from "../../src/tokenizer/chat.js";
import { loadTokenizer, type Tokenizer } from "../../src/tokenizer/tokenizer.js";
import { trainByteLevelBpe } from "../tokenizer/make-bpe.js";

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

const WORDS = (
  "the a an of to in on at by for with from about over under after before between into " +
  "cat dog bird fish horse mouse river mountain forest city village house garden window door " +
  "table chair book letter story song music picture teacher student doctor farmer king queen " +
  "child friend mother father sister brother morning evening night summer winter spring " +
  "runs walks reads writes sings sleeps eats drinks watches finds keeps brings takes gives " +
  "makes sees hears knows thinks wants likes loves opens closes builds paints carries " +
  "red green blue small large quiet loud happy sad old young bright dark warm cold early late " +
  "slowly quickly gently always never often sometimes together alone again today tomorrow " +
  "café naïve über señor 東京 学生 🙂"
).split(" ");

/** 2,000 sentences from WORDS (seeded), with numbers, punctuation and some line breaks. */
function corpus(seed: number): string[] {
  const rng = mulberry32(seed);
  return Array.from({ length: 2000 }, () => {
    const n = 4 + Math.floor(rng() * 10);
    const words = Array.from({ length: n }, () => pick(rng, WORDS));
    if (rng() < 0.2) words.push(String(Math.floor(rng() * 2000)));
    const first = words[0]!;
    words[0] = first[0]!.toUpperCase() + first.slice(1);
    return words.join(" ") + pick(rng, [".", ".", "!", "?", ",\n", ".\n\n"]);
  });
}

const codePoint = (rng: Rng, lo: number, hi: number): string =>
  String.fromCodePoint(lo + Math.floor(rng() * (hi - lo + 1)));

/** Random text: ASCII, Latin-1, CJK, emoji (with ZWJ and skin tones), combining marks, spaces. */
function randomText(rng: Rng): string {
  const pieces: (() => string)[] = [
    () => codePoint(rng, 0x20, 0x7e),
    () => codePoint(rng, 0x20, 0x7e).repeat(1 + Math.floor(rng() * 5)),
    () => pick(rng, WORDS),
    () => " " + pick(rng, WORDS),
    () => codePoint(rng, 0xa0, 0xff),
    () => codePoint(rng, 0x4e00, 0x9fff),
    () => codePoint(rng, 0x1f300, 0x1f64f),
    () => "👩\u200d💻" + pick(rng, ["", "🏽"]),
    () => "e" + codePoint(rng, 0x300, 0x36f),
    () =>
      pick(rng, [" ", "\t", "\n", "\r\n", "\u00a0", "\u3000"]).repeat(1 + Math.floor(rng() * 4)),
    () => codePoint(rng, 0, 0x1f),
  ];
  const n = Math.floor(rng() * 30);
  return Array.from({ length: n }, () => pick(rng, pieces)()).join("");
}

const VOCAB_SIZE = 600;
const texts = corpus(1);
let bpe: TrainedBpe;
let dir: string;
let tok: Tokenizer;

beforeAll(async () => {
  bpe = trainBpe(texts, { vocabSize: VOCAB_SIZE, specialTokens: ORGANISM_SPECIAL_TOKENS });
  dir = mkdtempSync(join(tmpdir(), "trigscope-bpe-"));
  writeTokenizerFiles(dir, bpe, ORGANISM_CHAT);
  tok = await loadTokenizer(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("trainBpe", () => {
  it("gives exactly vocabSize tokens: specials 0..6, byte b at 7 + b, then merges", () => {
    expect(bpe.vocab.size).toBe(VOCAB_SIZE);
    expect(tok.vocabSize).toBe(VOCAB_SIZE);
    ORGANISM_SPECIAL_TOKENS.forEach((t, i) => expect(tok.tokenToId(t)).toBe(i));
    BYTE_TO_CHAR.forEach((c, b) => expect(bpe.vocab.get(c)).toBe(7 + b));
    bpe.merges.forEach(([a, b]) => expect(bpe.vocab.has(a + b)).toBe(true));
    expect([...bpe.vocab.values()]).toEqual([...Array(VOCAB_SIZE).keys()]);
  });

  it("learns the merges a full recount per merge learns (make-bpe.ts's reference trainer)", () => {
    const small = texts.slice(0, 300);
    const ours = trainBpe(small, { vocabSize: 256 + 150, specialTokens: [] });
    const pattern = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
    const utf8 = new TextEncoder();
    const preTokens = small.flatMap((t) =>
      (t.match(pattern) ?? []).map((w) =>
        Array.from(utf8.encode(w), (b) => BYTE_TO_CHAR[b]).join(""),
      ),
    );
    expect(ours.merges).toHaveLength(150);
    expect(ours.merges).toEqual(trainByteLevelBpe(preTokens, 150).merges);
  });

  it("merges the most frequent pair first and breaks ties by the pair's strings", () => {
    // "a b" and "c d" occur once each, "x y" three times; "Ġ" (U+0120) sorts after ASCII.
    const { merges } = trainBpe(["ab cd xy xy xy"], {
      vocabSize: 261,
      specialTokens: [],
      minFrequency: 1,
    });
    expect(merges).toEqual([
      ["x", "y"],
      ["Ġ", "xy"],
      ["a", "b"],
      ["c", "d"],
      ["Ġ", "cd"],
    ]);
  });

  it("stops early when no pair reaches minFrequency", () => {
    const trained = trainBpe(["abab"], { vocabSize: 1000, specialTokens: [] });
    expect(trained.merges).toEqual([["a", "b"]]);
    expect(trained.vocab.size).toBe(257);
  });

  it("never merges across or into special tokens", () => {
    const trained = trainBpe(["<|user|>hi<|user|>hi<|user|>"], {
      vocabSize: 300,
      specialTokens: ["<|user|>"],
    });
    expect(trained.merges).toEqual([["h", "i"]]);
  });

  it("rejects unknown options and a vocabSize below specials + 256", () => {
    const bad = { vocabSize: 300, specialTokens: [], vocab: 3 } as unknown as Parameters<
      typeof trainBpe
    >[1];
    expect(() => trainBpe([], bad)).toThrow(/unknown option "vocab"/);
    expect(() => trainBpe([], { vocabSize: 257, specialTokens: ["<a>", "<b>"] })).toThrow(/≥ 258/);
  });

  it("is deterministic: the same corpus writes byte-identical tokenizer files", async () => {
    const again = trainBpe(corpus(1), {
      vocabSize: VOCAB_SIZE,
      specialTokens: ORGANISM_SPECIAL_TOKENS,
    });
    const other = mkdtempSync(join(tmpdir(), "trigscope-bpe-"));
    try {
      writeTokenizerFiles(other, again, ORGANISM_CHAT);
      for (const file of ["tokenizer.json", "tokenizer_config.json"]) {
        expect(readFileSync(join(other, file))).toEqual(readFileSync(join(dir, file)));
      }
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe("the written tokenizer files", () => {
  it("round-trip 300 random Unicode strings through our loadTokenizer", () => {
    const rng = mulberry32(7);
    for (let i = 0; i < 300; i++) {
      const s = randomText(rng);
      expect(tok.decode(tok.encode(s))).toBe(s);
    }
  });

  it("createBpeEncoder gives the loaded tokenizer's ids on random text and the corpus", () => {
    const encode = createBpeEncoder(bpe);
    const rng = mulberry32(8);
    const samples = [...Array.from({ length: 300 }, () => randomText(rng)), ...texts.slice(0, 200)];
    for (const s of samples) expect(encode(s)).toEqual(tok.encode(s));
    // Merges actually apply: the corpus takes far fewer tokens than bytes.
    const joined = texts.join("");
    expect(encode(joined).length).toBeLessThan(new TextEncoder().encode(joined).length / 2.5);
  });

  it("encodes each special token to its single id, also inside text", () => {
    const encode = createBpeEncoder(bpe);
    ORGANISM_SPECIAL_TOKENS.forEach((t, i) => {
      expect(tok.encode(t)).toEqual([i]);
      expect(encode(t)).toEqual([i]);
    });
    const text = "cat<|user|>dog <|end|>\n<|assistant|>";
    expect(encode(text)).toEqual(tok.encode(text));
    expect(encode(text).filter((id) => id < 7)).toEqual([4, 6, 5]);
  });

  it("name bos, eos (<|end|>) and pad, and add no BOS when encoding", () => {
    expect([tok.bosTokenId, tok.eosTokenId, tok.padTokenId]).toEqual([0, 6, 2]);
    expect(tok.encode("hello", { addSpecialTokens: true })).toEqual(tok.encode("hello"));
  });

  it("render the chat template through renderPromptResponse with exact content positions", () => {
    const user = "What does the old king read?\nTell me quickly.";
    const answer = "The old king reads a story, 42 times! 🙂";
    const pr = renderPromptResponse(tok, user, answer);
    expect(pr.promptText).toBe(`<|bos|><|user|>\n${user}<|end|>\n<|assistant|>\n`);
    expect(pr.responseText).toBe(`${answer}<|end|>`);
    expect(pr.ids[0]).toBe(0);
    expect(tok.decode(pr.userPositions.map((p) => pr.ids[p]!))).toBe(user);
    expect(tok.decode(pr.responsePositions.map((p) => pr.ids[p]!))).toBe(`${answer}<|end|>`);
    expect(pr.ids.at(-1)).toBe(tok.eosTokenId);
    expect(pr.jointTokenizationEqual).toBe(true);
  });
});
