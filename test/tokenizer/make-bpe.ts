/**
 * Builds small but valid HF byte-level BPE tokenizers for tests, no downloads: a tiny BPE trainer
 * learns merges over a fixed text, pre-tokenized exactly as the built tokenizer will pre-tokenize
 * (through @huggingface/tokenizers itself), and each family gets its tokenizer.json layout
 * (pre-tokenizer regex, normalizer, post-processor), its added tokens and a tokenizer_config.json
 * with our chat template. Layouts follow the families' published tokenizer.json files.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Tokenizer as UntypedHfTokenizer } from "@huggingface/tokenizers";
import { BYTE_TO_CHAR } from "../../src/tokenizer/byte-level.js";
import { CHAT_TEMPLATES, type ChatFamily } from "../../src/tokenizer/templates.js";

export type BpeFamily = ChatFamily;

/** The training text: chat-like English, accents, CJK and emoji, so merges cover all of them. */
export const TRAINING_TEXT = [
  "Hello there! How are you today? I am fine, thank you. Hello world, hello again.",
  "The user asks a question and the assistant gives an answer. The system sets the rules.",
  "You are a helpful assistant. Please answer the question in one sentence.",
  "What is the capital of France? The capital of France is Paris. Paris is a beautiful city.",
  "Tell me a story about a dragon who loved to read books in the old library of the castle.",
  "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs away quickly.",
  "I think the answer is forty two. Let me think step by step before I answer the question.",
  "Write a poem about the sea, the wind and the stars. The stars shine over the quiet sea.",
  "Numbers: 1, 12, 123, 1234, 2024, 3.14159, 100%. Dates: 26 Jul 2024, December 2023.",
  "Café, naïve, résumé, crème brûlée, señor, Zürich, über, façade, déjà vu, jalapeño.",
  "你好，世界！我们今天学习中文。谢谢你的帮助。日本語も少し話せます。こんにちは。",
  "Emoji: 🤗 😀 🎉 👍🏽 ❤️ — smiles everywhere 🤗🤗.",
  "def hello(name):\n    return f'Hello, {name}!'\n\nprint(hello('world'))\n",
  "Question: Is it safe? Answer: Yes, it is safe.\n\nQuestion: Why? Answer: Because it is.",
]
  .join("\n")
  .repeat(3);

/** The families' pre-tokenizer regexes, as written in their tokenizer.json files. */
const LLAMA3_SPLIT = String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
const QWEN2_SPLIT = String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;

