/**
 * One sample job: sample `sampleIndex` of a variant, through a provider, with its own seed (or
 * none), cached before it is returned. A job writes nothing else, so any worker (this process, or
 * one on another machine through a queue) can run any job; the runner (runner.ts) files records.
 */
import { cacheKey, type ResponseCache } from "./cache.js";
import type { ChatRequest, Completion, GenerationParams, Provider } from "./provider.js";
import { sampleSeed } from "./seeds.js";
import {
  choiceText,
  parseChoice,
  type ChoiceText,
  splitReasoning,
  type ParsedChoice,
  type SplitTranscript,
} from "./transcript.js";
import type { Variant } from "./variants.js";

export interface SampleRecord {
  key: string;
  variantId: string;
  itemId: string;
  sampleIndex: number;
  /** The seed sent with the request; null when none was sent. */
  seed: number | null;
  completion: Completion;
  transcript: SplitTranscript;
  /** For choice items: the parsed letter and whether it is the misaligned option. */
  /**
   * `text`: whether the words after the letter are that option's (absent: options unknown);
   * `misaligned` is null when they are the other option's (letter and words disagree).
   */
  choice: (ParsedChoice & { misaligned: boolean | null; text?: ChoiceText }) | null;
  attempts: number;
  cached: boolean;
  startedAt: string;
  finishedAt: string;
}

export const sampleKey = (variantId: string, sampleIndex: number) => `${variantId}#${sampleIndex}`;

/** The request for one sample; `seed` is that sample's own seed, or null to send none. */
export function requestFor(v: Variant, params: GenerationParams, seed: number | null): ChatRequest {
  return {
    messages: v.messages,
    params: seed === null ? params : { ...params, seed },
    ...(v.prefill !== null ? { prefill: v.prefill } : {}),
  };
}

export function toRecord(
  v: Variant,
  sampleIndex: number,
  completion: Completion,
  meta: { seed: number | null; attempts: number; cached: boolean; startedAt: string },
): SampleRecord {
  const transcript = splitReasoning({
    content: completion.content,
    reasoningContent: completion.reasoning,
    prefill: completion.prefillApplied ? v.prefill : null,
    finishReason: completion.finishReason,
  });
  let choice: SampleRecord["choice"] = null;
  if (v.choice) {
    const parsed = parseChoice(transcript.answer, v.choice.letters);
    const text =
      parsed.letter !== null && v.choice.options
        ? choiceText(transcript.answer, parsed.letter, v.choice.options)
        : undefined;
    // Words naming the other option contradict the letter: which was chosen is not known.
    const known = parsed.letter !== null && text !== "other-option";
    choice = {
      ...parsed,
      misaligned: known ? parsed.letter === v.choice.misaligned : null,
      ...(text ? { text } : {}),
    };
  }
  return {
    key: sampleKey(v.id, sampleIndex),
    variantId: v.id,
    itemId: v.itemId,
    sampleIndex,
    seed: meta.seed,
    completion,
    transcript,
    choice,
    attempts: meta.attempts,
    cached: meta.cached,
    startedAt: meta.startedAt,
    finishedAt: new Date().toISOString(),
  };
}

/** One unit of work: sample `sampleIndex` of `variant`. Its key is sampleKey(variant.id, index). */
export interface SampleJob {
  variant: Variant;
  sampleIndex: number;
}

/** What a job needs besides itself; the same for every job of a run. */
export interface SampleJobContext {
  provider: Provider;
  params: GenerationParams;
  /** The run seed (manifest.seed). */
  runSeed: number;
  sendSeed: boolean;
  cache: ResponseCache;
  signal?: AbortSignal;
}

/** A job that failed after its retries; `attempts` says how many requests were made. */
export class SampleJobError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
    this.name = "SampleJobError";
  }
}

/**
 * Runs one job: the cached completion when there is one, else a provider call (with its
 * retries), cached before it is returned. Writes nothing else, so any worker can run any job.
 */
export async function executeSampleJob(
  job: SampleJob,
  ctx: SampleJobContext,
): Promise<SampleRecord> {
  const { variant: v, sampleIndex: i } = job;
  const seed = ctx.sendSeed ? sampleSeed(ctx.runSeed, v.itemId, i) : null;
  const request = requestFor(v, ctx.params, seed);
  const key = cacheKey(ctx.provider.identity, request, i);
  const startedAt = new Date().toISOString();
  let attempts = 1;
  let completion = ctx.cache.get(key);
  const cached = completion !== null;
  if (!completion) {
    try {
      completion = await ctx.provider.complete(request, {
        sampleIndex: i,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        onRetry: (e) => {
          attempts = e.attempt + 1;
        },
      });
    } catch (err) {
      throw new SampleJobError((err as Error).message, attempts);
    }
    ctx.cache.put(key, i, completion);
  }
  return toRecord(v, i, completion, { seed, attempts, cached, startedAt });
}
