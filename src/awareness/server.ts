/**
 * An OpenAI-compatible chat-completions server over any generate function (GenerateFn in
 * provider.ts): `trigscope serve` puts trigscope's own models behind it, tests put fakes. Binds
 * 127.0.0.1 unless told otherwise. Routes: GET /v1/models, GET /health, POST /v1/chat/completions
 * (non-streaming and SSE streaming; reasoning in `reasoning_content`, as vLLM and DeepSeek do).
 * A generate function that keeps `<think>…</think>` in its text (trigscope's own models do) gets it
 * split into `reasoning_content` when the server runs with `reasoningParser` (vLLM's
 * `--reasoning-parser`; think-split.ts); without one the tags stay in `content`.
 * vLLM's `continue_final_message: true` turns a final assistant message into the pre-fill.
 * Calls into generate are queued to `maxConcurrent` (a local model runs one at a time); a client
 * that disconnects aborts its generation.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChatMessage, GenerateFn, GenerateParams, GenerateResult, Role } from "./provider.js";
import {
  prefillOpensThink,
  splitThink,
  ThinkSplitter,
  type ReasoningParser,
  type Split,
} from "./think-split.js";

export interface ChatServerOptions {
  generate: GenerateFn;
  /** The model id clients must ask for (and /v1/models lists). */
  model: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  maxConcurrent?: number;
  maxBodyBytes?: number;
  /** Split `<think>…</think>` out of the generated text into `reasoning_content`. */
  reasoningParser?: ReasoningParser | null;
  onLog?: (line: string) => void;
}

