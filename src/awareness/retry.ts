/**
 * Retries with exponential backoff that honours the server's Retry-After. Delay for attempt a
 * (0-based): Retry-After when the error carries one (capped at maxRetryAfterMs), otherwise
 * min(maxDelayMs, baseDelayMs * 2^a) scaled by a jitter factor in [0.5, 1).
 */
import { ProviderError, type RetryEvent } from "./provider.js";

export interface RetryPolicy {
  /** Retries after the first attempt (so at most retries + 1 calls). */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null if absent/bad. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value == null) return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  return Math.max(0, t - nowMs);
}

export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(exp * (0.5 + 0.5 * random()));
}

export function retryDelay(
  err: unknown,
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
): number {
  if (err instanceof ProviderError && err.retryAfterMs !== null)
    return Math.min(err.retryAfterMs, policy.maxRetryAfterMs);
  return backoffDelay(attempt, policy, random);
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** Runs `fn` until it succeeds, a non-retryable error occurs, or retries run out. */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  opts: {
    signal?: AbortSignal;
    sleep?: Sleep;
    random?: () => number;
    onRetry?: (e: RetryEvent) => void;
  } = {},
): Promise<T> {
  const doSleep = opts.sleep ?? sleep;
  const random = opts.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      const retryable = err instanceof ProviderError && err.retryable;
      if (!retryable || attempt >= policy.retries) throw err;
      const delayMs = retryDelay(err, attempt, policy, random);
      opts.onRetry?.({ attempt: attempt + 1, delayMs, reason: (err as Error).message });
      await doSleep(delayMs, opts.signal);
    }
  }
}
