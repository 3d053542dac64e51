/**
 * Writes a trained byte-level BPE as the standard HF tokenizer files: tokenizer.json (the layout
 * Python `tokenizers` saves for GPT-2 style byte-level BPE, as in
 * test/fixtures/models/llama/tokenizer.json) and tokenizer_config.json (what transformers'
 * save_pretrained writes for a PreTrainedTokenizerFast), so our loadTokenizer, Python
 * `tokenizers.Tokenizer.from_file` and `transformers.AutoTokenizer.from_pretrained` all load them.
 * The vocabulary is written in id order and each merge on one line; the bytes depend only on the
 * inputs, and each file is written atomically.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "../../io/atomic.js";
import type { TrainedBpe } from "./bpe-train.js";
import type { ChatFormat } from "./chat-format.js";

export interface TokenizerFilesOptions {
  /** tokenizer_config.json's model_max_length (the context length). Default 2048. */
  modelMaxLength?: number;
}

const BYTE_LEVEL = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true };

function addedTokens(bpe: TrainedBpe): { id: number; content: string }[] {
  return bpe.specialTokens.map((content) => {
    const id = bpe.vocab.get(content);
    if (id === undefined) {
      throw new Error(`writeTokenizerFiles: special token ${JSON.stringify(content)} has no id`);
    }
    return { id, content };
  });
}

/** tokenizer.json's text. */
export function tokenizerJsonText(bpe: TrainedBpe): string {
  const head = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: addedTokens(bpe).map(({ id, content }) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { ...BYTE_LEVEL, use_regex: true },
    post_processor: { ...BYTE_LEVEL, add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { ...BYTE_LEVEL, add_prefix_space: true, use_regex: true },
  };
  const modelHead = {
    type: "BPE",
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: null,
    end_of_word_suffix: null,
    fuse_unk: false,
    byte_fallback: false,
    ignore_merges: false,
  };
  // JSON.stringify would list integer-like keys ("1", "12") first; write the vocab in id order.
  const vocab = [...bpe.vocab]
    .sort((x, y) => x[1] - y[1])
    .map(([token, id]) => `      ${JSON.stringify(token)}: ${id}`);
  const merges = bpe.merges.map(([a, b]) => `      ${JSON.stringify([a, b])}`);
  const modelFields = Object.entries(modelHead).map(
    ([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`,
  );
  const model = [
    "{",
    [
      ...modelFields,
      `    "vocab": {\n${vocab.join(",\n")}\n    }`,
      `    "merges": [\n${merges.join(",\n")}\n    ]`,
    ].join(",\n"),
    "  }",
  ].join("\n");
  const headText = JSON.stringify(head, null, 2);
  return `${headText.slice(0, -2)},\n  "model": ${model}\n}\n`;
}

/** tokenizer_config.json's value. */
export function tokenizerConfig(
  bpe: TrainedBpe,
  format: ChatFormat,
  options: TokenizerFilesOptions = {},
): Record<string, unknown> {
  const added = addedTokens(bpe);
  for (const [field, token] of [
    ["bos", format.bos],
    ["eos", format.eos],
    ["pad", format.pad],
  ] as const) {
    if (!bpe.specialTokens.includes(token)) {
      throw new Error(`writeTokenizerFiles: format.${field} ${token} is not a special token`);
    }
  }
  const modelMaxLength = options.modelMaxLength ?? 2048;
  if (!Number.isInteger(modelMaxLength) || modelMaxLength < 1) {
    throw new RangeError(`writeTokenizerFiles: modelMaxLength must be a positive integer`);
  }
  const named = new Set([format.bos, format.eos, format.pad]);
  return {
    add_bos_token: false,
    add_eos_token: false,
    added_tokens_decoder: Object.fromEntries(
      added.map(({ id, content }) => [
        String(id),
        {
          content,
          lstrip: false,
          normalized: false,
          rstrip: false,
          single_word: false,
          special: true,
        },
      ]),
    ),
    additional_special_tokens: bpe.specialTokens.filter((t) => !named.has(t)),
    bos_token: format.bos,
    chat_template: format.template,
    clean_up_tokenization_spaces: false,
    eos_token: format.eos,
    model_max_length: modelMaxLength,
    pad_token: format.pad,
    tokenizer_class: "PreTrainedTokenizerFast",
    unk_token: null,
  };
}

/** Writes `dir`/tokenizer.json and `dir`/tokenizer_config.json (creating `dir` if needed). */
export function writeTokenizerFiles(
  dir: string,
  bpe: TrainedBpe,
  format: ChatFormat,
  options: TokenizerFilesOptions = {},
): void {
  const config = tokenizerConfig(bpe, format, options);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, "tokenizer.json"), tokenizerJsonText(bpe));
  writeJsonAtomic(join(dir, "tokenizer_config.json"), config);
}