export interface ChatServer {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = "invalid_request_error",
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

interface ParsedRequest {
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
  if (!Array.isArray(b.messages) || b.messages.length === 0)
    throw new HttpError(
      400,
      "'messages' must be a non-empty array",
      "invalid_request_error",
      "messages",
    );
  const messages: ChatMessage[] = b.messages.map((m: unknown, i: number) => {
    const o = (m ?? {}) as Record<string, unknown>;
    const role = ROLES[String(o.role)];
    if (!role)
      throw new HttpError(
        400,
        `messages[${i}].role '${String(o.role)}' is not supported (system, developer, user, assistant)`,
        "invalid_request_error",
        `messages[${i}].role`,
      );
    let content: string;
    if (typeof o.content === "string") content = o.content;
    else if (
      Array.isArray(o.content) &&
      o.content.every(
        (p) =>
          p &&
          typeof p === "object" &&
          (p as { type?: unknown }).type === "text" &&
          typeof (p as { text?: unknown }).text === "string",
      )
    )
      content = o.content.map((p) => (p as { text: string }).text).join("");
    else
      throw new HttpError(
        400,
        `messages[${i}].content must be a string or a list of text parts`,
        "invalid_request_error",
        `messages[${i}].content`,
      );
    return { role, content };
  });
  for (const k of ["tools", "tool_choice", "functions"])
    if (b[k] !== undefined)
      throw new HttpError(
        400,
        `'${k}' is not supported by this server`,
        "invalid_request_error",
        k,
      );
  if (b.logprobs === true)
    throw new HttpError(
      400,
      "'logprobs' is not supported by this server",
      "invalid_request_error",
      "logprobs",
    );
  if (b.n !== undefined && b.n !== 1)
    throw new HttpError(400, "only n = 1 is supported", "invalid_request_error", "n");
  const num = (k: string, lo: number, hi: number, int = false): number | undefined => {
    const v = b[k];
    if (v === undefined || v === null) return undefined;
    if (
      typeof v !== "number" ||
      !Number.isFinite(v) ||
      v < lo ||
      v > hi ||
      (int && !Number.isInteger(v))
    )
      throw new HttpError(
        400,
        `'${k}' must be ${int ? "an integer" : "a number"} in [${lo}, ${hi}]`,
        "invalid_request_error",
        k,
      );
    return v;
  };
  const params: GenerateParams = {};
  const temperature = num("temperature", 0, 2);
  const topP = num("top_p", 0, 1);
  const maxTokens = num("max_completion_tokens", 1, 1e7, true) ?? num("max_tokens", 1, 1e7, true);
  const seed = num("seed", -(2 ** 53), 2 ** 53, true);
  if (temperature !== undefined) params.temperature = temperature;
  if (topP !== undefined) params.topP = topP;
  if (maxTokens !== undefined) params.maxTokens = maxTokens;
  if (seed !== undefined) params.seed = seed;
  if (b.stop !== undefined && b.stop !== null) {
    const stop = typeof b.stop === "string" ? [b.stop] : b.stop;
    if (!Array.isArray(stop) || !stop.every((s) => typeof s === "string"))
      throw new HttpError(
        400,
        "'stop' must be a string or a list of strings",
        "invalid_request_error",
        "stop",
      );
    params.stop = stop as string[];
  }
  if (b.continue_final_message === true) {
    const last = messages.at(-1)!;
    if (last.role !== "assistant")
      throw new HttpError(
        400,
        "continue_final_message needs a final assistant message to continue",
        "invalid_request_error",
        "messages",
      );
    messages.pop();
    params.prefill = last.content;
  }
  const so = b.stream_options as { include_usage?: unknown } | undefined;
  return { messages, params, stream: b.stream === true, includeUsage: so?.include_usage === true };
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new HttpError(413, `request body over ${limit} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const FINISH: Record<GenerateResult["finishReason"], string> = {
  stop: "stop",
  length: "length",
  content_filter: "content_filter",
  tool_calls: "tool_calls",
  unknown: "stop",
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

export async function startChatServer(opts: ChatServerOptions): Promise<ChatServer> {
  const host = opts.host ?? "127.0.0.1";
  const maxConcurrent = opts.maxConcurrent ?? 1;
  const limit = opts.maxBodyBytes ?? 16 * 1024 * 1024;
  const log = opts.onLog ?? (() => {});
  let running = 0;
  const waiting: (() => void)[] = [];
  const acquire = () =>
    running < maxConcurrent
      ? (running++, Promise.resolve())
      : new Promise<void>((r) => waiting.push(() => (running++, r())));
  const release = () => {
    running--;
    waiting.shift()?.();
  };

  async function completions(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: unknown;
    const text = await readBody(req, limit);
    try {
      body = JSON.parse(text);
    } catch {
      throw new HttpError(400, "the request body is not valid JSON");
    }
    const parsed = parseChatRequest(body, opts.model);
    const abort = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) abort.abort(new Error("client disconnected"));
    });
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: Record<string, unknown>, finish: string | null, usage?: unknown) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: opts.model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }], ...(usage ? { usage } : {}) })}\n\n`;
    const emitted = { reasoning: "", content: "" };
    const startInside = prefillOpensThink(parsed.params.prefill);
    let splitter = opts.reasoningParser ? new ThinkSplitter(startInside) : null;
    const send = (d: Partial<Split>) => {
      if (d.reasoning) {
        emitted.reasoning += d.reasoning;
        res.write(chunk({ reasoning_content: d.reasoning }, null));
      }
      if (d.content) {
        emitted.content += d.content;
        res.write(chunk({ content: d.content }, null));
      }
    };
    if (parsed.stream) {
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        connection: "keep-alive",
      });
      res.write(chunk({ role: "assistant", content: "" }, null));
      parsed.params.emit = (d) => {
        if (d.reasoning) splitter = null; // the generate function has its own reasoning channel
        send(d.reasoning ? d : d.content && splitter ? splitter.push(d.content) : d);
      };
    }
    await acquire();
    let result: GenerateResult;
    try {
      if (abort.signal.aborted) return;
      result = await opts.generate(parsed.messages, { ...parsed.params, signal: abort.signal });
    } catch (err) {
      if (parsed.stream) {
        res.write(
          `data: ${JSON.stringify({ error: { message: (err as Error).message, type: "server_error" } })}\n\n`,
        );
        res.end();
        return;
      }
      throw new HttpError(500, `generation failed: ${(err as Error).message}`, "server_error");
    } finally {
      release();
    }
    const usage = {
      prompt_tokens: result.usage.promptTokens,
      completion_tokens: result.usage.completionTokens,
      total_tokens: result.usage.totalTokens,
    };
    let reasoning = result.reasoning ?? null;
    let content = result.content;
    if (opts.reasoningParser && reasoning === null) {
      const split = splitThink(content, startInside);
      reasoning = split.reasoning === "" ? null : split.reasoning;
      content = split.content;
    }
    if (!parsed.stream) {
      sendJson(res, 200, {
        id,
        object: "chat.completion",
        created,
        model: opts.model,
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content,
              ...(reasoning !== null ? { reasoning_content: reasoning } : {}),
            },
            finish_reason: FINISH[result.finishReason],
            logprobs: null,
          },
        ],
        usage,
      });
      return;
    }
    const rest = (all: string, sent: string, what: string) => {
      if (all.startsWith(sent)) return all.slice(sent.length);
      log(
        `generate emitted ${what} that is not a prefix of its result; the stream holds what was emitted`,
      );
      return "";
    };
    if (splitter) send(splitter.end());
    const r = rest(reasoning ?? "", emitted.reasoning, "reasoning");
    if (r) res.write(chunk({ reasoning_content: r }, null));
    const c = rest(content, emitted.content, "content");
    if (c) res.write(chunk({ content: c }, null));
    res.write(chunk({}, FINISH[result.finishReason]));
    if (parsed.includeUsage)
      res.write(
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: opts.model, choices: [], usage })}\n\n`,
      );
    res.end("data: [DONE]\n\n");
  }

  const server = createServer((req, res) => {
    const url = (req.url ?? "/").split("?")[0]!.replace(/\/+$/, "");
    const route = `${req.method} ${url}`;
    const handle = async () => {
      if (route === "GET /v1/models")
        return sendJson(res, 200, {
          object: "list",
          data: [{ id: opts.model, object: "model", created: 0, owned_by: "trigscope" }],
        });
      if (route === "GET /health") return sendJson(res, 200, { ok: true, model: opts.model });
      if (route === "POST /v1/chat/completions") return completions(req, res);
      if (url === "/v1/chat/completions" || url === "/v1/models")
        throw new HttpError(405, `${req.method} is not allowed on ${url}`);
      throw new HttpError(404, `no route for ${route}`);
    };
    handle().catch((err: unknown) => {
      const e =
        err instanceof HttpError ? err : new HttpError(500, (err as Error).message, "server_error");
      log(`${route} -> ${e.status}: ${e.message}`);
      if (res.headersSent) return void res.end();
      sendJson(res, e.status, {
        error: { message: e.message, type: e.type, param: e.param, code: null },
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shownHost}:${addr.port}/v1`,
    host: addr.address,
    port: addr.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