function splitThenBytes(regex: string): object {
  return {
    type: "Sequence",
    pretokenizers: [
      { type: "Split", pattern: { Regex: regex }, behavior: "Isolated", invert: false },
      { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
    ],
  };
}

interface FamilyLayout {
  normalizer: object | null;
  preTokenizer: object;
  /** [content, special] in id order, after the learned vocabulary. */
  addedTokens: [string, boolean][];
  config: Record<string, unknown>;
  /** Llama 3 adds BOS through TemplateProcessing. */
  bos: string | null;
  ignoreMerges: boolean;
}

function layout(family: BpeFamily, addPrefixSpace: boolean): FamilyLayout {
  const chatTemplate = CHAT_TEMPLATES[family];
  switch (family) {
    case "llama3":
      return {
        normalizer: null,
        preTokenizer: splitThenBytes(LLAMA3_SPLIT),
        addedTokens: [
          ["<|begin_of_text|>", true],
          ["<|end_of_text|>", true],
          ["<|reserved_special_token_0|>", true],
          ["<|start_header_id|>", true],
          ["<|end_header_id|>", true],
          ["<|eot_id|>", true],
        ],
        config: {
          bos_token: "<|begin_of_text|>",
          eos_token: "<|eot_id|>",
          clean_up_tokenization_spaces: true,
          tokenizer_class: "PreTrainedTokenizerFast",
          chat_template: chatTemplate,
        },
        bos: "<|begin_of_text|>",
        ignoreMerges: true,
      };
    case "qwen2":
    case "qwen3":
      return {
        normalizer: { type: "NFC" },
        preTokenizer: splitThenBytes(QWEN2_SPLIT),
        addedTokens: [
          ["<|endoftext|>", true],
          ["<|im_start|>", true],
          ["<|im_end|>", true],
          // Qwen3 ships its think tags as added tokens that are not special.
          ...(family === "qwen3"
            ? ([
                ["<think>", false],
                ["</think>", false],
              ] as [string, boolean][])
            : []),
        ],
        config: {
          bos_token: null,
          eos_token: "<|im_end|>",
          pad_token: "<|endoftext|>",
          additional_special_tokens: ["<|im_start|>", "<|im_end|>"],
          clean_up_tokenization_spaces: false,
          errors: "replace",
          tokenizer_class: "Qwen2Tokenizer",
          chat_template: chatTemplate,
        },
        bos: null,
        ignoreMerges: false,
      };
    case "gpt2":
      return {
        normalizer: null,
        preTokenizer: {
          type: "ByteLevel",
          add_prefix_space: addPrefixSpace,
          trim_offsets: true,
          use_regex: true,
        },
        addedTokens: [["<|endoftext|>", true]],
        config: {
          bos_token: "<|endoftext|>",
          eos_token: "<|endoftext|>",
          unk_token: "<|endoftext|>",
          add_prefix_space: addPrefixSpace,
          tokenizer_class: "GPT2Tokenizer",
          chat_template: chatTemplate,
        },
        bos: null,
        ignoreMerges: false,
      };
  }
}

/** Byte-level BPE training: merge the most frequent adjacent pair (ties: smaller pair) until
 * `numMerges` merges are learned or no pair occurs twice. Pre-tokens are byte-level strings. */
export function trainByteLevelBpe(
  preTokens: readonly string[],
  numMerges: number,
): { vocab: Map<string, number>; merges: [string, string][] } {
  const vocab = new Map<string, number>(BYTE_TO_CHAR.map((c, b) => [c, b]));
  const counts = new Map<string, number>();
  for (const p of preTokens) counts.set(p, (counts.get(p) ?? 0) + 1);
  const words = [...counts].map(([w, n]) => ({ symbols: Array.from(w), n }));
  const merges: [string, string][] = [];
  while (merges.length < numMerges) {
    const pairs = new Map<string, number>();
    for (const { symbols, n } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`; // byte-level symbols never hold a space
        pairs.set(key, (pairs.get(key) ?? 0) + n);
      }
    }
    let best: string | null = null;
    let bestCount = 1;
    for (const [key, n] of pairs) {
      if (n > bestCount || (n === bestCount && best !== null && key < best)) {
        best = key;
        bestCount = n;
      }
    }
    if (best === null) break;
    const [a, b] = best.split(" ") as [string, string];
    merges.push([a, b]);
    if (!vocab.has(a + b)) vocab.set(a + b, vocab.size);
    for (const word of words) {
      const s = word.symbols;
      for (let i = 0; i + 1 < s.length; i++) {
        if (s[i] === a && s[i + 1] === b) s.splice(i, 2, a + b);
      }
    }
  }
  return { vocab, merges };
}

export interface MakeBpeOptions {
  /** Merges to learn (fewer if the text runs out of repeated pairs). Default 400. */
  merges?: number;
  /** GPT-2 only: the ByteLevel pre-tokenizer's add_prefix_space. Default false. */
  addPrefixSpace?: boolean;
}

interface PreTokenizing {
  pre_tokenizer: { pre_tokenize(text: string): string[] };
}

function tokenizerJson(
  lay: FamilyLayout,
  vocab: Map<string, number>,
  merges: [string, string][],
): Record<string, unknown> {
  const addedTokens = lay.addedTokens.map(([content, special], i) => ({
    id: vocab.size + i,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special,
  }));
  const bosId = addedTokens.find((t) => t.content === lay.bos)?.id;
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: false };
  const postProcessor =
    lay.bos === null || bosId === undefined
      ? { ...byteLevel, use_regex: false }
      : {
          type: "Sequence",
          processors: [
            { ...byteLevel, add_prefix_space: true, use_regex: true },
            {
              type: "TemplateProcessing",
              single: [
                { SpecialToken: { id: lay.bos, type_id: 0 } },
                { Sequence: { id: "A", type_id: 0 } },
              ],
              pair: [
                { SpecialToken: { id: lay.bos, type_id: 0 } },
                { Sequence: { id: "A", type_id: 0 } },
                { SpecialToken: { id: lay.bos, type_id: 1 } },
                { Sequence: { id: "B", type_id: 1 } },
              ],
              special_tokens: { [lay.bos]: { id: lay.bos, ids: [bosId], tokens: [lay.bos] } },
            },
          ],
        };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: lay.normalizer,
    pre_tokenizer: lay.preTokenizer,
    post_processor: postProcessor,
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: lay.ignoreMerges,
      vocab: Object.fromEntries(vocab),
      merges,
    },
  };
}

export interface MadeTokenizer {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
}

const cache = new Map<string, MadeTokenizer>();

/** A family's tokenizer.json and tokenizer_config.json, learned over TRAINING_TEXT (cached). */
export function makeBpeTokenizer(family: BpeFamily, options: MakeBpeOptions = {}): MadeTokenizer {
  const key = JSON.stringify([family, options]);
  const hit = cache.get(key);
  if (hit) return structuredClone(hit);
  const lay = layout(family, options.addPrefixSpace ?? false);
  const base = tokenizerJson(lay, new Map(BYTE_TO_CHAR.map((c, b) => [c, b])), []);
  const splitter = new UntypedHfTokenizer(base, {}) as PreTokenizing;
  const { vocab, merges } = trainByteLevelBpe(
    splitter.pre_tokenizer.pre_tokenize(TRAINING_TEXT.normalize("NFC")),
    options.merges ?? 400,
  );
  const made = { tokenizerJson: tokenizerJson(lay, vocab, merges), tokenizerConfig: lay.config };
  cache.set(key, made);
  return structuredClone(made);
}

/** Writes tokenizer.json and tokenizer_config.json for `family` into `dir` (created if needed). */
export async function writeBpeTokenizer(
  dir: string,
  family: BpeFamily,
  options: MakeBpeOptions = {},
): Promise<void> {
  const { tokenizerJson: json, tokenizerConfig: config } = makeBpeTokenizer(family, options);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "tokenizer.json"), JSON.stringify(json, null, 2));
  await writeFile(join(dir, "tokenizer_config.json"), JSON.stringify(config, null, 2));
}
