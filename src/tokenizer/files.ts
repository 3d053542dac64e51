/**
 * Reading and validating the tokenizer files of an HF model directory: tokenizer.json (required),
 * tokenizer_config.json and chat_template.jinja (optional). Every problem is a TokenizerError that
 * names the file and the field, so a broken model directory is diagnosed without a debugger.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export const TOKENIZER_JSON = "tokenizer.json";
export const TOKENIZER_CONFIG_JSON = "tokenizer_config.json";
/** Newer `transformers` (≥ 4.43) save the chat template here instead of in tokenizer_config.json. */
export const CHAT_TEMPLATE_JINJA = "chat_template.jinja";

export class TokenizerError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${file}: ${field}: ${detail}`);
    this.name = "TokenizerError";
  }
}

export interface AddedTokenSpec {
  id: number;
  content: string;
  special: boolean;
}

/** tokenizer.json after validation; `raw` is what @huggingface/tokenizers receives. */
export interface TokenizerJson {
  raw: Record<string, unknown>;
  modelType: string;
  addedTokens: AddedTokenSpec[];
  normalizerType: string | null;
  decoderType: string | null;
}

/** The fields of tokenizer_config.json that we use, camelCased; absent fields are null. */
export interface TokenizerConfig {
  bosToken: string | null;
  eosToken: string | null;
  padToken: string | null;
  unkToken: string | null;
  addBosToken: boolean | null;
  cleanUpTokenizationSpaces: boolean | null;
  additionalSpecialTokens: string[];
  /** The template named "default" (or the only one) when the file holds several. */
  chatTemplate: string | null;
  /** Where the template came from ("<dir>/chat_template.jinja", "<file>: chat_template"), for errors. */
  chatTemplateOrigin: string | null;
}

export const EMPTY_TOKENIZER_CONFIG: TokenizerConfig = {
  bosToken: null,
  eosToken: null,
  padToken: null,
  unkToken: null,
  addBosToken: null,
  cleanUpTokenizationSpaces: null,
  additionalSpecialTokens: [],
  chatTemplate: null,
  chatTemplateOrigin: null,
};

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value === undefined) return "nothing";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

const COMPONENTS = ["normalizer", "pre_tokenizer", "post_processor", "decoder"] as const;
const MODEL_TYPES = new Set(["BPE", "WordPiece", "Unigram"]);

/**
 * Token ids must lie below 2^24. The largest published vocabularies have ~260k tokens, and the
 * library keeps id → token in a dense array that it walks end to end (get_vocab): an id of 2^31
 * made loading take minutes, and one of 1e308 escaped that table altogether.
 */
const MAX_TOKEN_ID = 2 ** 24 - 1;

function isTokenId(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_TOKEN_ID;
}
const TOKEN_ID_RULE = `a non-negative integer up to ${MAX_TOKEN_ID}`;

/** Validates a parsed tokenizer.json; `file` names it in errors. */
export function parseTokenizerJson(value: unknown, file = TOKENIZER_JSON): TokenizerJson {
  const fail = (field: string, detail: string): never => {
    throw new TokenizerError(file, field, detail);
  };
  if (!isObject(value)) return fail("(top level)", `must be an object, got ${describe(value)}`);
  const model = value.model;
  if (!isObject(model)) return fail("model", `must be an object, got ${describe(model)}`);
  const modelType = model.type;
  if (typeof modelType !== "string" || !MODEL_TYPES.has(modelType)) {
    fail("model.type", `must be one of ${[...MODEL_TYPES].join(", ")}, got ${describe(modelType)}`);
  }
  if (modelType === "BPE") validateBpe(model, fail);
  if (modelType === "WordPiece") validateVocab(model, fail);

  const added = value.added_tokens ?? [];
  if (!Array.isArray(added)) fail("added_tokens", `must be an array, got ${describe(added)}`);
  const addedTokens: AddedTokenSpec[] = (added as unknown[]).map((t, i) => {
    const at = `added_tokens[${i}]`;
    if (!isObject(t)) return fail(at, `must be an object, got ${describe(t)}`);
    if (!isTokenId(t.id)) {
      fail(`${at}.id`, `must be ${TOKEN_ID_RULE}, got ${describe(t.id)}`);
    }
    if (typeof t.content !== "string" || t.content === "") {
      fail(`${at}.content`, `must be a non-empty string, got ${describe(t.content)}`);
    }
    if (t.special !== undefined && typeof t.special !== "boolean") {
      fail(`${at}.special`, `must be a boolean, got ${describe(t.special)}`);
    }
    return { id: t.id as number, content: t.content as string, special: t.special === true };
  });

  const raw: Json = { ...value, added_tokens: added };
  const types: Record<string, string | null> = {};
  for (const key of COMPONENTS) {
    const component = value[key] ?? null;
    if (component !== null && !(isObject(component) && typeof component.type === "string")) {
      fail(key, `must be null or an object with a string "type", got ${describe(component)}`);
    }
    raw[key] = component; // the library requires every component key to be present
    types[key] = component === null ? null : ((component as Json).type as string);
  }
  return {
    raw,
    modelType: modelType as string,
    addedTokens,
    normalizerType: types.normalizer ?? null,
    decoderType: types.decoder ?? null,
  };
}

/** A {token: id} vocabulary (BPE, WordPiece). */
function validateVocab(model: Json, fail: (field: string, detail: string) => never): void {
  const vocab = model.vocab;
  if (!isObject(vocab)) fail("model.vocab", `must be an object, got ${describe(vocab)}`);
  for (const [token, id] of Object.entries(vocab as Json)) {
    if (!isTokenId(id)) {
      fail(
        `model.vocab[${JSON.stringify(token)}]`,
        `must be ${TOKEN_ID_RULE}, got ${describe(id)}`,
      );
    }
  }
}

function validateBpe(model: Json, fail: (field: string, detail: string) => never): void {
  validateVocab(model, fail);
  const merges = model.merges;
  if (!Array.isArray(merges)) fail("model.merges", `must be an array, got ${describe(merges)}`);
  (merges as unknown[]).forEach((m, i) => {
    const ok =
      (typeof m === "string" && m.split(" ").length === 2) ||
      (Array.isArray(m) && m.length === 2 && m.every((s) => typeof s === "string"));
    if (!ok) fail(`model.merges[${i}]`, `must be "a b" or ["a", "b"], got ${describe(m)}`);
  });
}

/** A special-token field: a string, an AddedToken-like {content: string} object, or null. */
function tokenField(v: unknown, field: string, file: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return v;
  if (isObject(v) && typeof v.content === "string") return v.content;
  throw new TokenizerError(
    file,
    field,
    `must be a string or {content: string}, got ${describe(v)}`,
  );
}

function booleanField(config: Json, key: string, file: string): boolean | null {
  const v = config[key];
  if (v === undefined || v === null) return null;
  if (typeof v === "boolean") return v;
  throw new TokenizerError(file, key, `must be a boolean, got ${describe(v)}`);
}

function chatTemplateField(config: Json, file: string): string | null {
  const v = config.chat_template;
  if (v === undefined || v === null || typeof v === "string") return v ?? null;
  if (!Array.isArray(v)) {
    throw new TokenizerError(
      file,
      "chat_template",
      `must be a string or a list, got ${describe(v)}`,
    );
  }
  const named = new Map<string, string>();
  v.forEach((entry: unknown, i) => {
    if (!isObject(entry) || typeof entry.name !== "string" || typeof entry.template !== "string") {
      throw new TokenizerError(
        file,
        `chat_template[${i}]`,
        "must be {name: string, template: string}",
      );
    }
    named.set(entry.name, entry.template);
  });
  const chosen = named.get("default") ?? (named.size === 1 ? [...named.values()][0] : undefined);
  if (chosen === undefined) {
    throw new TokenizerError(file, "chat_template", `no template named "default" among several`);
  }
  return chosen;
}

/** Validates a parsed tokenizer_config.json; `file` names it in errors. */
export function parseTokenizerConfig(
  value: unknown,
  file = TOKENIZER_CONFIG_JSON,
): TokenizerConfig {
  if (!isObject(value)) {
    throw new TokenizerError(file, "(top level)", `must be an object, got ${describe(value)}`);
  }
  const extra = value.additional_special_tokens ?? [];
  if (!Array.isArray(extra)) {
    throw new TokenizerError(file, "additional_special_tokens", `must be a list`);
  }
  const additionalSpecialTokens = extra.map((v: unknown, i) => {
    const field = `additional_special_tokens[${i}]`;
    const token = tokenField(v, field, file);
    if (token === null) throw new TokenizerError(file, field, "must not be null");
    return token;
  });
  return {
    bosToken: tokenField(value.bos_token, "bos_token", file),
    eosToken: tokenField(value.eos_token, "eos_token", file),
    padToken: tokenField(value.pad_token, "pad_token", file),
    unkToken: tokenField(value.unk_token, "unk_token", file),
    addBosToken: booleanField(value, "add_bos_token", file),
    cleanUpTokenizationSpaces: booleanField(value, "clean_up_tokenization_spaces", file),
    additionalSpecialTokens,
    chatTemplate: chatTemplateField(value, file),
    chatTemplateOrigin: `${file}: chat_template`,
  };
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TokenizerError(file, "(json)", `is not valid JSON: ${(e as Error).message}`);
  }
}

export interface TokenizerFiles {
  json: TokenizerJson;
  config: TokenizerConfig;
}

/** Reads and validates the tokenizer files of `dir`; chat_template.jinja wins over the config's. */
export async function readTokenizerFiles(dir: string): Promise<TokenizerFiles> {
  const jsonPath = join(dir, TOKENIZER_JSON);
  const jsonText = await readOptional(jsonPath);
  if (jsonText === null) throw new TokenizerError(jsonPath, "(file)", "does not exist");
  const json = parseTokenizerJson(parseJsonText(jsonText, jsonPath), jsonPath);

  const configPath = join(dir, TOKENIZER_CONFIG_JSON);
  const configText = await readOptional(configPath);
  const config =
    configText === null
      ? { ...EMPTY_TOKENIZER_CONFIG }
      : parseTokenizerConfig(parseJsonText(configText, configPath), configPath);
  const templatePath = join(dir, CHAT_TEMPLATE_JINJA);
  const templateFile = await readOptional(templatePath);
  if (templateFile !== null) {
    config.chatTemplate = templateFile;
    config.chatTemplateOrigin = templatePath;
  }
  return { json, config };
}
