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
import { HttpError, parseChatRequest, type ParsedRequest } from "./chat-request.js";
import type { GenerateFn, GenerateResult } from "./provider.js";
import {
  prefillOpensThink,
  splitThink,
  ThinkSplitter,
  type ReasoningParser,
  type Split,
} from "./think-split.js";

export { parseChatRequest } from "./chat-request.js";

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

/** Queues calls into generate to `max` at a time. */
function gate(max: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  const acquire = () =>
    running < max
      ? (running++, Promise.resolve())
      : new Promise<void>((r) => waiting.push(() => (running++, r())));
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  return { acquire, release };
}

/** What every request handler of one server shares. */
interface ServerContext {
  opts: ChatServerOptions;
  limit: number;
  log: (line: string) => void;
  slots: ReturnType<typeof gate>;
}

async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const text = await readBody(req, limit);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "the request body is not valid JSON");
  }
}

/** One completion's SSE writer: chunks with its id, and what has been emitted so far. */
function streamWriter(res: ServerResponse, model: string) {
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null, usage?: unknown) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }], ...(usage ? { usage } : {}) })}\n\n`;
  const emitted = { reasoning: "", content: "" };
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
  return { id, created, chunk, emitted, send };
}

type Writer = ReturnType<typeof streamWriter>;

/** Starts the SSE response and routes generate's emitted text through the think splitter. */
function startStream(
  res: ServerResponse,
  parsed: ParsedRequest,
  w: Writer,
  splitter: { current: ThinkSplitter | null },
): void {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  res.write(w.chunk({ role: "assistant", content: "" }, null));
  parsed.params.emit = (d) => {
    if (d.reasoning) splitter.current = null; // the generate function has its own reasoning channel
    const s = splitter.current;
    w.send(d.reasoning ? d : d.content && s ? s.push(d.content) : d);
  };
}

/**
 * Runs generate in its slot. Returns null when the client left first, or when a streamed
 * generation failed (the error went down the stream).
 */
async function runGenerate(
  ctx: ServerContext,
  parsed: ParsedRequest,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<GenerateResult | null> {
  await ctx.slots.acquire();
  try {
    if (signal.aborted) return null;
    return await ctx.opts.generate(parsed.messages, { ...parsed.params, signal });
  } catch (err) {
    if (parsed.stream) {
      res.write(
        `data: ${JSON.stringify({ error: { message: (err as Error).message, type: "server_error" } })}\n\n`,
      );
      res.end();
      return null;
    }
    throw new HttpError(500, `generation failed: ${(err as Error).message}`, "server_error");
  } finally {
    ctx.slots.release();
  }
}

/** The result's reasoning and content, split at </think> when the server parses reasoning. */
function finalText(ctx: ServerContext, result: GenerateResult, startInside: boolean) {
  let reasoning = result.reasoning ?? null;
  let content = result.content;
  if (ctx.opts.reasoningParser && reasoning === null) {
    const split = splitThink(content, startInside);
    reasoning = split.reasoning === "" ? null : split.reasoning;
    content = split.content;
  }
  return { reasoning, content };
}

/** Ends the stream: what was not emitted yet, the finish chunk, usage when asked, [DONE]. */
function finishStream(
  ctx: ServerContext,
  res: ServerResponse,
  w: Writer,
  end: { text: { reasoning: string | null; content: string }; finish: string; usage: unknown },
  includeUsage: boolean,
): void {
  const rest = (all: string, sent: string, what: string) => {
    if (all.startsWith(sent)) return all.slice(sent.length);
    ctx.log(
      `generate emitted ${what} that is not a prefix of its result; the stream holds what was emitted`,
    );
    return "";
  };
  const r = rest(end.text.reasoning ?? "", w.emitted.reasoning, "reasoning");
  if (r) res.write(w.chunk({ reasoning_content: r }, null));
  const c = rest(end.text.content, w.emitted.content, "content");
  if (c) res.write(w.chunk({ content: c }, null));
  res.write(w.chunk({}, end.finish));
  if (includeUsage)
    res.write(
      `data: ${JSON.stringify({ id: w.id, object: "chat.completion.chunk", created: w.created, model: ctx.opts.model, choices: [], usage: end.usage })}\n\n`,
    );
  res.end("data: [DONE]\n\n");
}

/** The non-streamed chat.completion object. */
function completionBody(
  ctx: ServerContext,
  w: Writer,
  text: { reasoning: string | null; content: string },
  finish: string,
  usage: unknown,
) {
  return {
    id: w.id,
    object: "chat.completion",
    created: w.created,
    model: ctx.opts.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: text.content,
          ...(text.reasoning !== null ? { reasoning_content: text.reasoning } : {}),
        },
        finish_reason: finish,
        logprobs: null,
      },
    ],
    usage,
  };
}

/** POST /v1/chat/completions. */
async function completions(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readJsonBody(req, ctx.limit);
  const parsed = parseChatRequest(body, ctx.opts.model);
  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort(new Error("client disconnected"));
  });
  const w = streamWriter(res, ctx.opts.model);
  const startInside = prefillOpensThink(parsed.params.prefill);
  const splitter = { current: ctx.opts.reasoningParser ? new ThinkSplitter(startInside) : null };
  if (parsed.stream) startStream(res, parsed, w, splitter);
  const result = await runGenerate(ctx, parsed, res, abort.signal);
  if (!result) return;
  const usage = {
    prompt_tokens: result.usage.promptTokens,
    completion_tokens: result.usage.completionTokens,
    total_tokens: result.usage.totalTokens,
  };
  const text = finalText(ctx, result, startInside);
  const finish = FINISH[result.finishReason];
  if (!parsed.stream) return sendJson(res, 200, completionBody(ctx, w, text, finish, usage));
  if (splitter.current) w.send(splitter.current.end());
  finishStream(ctx, res, w, { text, finish, usage }, parsed.includeUsage);
}

/** The request handler: routes, and errors answered as OpenAI's error JSON. */
function handler(ctx: ServerContext) {
  const { opts, log } = ctx;
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = (req.url ?? "/").split("?")[0]!.replace(/\/+$/, "");
    const route = `${req.method} ${url}`;
    const handle = async () => {
      if (route === "GET /v1/models")
        return sendJson(res, 200, {
          object: "list",
          data: [{ id: opts.model, object: "model", created: 0, owned_by: "trigscope" }],
        });
      if (route === "GET /health") return sendJson(res, 200, { ok: true, model: opts.model });
      if (route === "POST /v1/chat/completions") return completions(ctx, req, res);
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
  };
}

export async function startChatServer(opts: ChatServerOptions): Promise<ChatServer> {
  const host = opts.host ?? "127.0.0.1";
  const ctx: ServerContext = {
    opts,
    limit: opts.maxBodyBytes ?? 16 * 1024 * 1024,
    log: opts.onLog ?? (() => {}),
    slots: gate(opts.maxConcurrent ?? 1),
  };
  const server = createServer(handler(ctx));
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
