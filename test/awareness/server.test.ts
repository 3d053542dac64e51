import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import type { GenerateFn } from "../../src/awareness/provider.js";
import { startChatServer, type ChatServer } from "../../src/awareness/server.js";

/** Deterministic: reasoning and answer are functions of the last user message, seed and pre-fill. */
const echo: GenerateFn = async (messages, params) => {
  const user = messages.filter((m) => m.role === "user").at(-1)!.content;
  const reasoning = `about "${user}" with seed ${params.seed ?? "none"}`;
  const content =
    params.prefill !== undefined ? `[continuing ${params.prefill}] done` : `answer to ${user}`;
  const long = (params.maxTokens ?? 1000) < 5;
  return {
    reasoning,
    content,
    finishReason: long ? "length" : "stop",
    usage: {
      promptTokens: user.length,
      completionTokens: content.length,
      totalTokens: user.length + content.length,
    },
  };
};

let server: ChatServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const client = (s: ChatServer) => new OpenAI({ baseURL: s.url, apiKey: "unused", maxRetries: 0 });

describe("OpenAI-compatible server over a generate function (official openai client)", () => {
  it("binds 127.0.0.1 by default and lists its model", async () => {
    server = await startChatServer({ generate: echo, model: "fixture-model" });
    expect(server.host).toBe("127.0.0.1");
    const models = await client(server).models.list();
    expect(models.data.map((m) => m.id)).toEqual(["fixture-model"]);
  });

  it("answers a chat completion with reasoning_content, usage and finish reason", async () => {
    server = await startChatServer({ generate: echo, model: "fixture-model" });
    const r = await client(server).chat.completions.create({
      model: "fixture-model",
      messages: [{ role: "user", content: "hi" }],
      seed: 3,
      temperature: 0,
    });
    const msg = r.choices[0]!.message as (typeof r.choices)[0]["message"] & {
      reasoning_content?: string;
    };
    expect(msg.content).toBe("answer to hi");
    expect(msg.reasoning_content).toBe('about "hi" with seed 3');
    expect(r.choices[0]!.finish_reason).toBe("stop");
    expect(r.usage).toEqual({ prompt_tokens: 2, completion_tokens: 12, total_tokens: 14 });
    expect(r.model).toBe("fixture-model");
  });

  it("reports the token limit as finish_reason 'length'", async () => {
    server = await startChatServer({ generate: echo, model: "m" });
    const r = await client(server).chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "x" }],
      max_tokens: 2,
    });
    expect(r.choices[0]!.finish_reason).toBe("length");
  });

  it("streams reasoning and content deltas, the finish reason and usage", async () => {
    const streaming: GenerateFn = async (messages, params) => {
      for (const w of ["Let ", "me ", "think."]) params.emit?.({ reasoning: w });
      for (const w of ["Hello", " there"]) params.emit?.({ content: w });
      return {
        reasoning: "Let me think.",
        content: "Hello there",
        finishReason: "stop",
        usage: { promptTokens: 1, completionTokens: 5, totalTokens: 6 },
      };
    };
    server = await startChatServer({ generate: streaming, model: "m" });
    const stream = await client(server).chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "x" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let reasoning = "";
    let content = "";
    let contentChunks = 0;
    let finish: string | null = null;
    let usage: unknown = null;
    for await (const ch of stream) {
      const d = ch.choices[0]?.delta as
        { content?: string; reasoning_content?: string } | undefined;
      if (d?.reasoning_content) reasoning += d.reasoning_content;
      if (d?.content) {
        content += d.content;
        contentChunks++;
      }
      finish = ch.choices[0]?.finish_reason ?? finish;
      if (ch.usage) usage = ch.usage;
    }
    expect({ reasoning, content, finish, contentChunks }).toEqual({
      reasoning: "Let me think.",
      content: "Hello there",
      finish: "stop",
      contentChunks: 2,
    });
    expect(usage).toEqual({ prompt_tokens: 1, completion_tokens: 5, total_tokens: 6 });
  });

  it("streams a generate function that does not emit as one final delta", async () => {
    server = await startChatServer({ generate: echo, model: "m" });
    const stream = await client(server).chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "q" }],
      stream: true,
    });
    let content = "";
    for await (const ch of stream) content += ch.choices[0]?.delta?.content ?? "";
    expect(content).toBe("answer to q");
  });

  it("turns continue_final_message into the pre-fill", async () => {
    server = await startChatServer({ generate: echo, model: "m" });
    const r = await client(server).chat.completions.create({
      model: "m",
      messages: [
        { role: "user", content: "q" },
        { role: "assistant", content: "<think>\nOkay." },
      ],
      // vLLM's extension, passed through the client as an extra body field.
      ...({ continue_final_message: true, add_generation_prompt: false } as object),
    });
    expect(r.choices[0]!.message.content).toBe("[continuing <think>\nOkay.] done");
  });

  it("rejects bad requests with OpenAI-style errors the client understands", async () => {
    server = await startChatServer({ generate: echo, model: "m" });
    const c = client(server);
    await expect(
      c.chat.completions.create({ model: "other", messages: [{ role: "user", content: "x" }] }),
    ).rejects.toMatchObject({ status: 404, message: expect.stringMatching(/serves 'm'/) });
    await expect(
      c.chat.completions.create({
        model: "m",
        messages: [{ role: "user", content: "x" }],
        temperature: 7,
      }),
    ).rejects.toMatchObject({ status: 400, param: "temperature" });
    await expect(c.chat.completions.create({ model: "m", messages: [] })).rejects.toMatchObject({
      status: 400,
      param: "messages",
    });
    await expect(
      c.chat.completions.create({
        model: "m",
        messages: [{ role: "user", content: "x" }],
        tools: [{ type: "function", function: { name: "f" } }],
      }),
    ).rejects.toMatchObject({ status: 400, param: "tools" });
  });

  it("returns 500 with the generator's message when generation fails", async () => {
    server = await startChatServer({
      generate: async () => Promise.reject(new Error("out of memory")),
      model: "m",
    });
    await expect(
      client(server).chat.completions.create({
        model: "m",
        messages: [{ role: "user", content: "x" }],
      }),
    ).rejects.toMatchObject({ status: 500, message: expect.stringMatching(/out of memory/) });
  });

  it("runs one generation at a time by default", async () => {
    let now = 0;
    let peak = 0;
    const slow: GenerateFn = async (m, p) => {
      peak = Math.max(peak, ++now);
      await new Promise((r) => setTimeout(r, 30));
      now--;
      return echo(m, p);
    };
    server = await startChatServer({ generate: slow, model: "m" });
    const c = client(server);
    const rs = await Promise.all(
      [1, 2, 3].map((i) =>
        c.chat.completions.create({ model: "m", messages: [{ role: "user", content: `q${i}` }] }),
      ),
    );
    expect(rs.map((r) => r.choices[0]!.message.content)).toEqual([
      "answer to q1",
      "answer to q2",
      "answer to q3",
    ]);
    expect(peak).toBe(1);
  });

  it("aborts the generation when the client goes away", async () => {
    let aborted: Promise<boolean> | null = null;
    const hang: GenerateFn = (_m, p) => {
      aborted = new Promise((resolve) => p.signal!.addEventListener("abort", () => resolve(true)));
      return new Promise(() => {});
    };
    server = await startChatServer({ generate: hang, model: "m" });
    const ac = new AbortController();
    const req = client(server).chat.completions.create(
      { model: "m", messages: [{ role: "user", content: "x" }] },
      { signal: ac.signal },
    );
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await expect(req).rejects.toThrow();
    expect(await aborted!).toBe(true);
  });
});
