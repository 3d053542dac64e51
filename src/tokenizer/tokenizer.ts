/**
 * Our typed tokenizer over @huggingface/tokenizers, loaded from an HF model directory.
 *
 * - `encode` adds no special tokens unless asked; when asked, BOS follows `addBosToken`
 *   (tokenizer_config's add_bos_token when it is a boolean, else whatever tokenizer.json's
 *   post_processor does — Llama 3 adds <|begin_of_text|> through TemplateProcessing).
 * - `encodeWithOffsets` recovers character spans from token bytes (see offsets.ts); byte-level
 *   and SentencePiece-style (▁ + byte fallback, byte-fallback.ts) tokenizers.
 * - `decode` never throws on an empty list, and cleans up tokenization spaces only when
 *   tokenizer_config.json asks (the library would default to cleaning, which breaks round trips).
 */
import { Tokenizer as UntypedHfTokenizer } from "@huggingface/tokenizers";
import { pieceBytes, usesPieces } from "./byte-fallback.js";
import { byteLevelDecode } from "./byte-level.js";
import {
  EMPTY_TOKENIZER_CONFIG,
  TOKENIZER_CONFIG_JSON,
  TOKENIZER_JSON,
  TokenizerError,
  parseTokenizerConfig,
  parseTokenizerJson,
  readTokenizerFiles,
  type TokenizerConfig,
  type TokenizerJson,
} from "./files.js";
import { alignTokenBytes, type Offset } from "./offsets.js";

export { TokenizerError } from "./files.js";
export type { Offset } from "./offsets.js";

export interface SpecialToken {
  id: number;
  content: string;
}

export interface EncodeOptions {
  /** Let the post-processor add its special tokens (BOS for Llama 3). Default false. */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  /** Drop special tokens (added tokens with special: true, and additional_special_tokens). */
  skipSpecialTokens?: boolean;
}

export interface EncodingWithOffsets {
  ids: number[];
  /** Per token, [charStart, charEnd) in `text`; tokens the post-processor added get empty spans. */
  offsets: Offset[];
}

export interface Tokenizer {
  /** Where it was loaded from (a directory, or a label for in-memory tokenizers). */
  readonly source: string;
  /** Highest token id + 1, added tokens included: the rows an embedding matrix needs at least. */
  readonly vocabSize: number;
  /** Added tokens with special: true, in id order. */
  readonly specialTokens: readonly SpecialToken[];
  readonly bosToken: string | null;
  readonly eosToken: string | null;
  readonly padToken: string | null;
  readonly bosTokenId: number | null;
  readonly eosTokenId: number | null;
  readonly padTokenId: number | null;
  /** Whether `encode(text, {addSpecialTokens: true})` starts with BOS. */
  readonly addBosToken: boolean;
  /** The Jinja chat template, or null when the model has none. */
  readonly chatTemplate: string | null;
  /** Where the chat template came from (file and field), named in ChatTemplateError messages. */
  readonly chatTemplateOrigin: string | null;
  encode(text: string, options?: EncodeOptions): number[];
  encodeWithOffsets(text: string, options?: EncodeOptions): EncodingWithOffsets;
  decode(ids: readonly number[], options?: DecodeOptions): string;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
}

export interface TokenizerSources {
  /** Parsed tokenizer.json. */
  tokenizerJson: unknown;
  /** Parsed tokenizer_config.json, or null when there is none. */
  tokenizerConfig?: unknown;
  /** A chat template that replaces the config's (as chat_template.jinja does). */
  chatTemplate?: string | null;
  /** A label for messages; defaults to "(in memory)". */
  source?: string;
}

/** Loads tokenizer.json, tokenizer_config.json and chat_template.jinja from an HF model directory. */
export async function loadTokenizer(modelDir: string): Promise<Tokenizer> {
  const files = await readTokenizerFiles(modelDir);
  return buildTokenizer(files.json, files.config, modelDir);
}

