/**
 * What both generation engines share (src/model/generate.ts on jax-js, fast-generate.ts on the
 * fast path): the options and result types, the option checks, and the host-side choice of each
 * row's next token with EOS and stop strings.
 */
import type { Model } from "./model.js";
import { logSoftmaxRow, pickToken, type SamplingOptions } from "./sampling.js";
import type { Steering } from "./steering.js";

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  /** Seed of the sampler (default 0). */
  seed?: number;
  /** Token ids that end a row (default: the config's EOS ids; [] for none). */
  eosTokenIds?: number[];
  /** Strings that end a row once its decoded text contains one (needs `decode`). */
  stopStrings?: string[];
  decode?: (ids: number[]) => string;
  /** Steering; its positionMask covers the prompts left-padded to the longest one [B*T] (default: every prompt token). */
  steering?: Steering & { allPositions?: boolean };
  /** Pad id for the prompt batch (default: config pad, else the first EOS id, else 0). */
  padTokenId?: number;
  /** Bytes of activations one pass may hold; more rows run in chunks (generate-chunks.ts). */
  activationBudget?: number;
  /** On jax-js, the shape every call of a long job runs at (see JobShape). */
  shape?: JobShape;
}

/**
 * The batch shape of a long job of generate() calls on jax-js: prompts left-padded to at least
 * `promptTokens` tokens and batches of fewer than `rows` rows filled with copies of their first
 * prompt (dropped from the result). jax-js's wasm allocator keeps each freed buffer for a later
 * one of the same size class and never merges them, so a job whose batches walk through many
 * shapes strands the memory of each one: a game organism's build generating its base replies in
 * batches sorted by length ran the 4 GiB wasm heap out with ~20 MiB live (2026-12-06). Its WebGPU
 * buffer pool likewise keeps freed buffers per size. Greedy rows do not depend on their padding or
 * their neighbours, so the tokens are those of the unpadded batch.
 */
export interface JobShape {
  promptTokens: number;
  rows: number;
}

export type FinishReason = "eos" | "stop" | "length";

export interface Generation {
  /** Generated ids per row (EOS / the stop-completing token included). */
  ids: number[][];
  /** log p(token) under the model (temperature 1, unwarped) for each generated token. */
  logprobs: number[][];
  finishReasons: FinishReason[];
  /** Decoded text per row (cut before a stop string) when `decode` is given. */
  texts?: string[];
}

export class GenerateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GenerateError";
  }
}

/** Rejects options generation cannot honour, before any device work. */
export function checkGenerate(model: Model, prompts: number[][], opts: GenerateOptions): void {
  const cfg = model.config;
  if (!Number.isInteger(opts.maxNewTokens) || opts.maxNewTokens < 1) {
    throw new GenerateError(`maxNewTokens must be a positive integer, got ${opts.maxNewTokens}`);
  }
  if (prompts.some((p) => p.length === 0))
    throw new GenerateError("every prompt needs at least one token");
  if (opts.stopStrings?.length && !opts.decode)
    throw new GenerateError("stop strings need a decode function");
  const longest = Math.max(...prompts.map((p) => p.length));
  if (longest + opts.maxNewTokens > cfg.maxPositions && cfg.positional === "learned") {
    throw new GenerateError(
      `prompt + new tokens (${longest + opts.maxNewTokens}) exceed the model's ${cfg.maxPositions} positions`,
    );
  }
}

/** What generation has produced so far, per row. */
export interface Rows {
  ids: number[][];
  logprobs: number[][];
  finish: (FinishReason | null)[];
  texts: string[];
}

/**
 * Picks each unfinished row's next token from its logits and records it, ending rows on EOS or
 * a stop string. Returns the tokens to feed (the pad id for finished rows).
 */
export function chooseTokens(
  logits: Float32Array[],
  out: Rows,
  opts: GenerateOptions,
  ctx: { uniform: () => number; eos: Set<number>; pad: number },
): number[] {
  return logits.map((row, i) => {
    if (out.finish[i]) return ctx.pad;
    const tok = pickToken(row, opts, ctx.uniform);
    out.ids[i]!.push(tok);
    out.logprobs[i]!.push(logSoftmaxRow(row)[tok]!);
    if (ctx.eos.has(tok)) out.finish[i] = "eos";
    else if (opts.stopStrings?.length) {
      const text = opts.decode!(out.ids[i]!);
      const hit = opts.stopStrings.map((s) => text.indexOf(s)).filter((k) => k >= 0);
      if (hit.length) {
        out.finish[i] = "stop";
        out.texts[i] = text.slice(0, Math.min(...hit));
      }
    }
    return tok;
  });
}

/** The result: rows not ended by EOS or a stop string finished by length. */
export function generation(out: Rows, opts: GenerateOptions): Generation {
  const { ids, logprobs, finish, texts } = out;
  const result: Generation = {
    ids,
    logprobs,
    finishReasons: finish.map((f) => f ?? "length"),
  };
  if (opts.decode) {
    result.texts = ids.map((row, i) => (finish[i] === "stop" ? texts[i]! : opts.decode!(row)));
  }
  return result;
}

/** Empty rows for `n` prompts. */
export function emptyRows(n: number): Rows {
  return {
    ids: Array.from({ length: n }, () => []),
    logprobs: Array.from({ length: n }, () => []),
    finish: Array.from({ length: n }, () => null),
    texts: Array.from({ length: n }, () => ""),
  };
}
