/**
 * What the harness needs from a model: one chat completion for one request and sample index.
 * Implementations: any OpenAI-compatible endpoint (openai-provider.ts) and any in-process
 * `generate` function (`generateProvider`, the shape trigscope's own models and the test fakes
 * have; the same function type backs the OpenAI-compatible server in server.ts).
 *
 * Providers are built from a spec string "KIND:REST" through a registry of kinds; `register`
 * throws on a duplicate kind and an unknown kind is an error that lists the known ones.
 */
import type { FinishReason } from "./transcript.js";

export type Role = "system" | "user" | "assistant";

export interface ChatMessage {
  role: Role;
  content: string;
}

export interface GenerationParams {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
}

export interface ChatRequest {
  messages: ChatMessage[];
  params: GenerationParams;
  /** Assistant text the reply must continue from (e.g. "<think>\nOkay."). */
  prefill?: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface Completion {
  /** The assistant text (after the pre-fill, when one was applied). */
  content: string;
  /** A separate reasoning channel, when the server returns one. */
  reasoning: string | null;
  finishReason: FinishReason;
  /** null when the server did not report usage. */
  usage: Usage | null;
  /** Whether the pre-fill was actually sent as the start of the reply. */
  prefillApplied: boolean;
  /** The model name the server reported, if any. */
  model: string | null;
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface CallContext {
  /** Which of the N samples of this request this is: part of the cache key and the seed. */
  sampleIndex: number;
  signal?: AbortSignal;
  onRetry?: (e: RetryEvent) => void;
}

export interface Provider {
  /** Short name for logs, e.g. "openai:qwen3-8b@http://127.0.0.1:8000/v1". */
  id: string;
  /** What determines the output besides the request (model, endpoint, pre-fill mode): cache key. */
  identity: Record<string, string | number | boolean | null>;
  complete(request: ChatRequest, ctx: CallContext): Promise<Completion>;
}

/** Parameters a generate function receives: sampling settings plus pre-fill and cancellation. */
export interface GenerateParams extends GenerationParams {
  prefill?: string;
  signal?: AbortSignal;
  /** Streams text as it is produced; optional for the generate function to call. */
  emit?: (delta: { reasoning?: string; content?: string }) => void;
}

export interface GenerateResult {
  reasoning?: string | null;
  content: string;
  finishReason: FinishReason;
  usage: Usage;
}

/** One chat completion from in-process code (a local model, a test fake). */
export type GenerateFn = (
  messages: ChatMessage[],
  params: GenerateParams,
) => Promise<GenerateResult>;

/** A Provider over an in-process generate function; the pre-fill is always applied. */
export function generateProvider(
  id: string,
  generate: GenerateFn,
  identity: Record<string, string | number | boolean | null> = {},
): Provider {
  return {
    id,
    identity: { kind: "generate", id, ...identity },
    async complete(request, ctx) {
      const r = await generate(request.messages, {
        ...request.params,
        ...(request.prefill !== undefined ? { prefill: request.prefill } : {}),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      return {
        content: r.content,
        reasoning: r.reasoning ?? null,
        finishReason: r.finishReason,
        usage: r.usage,
        prefillApplied: request.prefill !== undefined,
        model: id,
      };
    },
  };
}

/** Options every provider kind understands; kinds ignore what does not apply to them. */
export interface ProviderOptions {
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  retries?: number;
  apiKeyEnv?: string;
  prefillMode?: "continue-final-message" | "none";
}

type ProviderFactory = (rest: string, opts: ProviderOptions) => Provider;

const kinds = new Map<string, { factory: ProviderFactory; usage: string }>();

export function registerProviderKind(kind: string, usage: string, factory: ProviderFactory): void {
  if (kinds.has(kind)) throw new Error(`provider kind '${kind}' is registered twice`);
  kinds.set(kind, { factory, usage });
}

export function providerKinds(): { kind: string; usage: string }[] {
  return [...kinds.entries()].map(([kind, v]) => ({ kind, usage: v.usage }));
}

/** Builds a provider from "KIND:REST", e.g. "openai:qwen3-8b@http://127.0.0.1:8000/v1". */
export function createProvider(spec: string, opts: ProviderOptions = {}): Provider {
  const colon = spec.indexOf(":");
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const entry = kinds.get(kind);
  if (!entry) {
    const known = providerKinds()
      .map((k) => `  ${k.usage}`)
      .join("\n");
    throw new Error(`unknown provider kind '${kind}' in '${spec}'; known kinds:\n${known}`);
  }
  return entry.factory(colon < 0 ? "" : spec.slice(colon + 1), opts);
}

/** An error from a provider call; `retryable` errors are retried with backoff. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status: number | null = null,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}
