/**
 * A provider for any OpenAI-compatible chat-completions endpoint (vLLM, Ollama, llama.cpp server,
 * hosted APIs, `trigscope serve`). Spec: "openai:MODEL@BASE_URL", e.g.
 * "openai:qwen3-8b@http://127.0.0.1:8000/v1"; the key is read from the environment variable named
 * by `apiKeyEnv` (default OPENAI_API_KEY; none sent when unset).
 *
 * Every call has a timeout; 408/409/425/429/5xx, network errors, timeouts and malformed bodies are
 * retried with exponential backoff honouring Retry-After; other 4xx fail at once with the server's
 * message. The pre-fill goes out as a final assistant message with vLLM's
 * `continue_final_message: true, add_generation_prompt: false` when `prefillMode` is
 * "continue-final-message"; with "none" it is not sent and the completion records that.
 */
import {
  ProviderError,
  registerProviderKind,
  type ChatRequest,
  type Completion,
  type Provider,
  type ProviderOptions,
  type Usage,
} from "./provider.js";
import {
  DEFAULT_RETRY,
  parseRetryAfter,
  withRetries,
  type RetryPolicy,
  type Sleep,
} from "./retry.js";
import type { FinishReason } from "./transcript.js";

export interface OpenAIProviderOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  prefillMode?: "continue-final-message" | "none";
  /** Extra fields merged into every request body (server-specific options). */
  extraBody?: Record<string, unknown>;
  fetch?: typeof fetch;
  sleep?: Sleep;
}

const RETRYABLE_STATUS = new Set([408, 409, 425, 429]);

