import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cachedProvider, cacheKey, ResponseCache } from "../../src/awareness/cache.js";
import { openaiProvider, parseOpenAISpec } from "../../src/awareness/openai-provider.js";
import { createProvider, generateProvider, ProviderError } from "../../src/awareness/provider.js";
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter } from "../../src/awareness/retry.js";
import { startChatServer, type ChatServer } from "../../src/awareness/server.js";
import type { GenerateParams } from "../../src/awareness/provider.js";

let server: ChatServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});
const usage = { promptTokens: 1, completionTokens: 1, totalTokens: 2 };

describe("retry timing", () => {
  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(parseRetryAfter("3", 0)).toBe(3000);
    expect(
      parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT")),
    ).toBe(10_000);
    expect(parseRetryAfter("soon", 0)).toBeNull();
    expect(parseRetryAfter(null, 0)).toBeNull();
  });
  it("doubles the backoff per attempt up to the cap, jittered into [half, full)", () => {
    const p = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4].map((a) => backoffDelay(a, p, () => 0.999999))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
    expect(backoffDelay(2, p, () => 0)).toBe(200);
  });
});

describe("openai provider", () => {
  it("fails at once on a non-retryable 4xx, with the server's message", async () => {
    server = await startChatServer({
      generate: async () => ({ content: "x", finishReason: "stop", usage }),
      model: "m",
    });
    const calls: number[] = [];
    const p = openaiProvider({
      baseUrl: server.url,
      model: "not-m",
      retry: { retries: 5, baseDelayMs: 1 },
      sleep: async (ms) => void calls.push(ms),
    });
    const err = await p
      .complete({ messages: [{ role: "user", content: "q" }], params: {} }, { sampleIndex: 0 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({
      retryable: false,
      status: 404,
      message: expect.stringMatching(/serves 'm'/),
    });
    expect(calls).toEqual([]);
  });
  it("sends the pre-fill only in continue-final-message mode and records whether it did", async () => {
    const seen: GenerateParams[] = [];
    server = await startChatServer({
      generate: async (_m, p) => (seen.push(p), { content: "rest", finishReason: "stop", usage }),
      model: "m",
    });
    const req = {
      messages: [{ role: "user" as const, content: "q" }],
      params: { temperature: 0.5, maxTokens: 9, seed: 4 },
      prefill: "<think>\nOkay.",
    };
    const on = await openaiProvider({ baseUrl: server.url, model: "m" }).complete(req, {
      sampleIndex: 0,
    });
    const off = await openaiProvider({
      baseUrl: server.url,
      model: "m",
      prefillMode: "none",
    }).complete(req, { sampleIndex: 0 });
    expect(on.prefillApplied).toBe(true);
    expect(off.prefillApplied).toBe(false);
    expect(seen.map((p) => p.prefill)).toEqual(["<think>\nOkay.", undefined]);
    expect(seen[0]).toMatchObject({ temperature: 0.5, maxTokens: 9, seed: 4 });
  });
  it("parses MODEL@URL specs and takes the key from the named environment variable", () => {
    expect(
      parseOpenAISpec("qwen3-8b@http://127.0.0.1:8000/v1", {
        env: { K: "secret" },
        apiKeyEnv: "K",
      }),
    ).toEqual({ model: "qwen3-8b", baseUrl: "http://127.0.0.1:8000/v1", apiKey: "secret" });
    expect(() => parseOpenAISpec("no-url", {})).toThrow(/openai:MODEL@BASE_URL/);
    expect(() => createProvider("nope:x")).toThrow(
      /unknown provider kind 'nope'.*\n.*openai:MODEL@BASE_URL/s,
    );
  });
});

describe("response cache", () => {
  const req = { messages: [{ role: "user" as const, content: "q" }], params: { temperature: 1 } };
  it("keys by request and sample index", () => {
    const id = { kind: "x" };
    expect(cacheKey(id, req, 0)).not.toBe(cacheKey(id, req, 1));
    expect(cacheKey(id, req, 0)).toBe(
      cacheKey(
        { kind: "x" },
        { params: { temperature: 1 }, messages: [{ content: "q", role: "user" }] },
        0,
      ),
    );
    expect(cacheKey(id, req, 0)).not.toBe(cacheKey({ kind: "y" }, req, 0));
  });
  it("answers a repeated (request, sample) from disk and a new sample index from the provider", async () => {
    let calls = 0;
    const p = generateProvider("g", async () => ({
      content: `call ${++calls}`,
      finishReason: "stop",
      usage,
    }));
    const c = cachedProvider(p, new ResponseCache(mkdtempSync(join(tmpdir(), "aw-cache-"))));
    const a = await c.complete(req, { sampleIndex: 0 });
    const b = await c.complete(req, { sampleIndex: 0 });
    const d = await c.complete(req, { sampleIndex: 1 });
    expect([a.content, b.content, d.content]).toEqual(["call 1", "call 1", "call 2"]);
  });
});