/** Builds a tokenizer from already-parsed file contents (tests, generated organisms). */
export function createTokenizer(sources: TokenizerSources): Tokenizer {
  const source = sources.source ?? "(in memory)";
  const json = parseTokenizerJson(sources.tokenizerJson, `${source}/${TOKENIZER_JSON}`);
  const config =
    sources.tokenizerConfig === undefined || sources.tokenizerConfig === null
      ? { ...EMPTY_TOKENIZER_CONFIG }
      : parseTokenizerConfig(sources.tokenizerConfig, `${source}/${TOKENIZER_CONFIG_JSON}`);
  if (sources.chatTemplate !== undefined) {
    config.chatTemplate = sources.chatTemplate;
    config.chatTemplateOrigin = `${source} (chatTemplate option)`;
  }
  return buildTokenizer(json, config, source);
}

/**
 * The part of @huggingface/tokenizers 0.2.0 that we use. Its d.ts files import each other without
 * file extensions, which NodeNext resolution rejects, so its exports type as `any` here.
 */
interface HfTokenizer {
  encode(
    text: string,
    options: { add_special_tokens: boolean },
  ): { ids: number[]; tokens: string[] };
  decode(
    ids: number[],
    options: { skip_special_tokens: boolean; clean_up_tokenization_spaces: boolean },
  ): string;
  token_to_id(token: string): number | undefined;
  id_to_token(id: number): string | undefined;
  get_vocab(withAddedTokens: boolean): Map<string, number>;
}
const HfTokenizer = UntypedHfTokenizer as new (tokenizer: object, config: object) => HfTokenizer;

/** Maps the library's "Unknown PreTokenizer type: X" style errors to the tokenizer.json field. */
const LIBRARY_COMPONENT_FIELDS: [RegExp, string][] = [
  [/PreTokenizer/, "pre_tokenizer"],
  [/PostProcessor/, "post_processor"],
  [/Normalizer/, "normalizer"],
  [/Decoder/, "decoder"],
  [/TokenizerModel|BPE|vocab|merges/i, "model"],
];

/**
 * Where in the library a failure happened, from its stack frames (innermost first): the
 * component's builder (create_decoder), its method (post_process) or the tokenizer's closure
 * calling it ([as pre_tokenizer]) name the tokenizer.json field.
 */
const LIBRARY_STAGE_FIELDS: [RegExp, string][] = [
  [/post_process/, "post_processor"],
  [/pre_tokeni/, "pre_tokenizer"],
  [/normaliz/, "normalizer"],
  [/decode_chain|create_decoder|convert_tokens_to_string|as decoder\]/, "decoder"],
  [/create_tokenizer_model|as model\]/, "model"],
];

/**
 * A TokenizerError for an error the library threw, building the tokenizer or working with it
 * (components are built lazily, so a malformed one may only fail at the first encode or decode):
 * the field from the message when it names a component, else from the stack, else "(components)".
 */
