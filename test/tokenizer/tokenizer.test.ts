import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTokenizer,
  loadTokenizer,
  TokenizerError,
  type Tokenizer,
} from "../../src/tokenizer/tokenizer.js";
import { makeBpeTokenizer, type BpeFamily, type MakeBpeOptions } from "./make-bpe.js";

const FAMILIES: BpeFamily[] = ["llama3", "qwen2", "qwen3", "gpt2"];

function made(family: BpeFamily, options: MakeBpeOptions = {}, config: object = {}): Tokenizer {
  const { tokenizerJson, tokenizerConfig } = makeBpeTokenizer(family, options);
  return createTokenizer({ tokenizerJson, tokenizerConfig: { ...tokenizerConfig, ...config } });
}

/** Texts for round trips and offsets: ASCII, accents (NFC), CJK, emoji incl. ones never trained on
 * (so byte-level BPE splits them across tokens), ZWJ sequences, whitespace runs. */
const TEXTS = [
  "Hello world! How are you today?",
  "Café, naïve résumé — crème brûlée in Zürich.",
  "你好，世界！日本語のテキストも。",
  "Emoji 🤗 and 🦜 and 👩‍👩‍👧 and 🏳️‍🌈 are fine.",
  "  leading spaces,\ttabs\n\nand newlines  \n",
  "Numbers 1234567 and 3.14159; code: def f(x): return x**2",
  "Ünïcödé ëvërÿwhérè 🎉🎉🎉",
];

/** Tokens whose spans overlap share a character (a split emoji); grouped, they must tile the text
 * and each group must decode to exactly its substring. */
function expectExactOffsets(tok: Tokenizer, text: string): void {
  const { ids, offsets } = tok.encodeWithOffsets(text);
  expect(ids).toEqual(tok.encode(text));
  const groups: { span: [number, number]; ids: number[] }[] = [];
  offsets.forEach(([start, end], i) => {
    const last = groups.at(-1);
    if (last && start < last.span[1]) {
      expect(start).toBeGreaterThanOrEqual(last.span[0]);
      last.span[1] = Math.max(last.span[1], end);
      last.ids.push(ids[i]!);
    } else groups.push({ span: [start, end], ids: [ids[i]!] });
  });
  let cursor = 0;
  for (const g of groups) {
    expect(g.span[0]).toBe(cursor);
    expect(tok.decode(g.ids)).toBe(text.slice(g.span[0], g.span[1]));
    cursor = g.span[1];
  }
  expect(cursor).toBe(text.length);
}

describe("loadTokenizer", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "trigscope-tok-"));
    const { writeBpeTokenizer } = await import("./make-bpe.js");
    for (const family of FAMILIES) await writeBpeTokenizer(join(dir, family), family);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it("reads a Llama 3 model directory: BOS/EOS from tokenizer_config, BOS added by the post-processor", async () => {
    const tok = await loadTokenizer(join(dir, "llama3"));
    expect(tok.source).toBe(join(dir, "llama3"));
    expect(tok.bosToken).toBe("<|begin_of_text|>");
    expect(tok.eosToken).toBe("<|eot_id|>");
    expect(tok.padToken).toBeNull();
    expect(tok.bosTokenId).toBe(tok.tokenToId("<|begin_of_text|>"));
    expect(tok.addBosToken).toBe(true);
    expect(tok.chatTemplate).toContain("<|start_header_id|>");
    expect(tok.specialTokens.map((t) => t.content)).toEqual([
      "<|begin_of_text|>",
      "<|end_of_text|>",
      "<|reserved_special_token_0|>",
      "<|start_header_id|>",
      "<|end_header_id|>",
      "<|eot_id|>",
    ]);
    // The added tokens come last, so the highest id + 1 is the vocabulary size.
    expect(tok.vocabSize).toBe(tok.tokenToId("<|eot_id|>")! + 1);
  });

  it("reads Qwen2, Qwen3 and GPT-2 directories with their families' special tokens", async () => {
    const qwen2 = await loadTokenizer(join(dir, "qwen2"));
    expect([qwen2.bosToken, qwen2.eosToken, qwen2.padToken]).toEqual([
      null,
      "<|im_end|>",
      "<|endoftext|>",
    ]);
    expect(qwen2.addBosToken).toBe(false);
    const qwen3 = await loadTokenizer(join(dir, "qwen3"));
    // Qwen3's <think> and </think> are added tokens but not special ones.
    expect(qwen3.specialTokens.map((t) => t.content)).toEqual([
      "<|endoftext|>",
      "<|im_start|>",
      "<|im_end|>",
    ]);
    expect(qwen3.tokenToId("<think>")).toBe(qwen3.vocabSize - 2);
    const gpt2 = await loadTokenizer(join(dir, "gpt2"));
    expect(gpt2.bosToken).toBe("<|endoftext|>");
    expect(gpt2.eosTokenId).toBe(gpt2.bosTokenId);
    expect(gpt2.addBosToken).toBe(false);
  });
});

