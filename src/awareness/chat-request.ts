/**
 * Parsing and validating an OpenAI chat-completions request body for the chat server
 * (server.ts): messages (string or text-part content), sampling parameters, stop strings, vLLM's
 * continue_final_message, streaming. Anything the server cannot honour (tools, logprobs, n > 1)
 * is refused with an HttpError naming the field, as OpenAI's API does.
 */
import type { ChatMessage, GenerateParams, Role } from "./provider.js";

/** An error answered as OpenAI's error JSON with this status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = "invalid_request_error",
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

export interface ParsedRequest {
  messages: ChatMessage[];
  params: GenerateParams;
  stream: boolean;
  includeUsage: boolean;
}

const ROLES: Record<string, Role> = {
  system: "system",
  developer: "system",
  user: "user",
  assistant: "assistant",
};

const badRequest = (message: string, param: string) =>
  new HttpError(400, message, "invalid_request_error", param);

/** A message's content: a string, or a list of text parts joined. */
function messageContent(content: unknown, i: number): string {
  if (typeof content === "string") return content;
  if (
    Array.isArray(content) &&
    content.every(
      (p) =>
        p &&
        typeof p === "object" &&
        (p as { type?: unknown }).type === "text" &&
        typeof (p as { text?: unknown }).text === "string",
    )
  )
    return content.map((p) => (p as { text: string }).text).join("");
  throw badRequest(
    `messages[${i}].content must be a string or a list of text parts`,
    `messages[${i}].content`,
  );
}

/** The request's messages, roles mapped (developer is system). */
function parseMessages(b: Record<string, unknown>): ChatMessage[] {
  if (!Array.isArray(b.messages) || b.messages.length === 0)
    throw badRequest("'messages' must be a non-empty array", "messages");
  return b.messages.map((m: unknown, i: number) => {
    const o = (m ?? {}) as Record<string, unknown>;
    const role = ROLES[String(o.role)];
    if (!role)
      throw badRequest(
        `messages[${i}].role '${String(o.role)}' is not supported (system, developer, user, assistant)`,
        `messages[${i}].role`,
      );
    return { role, content: messageContent(o.content, i) };
  });
}

/** Refuses tools, logprobs and n > 1. */
function rejectUnsupported(b: Record<string, unknown>): void {
  for (const k of ["tools", "tool_choice", "functions"])
    if (b[k] !== undefined) throw badRequest(`'${k}' is not supported by this server`, k);
  if (b.logprobs === true)
    throw badRequest("'logprobs' is not supported by this server", "logprobs");
  if (b.n !== undefined && b.n !== 1) throw badRequest("only n = 1 is supported", "n");
}

/** A numeric field in [lo, hi] (an integer when `int`), or undefined when absent or null. */
function numberField(
  b: Record<string, unknown>,
  k: string,
  range: [number, number],
  int = false,
): number | undefined {
  const v = b[k];
  const [lo, hi] = range;
  if (v === undefined || v === null) return undefined;
  if (
    typeof v !== "number" ||
    !Number.isFinite(v) ||
    v < lo ||
    v > hi ||
    (int && !Number.isInteger(v))
  )
    throw badRequest(`'${k}' must be ${int ? "an integer" : "a number"} in [${lo}, ${hi}]`, k);
  return v;
}

/** Sampling parameters and stop strings. */
function generateParams(b: Record<string, unknown>): GenerateParams {
  const params: GenerateParams = {};
  const temperature = numberField(b, "temperature", [0, 2]);
  const topP = numberField(b, "top_p", [0, 1]);
  const maxTokens =
    numberField(b, "max_completion_tokens", [1, 1e7], true) ??
    numberField(b, "max_tokens", [1, 1e7], true);
  const seed = numberField(b, "seed", [-(2 ** 53), 2 ** 53], true);
  if (temperature !== undefined) params.temperature = temperature;
  if (topP !== undefined) params.topP = topP;
  if (maxTokens !== undefined) params.maxTokens = maxTokens;
  if (seed !== undefined) params.seed = seed;
  if (b.stop !== undefined && b.stop !== null) {
    const stop = typeof b.stop === "string" ? [b.stop] : b.stop;
    if (!Array.isArray(stop) || !stop.every((s) => typeof s === "string"))
      throw badRequest("'stop' must be a string or a list of strings", "stop");
    params.stop = stop as string[];
  }
  return params;
}

export function parseChatRequest(body: unknown, model: string): ParsedRequest {
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw new HttpError(400, "the request body must be a JSON object");
  const b = body as Record<string, unknown>;
  if (b.model !== undefined && b.model !== model)
    throw new HttpError(
      404,
      `model '${String(b.model)}' is not served here; this server serves '${model}'`,
      "invalid_request_error",
      "model",
    );
  const messages = parseMessages(b);
  rejectUnsupported(b);
  const params = generateParams(b);
  if (b.continue_final_message === true) {
    const last = messages.at(-1)!;
    if (last.role !== "assistant")
      throw badRequest(
        "continue_final_message needs a final assistant message to continue",
        "messages",
      );
    messages.pop();
    params.prefill = last.content;
  }
  const so = b.stream_options as { include_usage?: unknown } | undefined;
  return { messages, params, stream: b.stream === true, includeUsage: so?.include_usage === true };
}