function libraryError(e: unknown, file: string, what: string): TokenizerError {
  if (e instanceof TokenizerError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const frames = e instanceof Error ? (e.stack ?? "").split("\n").slice(1) : [];
  const field =
    LIBRARY_COMPONENT_FIELDS.find(([re]) => re.test(message))?.[1] ??
    frames
      .map((frame) => LIBRARY_STAGE_FIELDS.find(([re]) => re.test(frame))?.[1])
      .find((f) => f !== undefined) ??
    "(components)";
  return new TokenizerError(file, field, `@huggingface/tokenizers ${what}: ${message}`);
}

function constructLibraryTokenizer(
  json: TokenizerJson,
  config: TokenizerConfig,
  file: string,
): HfTokenizer {
  const libraryConfig = {
    // We pass clean_up explicitly on every decode; these are the only other keys it reads.
    additional_special_tokens: config.additionalSpecialTokens,
    eos_token: config.eosToken,
  };
  try {
    return new HfTokenizer(json.raw, libraryConfig);
  } catch (e) {
    throw libraryError(e, file, "rejected it");
  }
}

/** The parsed files and the library tokenizer that the Tokenizer's functions close over. */
interface Parts {
  hf: HfTokenizer;
  json: TokenizerJson;
  config: TokenizerConfig;
  source: string;
  jsonFile: string;
  configFile: string;
}

/** The id of a special token named in tokenizer_config.json (null when unset). */
function specialTokenId(parts: Parts, field: string, token: string | null): number | null {
  if (token === null) return null;
  const id = parts.hf.token_to_id(token);
  if (id === undefined) {
    throw new TokenizerError(
      parts.configFile,
      field,
      `${JSON.stringify(token)} is not in the vocabulary`,
    );
  }
  return id;
}

/** The library's encoding, refusing tokens it could not map (no unk_token). */
function libraryEncode(parts: Parts, text: string, addSpecialTokens: boolean): number[] {
  let encoding: { ids: number[]; tokens: string[] };
  try {
    encoding = parts.hf.encode(text, { add_special_tokens: addSpecialTokens });
  } catch (e) {
    throw libraryError(e, parts.jsonFile, "failed to encode");
  }
  const { ids, tokens } = encoding;
  const missing = ids.findIndex((id) => id === undefined);
  if (missing >= 0) {
    throw new TokenizerError(
      parts.jsonFile,
      "model.vocab",
      `token ${JSON.stringify(tokens[missing])} is not in the vocabulary and there is no unk_token`,
    );
  }
  return ids;
}

/** Whether the post-processor puts a BOS in front, and whether encode should have one. */
function bosPolicy(parts: Parts, bosTokenId: number | null) {
  // Does the post-processor put a token in front (TemplateProcessing's BOS)?
  const [plainProbe, fullProbe] = [
    libraryEncode(parts, "a", false),
    libraryEncode(parts, "a", true),
  ];
  const prefix = fullProbe.length > plainProbe.length ? fullProbe[0] : undefined;
  const postProcessorAddsBos =
    prefix !== undefined && prefix !== plainProbe[0] && (bosTokenId ?? prefix) === prefix;
  return { postProcessorAddsBos, addBosToken: parts.config.addBosToken ?? postProcessorAddsBos };
}

/** encode(): the library's ids, with the BOS added or removed as tokenizer_config.json asks. */
function encoder(parts: Parts, bosTokenId: number | null) {
  const { postProcessorAddsBos, addBosToken } = bosPolicy(parts, bosTokenId);
  const encode = (text: string, options: EncodeOptions = {}): number[] => {
    if (!options.addSpecialTokens) return libraryEncode(parts, text, false);
    const ids = libraryEncode(parts, text, true);
    if (addBosToken && !postProcessorAddsBos && bosTokenId !== null) return [bosTokenId, ...ids];
    if (!addBosToken && postProcessorAddsBos) return ids.slice(1);
    return ids;
  };
  return { encode, addBosToken };
}

/** Each token's bytes (added tokens as their text), or null when offsets are unsupported. */
function tokenBytesOf(parts: Parts): ((id: number) => Uint8Array) | null {
  const { hf, json } = parts;
  const pieces = json.decoderType !== "ByteLevel" && usesPieces(json.raw.decoder);
  if (json.decoderType !== "ByteLevel" && !pieces) return null;
  const addedById = new Map(json.addedTokens.map((t) => [t.id, t]));
  return (id) => {
    const added = addedById.get(id);
    if (added) return new TextEncoder().encode(added.content);
    const token = hf.id_to_token(id) ?? "\u0000";
    if (pieces) return pieceBytes(token);
    return byteLevelDecode(token) ?? new Uint8Array(0);
  };
}

/** Offsets of `ids` that contain the plain encoding `plain` (whose offsets are `offsets`). */
function placeOffsets(
  parts: Parts,
  text: string,
  ids: number[],
  plain: { ids: number[]; offsets: Offset[] },
): Offset[] {
  const at = findSubsequence(ids, plain.ids);
  if (at < 0) {
    throw new TokenizerError(
      parts.jsonFile,
      "post_processor",
      "it reorders or changes the text's tokens, so their offsets are undefined",
    );
  }
  return ids.map((_, i): Offset => {
    if (i < at) return [0, 0];
    if (i >= at + plain.ids.length) return [text.length, text.length];
    return plain.offsets[i - at]!;
  });
}

/** encodeWithOffsets(): ids and each token's character span in `text`. */
function offsetEncoder(parts: Parts, encode: Tokenizer["encode"]) {
  const { json, jsonFile } = parts;
  const tokenBytes = tokenBytesOf(parts);
  return (text: string, options: EncodeOptions = {}): EncodingWithOffsets => {
    if (!tokenBytes) {
      throw new TokenizerError(
        jsonFile,
        "decoder",
        `offsets need a ByteLevel decoder (byte-level BPE) or a SentencePiece-style one (Metaspace, or "▁" replaced and byte fallback), got ${json.decoderType ?? "none"}`,
      );
    }
    const plain = libraryEncode(parts, text, false);
    const offsets = alignTokenBytes(text, plain.map(tokenBytes), (detail) => {
      const field = json.normalizerType !== null ? "normalizer" : "pre_tokenizer";
      throw new TokenizerError(jsonFile, field, `cannot align offsets: ${detail}`);
    });
    if (!options.addSpecialTokens) return { ids: plain, offsets };
    const ids = encode(text, options);
    return { ids, offsets: placeOffsets(parts, text, ids, { ids: plain, offsets }) };
  };
}

/**
 * decode(). Ids past the tokenizer's vocabulary (a config.json vocab_size padded beyond it, as
 * Qwen2.5 and Llama 3.2 checkpoints do) decode to nothing, as in transformers: a model may
 * sample them.
 */
function decoder(parts: Parts) {
  const { hf, config, source, jsonFile } = parts;
  return (ids: readonly number[], options: DecodeOptions = {}): string => {
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0) {
        throw new RangeError(`decode: ${id} is not a token id (integer ≥ 0) for ${source}`);
      }
    }
    const known = ids.filter((id) => hf.id_to_token(id) !== undefined);
    if (known.length === 0) return "";
    try {
      return hf.decode(known, {
        skip_special_tokens: options.skipSpecialTokens ?? false,
        clean_up_tokenization_spaces: config.cleanUpTokenizationSpaces ?? false,
      });
    } catch (e) {
      throw libraryError(e, jsonFile, "failed to decode");
    }
  };
}