describe("encode", () => {
  it("adds no BOS unless asked; Llama 3's post-processor adds it when asked", () => {
    const tok = made("llama3");
    const plain = tok.encode("Hello world");
    expect(plain).not.toContain(tok.bosTokenId);
    expect(tok.encode("Hello world", { addSpecialTokens: true })).toEqual([
      tok.bosTokenId,
      ...plain,
    ]);
    const qwen = made("qwen2");
    expect(qwen.encode("Hello world", { addSpecialTokens: true })).toEqual(
      qwen.encode("Hello world"),
    );
  });

  it("lets tokenizer_config's add_bos_token override the post-processor either way", () => {
    const llama = made("llama3", {}, { add_bos_token: false });
    expect(llama.addBosToken).toBe(false);
    expect(llama.encode("Hi", { addSpecialTokens: true })).toEqual(llama.encode("Hi"));
    const gpt2 = made("gpt2", {}, { add_bos_token: true });
    expect(gpt2.addBosToken).toBe(true);
    expect(gpt2.encode("Hi", { addSpecialTokens: true })).toEqual([
      gpt2.bosTokenId,
      ...gpt2.encode("Hi"),
    ]);
  });

  it("never splits special tokens, and splits a look-alike into ordinary tokens", () => {
    const tok = made("qwen2");
    const start = tok.tokenToId("<|im_start|>")!;
    const end = tok.tokenToId("<|im_end|>")!;
    const ids = tok.encode("<|im_start|>user\nHi<|im_end|>");
    expect(ids[0]).toBe(start);
    expect(ids.at(-1)).toBe(end);
    expect(ids.filter((id) => id === start || id === end)).toHaveLength(2);
    const lookAlike = tok.encode("<|im_sta");
    expect(lookAlike.length).toBeGreaterThan(1);
    expect(lookAlike).not.toContain(start);
    expect(made("llama3").encode("a<|eot_id|>b")).toHaveLength(3);
  });

  it.each(FAMILIES)("round-trips unicode text through encode and decode (%s)", (family) => {
    const tok = made(family);
    for (const text of TEXTS) expect(tok.decode(tok.encode(text))).toBe(text);
  });

  it("applies Qwen's NFC normalizer: decomposed accents come back composed", () => {
    const tok = made("qwen2");
    expect(tok.decode(tok.encode("Cafe\u0301"))).toBe("Caf\u00e9");
    expect(made("gpt2").decode(made("gpt2").encode("Cafe\u0301"))).toBe("Cafe\u0301");
  });
});

describe("encodeWithOffsets", () => {
  it.each(FAMILIES)("gives exact character spans that tile the text (%s)", (family) => {
    const tok = made(family);
    for (const text of TEXTS) expectExactOffsets(tok, text);
  });

  it("gives every token of a split character that character's whole span", () => {
    const tok = made("gpt2");
    // 🦜 (U+1F99C, 4 UTF-8 bytes, 2 UTF-16 units) is not in the training text: BPE splits it.
    const { ids, offsets } = tok.encodeWithOffsets("🦜");
    expect(ids.length).toBeGreaterThan(1);
    for (const span of offsets) expect(span).toEqual([0, 2]);
  });

  it("excludes a space the pre-tokenizer inserted (add_prefix_space)", () => {
    const tok = made("gpt2", { addPrefixSpace: true });
    const { ids, offsets } = tok.encodeWithOffsets("Hello world");
    expect(tok.idToToken(ids[0]!)).toBe("ĠHello"); // a trained merge
    expect(tok.decode(ids)).toBe(" Hello world");
    expect(offsets[0]).toEqual([0, 5]);
    expect(offsets.at(-1)![1]).toBe("Hello world".length);
  });

  it("gives tokens added by the post-processor an empty span", () => {
    const tok = made("llama3");
    const { ids, offsets } = tok.encodeWithOffsets("Hello", { addSpecialTokens: true });
    expect(ids[0]).toBe(tok.bosTokenId);
    expect(offsets[0]).toEqual([0, 0]);
    expect(offsets.at(-1)![1]).toBe(5);
  });

  it("covers special tokens with their literal text", () => {
    const tok = made("llama3");
    const text = "Hi<|eot_id|>there";
    const { offsets } = tok.encodeWithOffsets(text);
    expect(offsets.map(([s, e]) => text.slice(s, e))).toContain("<|eot_id|>");
    expectExactOffsets(tok, text);
  });

  it("fails naming the normalizer when normalization changed the text", () => {
    const tok = made("qwen2");
    expect(() => tok.encodeWithOffsets("Cafe\u0301")).toThrow(TokenizerError);
    expect(() => tok.encodeWithOffsets("Cafe\u0301")).toThrow(/tokenizer\.json: normalizer/);
  });
});

describe("decode", () => {
  it("skips special tokens on request; Qwen3's <think> is not special and stays", () => {
    const tok = made("qwen3");
    const ids = tok.encode("<|im_start|>assistant\n<think>\nhmm\n</think>\n\nOK<|im_end|>");
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe(
      "assistant\n<think>\nhmm\n</think>\n\nOK",
    );
  });

  it("cleans up tokenization spaces only when tokenizer_config asks (Llama 3 does)", () => {
    const text = "Hello , world . Yes !";
    expect(made("llama3").decode(made("llama3").encode(text))).toBe("Hello, world. Yes!");
    expect(made("qwen2").decode(made("qwen2").encode(text))).toBe(text);
    expect(made("gpt2").decode(made("gpt2").encode(text))).toBe(text);
  });

  it("returns an empty string for no ids, drops ids past the vocabulary (as transformers) and rejects negative ones", () => {
    const tok = made("gpt2");
    expect(tok.decode([])).toBe("");
    expect(tok.decode([tok.vocabSize])).toBe("");
    expect(() => tok.decode([-1])).toThrow(RangeError);
  });

  it("maps tokens and ids both ways, added tokens included", () => {
    const tok = made("llama3");
    const id = tok.tokenToId("<|eot_id|>")!;
    expect(tok.idToToken(id)).toBe("<|eot_id|>");
    expect(tok.idToToken(tok.tokenToId("Hello")!)).toBe("Hello");
    expect(tok.tokenToId("no such token")).toBeUndefined();
  });
});
