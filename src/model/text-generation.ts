/**
 * Text in, text out: a model directory loaded with its tokenizer and generation defaults, prompts
 * rendered (raw, or as a user turn through the chat template), generation, decoding.
 */
import { readGenerationDefaults, type GenerationDefaults } from "../io/generation-config.js";
import type { ModelRef } from "../io/model-ref.js";
import { renderPrompt } from "../tokenizer/chat.js";
import { loadTokenizer, type Tokenizer } from "../tokenizer/tokenizer.js";
import { generate, type FinishReason } from "./generate.js";
import type { JobShape } from "./generate-common.js";
import { loadModelSettled, tokenizerDir, type LoadModelOptions, type Model } from "./model.js";
import type { SamplingOptions } from "./sampling.js";

export interface ChatModel {
  model: Model;
  tokenizer: Tokenizer;
  /** generation_config.json, else config.json, else the tokenizer's EOS. */
  eosTokenIds: number[];
  padTokenId: number;
}

/**
 * Loads a model directory, an adapter directory (tokenizer from it if present, else the base), a
 * zoo name, or a model already resolved; streamed and settled layer by layer (loadModelSettled).
 * `onProgress` hears the stored bytes read so far and in all.
 */
export async function loadChatModel(
  dir: string | ModelRef,
  opts: Pick<LoadModelOptions, "onProgress"> = {},
): Promise<ChatModel> {
  const model = await loadModelSettled(dir, opts);
  try {
    const tokenizer = await loadTokenizer(tokenizerDir(model)!);
    return {
      model,
      tokenizer,
      ...chatTokenIds(model, tokenizer, readGenerationDefaults(model.dir!)),
    };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/** EOS and pad ids: generation_config.json's, else config.json's, else the tokenizer's. */
export function chatTokenIds(
  model: Model,
  tokenizer: Tokenizer,
  defaults: GenerationDefaults,
): { eosTokenIds: number[]; padTokenId: number } {
  const eos =
    defaults.eosTokenIds ??
    (model.config.eosTokenIds.length ? model.config.eosTokenIds : null) ??
    (tokenizer.eosTokenId !== null ? [tokenizer.eosTokenId] : []);
  const pad = defaults.padTokenId ?? model.config.padTokenId ?? tokenizer.padTokenId ?? eos[0] ?? 0;
  return { eosTokenIds: eos, padTokenId: pad };
}

export interface TextGenerationOptions extends SamplingOptions {
  maxNewTokens: number;
  /** Render each prompt as a user turn with the chat template (plus the generation prompt). */
  chat?: boolean;
  seed?: number;
  stopStrings?: string[];
  /** Keep generating past EOS (for comparisons with a fixed length). */
  ignoreEos?: boolean;
  /** On jax-js, the shape every call of a long job runs at (JobShape in generate-common.ts). */
  shape?: JobShape;
  steering?: {
    layer: number;
    vector: Float32Array;
    scale?: number;
    /** "prompt" (default): every prompt token; "user": only the user's content (needs chat). */
    positions?: "prompt" | "user";
    /** Also steer every generated token. */
    allPositions?: boolean;
  };
}

export interface TextGeneration {
  promptIds: number[];
  ids: number[];
  text: string;
  logprobs: number[];
  finishReason: FinishReason;
}

/** Tokenises prompts: raw text with the tokenizer's special tokens (BOS), or chat-rendered. */
export function encodePrompts(cm: ChatModel, prompts: string[], chat: boolean) {
  return prompts.map((p) => {
    if (!chat) return { ids: cm.tokenizer.encode(p, { addSpecialTokens: true }), user: null };
    const r = renderPrompt(cm.tokenizer, p);
    return { ids: r.ids, user: r.userPositions[0]! };
  });
}

/** Checks prompt token ids against the model's vocabulary (config.json vocab_size). */
export function checkPromptIds(model: Model, rows: readonly (readonly number[])[]): void {
  rows.forEach((row, i) => {
    if (row.length === 0) throw new RangeError(`prompt ids ${i}: empty`);
    const bad = row.find((id) => !Number.isInteger(id) || id < 0 || id >= model.config.vocabSize);
    if (bad !== undefined) {
      throw new RangeError(
        `prompt ids ${i}: ${bad} is not a token id of the model (0 ≤ id < vocab_size ${model.config.vocabSize})`,
      );
    }
  });
}

/** Renders and tokenises text prompts, then generates (see generateFromEncoded). */
export async function generateText(
  cm: ChatModel,
  prompts: string[],
  opts: TextGenerationOptions,
): Promise<TextGeneration[]> {
  return generateFromEncoded(cm, encodePrompts(cm, prompts, opts.chat ?? false), opts);
}

/**
 * Generates from prompts already tokenised (`user`: the user's content positions, for steering on
 * user positions). Ids the tokenizer lacks (a padded vocab_size) decode to nothing.
 */
export async function generateFromEncoded(
  cm: ChatModel,
  encoded: { ids: number[]; user: number[] | null }[],
  opts: TextGenerationOptions,
): Promise<TextGeneration[]> {
  checkPromptIds(
    cm.model,
    encoded.map((e) => e.ids),
  );
  const longest = Math.max(...encoded.map((e) => e.ids.length));
  let steering;
  if (opts.steering) {
    const s = opts.steering;
    const positions = s.positions ?? "prompt";
    if (positions === "user" && !opts.chat)
      throw new Error("steering on user positions needs chat prompts");
    const mask = new Float32Array(encoded.length * longest);
    encoded.forEach((e, i) => {
      const pad = longest - e.ids.length;
      const pos = positions === "user" ? e.user! : e.ids.map((_, j) => j);
      for (const p of pos) mask[i * longest + pad + p] = 1;
    });
    steering = {
      layer: s.layer,
      vector: s.vector,
      scale: s.scale ?? 1,
      positionMask: mask,
      allPositions: s.allPositions ?? false,
    };
  }
  const decode = (ids: number[]) => cm.tokenizer.decode(ids, { skipSpecialTokens: true });
  const g = await generate(
    cm.model,
    encoded.map((e) => e.ids),
    {
      maxNewTokens: opts.maxNewTokens,
      temperature: opts.temperature ?? 0,
      topP: opts.topP ?? 1,
      seed: opts.seed ?? 0,
      eosTokenIds: opts.ignoreEos ? [] : cm.eosTokenIds,
      padTokenId: cm.padTokenId,
      decode,
      ...(opts.stopStrings?.length ? { stopStrings: opts.stopStrings } : {}),
      ...(steering ? { steering } : {}),
      ...(opts.shape ? { shape: opts.shape } : {}),
    },
  );
  return encoded.map((e, i) => ({
    promptIds: e.ids,
    ids: g.ids[i]!,
    text: g.texts![i]!,
    logprobs: g.logprobs[i]!,
    finishReason: g.finishReasons[i]!,
  }));
}