export function openaiProvider(opts: OpenAIProviderOptions): Provider {
  const baseUrl = opts.baseUrl.replace(/\/+$/, "");
  let url: URL;
  try {
    url = new URL(baseUrl + "/chat/completions");
  } catch {
    throw new Error(`provider base URL '${opts.baseUrl}' is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`provider base URL '${opts.baseUrl}' must be http(s)`);
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const prefillMode = opts.prefillMode ?? "continue-final-message";
  const doFetch = opts.fetch ?? fetch;
  const id = `openai:${opts.model}@${baseUrl}`;

  async function once(request: ChatRequest, signal: AbortSignal | undefined): Promise<Completion> {
    const sendPrefill = request.prefill !== undefined && prefillMode === "continue-final-message";
    const messages = sendPrefill
      ? [...request.messages, { role: "assistant", content: request.prefill! }]
      : request.messages;
    const p = request.params;
    const body: Record<string, unknown> = {
      model: opts.model,
      messages,
      n: 1,
      stream: false,
      ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
      ...(p.maxTokens !== undefined ? { max_tokens: p.maxTokens } : {}),
      ...(p.topP !== undefined ? { top_p: p.topP } : {}),
      ...(p.seed !== undefined ? { seed: p.seed } : {}),
      ...(p.stop !== undefined ? { stop: p.stop } : {}),
      ...(sendPrefill ? { continue_final_message: true, add_generation_prompt: false } : {}),
      ...opts.extraBody,
    };
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    let text: string;
    try {
      res = await doFetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
        },
        body: JSON.stringify(body),
        signal: combined,
      });
      text = await res.text();
    } catch (err) {
      if (signal?.aborted) throw err;
      if (timeout.aborted) throw new ProviderError(`request timed out after ${timeoutMs} ms`, true);
      throw new ProviderError(`network error: ${(err as Error).message}`, true);
    }
    if (!res.ok) {
      const retryable = RETRYABLE_STATUS.has(res.status) || res.status >= 500;
      const after = parseRetryAfter(res.headers.get("retry-after"), Date.now());
      throw new ProviderError(
        `HTTP ${res.status} from ${url.href}: ${errorMessage(text)}`,
        retryable,
        res.status,
        after,
      );
    }
    return parseCompletion(text, sendPrefill, url.href);
  }

  return {
    id,
    identity: { kind: "openai", baseUrl, model: opts.model, prefillMode },
    complete(request, ctx) {
      return withRetries(() => once(request, ctx.signal), policy, {
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        ...(opts.sleep ? { sleep: opts.sleep } : {}),
        ...(ctx.onRetry ? { onRetry: ctx.onRetry } : {}),
      });
    },
  };
}

function errorMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof j.error === "string") return j.error;
    if (j.error && typeof j.error.message === "string") return j.error.message;
    if (typeof j.message === "string") return j.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.length > 300 ? text.slice(0, 300) + "…" : text || "(empty body)";
}

const FINISH: Record<string, FinishReason> = {
  stop: "stop",
  eos: "stop",
  length: "length",
  content_filter: "content_filter",
  tool_calls: "tool_calls",
  function_call: "tool_calls",
};

/** Parses a chat-completions body; a malformed one is a retryable error naming the bad field. */
export function parseCompletion(text: string, prefillApplied: boolean, from: string): Completion {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    throw new ProviderError(`malformed JSON from ${from}: ${text.slice(0, 120)}`, true);
  }
  const bad = (field: string) =>
    new ProviderError(`response from ${from}: field '${field}' is missing or malformed`, true);
  const choices = (j as { choices?: unknown }).choices;
  if (!Array.isArray(choices) || choices.length === 0) throw bad("choices");
  const choice = choices[0] as { message?: Record<string, unknown>; finish_reason?: unknown };
  const msg = choice.message;
  if (!msg || typeof msg !== "object") throw bad("choices[0].message");
  const content = msg.content ?? "";
  if (typeof content !== "string") throw bad("choices[0].message.content");
  const reasoning = msg.reasoning_content ?? msg.reasoning ?? null;
  if (reasoning !== null && typeof reasoning !== "string")
    throw bad("choices[0].message.reasoning_content");
  const fr = choice.finish_reason;
  const finishReason: FinishReason = typeof fr === "string" ? (FINISH[fr] ?? "unknown") : "unknown";
  const u = (j as { usage?: Record<string, unknown> }).usage;
  let usage: Usage | null = null;
  if (u && typeof u === "object") {
    const num = (k: string) => (typeof u[k] === "number" ? (u[k] as number) : null);
    const pt = num("prompt_tokens");
    const ct = num("completion_tokens");
    if (pt !== null && ct !== null)
      usage = {
        promptTokens: pt,
        completionTokens: ct,
        totalTokens: num("total_tokens") ?? pt + ct,
      };
  }
  const model = (j as { model?: unknown }).model;
  return {
    content,
    reasoning,
    finishReason,
    usage,
    prefillApplied,
    model: typeof model === "string" ? model : null,
  };
}

/** "MODEL@BASE_URL" → options; the URL may itself contain '@' only in the user-info part. */
export function parseOpenAISpec(rest: string, opts: ProviderOptions): OpenAIProviderOptions {
  const at = rest.indexOf("@");
  if (at <= 0 || at === rest.length - 1)
    throw new Error(
      `provider spec 'openai:${rest}' must look like openai:MODEL@BASE_URL, e.g. openai:qwen3-8b@http://127.0.0.1:8000/v1`,
    );
  const env = opts.env ?? process.env;
  const keyVar = opts.apiKeyEnv ?? "OPENAI_API_KEY";
  const apiKey = env[keyVar];
  return {
    model: rest.slice(0, at),
    baseUrl: rest.slice(at + 1),
    ...(apiKey ? { apiKey } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.retries !== undefined ? { retry: { retries: opts.retries } } : {}),
    ...(opts.prefillMode ? { prefillMode: opts.prefillMode } : {}),
  };
}

registerProviderKind(
  "openai",
  "openai:MODEL@BASE_URL (any OpenAI-compatible endpoint)",
  (rest, o) => openaiProvider(parseOpenAISpec(rest, o)),
);