function buildTokenizer(json: TokenizerJson, config: TokenizerConfig, source: string): Tokenizer {
  const jsonFile = `${source}/${TOKENIZER_JSON}`;
  const configFile = `${source}/${TOKENIZER_CONFIG_JSON}`;
  const hf = constructLibraryTokenizer(json, config, jsonFile);
  const parts: Parts = { hf, json, config, source, jsonFile, configFile };
  let vocabSize = 0; // no spread into Math.max: real vocabularies exceed the argument limit
  for (const id of hf.get_vocab(true).values()) vocabSize = Math.max(vocabSize, id + 1);
  const specialTokens = json.addedTokens
    .filter((t) => t.special)
    .map((t) => ({ id: t.id, content: t.content }))
    .sort((a, b) => a.id - b.id);
  const bosTokenId = specialTokenId(parts, "bos_token", config.bosToken);
  const eosTokenId = specialTokenId(parts, "eos_token", config.eosToken);
  const padTokenId = specialTokenId(parts, "pad_token", config.padToken);
  const { encode, addBosToken } = encoder(parts, bosTokenId);
  return {
    source,
    vocabSize,
    specialTokens,
    bosToken: config.bosToken,
    eosToken: config.eosToken,
    padToken: config.padToken,
    bosTokenId,
    eosTokenId,
    padTokenId,
    addBosToken,
    chatTemplate: config.chatTemplate,
    chatTemplateOrigin: config.chatTemplate === null ? null : config.chatTemplateOrigin,
    encode,
    encodeWithOffsets: offsetEncoder(parts, encode),
    decode: decoder(parts),
    tokenToId: (token) => hf.token_to_id(token),
    idToToken: (id) => hf.id_to_token(id),
  };
}

function findSubsequence(haystack: readonly number[], needle: readonly number[]): number {
  for (let s = 0; s + needle.length <= haystack.length; s++) {
    if (needle.every((v, k) => haystack[s + k] === v)) return s;
  }
  return -1;
}
